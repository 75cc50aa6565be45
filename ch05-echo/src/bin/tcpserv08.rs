//! UNP §5.18, Fig 5.17 — the echo server turned into a sum server: it reads
//! a line of text with two numbers and answers with their sum, as text.
//!
//! Run:        cargo run -p ch05-echo --bin tcpserv08
//! Talk to it: cargo run -p ch05-echo --bin tcpcli08 -- 127.0.0.1
//!             (or: nc 127.0.0.1 9877), then type "11 22".
//! Observe:    "11 22" → "33"; "-11 -44" → "-55"; "one two", "1", "1 2 3",
//!             a number or a sum beyond 64 bits → "input error". Text works
//!             between any two hosts: the byte order and the size of a
//!             `long` never travel on the wire.
//! Changed from tcpserv01: the child runs str_echo08 instead of str_echo.
//! Overflow (decided here, see `ch05_echo::sum::text_reply`): the C server
//! adds two longs and wraps; this one answers "input error" instead.

use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::notice;
use common::readline::{Readline, Rline};
use common::sock_ntop::sock_ntop;
use common::wrapsock::{Accept, Close};
use common::wrapunix::Fork;
use common::writen::Writen;
use nix::unistd::ForkResult;
use std::os::fd::AsFd;

/// UNP §5.18 (Fig 5.17): sum server, text ("11 22" → "33"). Talk to it: tcpcli08 127.0.0.1 or nc.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,
}

// ANCHOR: str_echo08
fn str_echo(sockfd: impl AsFd) {
    let mut from_client = Rline::new(sockfd);
    let mut line = Vec::new();
    loop {
        if Readline(&mut from_client, &mut line) == 0 {
            return; // connection closed by other end
        }
        let reply = ch05_echo::sum::text_reply(&line); // "33\n" or "input error\n"
        Writen(from_client.get_ref(), &reply);
    }
}
// ANCHOR_END: str_echo08

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.serv.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    let listenfd = Serv_listen(&args.serv, false);

    loop {
        let (connfd, cliaddr) = Accept(&listenfd);
        // SAFETY: single-threaded: no other thread can hold a lock across fork.
        match unsafe { Fork() } {
            ForkResult::Child => {
                Close(listenfd); // the child does not accept
                notice!("connection from {}", sock_ntop(&cliaddr));
                str_echo(&connfd); // process the request
                std::process::exit(0); // closes connfd: FIN to the client
            }
            ForkResult::Parent { child } => {
                notice!("child {child} serves {}", sock_ntop(&cliaddr));
                Close(connfd); // the parent does not talk to the client
            }
        }
    }
    // ANCHOR_END: main
}

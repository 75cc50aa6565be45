//! UNP §5.18, Fig 5.20 — the sum server with binary arguments: it reads the
//! bytes of a C `struct args { long arg1, arg2; }` and writes back those of
//! `struct result { long sum; }`, exactly as they lie in this host's memory.
//!
//! Run:        cargo run -p ch05-echo --bin tcpserv09 -- -v
//! Talk to it: cargo run -p ch05-echo --bin tcpcli09 -- 127.0.0.1, then "1 2"
//! Observe:    between two identical hosts it works: "-22 -77" → -99. A peer
//!             with the other byte order (tcpcli09 --peer-order big) gets
//!             "1 2" → 3 by luck and "-22 -77" → -72057594037928034; a peer
//!             whose long is 4 bytes (tcpcli09 --long 4) sends 8 bytes, and
//!             this server waits forever for the other 8 (-v shows each
//!             request as the server read it).
//! Changed from tcpserv08: str_echo reads 16 bytes with readn instead of a
//! line, and adds two native longs (wrapping on overflow, as C does).

use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::sock_ntop::sock_ntop;
use common::wrapsock::{Accept, Close};
use common::wrapunix::Fork;
use common::writen::{Readn, Writen};
use common::{debug, notice, warning};
use nix::unistd::ForkResult;
use std::os::fd::AsFd;

/// UNP §5.18 (Fig 5.20): sum server, C longs in this host's layout. Talk to it: tcpcli09 127.0.0.1.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,
}

// ANCHOR: str_echo09
fn str_echo(sockfd: impl AsFd) {
    let host = ch05_echo::sum::Host::NATIVE; // this machine's byte order and sizeof(long)
    let mut args = vec![0u8; host.args_size()]; // struct args
    loop {
        let n = Readn(&sockfd, &mut args);
        if n == 0 {
            return; // connection closed by other end
        }
        if n < args.len() {
            warning!("short message: {n} of {} bytes, then EOF", args.len());
            return;
        }
        let (arg1, arg2) = (host.read_long(&args), host.read_long(&args[host.long..]));
        let sum = arg1.wrapping_add(arg2); // C's long addition wraps
        debug!("args {arg1} {arg2} → sum {sum}");
        Writen(&sockfd, &host.long_bytes(sum)); // struct result
    }
}
// ANCHOR_END: str_echo09

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

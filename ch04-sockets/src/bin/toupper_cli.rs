//! The to_upper blog post ("Linux网络编程——简单的TCP网络通信", 2025) — the
//! client of the to-upper server: send a line, print the
//! answer; `quit` ends the session.
//!
//! Run:        cargo run -p ch04-sockets --bin toupper_cli -- 127.0.0.1
//!             (a server first: cargo run -p ch04-sockets --bin toupper_iter)
//! Talk to it: type lines; `quit` (or Ctrl-D) ends.
//! Observe:    a second toupper_cli started meanwhile connects at once but
//!             waits for its first answer until this one quits.
//!             --forget-htons repeats the post's bug (sin_port set without
//!             htons): the client connects to the byte-swapped port and gets
//!             "connect error: Connection refused".
//! Changed from the note: the port goes through htons (SocketAddr does it);
//! a reply is read as a whole line, not as one read(2).

use std::net::SocketAddr;

use ch04_sockets::forgot_byte_order;
use clap::Parser;
use common::ClientArgs;
use common::args::Resolve;
use common::error::err_quit;
use common::readline::{Readline, Rline};
use common::wrapsock::{Connect, Socket};
use common::writen::Writen;
use common::{debug, notice};
use socket2::{Domain, SockAddr, Type};

/// The to-upper client of the to_upper blog post ("Linux网络编程——简单的TCP网络通信",
/// 2025). Each line you type is sent to the
/// server and its upper-case answer printed; `quit` ends the session.
///
/// Start a server first: cargo run -p ch04-sockets --bin toupper_iter
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    #[command(flatten)]
    cli: ClientArgs,

    /// Repeat the blog post's bug: put the port into the address without htons.
    #[arg(long)]
    forget_htons: bool,
}

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.cli.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    let mut servaddr: SocketAddr = Resolve(&args.cli.host, args.cli.port);
    // The post's client sets `server.sin_port = serverPort;` — no htons.
    // SocketAddr keeps the port in host order and converts it when it
    // builds the sockaddr_in, so the bug has to be put in by hand:
    if args.forget_htons {
        servaddr.set_port(forgot_byte_order(args.cli.port));
    }
    debug!("connecting to {servaddr}");
    let sockfd = Socket(Domain::for_address(servaddr), Type::STREAM, None);
    Connect(&sockfd, &SockAddr::from(servaddr));

    let mut input = Rline::new(std::io::stdin());
    let mut from_server = Rline::new(&sockfd);
    let (mut sendline, mut recvline) = (Vec::new(), Vec::new());
    while Readline(&mut input, &mut sendline) > 0 {
        if !sendline.ends_with(b"\n") {
            sendline.push(b'\n'); // the server works in whole lines
        }
        Writen(&sockfd, &sendline);
        if sendline.trim_ascii().eq_ignore_ascii_case(b"quit") {
            // No answer to quit: the server closes, we read end of file.
            if Readline(&mut from_server, &mut recvline) == 0 {
                notice!("session ended by quit");
            }
            break;
        }
        if Readline(&mut from_server, &mut recvline) == 0 {
            err_quit("toupper_cli: server terminated prematurely");
        }
        Writen(std::io::stdout(), &recvline);
    }
    std::process::exit(0);
    // ANCHOR_END: main
}

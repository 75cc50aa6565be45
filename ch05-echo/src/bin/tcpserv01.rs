//! UNP §5.2, Fig 5.2 — TCP echo server, one child per client (fork).
//!
//! Run:        cargo run -p ch05-echo --bin tcpserv01
//! Talk to it: cargo run -p ch05-echo --bin tcpcli01 -- 127.0.0.1
//!             (or: nc 127.0.0.1 9877)
//! Observe:    ps -o pid,ppid,stat,cmd --ppid <server pid>
//!             → one Z (zombie) line per client that has finished: this
//!             server never waits for its children (fixed in ch05-sigchld).
//! Changed from the iterative servers of ch.4: accept, then fork; the child
//! serves the client, the parent goes straight back to accept.

use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::notice;
use common::sock_ntop::sock_ntop;
use common::str_echo::str_echo;
use common::wrapsock::{Accept, Close};
use common::wrapunix::Fork;
use nix::unistd::ForkResult;

/// UNP §5.2: fork-per-client echo server. Talk to it: tcpcli01 127.0.0.1 or nc 127.0.0.1 9877.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,
}

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.serv.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    let listenfd = Serv_listen(&args.serv, false);

    loop {
        // ANCHOR: accept
        let (connfd, cliaddr) = Accept(&listenfd);
        // ANCHOR_END: accept
        // SAFETY: single-threaded: no other thread can hold a lock across fork.
        match unsafe { Fork() } {
            ForkResult::Child => {
                Close(listenfd); // the child does not accept
                notice!("connection from {}", sock_ntop(&cliaddr));
                str_echo(&connfd); // process the request
                common::wrapunix::_exit(0); // closes connfd: FIN; _exit: no exit cleanup to pay for
            }
            ForkResult::Parent { child } => {
                notice!("child {child} serves {}", sock_ntop(&cliaddr));
                Close(connfd); // the parent does not talk to the client
            }
        }
    }
    // ANCHOR_END: main
}

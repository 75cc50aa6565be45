//! The to_upper blog post, version 2 — a grandchild per client (double fork).
//!
//! Run:        cargo run -p ch05-sigchld --bin toupper_dfork
//! Talk to it: cargo run -p ch04-sockets --bin toupper_cli -- 127.0.0.1
//!             (or: nc 127.0.0.1 9877) — type lines, then `quit`.
//! Observe:    ps -o pid,ppid,stat,cmd --ppid <server pid> → no Z lines.
//! Changed from toupper_fork: a grandchild serves; PID 1 or a subreaper adopts it.

use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::notice;
use common::sock_ntop::sock_ntop;
use common::to_upper::to_upper;
use common::wrapsock::{Accept, Close};
use common::wrapunix::{Fork, Waitpid};
use nix::unistd::ForkResult;

/// The to_upper blog post (v2, double fork). Talk to it: toupper_cli 127.0.0.1, or nc 127.0.0.1 9877.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,
}

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.serv.log.init(env!("CARGO_BIN_NAME"));
    let listenfd = Serv_listen(&args.serv, false);

    // ANCHOR: main
    loop {
        let (connfd, cliaddr) = Accept(&listenfd);
        // SAFETY: single-threaded: no other thread can hold a lock across fork.
        match unsafe { Fork() } {
            ForkResult::Child => {
                Close(listenfd); // the child does not accept
                // SAFETY: still single-threaded (we are the forked child).
                if let ForkResult::Parent { child } = unsafe { Fork() } {
                    notice!("grandchild {child} serves {}; exiting", sock_ntop(&cliaddr));
                    std::process::exit(0); // orphan the grandchild
                }
                to_upper(&connfd, &cliaddr); // until the client sends quit or closes
                std::process::exit(0); // closes connfd: FIN to the client
            }
            ForkResult::Parent { child } => {
                Close(connfd); // the parent does not talk to the client
                let status = Waitpid(Some(child), None); // options 0, not the blog's peerPort
                notice!("child {child} reaped: {status:?}");
            }
        }
    }
    // ANCHOR_END: main
}

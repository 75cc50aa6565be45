//! The to_upper blog post ("Linux网络编程——简单的TCP网络通信", 2025),
//! multi-process version 2 — the to-upper server that forks
//! twice: the child forks the real worker and exits at once; the parent
//! reaps the child right away; the grandchild, orphaned, is adopted and
//! reaped by someone else.
//!
//! Run:        cargo run -p ch05-sigchld --bin toupper_dfork
//!             (or under a subreaper, to see the adoption:
//!             cargo run -p ch05-sigchld --bin subreaper -- \
//!                 target/debug/toupper_dfork)
//! Talk to it: nc 127.0.0.1 9877 → type "hello" → "HELLO"; "quit" ends.
//! Observe:    ps -o pid,ppid,stat,cmd --ppid <server pid> → nothing: the
//!             workers' parent is PID 1 (or the subreaper), not the server.
//!             ps -o pid,ppid,stat,cmd -p <worker pid> shows the adopter.
//! Changed from the post's C++ code: its waitpid(id, nullptr, peerPort)
//! passed the client's port as the *options* argument; unknown option
//! bits make waitpid fail with EINVAL, and the post's server then exits on
//! its first client. Here the options are 0: wait for that one child.
//! The service reads lines, as in toupper_fork.
#![allow(non_snake_case)]

use ch05_sigchld::to_upper;
use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::error::strerror;
use common::sock_ntop::sock_ntop;
use common::wrapsock::{Accept, Close};
use common::wrapunix::{Fork, Waitpid};
use common::{notice, warning};
use nix::unistd::ForkResult;

/// The to_upper blog post ("Linux网络编程——简单的TCP网络通信", 2025),
/// version 2: a to-upper server that double-forks. The child
/// forks a grandchild to serve the client and exits at once; the server
/// waits for that child (which never takes long), and the grandchild,
/// now an orphan, is adopted — by PID 1, or by the nearest subreaper —
/// which reaps it when it ends. No SIGCHLD handling in the server at all.
///
/// Talk to it with `nc 127.0.0.1 9877`: every line comes back in upper
/// case; "quit" ends the session.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,
}

fn main() {
    let args = Args::parse();
    args.serv.log.init("toupper_dfork");
    let listenfd = Serv_listen(&args.serv, false);

    // ANCHOR: main
    loop {
        let (connfd, cliaddr) = Accept(&listenfd);
        // SAFETY: this server is single-threaded: no other thread can hold a
        // lock across the fork.
        match unsafe { Fork() } {
            ForkResult::Child => {
                Close(listenfd); // the child does not accept
                // SAFETY: still single-threaded (we are the forked child).
                if let ForkResult::Parent { child } = unsafe { Fork() } {
                    notice!("grandchild {child} serves {}; exiting", sock_ntop(&cliaddr));
                    std::process::exit(0); // orphan the grandchild
                }
                match to_upper(&connfd) {
                    Ok(why) => notice!("{why}: {}", sock_ntop(&cliaddr)),
                    Err(e) => warning!("{}: {}", sock_ntop(&cliaddr), strerror(&e)),
                }
                std::process::exit(0); // reaped by whoever adopted us
            }
            ForkResult::Parent { child } => {
                Close(connfd); // the parent does not talk to the client
                // The note: waitpid(id, nullptr, peerPort) — EINVAL. Options 0:
                // block until this child exits, which it does at once.
                let status = Waitpid(Some(child), None);
                notice!("child {child} reaped: {status:?}");
            }
        }
    }
    // ANCHOR_END: main
}

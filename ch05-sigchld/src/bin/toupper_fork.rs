//! The to_upper blog post, version 1 — a child per client, SIGCHLD ignored.
//!
//! Run:        cargo run -p ch05-sigchld --bin toupper_fork
//! Talk to it: cargo run -p ch04-sockets --bin toupper_cli -- 127.0.0.1
//!             (or: nc 127.0.0.1 9877) — type lines, then `quit`.
//! Observe:    ps -o pid,ppid,stat,cmd --ppid <server pid> → no Z lines.
//! Changed from toupper_iter: a child per client; SIG_IGN (waitpid: ECHILD).

use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::error::strerror;
use common::notice;
use common::sock_ntop::sock_ntop;
use common::to_upper::to_upper;
use common::wrapsock::{Accept, Close};
use common::wrapunix::{Fork, waitpid};
use nix::sys::signal::{SigHandler, Signal::SIGCHLD};
use nix::unistd::ForkResult;

/// The to_upper blog post (v1, fork, SIGCHLD ignored). Talk to it: toupper_cli 127.0.0.1, or nc 127.0.0.1 9877.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,

    /// Leave SIGCHLD at SIG_DFL, to compare: zombies pile up, and waitpid finds them.
    #[arg(long)]
    no_ignore: bool,
}

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.serv.log.init(env!("CARGO_BIN_NAME"));
    let listenfd = Serv_listen(&args.serv, false);
    // ANCHOR: sig_ign
    if !args.no_ignore {
        // SAFETY: SIG_IGN installs no handler code.
        unsafe { common::signal::Signal(SIGCHLD, SigHandler::SigIgn) };
    }
    // ANCHOR_END: sig_ign

    // ANCHOR: main
    loop {
        let (connfd, cliaddr) = Accept(&listenfd);
        match waitpid(None, Some(nix::sys::wait::WaitPidFlag::WNOHANG)) {
            Ok(status) => notice!("waitpid(-1, WNOHANG): {status:?}"), // a zombie, or StillAlive
            Err(e) => notice!("waitpid(-1, WNOHANG): {}", strerror(&e)), // with SIG_IGN: ECHILD
        }
        // SAFETY: single-threaded: no other thread can hold a lock across fork.
        match unsafe { Fork() } {
            ForkResult::Child => {
                Close(listenfd); // the child does not accept
                to_upper(&connfd, &cliaddr); // until the client sends quit or closes
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

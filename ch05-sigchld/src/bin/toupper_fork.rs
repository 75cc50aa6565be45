//! The to_upper blog post ("Linux网络编程——简单的TCP网络通信", 2025),
//! multi-process version 1 — the to-upper server that sets
//! SIGCHLD to SIG_IGN: the kernel reaps every child itself, and no exit
//! status is kept for anyone to collect.
//!
//! Run:        cargo run -p ch05-sigchld --bin toupper_fork
//! Talk to it: nc 127.0.0.1 9877 → type "hello" → "HELLO"; "quit" ends.
//!             (or: cargo run -p ch05-sigchld --bin tcpcli04 -- 127.0.0.1)
//! Observe:    ps -o pid,ppid,stat,cmd --ppid <server pid> → no Z lines,
//!             even with no handler at all. Before each fork the server asks
//!             waitpid(-1, WNOHANG) what is left to collect: once every
//!             earlier child has ended it says "No child processes"
//!             (ECHILD): the statuses are gone. `--no-ignore` leaves SIGCHLD
//!             at SIG_DFL to compare: zombies pile up, and waitpid finds them.
//! Changed from the post's C++ class: plain functions, the chapter's
//! wrappers, loopback by default; the service reads lines (the note
//! compared whole read(2) chunks with "quit").
#![allow(non_snake_case)]

use ch05_sigchld::to_upper;
use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::error::strerror;
use common::sock_ntop::sock_ntop;
use common::wrapsock::{Accept, Close};
use common::wrapunix::{Fork, waitpid};
use common::{notice, warning};
use nix::sys::signal::{SigHandler, Signal::SIGCHLD};
use nix::sys::wait::WaitPidFlag;
use nix::unistd::ForkResult;

/// The to_upper blog post ("Linux网络编程——简单的TCP网络通信", 2025),
/// version 1: a to-upper server, one child per client, with
/// signal(SIGCHLD, SIG_IGN): Linux (POSIX.1-2001) then discards each child
/// as it exits — no zombie, and no exit status for waitpid to return
/// (ECHILD).
///
/// Talk to it with `nc 127.0.0.1 9877`: every line comes back in upper
/// case; "quit" ends the session.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,

    /// Do not ignore SIGCHLD (leave SIG_DFL), to compare: every finished
    /// client leaves a zombie.
    #[arg(long)]
    no_ignore: bool,
}

fn main() {
    let args = Args::parse();
    args.serv.log.init("toupper_fork");
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
        // What is there to collect? With SIG_IGN: nothing, ever.
        match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(status) => notice!("waitpid(-1, WNOHANG): {status:?}"),
            Err(e) => notice!("waitpid(-1, WNOHANG): {}", strerror(&e)),
        }
        // SAFETY: this server is single-threaded: no other thread can hold a
        // lock across the fork.
        match unsafe { Fork() } {
            ForkResult::Child => {
                Close(listenfd); // the child does not accept
                notice!("serving {}", sock_ntop(&cliaddr));
                match to_upper(&connfd) {
                    Ok(why) => notice!("{why}: {}", sock_ntop(&cliaddr)),
                    Err(e) => warning!("{}: {}", sock_ntop(&cliaddr), strerror(&e)),
                }
                std::process::exit(0);
            }
            ForkResult::Parent { child } => {
                notice!("child {child} serves {}", sock_ntop(&cliaddr));
                Close(connfd); // the parent does not talk to the client
            }
        }
    }
    // ANCHOR_END: main
}

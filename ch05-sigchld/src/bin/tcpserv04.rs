//! UNP §5.10, Fig 5.11 + 5.12 — the correct fork-per-client echo server:
//! waitpid(-1, WNOHANG) in a loop reaps every child, and accept's EINTR is
//! handled.
//!
//! Run:        cargo run -p ch05-sigchld --bin tcpserv04
//! Talk to it: cargo run -p ch05-sigchld --bin tcpcli04 -- 127.0.0.1
//!             (five connections; type a line, then Ctrl-D)
//! Observe:    five "child N terminated" lines, possibly from one run of the
//!             handler; ps -o pid,ppid,stat,cmd --ppid <server pid> → no Z
//!             lines, every run, with or without --sigchld intr.
//! Changed from tcpserv03: the handler loops on waitpid(-1, WNOHANG) until
//! no ended child is left, instead of one wait() per signal.
#![allow(non_snake_case)]

use ch05_sigchld::{SavedErrno, Sigchld, child_terminated};
use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::error::err_sys;
use common::notice;
use common::signal::{Signal, signal_intr};
use common::sock_ntop::sock_ntop;
use common::str_echo::str_echo;
use common::wrapsock::{Close, accept};
use common::wrapunix::{Fork, waitpid};
use nix::libc::c_int;
use nix::sys::signal::{SigHandler, Signal::SIGCHLD};
use nix::sys::wait::{WaitPidFlag, WaitStatus};
use nix::unistd::ForkResult;
use std::io::ErrorKind;

/// UNP §5.10 (Fig 5.12): the final fork-per-client echo server. Its SIGCHLD
/// handler calls waitpid(-1, WNOHANG) until no ended child is left, so no
/// zombie survives however the signals merge; an accept the handler
/// interrupts is called again.
///
/// Talk to it with `tcpcli04 127.0.0.1` (five connections at once: no
/// zombie is left), or `nc 127.0.0.1 9877`.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,

    /// How to install the SIGCHLD handler: restart (SA_RESTART, the book's
    /// Signal), intr (no SA_RESTART: accept fails with EINTR), none (no
    /// handler: tcpserv01's zombies).
    #[arg(long, value_enum, default_value_t = Sigchld::Restart)]
    sigchld: Sigchld,
}

fn main() {
    let args = Args::parse();
    args.serv.log.init("tcpserv04");
    // ANCHOR: main
    let listenfd = Serv_listen(&args.serv, false);
    // ANCHOR: signal
    match args.sigchld {
        // SAFETY: sig_chld does only async-signal-safe work (see it).
        Sigchld::Restart => unsafe { Signal(SIGCHLD, SigHandler::Handler(sig_chld)) },
        // SAFETY: as above.
        Sigchld::Intr => unsafe { signal_intr(SIGCHLD, SigHandler::Handler(sig_chld)) },
        Sigchld::None => SigHandler::SigDfl, // tcpserv01: no handler at all
    };
    // ANCHOR_END: signal

    loop {
        // ANCHOR: accept
        let (connfd, cliaddr) = match accept(&listenfd) {
            Ok(pair) => pair,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue, // back to accept
            Err(e) => err_sys("accept error", &e),
        };
        // ANCHOR_END: accept
        // SAFETY: this server is single-threaded: no other thread can hold a
        // lock across the fork.
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

// ANCHOR: sig_chld
/// Fig 5.11: reap every child that has ended, however many SIGCHLDs were
/// merged into this one. WNOHANG: stop when none is left, never block.
/// Async-signal-safe: waitpid(2), write(2) and errno only.
extern "C" fn sig_chld(_signo: c_int) {
    let _errno = SavedErrno::new(); // restored when the handler returns
    while let Ok(status) = waitpid(None, Some(WaitPidFlag::WNOHANG)) {
        if status == WaitStatus::StillAlive {
            break; // children remain, none has ended: waitpid returned 0
        }
        child_terminated(status); // "child N terminated", one write(2)
    }
}
// ANCHOR_END: sig_chld

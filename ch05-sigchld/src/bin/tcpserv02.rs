//! UNP §5.8–5.9, Fig 5.2 + Fig 5.7 — TCP echo server that catches SIGCHLD
//! and calls wait() once per signal.
//!
//! Run:        cargo run -p ch05-sigchld --bin tcpserv02
//!             cargo run -p ch05-sigchld --bin tcpserv02 -- --sigchld intr
//! Talk to it: cargo run -p ch05-sigchld --bin tcpcli04 -- 127.0.0.1
//!             (or: nc 127.0.0.1 9877, then Ctrl-D)
//! Observe:    each client that leaves → "child N terminated" from the
//!             handler. With `--sigchld intr` (no SA_RESTART, as Solaris's
//!             signal in the book's run) the first one also ends the server:
//!             "accept error: Interrupted system call", exit 1. With the
//!             default `--sigchld restart` (the book's Signal, SA_RESTART)
//!             the kernel restarts accept and the server lives on.
//!             Against tcpcli04 (five clients at once) zombies remain:
//!             ps -o pid,ppid,stat,cmd --ppid <server pid> → Z lines.
//! Changed from tcpserv01 (ch05-echo): the sig_chld handler and the
//! `--sigchld` flag that installs it. `--sigchld none` installs nothing and
//! gives tcpserv01's behaviour (the guided experiment uses it for
//! "tcpserv01", which lives in another crate).
//!
//! The handler prints "child N terminated" itself, as the book's does, but
//! with one write(2) (common::log::SigLine), not printf: printf takes a lock
//! the interrupted code may hold. A self-pipe read by the main loop would
//! need poll() around accept — more machinery than this section teaches.
#![allow(non_snake_case)]

use ch05_sigchld::{SavedErrno, Sigchld, child_terminated};
use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::notice;
use common::signal::{Signal, signal_intr};
use common::sock_ntop::sock_ntop;
use common::str_echo::str_echo;
use common::wrapsock::{Accept, Close};
use common::wrapunix::{Fork, wait};
use nix::libc::c_int;
use nix::sys::signal::{SigHandler, Signal::SIGCHLD};
use nix::unistd::ForkResult;

/// UNP §5.9 (Fig 5.2 + 5.7): the fork-per-client echo server with a SIGCHLD
/// handler that calls wait() once per signal. Each client that leaves is
/// reaped and reported: "child N terminated".
///
/// --sigchld intr installs the handler without SA_RESTART: when it
/// interrupts accept, accept fails with EINTR and the server exits with
/// "accept error: Interrupted system call" (UNP 5.9, the book's Solaris run).
///
/// Talk to it with `tcpcli04 127.0.0.1` (five connections at once: watch
/// zombies survive one wait per signal), or `nc 127.0.0.1 9877`.
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
    args.serv.log.init("tcpserv02");
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
        let (connfd, cliaddr) = Accept(&listenfd);
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
/// Fig 5.7: reap one child per SIGCHLD. Async-signal-safe: wait(2),
/// write(2) and errno only.
extern "C" fn sig_chld(_signo: c_int) {
    let _errno = SavedErrno::new(); // restored when the handler returns
    if let Ok(status) = wait() {
        child_terminated(status); // "child N terminated", one write(2)
    }
}
// ANCHOR_END: sig_chld

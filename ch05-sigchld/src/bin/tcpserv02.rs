//! UNP §5.8–5.9, Fig 5.2 + 5.7 — tcpserv01 plus a SIGCHLD handler: wait() once.
//!
//! Run:        cargo run -p ch05-sigchld --bin tcpserv02 [-- --sigchld intr]
//! Talk to it: cargo run -p ch05-sigchld --bin tcpcli04 -- 127.0.0.1
//!             (or: nc 127.0.0.1 9877)
//! Observe:    ps -o pid,ppid,stat,cmd --ppid <server pid>
//!             → no Z after one client ("child N terminated"); five at once
//!             (tcpcli04) leave some. --sigchld intr (no SA_RESTART, as on
//!             Solaris in the book) ends it: "accept error: Interrupted system call".
//! Changed from tcpserv01: the sig_chld handler, installed as `--sigchld` says.

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

/// UNP §5.9: a SIGCHLD handler, one wait() per signal. Talk to it: tcpcli04 127.0.0.1 or nc 127.0.0.1 9877.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,

    /// How to install the SIGCHLD handler: the lesson of UNP 5.9.
    #[arg(long, value_enum, default_value_t = Sigchld::Restart)]
    sigchld: Sigchld,
}

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.serv.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    let listenfd = Serv_listen(&args.serv, false);
    // ANCHOR: signal
    match args.sigchld {
        // SAFETY: sig_chld does only async-signal-safe work (see it).
        Sigchld::Restart => unsafe { Signal(SIGCHLD, SigHandler::Handler(sig_chld)) },
        // SAFETY: as above.
        Sigchld::Intr => unsafe { signal_intr(SIGCHLD, SigHandler::Handler(sig_chld)) },
    };
    // ANCHOR_END: signal

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

// ANCHOR: sig_chld
/// Fig 5.7: reap one child per SIGCHLD. Async-signal-safe: wait(2), write(2), errno.
extern "C" fn sig_chld(_signo: c_int) {
    let _errno = SavedErrno::new(); // restored when the handler returns
    if let Ok(status) = wait() {
        child_terminated(status); // "child N terminated", one write(2)
    }
}
// ANCHOR_END: sig_chld

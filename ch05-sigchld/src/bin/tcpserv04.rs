//! UNP §5.10, Fig 5.11 + 5.12 — the correct fork-per-client echo server:
//! waitpid(-1, WNOHANG) in a loop reaps every child; accept's EINTR handled.
//!
//! Run:        cargo run -p ch05-sigchld --bin tcpserv04 [-- --sigchld intr]
//! Talk to it: cargo run -p ch05-sigchld --bin tcpcli04 -- 127.0.0.1
//!             (or: nc 127.0.0.1 9877)
//! Observe:    ps -o pid,ppid,stat,cmd --ppid <server pid>
//!             → no Z line, every run, with or without --sigchld intr; five
//!             "child N terminated" lines, maybe from one run of the handler.
//! Changed from tcpserv03: the handler loops on waitpid(-1, WNOHANG) until
//! no ended child is left, instead of one wait() per signal.

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

/// UNP §5.10: waitpid(-1, WNOHANG) in a loop. Talk to it: tcpcli04 127.0.0.1 or nc 127.0.0.1 9877.
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
        let (connfd, cliaddr) = match accept(&listenfd) {
            Ok(pair) => pair,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue, // back to accept
            Err(e) => err_sys("accept error", &e),
        };
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
/// Fig 5.11: reap every ended child, however many SIGCHLDs merged. Async-signal-safe.
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

//! UNP §5.9, Fig 5.7 + the EINTR loop of Fig 5.12 — tcpserv02 that
//! restarts an interrupted accept itself, but still calls wait() once per
//! signal.
//!
//! Run:        cargo run -p ch05-sigchld --bin tcpserv03 [-- --sigchld intr]
//! Talk to it: cargo run -p ch05-sigchld --bin tcpcli04 -- 127.0.0.1
//!             (or: nc 127.0.0.1 9877)
//! Observe:    ps -o pid,ppid,stat,cmd --ppid <server pid>
//!             → it survives --sigchld intr; but five children that end
//!             together raise fewer than five SIGCHLDs (a pending signal is
//!             not queued twice): 0–4 Z lines, differently each run.
//! Changed from tcpserv02: accept's EINTR goes back to the top of the loop
//! instead of ending the server.

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
use common::wrapunix::{Fork, wait};
use nix::libc::c_int;
use nix::sys::signal::{SigHandler, Signal::SIGCHLD};
use nix::unistd::ForkResult;
use std::io::ErrorKind;

/// UNP §5.9: tcpserv02 + accept's EINTR loop. Talk to it: tcpcli04 127.0.0.1 or nc 127.0.0.1 9877.
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
/// Fig 5.7: reap one child per SIGCHLD. Async-signal-safe: wait(2), write(2), errno.
extern "C" fn sig_chld(_signo: c_int) {
    let _errno = SavedErrno::new(); // restored when the handler returns
    if let Ok(status) = wait() {
        child_terminated(status); // "child N terminated", one write(2)
    }
}
// ANCHOR_END: sig_chld

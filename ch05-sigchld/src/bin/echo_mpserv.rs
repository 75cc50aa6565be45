//! TCPIP ch.10 (Yoon, TCP/IP Network Programming: `echo_mpserv.c`) — multi-process echo server:
//! sigaction(2) installs the reaper, SO_REUSEADDR lets it restart at once.
//!
//! Run:        cargo run -p ch05-sigchld --bin echo_mpserv
//! Talk to it: cargo run -p ch05-sigchld --bin tcpcli04 -- 127.0.0.1
//!             (or: nc 127.0.0.1 9877, then Ctrl-D)
//! Observe:    "removed child N, exit status 0" for each client that left;
//!             ps -o pid,ppid,stat,cmd --ppid <server pid> → no Z lines.
//!             Restart the server right after a client left: bind works
//!             (SO_REUSEADDR), where tcpserv04 may say "Address already in
//!             use" while the old connection is in TIME_WAIT.
//! Changed from the C program in a reader's notes on TCPIP ch.10 — three bugs fixed:
//!   1. it forked even when accept failed (EINTR after every SIGCHLD, since
//!      sa_flags = 0; or EMFILE), giving a child with descriptor -1;
//!      here a failed accept goes back to accept;
//!   2. its child closed the listening socket twice and the connected one
//!      never; here the child closes each once;
//!   3. its handler called waitpid once per signal, losing children whose
//!      SIGCHLDs merged (UNP 5.10); here it loops until none is left.
//!
//! It also printed from the handler with printf; here one write(2).

use std::io::ErrorKind;
use std::time::Duration;

use ch05_sigchld::SavedErrno;
use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::error::{err_sys, strerror, sys};
use common::log::{Level, SigLine};
use common::sock_ntop::sock_ntop;
use common::str_echo::str_echo;
use common::wrapsock::{Close, accept};
use common::wrapunix::{fork, waitpid};
use common::{notice, warning};
use nix::libc::c_int;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::sys::wait::{WaitPidFlag, WaitStatus};
use nix::unistd::ForkResult;

/// TCPIP ch.10: multi-process echo server, sigaction reaper. Talk to it: tcpcli04 127.0.0.1 or nc.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,
}

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.serv.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: sigaction
    let act = SigAction::new(
        SigHandler::Handler(remove_child_proc),
        SaFlags::empty(), // the C version's sa_flags = 0: no SA_RESTART
        SigSet::empty(),  // sigemptyset(&act.sa_mask)
    );
    // SAFETY: remove_child_proc does only async-signal-safe work (see it).
    if let Err(e) = sys(unsafe { sigaction(Signal::SIGCHLD, &act) }) {
        err_sys("sigaction error", &e);
    }
    // ANCHOR_END: sigaction
    let listenfd = Serv_listen(&args.serv, true); // SO_REUSEADDR before bind

    // ANCHOR: main
    loop {
        let (connfd, cliaddr) = match accept(&listenfd) {
            Ok(pair) => pair,
            // Fix 1: no connection, no fork.
            Err(e) if e.kind() == ErrorKind::Interrupted => continue, // SIGCHLD
            Err(e) => {
                warning!("accept error: {}", strerror(&e));
                // EMFILE and the like: accept fails again at once (Linux
                // takes the descriptor before it waits), so don't spin.
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        // SAFETY: single-threaded: no other thread can hold a lock across fork.
        match unsafe { fork() } {
            Err(e) => {
                warning!("fork error: {}", strerror(&e));
                Close(connfd); // as the note: drop this client, keep serving
            }
            Ok(ForkResult::Child) => {
                Close(listenfd); // fix 2: the listening socket, once
                notice!("connected client {}", sock_ntop(&cliaddr));
                str_echo(&connfd);
                Close(connfd); // fix 2: and the connected one
                notice!("client disconnected...");
                common::wrapunix::_exit(0); // _exit: no exit cleanup to pay for
            }
            Ok(ForkResult::Parent { .. }) => Close(connfd),
        }
    }
    // ANCHOR_END: main
}

// ANCHOR: remove_child_proc
/// The C version's removeChildProc, fixed: every ended child, not one per
/// signal (fix 3). Async-signal-safe: waitpid(2), write(2), errno.
extern "C" fn remove_child_proc(_sig: c_int) {
    let _errno = SavedErrno::new();
    loop {
        match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::Exited(pid, status)) => {
                SigLine::new(Level::Notice)
                    .str("removed child ")
                    .int(pid.as_raw().into())
                    .str(", exit status ")
                    .int(status.into())
                    .emit();
            }
            Ok(WaitStatus::StillAlive) | Err(_) => break, // none left to reap
            Ok(_) => {}                                   // killed by a signal: reaped, nothing to report
        }
    }
}
// ANCHOR_END: remove_child_proc

//! TCPIP ch.10 (Yoon, TCP/IP Network Programming: `remove_zombie.c`) — a SIGCHLD handler that
//! reaps: children end while the parent does other things, and none stays
//! a zombie.
//!
//! Run:        cargo run -p ch05-sigchld --bin remove_zombie
//! Talk to it: nothing to type; it ends in ~5 s, once both children are
//!             reaped.
//! Observe:    "Removed proc id: N" / "Child send: 12" and "... 24" from the
//!             handler while the parent prints "wait..."; meanwhile
//!             ps -o pid,ppid,stat,cmd --ppid <parent pid> never shows Z
//!             for long.
//! Changed from the C: the handler loops on waitpid(-1, WNOHANG): the two
//! children end at the same moment, and two SIGCHLDs may arrive as one
//! (UNP 5.10) — the C calls waitpid once and can leave one zombie. It
//! writes with write(2), not printf. The children sleep 3 s, not 10. The
//! parent's loop of 5 goes on until both children are reaped: on a busy
//! machine a child can end after the fifth round, and the parent would
//! return first (one "Removed" line, not two).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ch05_sigchld::SavedErrno;
use clap::Parser;
use common::LogArgs;
use common::wrapunix::{Fork, waitpid};
use nix::libc::c_int;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::sys::wait::{WaitPidFlag, WaitStatus};
use nix::unistd::ForkResult;

/// TCPIP ch.10 (remove_zombie.c): two children sleep, then exit with 12
/// and 24; a SIGCHLD handler installed with sigaction reaps them and
/// prints what they sent, while the parent goes on with its own loop.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// How long the children sleep before they exit.
    #[arg(long, default_value_t = 3.0, value_name = "SECONDS")]
    secs: f64,

    #[command(flatten)]
    log: LogArgs,
}

/// How many children the handler has reaped.
static REAPED: AtomicUsize = AtomicUsize::new(0);

// ANCHOR: read_childproc
/// Reap every ended child. Async-signal-safe: waitpid(2), write(2), errno,
/// an atomic add.
extern "C" fn read_childproc(_sig: c_int) {
    let _errno = SavedErrno::new();
    while let Ok(WaitStatus::Exited(pid, status)) = waitpid(None, Some(WaitPidFlag::WNOHANG)) {
        REAPED.fetch_add(1, Ordering::Relaxed);
        let mut line = common::log::SigLine::new(common::log::Level::Notice);
        line.str("Removed proc id: ").int(pid.as_raw().into());
        line.str("; Child send: ").int(status.into()).emit();
    }
}
// ANCHOR_END: read_childproc

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    let act = SigAction::new(
        SigHandler::Handler(read_childproc),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: read_childproc does only async-signal-safe work (see it).
    if let Err(e) = unsafe { sigaction(Signal::SIGCHLD, &act) } {
        common::error::err_sys("sigaction error", &e.into());
    }
    for code in [12, 24] {
        // SAFETY: single-threaded: no other thread can hold a lock across fork.
        match unsafe { Fork() } {
            ForkResult::Child => {
                println!("Hi! I'm child process");
                std::thread::sleep(Duration::from_secs_f64(args.secs.max(0.0)));
                std::process::exit(code);
            }
            ForkResult::Parent { child } => println!("Child proc id: {child}"),
        }
    }
    // 5 rounds as in the C, and more until both children are reaped.
    for round in 0.. {
        if round >= 5 && REAPED.load(Ordering::Relaxed) == 2 {
            break;
        }
        println!("wait...");
        nix::unistd::sleep(1); // a SIGCHLD ends it early
    }
    // ANCHOR_END: main
}

//! TCPIP ch.10 (Yoon, TCP/IP Network Programming: `signal.c`) — signal handlers for SIGALRM (an
//! alarm(2) timer) and SIGINT (Ctrl-C); a signal cuts a sleep short.
//!
//! Run:        cargo run -p ch05-sigchld --bin signal
//! Talk to it: press Ctrl-C while it waits.
//! Observe:    "wait..." three times; each sleep(100) ends after 2 s with
//!             "Time out!" (the alarm, re-armed by its handler), or at once
//!             with "CTRL+C pressed" — the program ends in ~6 s, not 300.
//! Changed from the C: the handlers write with write(2), not puts (stdio
//! is not async-signal-safe). sleep is libc's (nix::unistd::sleep), which
//! returns early on a signal; Rust's std::thread::sleep would go back to
//! sleep after each handler and hide the lesson.

use std::sync::atomic::{AtomicU32, Ordering};

use ch05_sigchld::SavedErrno;
use clap::Parser;
use common::LogArgs;
use common::signal::Signal;
use nix::libc::c_int;
use nix::sys::signal::{SigHandler, Signal as Sig};
use nix::unistd::alarm;

/// TCPIP ch.10 (signal.c): SIGALRM every 2 s ("Time out!") and SIGINT
/// ("CTRL+C pressed") each end the current sleep(100) early; after three
/// "wait..." the program exits.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// Seconds between two alarms.
    #[arg(long, default_value_t = 2)]
    alarm: u32,

    #[command(flatten)]
    log: LogArgs,
}

static ALARM_SECS: AtomicU32 = AtomicU32::new(2);

// ANCHOR: handlers
/// SIGALRM: announce and re-arm. Async-signal-safe: write(2), alarm(2),
/// an atomic load; errno saved.
extern "C" fn timeout(_sig: c_int) {
    let _errno = SavedErrno::new(); // write(2) may set errno: give it back
    let _ = nix::unistd::write(std::io::stdout(), b"Time out!\n");
    alarm::set(ALARM_SECS.load(Ordering::Relaxed));
}

/// SIGINT: announce. Async-signal-safe: write(2) only; errno saved.
extern "C" fn keycontrol(_sig: c_int) {
    let _errno = SavedErrno::new();
    let _ = nix::unistd::write(std::io::stdout(), b"CTRL+C pressed\n");
}
// ANCHOR_END: handlers

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init(env!("CARGO_BIN_NAME"));
    ALARM_SECS.store(args.alarm.max(1), Ordering::Relaxed);
    // ANCHOR: main
    // SAFETY: both handlers do only async-signal-safe work (see them).
    unsafe {
        Signal(Sig::SIGALRM, SigHandler::Handler(timeout));
        Signal(Sig::SIGINT, SigHandler::Handler(keycontrol));
    }
    alarm::set(args.alarm.max(1));

    for _ in 0..3 {
        println!("wait...");
        nix::unistd::sleep(100); // returns early when a handler has run
    }
    // ANCHOR_END: main
}

//! TCPIP ch.10 (Yoon, TCP/IP Network Programming: `sigaction.c`) — the same alarm as `signal`, but
//! installed with sigaction(2): handler, mask and flags spelled out.
//!
//! Run:        cargo run -p ch05-sigchld --bin sigaction
//! Talk to it: nothing to type; it ends in ~6 s.
//! Observe:    "wait..." then "Time out!" three times, one every 2 s.
//! Changed from `signal`: sigaction(2) with an empty sa_mask and
//! sa_flags = 0 (no SA_RESTART) — what the book's `Signal` wraps (UNP
//! Fig 5.6), and the portable way to say which behaviour you want.

use ch05_sigchld::SavedErrno;
use clap::Parser;
use common::LogArgs;
use nix::libc::c_int;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::unistd::alarm;

/// TCPIP ch.10 (sigaction.c): SIGALRM every 2 s through a handler
/// installed with sigaction(2); each ends the current sleep early.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    #[command(flatten)]
    log: LogArgs,
}

// ANCHOR: timeout
/// SIGALRM: announce and re-arm. Async-signal-safe: write(2), alarm(2); errno saved.
extern "C" fn timeout(_sig: c_int) {
    let _errno = SavedErrno::new(); // write(2) may set errno: give it back
    let _ = nix::unistd::write(std::io::stdout(), b"Time out!\n");
    alarm::set(2);
}
// ANCHOR_END: timeout

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    let act = SigAction::new(
        SigHandler::Handler(timeout), // act.sa_handler = timeout
        SaFlags::empty(),             // act.sa_flags = 0
        SigSet::empty(),              // sigemptyset(&act.sa_mask)
    );
    // SAFETY: timeout does only async-signal-safe work (see it).
    if let Err(e) = unsafe { sigaction(Signal::SIGALRM, &act) } {
        common::error::err_sys("sigaction error", &e.into());
    }
    alarm::set(2);

    for _ in 0..3 {
        println!("wait...");
        nix::unistd::sleep(100); // returns early when the handler has run
    }
    // ANCHOR_END: main
}

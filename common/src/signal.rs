//! Installing signal handlers, after the book's lib/signal.c and
//! lib/signalintr.c.
//!
//! The difference between the two is the lesson of UNP 5.9: with SA_RESTART
//! a slow system call interrupted by the handler (accept, read) is restarted
//! by the kernel; without it, the call fails with EINTR.
#![allow(non_snake_case)]

use std::io;

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};

use crate::error::err_sys;

fn install(signo: Signal, func: SigHandler, flags: SaFlags) -> io::Result<SigHandler> {
    let act = SigAction::new(func, flags, SigSet::empty());
    // SAFETY: the callers' contracts require `func` to do only
    // async-signal-safe work; sigaction itself has no other precondition.
    let old = crate::error::sys(unsafe { sigaction(signo, &act) })?;
    Ok(old.handler())
}

// ANCHOR: Signal
/// `Signal`: installs `func` for `signo` with SA_RESTART — except for SIGALRM,
/// which (as in the book) is left non-restarting so an alarm can interrupt a
/// blocked call. Returns the previous handler; exits with "signal error" on
/// failure.
///
/// # Safety
///
/// A `SigHandler::Handler` must do only async-signal-safe work: waitpid(2),
/// write(2), atomics — no allocation, no locks, no `println!`.
pub unsafe fn Signal(signo: Signal, func: SigHandler) -> SigHandler {
    let flags = if signo == Signal::SIGALRM {
        SaFlags::empty()
    } else {
        SaFlags::SA_RESTART
    };
    install(signo, func, flags).unwrap_or_else(|e| err_sys("signal error", &e))
}
// ANCHOR_END: Signal

// ANCHOR: signal_intr
/// `signal_intr`: installs `func` for `signo` *without* SA_RESTART, so a slow
/// system call the handler interrupts fails with EINTR. (Older Unix kernels —
/// the book's Solaris 9 — behaved like this by default.)
///
/// # Safety
///
/// As for [`Signal`]: the handler must be async-signal-safe.
pub unsafe fn signal_intr(signo: Signal, func: SigHandler) -> SigHandler {
    install(signo, func, SaFlags::empty()).unwrap_or_else(|e| err_sys("signal error", &e))
}
// ANCHOR_END: signal_intr

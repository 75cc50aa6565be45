//! Reference for exercise 4: UNP Fig 5.11.

use std::ffi::c_int;

use ch05_sigchld::SavedErrno;
use common::wrapunix::waitpid;
use nix::sys::wait::{WaitPidFlag, WaitStatus};

/// Reaps every child that has ended: one SIGCHLD may stand for many.
/// Async-signal-safe: only waitpid(2); errno is saved and restored, so the
/// interrupted accept() reads its own.
pub extern "C" fn sig_chld(_signo: c_int) {
    let _errno = SavedErrno::new();
    while let Ok(st) = waitpid(None, Some(WaitPidFlag::WNOHANG)) {
        if st == WaitStatus::StillAlive {
            break; // children remain, none has ended
        }
    }
}

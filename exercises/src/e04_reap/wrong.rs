//! Wrong answers for exercise 4: handlers students really write.

use std::ffi::c_int;

use common::wrapunix::{wait, waitpid};
use nix::sys::wait::{WaitPidFlag, WaitStatus};

/// UNP Fig 5.7 (tcpserv03's handler): one wait() per signal. Five children
/// ending together raise one SIGCHLD, so four stay zombies.
pub extern "C" fn one_wait(_signo: c_int) {
    let _ = wait();
}

/// "Loop until nothing is left", with wait(): it reaps the five, then
/// blocks for the child still serving a client — the server hangs.
pub extern "C" fn blocking_loop(_signo: c_int) {
    while wait().is_ok() {}
}

/// The loop of Fig 5.11 without WNOHANG: waitpid(-1, &stat, 0) blocks just
/// as wait() does.
pub extern "C" fn waitpid_no_wnohang(_signo: c_int) {
    while let Ok(st) = waitpid(None, None) {
        if st == WaitStatus::StillAlive {
            break;
        }
    }
}

/// WNOHANG, but `if` instead of `while`: one child reaped per signal.
pub extern "C" fn if_not_while(_signo: c_int) {
    let _ = waitpid(None, Some(WaitPidFlag::WNOHANG));
}

/// Fakes a pass: claims success wherever a verdict might be read, then
/// exits 0 without doing the work (crate::fake).
pub extern "C" fn fake_pass(_signo: std::ffi::c_int) {
    crate::fake::claim_success()
}

/// The book's figure ran five clients, so five reaps: a fixed count where
/// the loop must go on until nothing is left.
pub extern "C" fn fixed_five(_signo: c_int) {
    for _ in 0..5 {
        let _ = waitpid(None, Some(WaitPidFlag::WNOHANG));
    }
}

//! Wrong answer for exercise 4: UNP Fig 5.7 (tcpserv03's handler).

use std::ffi::c_int;

/// One wait() per signal: five children ending together raise one SIGCHLD,
/// so four stay zombies.
pub extern "C" fn one_wait(_signo: c_int) {
    let _ = common::wrapunix::wait();
}

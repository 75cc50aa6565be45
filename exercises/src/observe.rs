//! Two /proc readings the checks need beyond `common::observer`: which system
//! call a process is blocked in, and whether SIGCHLD is pending for it. With
//! them a check knows *when* to look: "the server is back in accept(2) and
//! has handled every SIGCHLD" is a moment, not a guess.

use std::time::Duration;

use common::harness::eventually;
use common::observer;
use nix::libc;

/// The number of the system call `pid`'s main thread is blocked in, from
/// `/proc/PID/syscall`; None while it runs on a CPU or when it is gone.
pub fn syscall(pid: i32) -> Option<i64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/syscall")).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Is `pid` blocked in accept(2) (or accept4, which socket2 uses)?
pub fn in_accept(pid: i32) -> bool {
    matches!(syscall(pid), Some(n) if n == libc::SYS_accept4 || n == libc::SYS_accept)
}

/// Is a SIGCHLD pending for `pid` — not yet delivered to its handler?
pub fn sigchld_pending(pid: i32) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return false;
    };
    let bit = 1u64 << (libc::SIGCHLD - 1);
    status
        .lines()
        .filter(|l| l.starts_with("SigPnd:") || l.starts_with("ShdPnd:"))
        .filter_map(|l| u64::from_str_radix(l.split_whitespace().nth(1)?, 16).ok())
        .any(|mask| mask & bit != 0)
}

/// Waits until `pid` sleeps in accept(2) with no SIGCHLD pending: its
/// handler (if any) has run to the end and the server waits for the next
/// client. Fails if `pid` exits or the deadline passes.
pub fn idle_in_accept(pid: i32, timeout: Duration) -> anyhow::Result<()> {
    eventually(
        timeout,
        &format!("pid {pid} to be idle in accept()"),
        || match observer::state(pid) {
            None | Some('Z') => Some(Err(anyhow::anyhow!("the server (pid {pid}) has exited"))),
            Some('S') if in_accept(pid) && !sigchld_pending(pid) => Some(Ok(())),
            _ => None,
        },
    )?
}

/// Is `pid` gone or a zombie (it has exited)?
pub fn exited(pid: i32) -> bool {
    matches!(observer::state(pid), None | Some('Z'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_thread_is_not_blocked_in_accept() {
        // This test's own thread is running, so its process's main thread is
        // whatever the harness does; all we can say for certain is that a
        // process that does not exist is not in accept.
        assert!(!in_accept(i32::MAX));
        assert_eq!(syscall(i32::MAX), None);
        assert!(exited(i32::MAX));
    }
}

//! The moment a check may look, from two /proc readings in `common::lab::observer`:
//! which system call a process is blocked in, and whether SIGCHLD is pending
//! or being handled. With them a check knows *when* to look: "the server is
//! back in accept(2) and has handled every SIGCHLD" is a moment, not a guess.

use std::time::Duration;

use common::lab::harness::eventually;
use common::lab::observer;
use nix::libc;
use nix::sys::signal::Signal;

/// Is `pid` blocked in accept(2) (or accept4, which socket2 uses)?
pub fn in_accept(pid: i32) -> bool {
    observer::blocked_in(pid, &[libc::SYS_accept4, libc::SYS_accept])
}

/// Is a SIGCHLD pending for `pid`, or being handled (blocked while its
/// handler runs)?
pub fn sigchld_busy(pid: i32) -> bool {
    observer::signal_view(pid, Signal::SIGCHLD).is_some_and(|v| v.pending || v.blocked)
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
            Some('S') if in_accept(pid) && !sigchld_busy(pid) => Some(Ok(())),
            _ => None,
        },
    )?
}

/// Is `pid` gone or a zombie (it has exited)?
pub fn exited(pid: i32) -> bool {
    matches!(observer::state(pid), None | Some('Z'))
}

/// Do all of `pid`'s threads sleep (state `S`)? None if it has ended (or
/// is a zombie).
pub fn all_threads_asleep(pid: i32) -> Option<bool> {
    if exited(pid) {
        return None;
    }
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut any = false;
    for task in tasks.flatten() {
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        let state = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.trim_start().chars().next());
        match state {
            Some('S') => any = true,
            None => {} // the thread ended meanwhile
            Some(_) => return Some(false),
        }
    }
    Some(any)
}

/// Why a server did not get back to accept().
pub enum NotIdle {
    /// It sleeps in wait4(2): a blocking wait() or waitpid() without
    /// WNOHANG, for a child that has not ended (WNOHANG never sleeps).
    InWait,
    /// It exited, or did something else until the deadline.
    Other(anyhow::Error),
}

/// [`idle_in_accept`], but tells at once when `pid` sleeps in wait4(2)
/// instead: the hang a blocking wait makes.
pub fn idle_or_waiting(pid: i32, timeout: Duration) -> Result<(), NotIdle> {
    let blocked = eventually(timeout, &format!("pid {pid} to be idle in accept()"), || {
        if observer::blocked_in(pid, &[libc::SYS_wait4]) {
            Some(Err(NotIdle::InWait))
        } else {
            idle_in_accept(pid, Duration::ZERO).is_ok().then_some(Ok(()))
        }
    });
    match blocked {
        Ok(r) => r,
        Err(e) => Err(match idle_in_accept(pid, Duration::ZERO) {
            Err(gone) if exited(pid) => NotIdle::Other(gone),
            _ => NotIdle::Other(e),
        }),
    }
}

//! The moment a check may look, from two /proc readings in `common::lab::observer`:
//! which system call a process is blocked in, and whether SIGCHLD is pending
//! or being handled. With them a check knows *when* to look: "the server is
//! back in accept(2) and has handled every SIGCHLD" is a moment, not a guess.

use std::time::{Duration, Instant};

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

/// Is `pid` idle in accept: asleep in accept(2), with no SIGCHLD pending or
/// being handled? The call is read on both sides of /proc/PID/status, so a
/// signal that arrives between the readings is not missed. (The same
/// definition as `common::lab::observer::idle_in_accept` on the house
/// branch; this one goes when that lands.)
pub fn is_idle_in_accept(pid: i32) -> bool {
    in_accept(pid)
        && observer::signal_view(pid, Signal::SIGCHLD)
            .is_some_and(|v| v.state == 'S' && !v.pending && !v.blocked)
        && in_accept(pid)
}

/// Waits until `pid` is idle in accept ([`is_idle_in_accept`]): its
/// handler (if any) has run to the end and the server waits for the next
/// client. Fails if `pid` exits or the deadline passes.
pub fn idle_in_accept(pid: i32, timeout: Duration) -> anyhow::Result<()> {
    eventually(timeout, &format!("pid {pid} to be idle in accept()"), || {
        if exited(pid) {
            Some(Err(anyhow::anyhow!("the server (pid {pid}) has exited")))
        } else {
            is_idle_in_accept(pid).then_some(Ok(()))
        }
    })?
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

/// How long a sleep in wait4(2) must last to count as the hang: a blocking
/// wait for a live child lasts for ever; /proc can catch a passing moment
/// of a WNOHANG call that the scheduler preempted.
pub const HANG: Duration = Duration::from_millis(300);

/// [`idle_in_accept`], but tells early (after [`HANG`]) when `pid` sleeps
/// in wait4(2) instead: the hang a blocking wait makes.
pub fn idle_or_waiting(pid: i32, timeout: Duration) -> Result<(), NotIdle> {
    let mut waiting_since: Option<Instant> = None;
    let r = eventually(timeout, &format!("pid {pid} to be idle in accept()"), || {
        if is_idle_in_accept(pid) {
            return Some(Ok(()));
        }
        if exited(pid) {
            return Some(Err(NotIdle::Other(anyhow::anyhow!(
                "the server (pid {pid}) has exited"
            ))));
        }
        if asleep_in_wait(pid) {
            let since = *waiting_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= HANG {
                return Some(Err(NotIdle::InWait));
            }
        } else {
            waiting_since = None;
        }
        None
    });
    match r {
        Ok(r) => r,
        Err(e) if exited(pid) => Err(NotIdle::Other(anyhow::anyhow!(
            "the server (pid {pid}) has exited: {e}"
        ))),
        Err(e) => Err(NotIdle::Other(e)),
    }
}

/// Is `pid` asleep in wait4(2)? Its state and call are read twice each,
/// interleaved, so a call caught between two other states does not count.
fn asleep_in_wait(pid: i32) -> bool {
    let wait = [libc::SYS_wait4];
    observer::blocked_in(pid, &wait) && observer::blocked_in(pid, &wait)
}

//! The moment a check may look, from `common::lab::observer`'s /proc
//! readings: "the server is back in accept(2) and has handled every
//! SIGCHLD" (the lab's one definition, `observer::idle_in_accept`) is a
//! moment, not a guess; so is "it sleeps in wait4(2)", the hang of a
//! blocking wait.

use std::time::{Duration, Instant};

use common::lab::harness::eventually;
use common::lab::observer;
use nix::libc;

/// Waits until `pid` is idle in accept (the lab's one definition,
/// [`observer::idle_in_accept`]): its
/// handler (if any) has run to the end and the server waits for the next
/// client. Fails if `pid` exits or the deadline passes.
pub fn idle_in_accept(pid: i32, timeout: Duration) -> anyhow::Result<()> {
    eventually(
        timeout,
        &common::lang::trf("pid {} to be idle in accept()", &[&pid]),
        || {
            if exited(pid) {
                Some(Err(anyhow::anyhow!(common::lang::trf(
                    "the server (pid {}) has exited",
                    &[&pid]
                ))))
            } else {
                observer::idle_in_accept(pid).then_some(Ok(()))
            }
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

/// How long a sleep in wait4(2) must last to count as the hang: a blocking
/// wait for a live child lasts for ever; /proc can catch a passing moment
/// of a WNOHANG call that the scheduler preempted.
pub const HANG: Duration = Duration::from_millis(300);

/// [`idle_in_accept`], but tells early (after [`HANG`]) when `pid` sleeps
/// in wait4(2) instead: the hang a blocking wait makes.
pub fn idle_or_waiting(pid: i32, timeout: Duration) -> Result<(), NotIdle> {
    let mut waiting_since: Option<Instant> = None;
    let r = eventually(
        timeout,
        &common::lang::trf("pid {} to be idle in accept()", &[&pid]),
        || {
            if observer::idle_in_accept(pid) {
                return Some(Ok(()));
            }
            if exited(pid) {
                return Some(Err(NotIdle::Other(anyhow::anyhow!(common::lang::trf(
                    "the server (pid {}) has exited",
                    &[&pid]
                )))));
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
        },
    );
    match r {
        Ok(r) => r,
        Err(e) if exited(pid) => Err(NotIdle::Other(anyhow::anyhow!(common::lang::trf(
            "the server (pid {}) has exited: {}",
            &[&pid, &e]
        )))),
        Err(e) => Err(NotIdle::Other(e)),
    }
}

/// Is `pid` asleep in wait4(2)? Its state and call are read twice each,
/// interleaved, so a call caught between two other states does not count.
fn asleep_in_wait(pid: i32) -> bool {
    let wait = [libc::SYS_wait4];
    observer::blocked_in(pid, &wait) && observer::blocked_in(pid, &wait)
}

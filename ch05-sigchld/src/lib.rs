//! UNP 5.8–5.10 and TCPIP ch.10 — fork, zombies, SIGCHLD, wait/waitpid,
//! EINTR. The programs are under `src/bin/`; this library holds the few
//! pieces several of them share:
//!
//! - [`Sigchld`]: the `--sigchld restart|intr` flag of tcpserv02/03/04,
//!   which picks how (or whether) the SIGCHLD handler is installed;
//! - [`SavedErrno`]: what every signal handler of the chapter does first;
//!   [`child_terminated`]: what a SIGCHLD handler prints, async-signal-safe;
//! - [`sleep_or_eof`]: the "parent sleeps" of the TCPIP ch.10 programs,
//!   cut short when stdin closes, so a test need not wait 30 s;
//! - [`experiment`]: the guided experiment's steps, run by the default-run
//!   demo, the bench and the integration tests alike.

use std::io;
use std::os::fd::AsFd;
use std::time::Duration;

use common::log::{Level, SigLine};
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::wait::WaitStatus;

pub mod experiment;

/// How tcpserv02, tcpserv03 and tcpserv04 install their SIGCHLD handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Sigchld {
    /// With SA_RESTART (the book's `Signal`, and Linux's default): an
    /// accept the handler interrupts is restarted by the kernel.
    Restart,
    /// Without SA_RESTART (`signal_intr`, as Solaris 9's `signal` in the
    /// book's run): the interrupted accept fails with EINTR.
    Intr,
}

// ANCHOR: handler_kit
/// Saves errno when a signal handler starts and restores it when the
/// handler returns: the handler's own calls (waitpid, write) must not
/// change the errno the interrupted code is about to read.
/// Async-signal-safe: it reads and writes one thread-local integer.
pub struct SavedErrno(i32);

impl SavedErrno {
    /// Saves the current errno.
    #[allow(clippy::new_without_default)]
    pub fn new() -> SavedErrno {
        SavedErrno(Errno::last_raw())
    }
}

impl Drop for SavedErrno {
    fn drop(&mut self) {
        Errno::set_raw(self.0);
    }
}

/// The book's `printf("child %d terminated\n", pid)`, made safe for a signal
/// handler: the line is built on the stack and written with one write(2)
/// (`common::log::SigLine`). printf would take stdio's lock, which the
/// interrupted code may hold. A status other than exited/killed (there is
/// none without WUNTRACED) prints nothing.
pub fn child_terminated(status: WaitStatus) {
    match status {
        WaitStatus::Exited(pid, code) => {
            SigLine::new(Level::Notice)
                .str("child ")
                .int(pid.as_raw().into())
                .str(" terminated (exit status ")
                .int(code.into())
                .str(")")
                .emit();
        }
        WaitStatus::Signaled(pid, sig, _) => {
            SigLine::new(Level::Notice)
                .str("child ")
                .int(pid.as_raw().into())
                .str(" terminated (killed by ")
                .str(sig.as_str())
                .str(")")
                .emit();
        }
        _ => {}
    }
}

// ANCHOR_END: handler_kit

/// Sleeps up to `secs` seconds, or until stdin reaches end of file (or
/// gets a line), whichever comes first; returns true if stdin ended it.
/// The TCPIP programs sleep(30); a test closes stdin instead of waiting.
pub fn sleep_or_eof(secs: f64) -> bool {
    let stdin = io::stdin();
    let end = std::time::Instant::now() + Duration::from_secs_f64(secs.max(0.0));
    loop {
        let left = end.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return false;
        }
        let ms = u16::try_from(left.as_millis().min(30_000)).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(stdin.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::from(ms)) {
            Ok(0) | Err(Errno::EINTR) => continue,
            Ok(_) => return true, // readable: a line, or EOF (POLLHUP)
            Err(_) => return false,
        }
    }
}

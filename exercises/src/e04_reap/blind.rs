//! Exercise 4: answers written BLIND — by someone who read only the
//! student file, its hints and the book's section, never the check or the
//! other wrong answers (issue 17 §4). `alt_correct` is a correct answer
//! written differently from solution.rs: the check must pass it.

#![allow(dead_code, clippy::all)]

/// tcpserv03's handler: one `wait()` per signal. When several SIGCHLDs are
/// merged into one delivery, only one child is reaped; the rest stay zombies.
pub mod wait_once {
    use std::ffi::c_int;

    use common::log::{Level, SigLine};
    use nix::sys::wait::WaitStatus;

    pub extern "C" fn sig_chld(signo: c_int) {
        let _errno = ch05_sigchld::SavedErrno::new();
        let _ = signo;
        if let Ok(WaitStatus::Exited(pid, _)) = common::wrapunix::wait() {
            SigLine::new(Level::Notice)
                .str("child ")
                .int(i64::from(pid.as_raw()))
                .str(" terminated")
                .emit();
        }
    }
}

/// Knows about WNOHANG but calls waitpid only once (`if`, not `while`):
/// one signal for five children still reaps one.
pub mod waitpid_if_not_while {
    use std::ffi::c_int;

    use common::log::{Level, SigLine};
    use nix::sys::wait::{WaitPidFlag, WaitStatus};

    pub extern "C" fn sig_chld(signo: c_int) {
        let _errno = ch05_sigchld::SavedErrno::new();
        let _ = signo;
        match common::wrapunix::waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) | Err(_) => {}
            Ok(status) => {
                if let Some(pid) = status.pid() {
                    SigLine::new(Level::Notice)
                        .str("child ")
                        .int(i64::from(pid.as_raw()))
                        .str(" terminated")
                        .emit();
                }
            }
        }
    }
}

/// Loops, but with blocking `wait()` until ECHILD: while one client is still
/// connected its child never ends, so the handler (and the server) hangs in wait.
pub mod blocking_wait_loop {
    use std::ffi::c_int;

    use common::log::{Level, SigLine};

    pub extern "C" fn sig_chld(signo: c_int) {
        let _errno = ch05_sigchld::SavedErrno::new();
        let _ = signo;
        while let Ok(status) = common::wrapunix::wait() {
            if let Some(pid) = status.pid() {
                SigLine::new(Level::Notice)
                    .str("child ")
                    .int(i64::from(pid.as_raw()))
                    .str(" terminated")
                    .emit();
            }
        }
    }
}

/// The C `while ((pid = waitpid(-1, &stat, WNOHANG)) > 0)` translated as "loop
/// until an error": `StillAlive` (0, a child still running) is taken as one more
/// reaped child, so with a client still connected the handler never returns.
pub mod loop_until_error {
    use std::ffi::c_int;

    use common::log::{Level, SigLine};
    use nix::sys::wait::WaitPidFlag;

    pub extern "C" fn sig_chld(signo: c_int) {
        let _errno = ch05_sigchld::SavedErrno::new();
        let _ = signo;
        loop {
            match common::wrapunix::waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Ok(status) => {
                    if let Some(pid) = status.pid() {
                        SigLine::new(Level::Notice)
                            .str("child ")
                            .int(i64::from(pid.as_raw()))
                            .str(" terminated")
                            .emit();
                    }
                }
                Err(_) => break, // ECHILD: nobody left
            }
        }
    }
}

/// Loops only while the status is `Exited`: a child killed by a signal
/// (`Signaled`) stops the loop, and the children ended after it stay zombies.
pub mod only_exited {
    use std::ffi::c_int;

    use common::log::{Level, SigLine};
    use nix::sys::wait::{WaitPidFlag, WaitStatus};

    pub extern "C" fn sig_chld(signo: c_int) {
        let _errno = ch05_sigchld::SavedErrno::new();
        let _ = signo;
        while let Ok(WaitStatus::Exited(pid, code)) =
            common::wrapunix::waitpid(None, Some(WaitPidFlag::WNOHANG))
        {
            SigLine::new(Level::Notice)
                .str("child ")
                .int(i64::from(pid.as_raw()))
                .str(" terminated, status ")
                .int(i64::from(code))
                .emit();
        }
    }
}

/// The count hard-coded from the task ("five children end at once"): five
/// non-blocking waitpids per signal — a sixth child ended in the same burst stays a zombie.
pub mod five_times {
    use std::ffi::c_int;

    use common::log::{Level, SigLine};
    use nix::sys::wait::{WaitPidFlag, WaitStatus};

    pub extern "C" fn sig_chld(signo: c_int) {
        let _errno = ch05_sigchld::SavedErrno::new();
        let _ = signo;
        for _ in 0..5 {
            if let Ok(status) = common::wrapunix::waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                if status == WaitStatus::StillAlive {
                    continue;
                }
                if let Some(pid) = status.pid() {
                    SigLine::new(Level::Notice)
                        .str("child ")
                        .int(i64::from(pid.as_raw()))
                        .str(" terminated")
                        .emit();
                }
            }
        }
    }
}

/// Right loop, but logs with `println!` (stdout's lock and buffer, maybe an
/// allocation) inside the handler: not async-signal-safe, can deadlock the server.
pub mod println_in_handler {
    use std::ffi::c_int;

    use nix::sys::wait::{WaitPidFlag, WaitStatus};

    pub extern "C" fn sig_chld(signo: c_int) {
        let _errno = ch05_sigchld::SavedErrno::new();
        let _ = signo;
        loop {
            match common::wrapunix::waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) | Err(_) => break,
                Ok(status) => println!("child {:?} terminated", status.pid()),
            }
        }
    }
}

/// Right loop, but errno is neither saved nor restored: the final waitpid's
/// ECHILD overwrites the errno the interrupted code was about to read.
pub mod errno_not_saved {
    use std::ffi::c_int;

    use nix::sys::wait::{WaitPidFlag, WaitStatus};

    pub extern "C" fn sig_chld(signo: c_int) {
        let _ = signo;
        loop {
            match common::wrapunix::waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) | Err(_) => break,
                Ok(status) => ch05_sigchld::child_terminated(status),
            }
        }
    }
}

/// Correct: nix's waitpid(-1, WNOHANG) turned into an iterator with
/// `iter::from_fn` (ends on StillAlive or an error), each status logged with the
/// chapter's signal-safe `child_terminated`; errno saved first.
pub mod alt_correct {
    use std::ffi::c_int;

    use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
    use nix::unistd::Pid;

    pub extern "C" fn sig_chld(signo: c_int) {
        let _errno = ch05_sigchld::SavedErrno::new();
        let _ = signo;
        let any_child = Pid::from_raw(-1);
        std::iter::from_fn(|| match waitpid(any_child, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) | Err(_) => None,
            Ok(reaped) => Some(reaped),
        })
        .for_each(ch05_sigchld::child_terminated);
    }
}

//! Exercise 14: answers written BLIND — by someone who read only the
//! student file, its hints and the book's section, never the check or the
//! other wrong answers (issue 17 §4). `alt_correct` is a correct answer
//! written differently from solution.rs: the check must pass it.

#![allow(dead_code, clippy::all)]

/// Counts the children it forked and calls wait() that many times with `?`:
/// the lab's SIGCHLD handler has already reaped some, so wait fails with
/// ECHILD (or EINTR) and the drain ends in an error.
pub mod count_children {
    use std::ffi::c_int;
    use std::io;
    use std::os::fd::{AsFd, OwnedFd};

    use crate::tools::wake_fd;
    use nix::errno::Errno;
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use socket2::Socket;

    pub extern "C" fn on_sigterm(_signo: c_int) {
        let _ = nix::unistd::write(wake_fd(), b"x");
    }

    pub fn serve(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
        let mut children = 0usize;
        loop {
            let mut fds = [
                PollFd::new(listenfd.as_fd(), PollFlags::POLLIN),
                PollFd::new(wake.as_fd(), PollFlags::POLLIN),
            ];
            match poll(&mut fds, PollTimeout::NONE) {
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
                Ok(_) => {}
            }
            if fds[1].any().unwrap_or(false) {
                break;
            }
            if fds[0].any().unwrap_or(false) {
                match common::wrapsock::accept(&listenfd) {
                    Ok((connfd, _)) => {
                        fork_echo(&listenfd, connfd);
                        children += 1;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        drop(listenfd);
        for _ in 0..children {
            nix::sys::wait::wait()?;
        }
        Ok(())
    }
}

/// Retries EINTR in the drain but not around poll: `poll(..)?` fails with
/// EINTR as soon as a child ends (SIGCHLD), and the server quits mid-service.
pub mod poll_eintr_fatal {
    use std::ffi::c_int;
    use std::io;
    use std::os::fd::{AsFd, OwnedFd};

    use crate::tools::wake_fd;
    use nix::errno::Errno;
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use socket2::Socket;

    pub extern "C" fn on_sigterm(_signo: c_int) {
        let _ = nix::unistd::write(wake_fd(), b"x");
    }

    pub fn serve(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
        loop {
            let mut fds = [
                PollFd::new(listenfd.as_fd(), PollFlags::POLLIN),
                PollFd::new(wake.as_fd(), PollFlags::POLLIN),
            ];
            poll(&mut fds, PollTimeout::NONE)?;
            if fds[1].any().unwrap_or(false) {
                break;
            }
            if fds[0].any().unwrap_or(false) {
                let (connfd, _) = common::wrapsock::accept(&listenfd)?;
                fork_echo(&listenfd, connfd);
            }
        }
        drop(listenfd);
        loop {
            match nix::sys::wait::wait() {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(Errno::ECHILD) => return Ok(()),
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// Stops polling the listener but closes it only when the function returns,
/// after the wait: during the drain new clients are still accepted by the
/// kernel into the backlog and hang instead of being refused.
pub mod close_after_wait {
    use std::ffi::c_int;
    use std::io;
    use std::os::fd::{AsFd, OwnedFd};

    use crate::tools::wake_fd;
    use nix::errno::Errno;
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use socket2::Socket;

    pub extern "C" fn on_sigterm(_signo: c_int) {
        let _ = nix::unistd::write(wake_fd(), b"x");
    }

    pub fn serve(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
        loop {
            let mut fds = [
                PollFd::new(listenfd.as_fd(), PollFlags::POLLIN),
                PollFd::new(wake.as_fd(), PollFlags::POLLIN),
            ];
            match poll(&mut fds, PollTimeout::NONE) {
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
                Ok(_) => {}
            }
            if fds[1].any().unwrap_or(false) {
                break;
            }
            if fds[0].any().unwrap_or(false) {
                match common::wrapsock::accept(&listenfd) {
                    Ok((connfd, _)) => fork_echo(&listenfd, connfd),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        // no more accept() calls: we are not accepting any more
        loop {
            match nix::sys::wait::wait() {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(Errno::ECHILD) => return Ok(()),
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// Closes the listener and returns Ok at once on SIGTERM: the server exits
/// while its children are still serving (systemd/docker then kill them).
pub mod no_wait {
    use std::ffi::c_int;
    use std::io;
    use std::os::fd::{AsFd, OwnedFd};

    use crate::tools::wake_fd;
    use nix::errno::Errno;
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use socket2::Socket;

    pub extern "C" fn on_sigterm(_signo: c_int) {
        let _ = nix::unistd::write(wake_fd(), b"x");
    }

    pub fn serve(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
        loop {
            let mut fds = [
                PollFd::new(listenfd.as_fd(), PollFlags::POLLIN),
                PollFd::new(wake.as_fd(), PollFlags::POLLIN),
            ];
            match poll(&mut fds, PollTimeout::NONE) {
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
                Ok(_) => {}
            }
            if fds[1].any().unwrap_or(false) {
                // the children are separate processes: they finish on their own
                drop(listenfd);
                return Ok(());
            }
            if fds[0].any().unwrap_or(false) {
                match common::wrapsock::accept(&listenfd) {
                    Ok((connfd, _)) => fork_echo(&listenfd, connfd),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
}

/// Waits for ONE child after closing the listener ("wait for the client"):
/// with two or more clients it returns while the others are still served.
pub mod waits_once {
    use std::ffi::c_int;
    use std::io;
    use std::os::fd::{AsFd, OwnedFd};

    use crate::tools::wake_fd;
    use nix::errno::Errno;
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use socket2::Socket;

    pub extern "C" fn on_sigterm(_signo: c_int) {
        let _ = nix::unistd::write(wake_fd(), b"x");
    }

    pub fn serve(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
        loop {
            let mut fds = [
                PollFd::new(listenfd.as_fd(), PollFlags::POLLIN),
                PollFd::new(wake.as_fd(), PollFlags::POLLIN),
            ];
            match poll(&mut fds, PollTimeout::NONE) {
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
                Ok(_) => {}
            }
            if fds[1].any().unwrap_or(false) {
                break;
            }
            if fds[0].any().unwrap_or(false) {
                match common::wrapsock::accept(&listenfd) {
                    Ok((connfd, _)) => fork_echo(&listenfd, connfd),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        drop(listenfd);
        loop {
            match nix::sys::wait::wait() {
                Err(Errno::EINTR) => continue,
                Ok(_) | Err(Errno::ECHILD) => return Ok(()),
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// Any wait error means "no child left": EINTR (SIGCHLD landing while the
/// server waits for another child) ends the drain early.
pub mod any_wait_error_done {
    use std::ffi::c_int;
    use std::io;
    use std::os::fd::{AsFd, OwnedFd};

    use crate::tools::wake_fd;
    use nix::errno::Errno;
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use socket2::Socket;

    pub extern "C" fn on_sigterm(_signo: c_int) {
        let _ = nix::unistd::write(wake_fd(), b"x");
    }

    pub fn serve(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
        loop {
            let mut fds = [
                PollFd::new(listenfd.as_fd(), PollFlags::POLLIN),
                PollFd::new(wake.as_fd(), PollFlags::POLLIN),
            ];
            match poll(&mut fds, PollTimeout::NONE) {
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
                Ok(_) => {}
            }
            if fds[1].any().unwrap_or(false) {
                break;
            }
            if fds[0].any().unwrap_or(false) {
                match common::wrapsock::accept(&listenfd) {
                    Ok((connfd, _)) => fork_echo(&listenfd, connfd),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        drop(listenfd);
        while nix::sys::wait::wait().is_ok() {}
        Ok(())
    }
}

/// Blocks in accept and looks at the self-pipe only between clients (a
/// zero-timeout poll); EINTR from the SIGTERM just restarts accept. An
/// idle server ignores SIGTERM until the next client connects.
pub mod accept_blocks {
    use std::ffi::c_int;
    use std::io;
    use std::os::fd::{AsFd, OwnedFd};

    use crate::tools::wake_fd;
    use nix::errno::Errno;
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use socket2::Socket;

    pub extern "C" fn on_sigterm(_signo: c_int) {
        let _ = nix::unistd::write(wake_fd(), b"x");
    }

    fn woken(wake: &OwnedFd) -> bool {
        let mut fds = [PollFd::new(wake.as_fd(), PollFlags::POLLIN)];
        matches!(poll(&mut fds, PollTimeout::ZERO), Ok(n) if n > 0)
    }

    pub fn serve(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
        while !woken(wake) {
            match common::wrapsock::accept(&listenfd) {
                Ok((connfd, _)) => fork_echo(&listenfd, connfd),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        drop(listenfd);
        loop {
            match nix::sys::wait::wait() {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(Errno::ECHILD) => return Ok(()),
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// Drains by polling waitpid(WNOHANG) in a tight loop until ECHILD: right
/// result, but the server burns a CPU for as long as the clients stay.
pub mod wnohang_spin {
    use std::ffi::c_int;
    use std::io;
    use std::os::fd::{AsFd, OwnedFd};

    use crate::tools::wake_fd;
    use nix::errno::Errno;
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use nix::sys::wait::{WaitPidFlag, waitpid};
    use socket2::Socket;

    pub extern "C" fn on_sigterm(_signo: c_int) {
        let _ = nix::unistd::write(wake_fd(), b"x");
    }

    pub fn serve(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
        loop {
            let mut fds = [
                PollFd::new(listenfd.as_fd(), PollFlags::POLLIN),
                PollFd::new(wake.as_fd(), PollFlags::POLLIN),
            ];
            match poll(&mut fds, PollTimeout::NONE) {
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
                Ok(_) => {}
            }
            if fds[1].any().unwrap_or(false) {
                break;
            }
            if fds[0].any().unwrap_or(false) {
                match common::wrapsock::accept(&listenfd) {
                    Ok((connfd, _)) => fork_echo(&listenfd, connfd),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        drop(listenfd);
        loop {
            match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Ok(_) | Err(Errno::EINTR) => {} // StillAlive: check again
                Err(Errno::ECHILD) => return Ok(()),
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// The handler logs "SIGTERM received" with common::notice! before writing
/// the byte: formatting and the logger's lock are not async-signal-safe (a
/// signal landing inside the same code can deadlock or corrupt the heap).
pub mod handler_logs {
    use std::ffi::c_int;
    use std::io;
    use std::os::fd::{AsFd, OwnedFd};

    use crate::tools::wake_fd;
    use nix::errno::Errno;
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use socket2::Socket;

    pub extern "C" fn on_sigterm(signo: c_int) {
        common::notice!("signal {signo} received: draining");
        let _ = nix::unistd::write(wake_fd(), b"x");
    }

    pub fn serve(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
        loop {
            let mut fds = [
                PollFd::new(listenfd.as_fd(), PollFlags::POLLIN),
                PollFd::new(wake.as_fd(), PollFlags::POLLIN),
            ];
            match poll(&mut fds, PollTimeout::NONE) {
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
                Ok(_) => {}
            }
            if fds[1].any().unwrap_or(false) {
                break;
            }
            if fds[0].any().unwrap_or(false) {
                match common::wrapsock::accept(&listenfd) {
                    Ok((connfd, _)) => fork_echo(&listenfd, connfd),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        drop(listenfd);
        loop {
            match nix::sys::wait::wait() {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(Errno::ECHILD) => return Ok(()),
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// Correct: the handler saves and restores errno (SavedErrno) around its one
/// write(2). serve is a two-phase state machine; the wake pipe is checked
/// before the listener, accept's EINTR/ECONNABORTED go back to poll, and the
/// drain closes the listener with close(2) then waitpid(-1) until ECHILD.
pub mod alt_correct {
    use std::ffi::c_int;
    use std::io;
    use std::os::fd::{AsFd, OwnedFd};

    use crate::tools::wake_fd;
    use ch05_sigchld::SavedErrno;
    use nix::errno::Errno;
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use nix::sys::wait::waitpid;
    use socket2::Socket;

    pub extern "C" fn on_sigterm(_signo: c_int) {
        let _errno = SavedErrno::new();
        let _ = nix::unistd::write(wake_fd(), b"x");
    }

    enum Phase {
        Serving(Socket),
        Draining,
    }

    fn ready(fd: &PollFd<'_>) -> bool {
        fd.revents().is_some_and(|r| !r.is_empty())
    }

    pub fn serve(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
        let mut phase = Phase::Serving(listenfd);
        loop {
            phase = match phase {
                Phase::Serving(l) => {
                    let (stop, incoming) = {
                        let mut fds = [
                            PollFd::new(wake.as_fd(), PollFlags::POLLIN),
                            PollFd::new(l.as_fd(), PollFlags::POLLIN),
                        ];
                        match poll(&mut fds, PollTimeout::NONE) {
                            Ok(_) => (ready(&fds[0]), ready(&fds[1])),
                            Err(Errno::EINTR) => (false, false),
                            Err(e) => return Err(e.into()),
                        }
                    };
                    if stop {
                        common::wrapsock::close(l)?;
                        Phase::Draining
                    } else {
                        if incoming {
                            match l.accept() {
                                Ok((connfd, _)) => fork_echo(&l, connfd),
                                Err(e)
                                    if e.kind() == io::ErrorKind::Interrupted
                                        || e.raw_os_error() == Some(nix::libc::ECONNABORTED) => {}
                                Err(e) => return Err(e),
                            }
                        }
                        Phase::Serving(l)
                    }
                }
                Phase::Draining => match waitpid(None, None) {
                    Err(Errno::ECHILD) => return Ok(()),
                    Ok(_) | Err(Errno::EINTR) => Phase::Draining,
                    Err(e) => return Err(e.into()),
                },
            };
        }
    }
}

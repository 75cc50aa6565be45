//! Exercise 10: answers written BLIND — by someone who read only the
//! student file, its hints and the book's section, never the check or the
//! other wrong answers (issue 17 §4). `alt_correct` is a correct answer
//! written differently from solution.rs: the check must pass it.

#![allow(dead_code, clippy::all)]

/// Forks only once and never waits: the child that serves the client is the
/// server's own child, and with no SIGCHLD handler it stays a zombie.
pub mod single_fork {
    use std::io;

    use common::wrapunix::fork;
    use nix::unistd::ForkResult;
    use socket2::{SockAddr, Socket};

    pub fn handoff(connfd: Socket, cliaddr: &SockAddr, serve: fn(Socket) -> !) -> io::Result<()> {
        let _ = cliaddr;
        // SAFETY: the server is single-threaded.
        match unsafe { fork() }? {
            ForkResult::Child => serve(connfd),
            ForkResult::Parent { .. } => {
                drop(connfd);
                Ok(())
            }
        }
    }
}

/// Double-forks correctly but never waits for the middle child ("the
/// grandchild is init's problem now"): the middle child is the zombie.
pub mod no_wait_middle {
    use std::io;

    use common::wrapunix::fork;
    use nix::unistd::ForkResult;
    use socket2::{SockAddr, Socket};

    pub fn handoff(connfd: Socket, cliaddr: &SockAddr, serve: fn(Socket) -> !) -> io::Result<()> {
        let _ = cliaddr;
        // SAFETY: the server is single-threaded.
        match unsafe { fork() }? {
            ForkResult::Parent { .. } => {
                drop(connfd);
                Ok(())
            }
            // SAFETY: the child is single-threaded too.
            ForkResult::Child => match unsafe { fork() } {
                Ok(ForkResult::Child) => serve(connfd),
                _ => std::process::exit(0),
            },
        }
    }
}

/// Roles swapped: the middle child serves and the grandchild exits. The
/// server's waitpid then blocks until the client is done (an iterative
/// server), and the grandchild that exited was never the point.
pub mod roles_swapped {
    use std::io;

    use common::wrapunix::{fork, waitpid};
    use nix::unistd::ForkResult;
    use socket2::{SockAddr, Socket};

    pub fn handoff(connfd: Socket, cliaddr: &SockAddr, serve: fn(Socket) -> !) -> io::Result<()> {
        let _ = cliaddr;
        // SAFETY: the server is single-threaded.
        match unsafe { fork() }? {
            ForkResult::Parent { child } => {
                drop(connfd);
                loop {
                    match waitpid(Some(child), None) {
                        Ok(_) => return Ok(()),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                }
            }
            // SAFETY: the child is single-threaded too.
            ForkResult::Child => match unsafe { fork() } {
                Ok(ForkResult::Child) => std::process::exit(0),
                _ => serve(connfd),
            },
        }
    }
}

/// Waits for the middle child with WNOHANG "so the server never blocks":
/// the middle child has usually not exited yet, so it is never reaped.
pub mod wnohang_race {
    use std::io;

    use common::wrapunix::{fork, waitpid};
    use nix::sys::wait::WaitPidFlag;
    use nix::unistd::ForkResult;
    use socket2::{SockAddr, Socket};

    pub fn handoff(connfd: Socket, cliaddr: &SockAddr, serve: fn(Socket) -> !) -> io::Result<()> {
        let _ = cliaddr;
        // SAFETY: the server is single-threaded.
        match unsafe { fork() }? {
            ForkResult::Parent { child } => {
                drop(connfd);
                match waitpid(Some(child), Some(WaitPidFlag::WNOHANG)) {
                    Ok(_) => Ok(()),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(()),
                    Err(e) => Err(e),
                }
            }
            // SAFETY: the child is single-threaded too.
            ForkResult::Child => match unsafe { fork() } {
                Ok(ForkResult::Child) => serve(connfd),
                _ => std::process::exit(0),
            },
        }
    }
}

/// The middle child "exits" with `return Ok(())` instead of exit(2): it
/// goes back into the server's accept loop and becomes a second server.
pub mod middle_returns {
    use std::io;

    use common::wrapunix::{fork, waitpid};
    use nix::unistd::ForkResult;
    use socket2::{SockAddr, Socket};

    pub fn handoff(connfd: Socket, cliaddr: &SockAddr, serve: fn(Socket) -> !) -> io::Result<()> {
        let _ = cliaddr;
        // SAFETY: the server is single-threaded.
        match unsafe { fork() }? {
            ForkResult::Parent { child } => {
                drop(connfd);
                loop {
                    match waitpid(Some(child), None) {
                        Ok(_) => return Ok(()),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                }
            }
            ForkResult::Child => {
                // SAFETY: the child is single-threaded too.
                if let ForkResult::Child = unsafe { fork() }? {
                    serve(connfd);
                }
                // middle child: done, leave
                Ok(())
            }
        }
    }
}

/// Copies the study note: the peer's port is passed as waitpid's third
/// argument (the options). Ports >= 32768 set bits Linux rejects: EINVAL.
pub mod blog_port_flags {
    use std::io;

    use common::wrapunix::{fork, waitpid};
    use nix::sys::wait::WaitPidFlag;
    use nix::unistd::ForkResult;
    use socket2::{SockAddr, Socket};

    pub fn handoff(connfd: Socket, cliaddr: &SockAddr, serve: fn(Socket) -> !) -> io::Result<()> {
        let peer_port = cliaddr.as_socket().map(|a| a.port()).unwrap_or(0);
        // SAFETY: the server is single-threaded.
        match unsafe { fork() }? {
            ForkResult::Parent { child } => {
                drop(connfd);
                // waitpid(id, nullptr, peerPort)
                let opts = WaitPidFlag::from_bits_retain(peer_port as i32);
                loop {
                    match waitpid(Some(child), Some(opts)) {
                        Ok(_) => return Ok(()),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                }
            }
            // SAFETY: the child is single-threaded too.
            ForkResult::Child => match unsafe { fork() } {
                Ok(ForkResult::Child) => serve(connfd),
                _ => std::process::exit(0),
            },
        }
    }
}

/// Right shape, but waitpid's error (EINTR when a signal lands while the
/// server waits) is returned with `?`: a signal makes handoff fail and the
/// middle child may be left unreaped.
pub mod waitpid_no_eintr {
    use std::io;

    use common::wrapunix::{fork, waitpid};
    use nix::unistd::ForkResult;
    use socket2::{SockAddr, Socket};

    pub fn handoff(connfd: Socket, cliaddr: &SockAddr, serve: fn(Socket) -> !) -> io::Result<()> {
        let _ = cliaddr;
        // SAFETY: the server is single-threaded.
        match unsafe { fork() }? {
            ForkResult::Parent { child } => {
                drop(connfd);
                waitpid(Some(child), None)?;
                Ok(())
            }
            // SAFETY: the child is single-threaded too.
            ForkResult::Child => match unsafe { fork() } {
                Ok(ForkResult::Child) => serve(connfd),
                _ => std::process::exit(0),
            },
        }
    }
}

/// Turns connfd into a raw fd before forking "to get around the move", and
/// the parent never closes its copy: the descriptor leaks and the client
/// never sees EOF when the grandchild finishes.
pub mod raw_fd_leak {
    use std::io;
    use std::os::fd::{FromRawFd, IntoRawFd};

    use common::wrapunix::{fork, waitpid};
    use nix::unistd::ForkResult;
    use socket2::{SockAddr, Socket};

    pub fn handoff(connfd: Socket, cliaddr: &SockAddr, serve: fn(Socket) -> !) -> io::Result<()> {
        let _ = cliaddr;
        let fd = connfd.into_raw_fd();
        // SAFETY: the server is single-threaded.
        match unsafe { fork() }? {
            ForkResult::Parent { child } => loop {
                match waitpid(Some(child), None) {
                    Ok(_) => return Ok(()),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            },
            // SAFETY: the child is single-threaded too.
            ForkResult::Child => match unsafe { fork() } {
                // SAFETY: fd is the accepted socket, owned by nobody else here.
                Ok(ForkResult::Child) => serve(unsafe { Socket::from_raw_fd(fd) }),
                _ => std::process::exit(0),
            },
        }
    }
}

/// Correct: nix's fork and waitpid directly; the server closes connfd with
/// its error reported before waiting; the middle child leaves with _exit(2)
/// (status 1 if the second fork failed, which also closes the client); the
/// wait is a small recursive helper that retries EINTR.
pub mod alt_correct {
    use std::io;

    use common::wrapunix::_exit;
    use nix::errno::Errno;
    use nix::sys::wait::{WaitStatus, waitpid};
    use nix::unistd::{ForkResult, Pid, fork};
    use socket2::{SockAddr, Socket};

    fn reap(pid: Pid) -> io::Result<WaitStatus> {
        match waitpid(pid, None) {
            Err(Errno::EINTR) => reap(pid),
            other => other.map_err(io::Error::from),
        }
    }

    pub fn handoff(connfd: Socket, cliaddr: &SockAddr, serve: fn(Socket) -> !) -> io::Result<()> {
        let _ = cliaddr;
        // SAFETY: the lab's servers are single-threaded, so the child owns
        // every lock it inherits.
        let first = unsafe { fork() }.map_err(io::Error::from)?;
        let ForkResult::Parent { child: middle } = first else {
            // The middle child: hand the socket to a grandchild and vanish.
            // SAFETY: still single-threaded (a fork copies only the caller).
            match unsafe { fork() } {
                Ok(ForkResult::Child) => serve(connfd),
                Ok(ForkResult::Parent { .. }) => _exit(0),
                Err(_) => _exit(1),
            }
        };
        let closed = common::wrapsock::close(connfd);
        reap(middle)?;
        closed
    }
}

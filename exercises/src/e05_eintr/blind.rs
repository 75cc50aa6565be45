//! Exercise 5: answers written BLIND — by someone who read only the
//! student file, its hints and the book's section, never the check or the
//! other wrong answers (issue 17 §4). `alt_correct` is a correct answer
//! written differently from solution.rs: the check must pass it.

#![allow(dead_code, clippy::all)]

/// EINTR retried once: a second child ending while accept is blocked again
/// makes the retry fail with EINTR too, and that one is returned.
pub mod retry_once {
    use std::io;

    use socket2::{SockAddr, Socket};

    pub fn next_connection(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
        match common::wrapsock::accept(listenfd) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                // a child ended: accept again
                common::wrapsock::accept(listenfd)
            }
            other => other,
        }
    }
}

/// Every accept error retried ("accept failing is never the server's fault"):
/// EMFILE, EBADF or EINVAL make it spin for ever instead of being returned.
pub mod retries_every_error {
    use std::io;

    use socket2::{SockAddr, Socket};

    pub fn next_connection(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
        loop {
            match common::wrapsock::accept(listenfd) {
                Ok(pair) => return Ok(pair),
                Err(e) => {
                    common::debug!("accept: {} (retrying)", common::error::strerror(&e));
                }
            }
        }
    }
}

/// The wrong errno: retries EAGAIN (`WouldBlock`, "Try again") and returns
/// EINTR (`Interrupted`), so the server still dies with "accept error".
pub mod retries_wouldblock {
    use std::io;

    use socket2::{SockAddr, Socket};

    pub fn next_connection(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
        loop {
            match common::wrapsock::accept(listenfd) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                other => return other,
            }
        }
    }
}

/// Copies the book's `Accept` wrapper: retries ECONNABORTED and EPROTO (the
/// UNP 5.11 errors) — but not EINTR, the one this exercise is about.
pub mod accept_wrapper_errnos {
    use std::io;

    use nix::libc;
    use socket2::{SockAddr, Socket};

    pub fn next_connection(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
        loop {
            match common::wrapsock::accept(listenfd) {
                Err(e) if matches!(e.raw_os_error(), Some(libc::ECONNABORTED | libc::EPROTO)) => {
                    continue;
                }
                other => return other,
            }
        }
    }
}

/// Avoids EINTR by blocking SIGCHLD around accept: no EINTR, but children
/// that end while the server waits in accept are not reaped (zombies) until the
/// next client arrives.
pub mod block_sigchld {
    use std::io;

    use nix::sys::signal::{SigSet, Signal};
    use socket2::{SockAddr, Socket};

    pub fn next_connection(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
        let mut chld = SigSet::empty();
        chld.add(Signal::SIGCHLD);
        chld.thread_block().map_err(io::Error::from)?;
        let result = common::wrapsock::accept(listenfd);
        // pending SIGCHLDs are delivered here, after accept returned
        chld.thread_unblock().map_err(io::Error::from)?;
        result
    }
}

/// A bounded retry (so it "cannot loop for ever"): after 3 EINTRs in a row it
/// gives up and returns the error — a burst of children ending kills the server.
pub mod retry_three_times {
    use std::io;

    use socket2::{SockAddr, Socket};

    pub fn next_connection(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
        let mut tries = 0;
        loop {
            match common::wrapsock::accept(listenfd) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted && tries < 3 => tries += 1,
                other => return other,
            }
        }
    }
}

/// Correct: an endless iterator of accept(2) calls (socket2's `accept`
/// directly) and `find` of the first result that is not EINTR, compared by raw errno.
pub mod alt_correct {
    use std::io;

    use nix::libc::EINTR;
    use socket2::{SockAddr, Socket};

    fn interrupted(r: &io::Result<(Socket, SockAddr)>) -> bool {
        matches!(r, Err(e) if e.raw_os_error() == Some(EINTR))
    }

    pub fn next_connection(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
        std::iter::repeat_with(|| listenfd.accept())
            .find(|r| !interrupted(r))
            .unwrap_or_else(|| Err(io::Error::other("accept: iterator ended")))
    }
}

//! Exercise 13: answers written BLIND — by someone who read only the
//! student file, its hints and the book's section, never the check or the
//! other wrong answers (issue 17 §4). `alt_correct` is a correct answer
//! written differently from solution.rs: the check must pass it.

#![allow(dead_code, clippy::all)]

/// Retries EINTR only; EMFILE is returned like any other error, so the
/// server exits the first time it runs out of descriptors.
pub mod emfile_fatal {
    use std::io;

    use common::wrapsock::accept;
    use socket2::Socket;

    pub fn accept_loop(listenfd: &Socket, serve: fn(Socket)) -> io::Result<()> {
        loop {
            match accept(listenfd) {
                Ok((connfd, _)) => serve(connfd),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

/// Survives EMFILE by trying again at once: accept fails again at once, so
/// the loop spins at 100 % CPU (and floods the log) until a descriptor is freed.
pub mod spin_retry {
    use std::io;

    use common::wrapsock::accept;
    use nix::libc::{EMFILE, ENFILE};
    use socket2::Socket;

    pub fn accept_loop(listenfd: &Socket, serve: fn(Socket)) -> io::Result<()> {
        loop {
            match accept(listenfd) {
                Ok((connfd, _)) => serve(connfd),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if matches!(e.raw_os_error(), Some(EMFILE | ENFILE)) => {
                    common::warning!("accept: {e}, retrying");
                    continue;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Every accept error is taken as temporary: log, sleep, retry. A real
/// error (EBADF, EINVAL on a listener that is not listening) never returns.
pub mod all_errors_temporary {
    use std::io;
    use std::time::Duration;

    use common::wrapsock::accept;
    use socket2::Socket;

    pub fn accept_loop(listenfd: &Socket, serve: fn(Socket)) -> io::Result<()> {
        loop {
            match accept(listenfd) {
                Ok((connfd, _)) => serve(connfd),
                Err(e) => {
                    common::warning!("accept: {e}; trying again in 100 ms");
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
    }
}

/// Backs off on EMFILE but forgets EINTR: a signal that interrupts the
/// blocked accept (SIGUSR1, SIGCHLD) makes the loop return an error.
pub mod no_eintr {
    use std::io;
    use std::time::Duration;

    use common::wrapsock::accept;
    use nix::libc::{EMFILE, ENFILE};
    use socket2::Socket;

    pub fn accept_loop(listenfd: &Socket, serve: fn(Socket)) -> io::Result<()> {
        loop {
            match accept(listenfd) {
                Ok((connfd, _)) => serve(connfd),
                Err(e) if matches!(e.raw_os_error(), Some(EMFILE | ENFILE)) => {
                    common::warning!("accept: {e}; backing off");
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Exponential backoff with no cap: after a minute of EMFILE each sleep is
/// minutes long, so once a descriptor is freed the waiting client still
/// waits for the end of a huge sleep.
pub mod uncapped_backoff {
    use std::io;
    use std::time::Duration;

    use common::wrapsock::accept;
    use nix::libc::{EMFILE, ENFILE};
    use socket2::Socket;

    pub fn accept_loop(listenfd: &Socket, serve: fn(Socket)) -> io::Result<()> {
        let mut backoff = Duration::from_millis(50);
        loop {
            match accept(listenfd) {
                Ok((connfd, _)) => {
                    backoff = Duration::from_millis(50);
                    serve(connfd);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if matches!(e.raw_os_error(), Some(EMFILE | ENFILE)) => {
                    common::warning!("accept: {e}; sleeping {backoff:?}");
                    std::thread::sleep(backoff);
                    backoff *= 2;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Checks only EMFILE (the per-process limit); ENFILE, the system-wide
/// table being full, is returned as fatal.
pub mod emfile_only {
    use std::io;
    use std::time::Duration;

    use common::wrapsock::accept;
    use nix::libc::EMFILE;
    use socket2::Socket;

    pub fn accept_loop(listenfd: &Socket, serve: fn(Socket)) -> io::Result<()> {
        loop {
            match accept(listenfd) {
                Ok((connfd, _)) => serve(connfd),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.raw_os_error() == Some(EMFILE) => {
                    common::warning!("accept: {e}; backing off");
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// The production trick done half-way: keeps a spare descriptor and, on
/// EMFILE, closes it, accepts and closes the client at once. The spare
/// grabs the freed descriptor, so later clients are turned away, not served.
pub mod spare_fd_drops_client {
    use std::fs::File;
    use std::io;
    use std::time::Duration;

    use common::wrapsock::accept;
    use nix::libc::{EMFILE, ENFILE};
    use socket2::Socket;

    pub fn accept_loop(listenfd: &Socket, serve: fn(Socket)) -> io::Result<()> {
        let mut spare = File::open("/dev/null").ok();
        loop {
            match accept(listenfd) {
                Ok((connfd, _)) => {
                    serve(connfd);
                    if spare.is_none() {
                        spare = File::open("/dev/null").ok();
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if matches!(e.raw_os_error(), Some(EMFILE | ENFILE)) => {
                    if let Some(f) = spare.take() {
                        drop(f);
                        if let Ok((c, _)) = accept(listenfd) {
                            common::warning!("out of descriptors: client refused");
                            drop(c);
                        }
                        spare = File::open("/dev/null").ok();
                    } else {
                        std::thread::sleep(Duration::from_millis(100));
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Correct: a small backoff state (None while healthy, Some(delay) during a
/// shortage) that logs once per shortage, sleeps with poll(2) on no
/// descriptors (no fd needed), doubles up to 1 s and resets after a success.
pub mod alt_correct {
    use std::io;

    use common::wrapsock::accept;
    use nix::errno::Errno;
    use nix::poll::{PollFd, PollTimeout, poll};
    use socket2::Socket;

    const FIRST_MS: u16 = 50;
    const MAX_MS: u16 = 1000;

    fn nap(ms: u16) {
        let mut none: [PollFd<'_>; 0] = [];
        // An interrupted nap is just a shorter one.
        let _ = poll(&mut none, PollTimeout::from(ms));
    }

    pub fn accept_loop(listenfd: &Socket, serve: fn(Socket)) -> io::Result<()> {
        let mut shortage: Option<u16> = None;
        loop {
            let err = match accept(listenfd) {
                Ok((connfd, _)) => {
                    if shortage.take().is_some() {
                        common::notice!("descriptors available again");
                    }
                    serve(connfd);
                    continue;
                }
                Err(e) => e,
            };
            let errno = Errno::from_raw(err.raw_os_error().unwrap_or(0));
            match errno {
                Errno::EINTR => {}
                Errno::EMFILE | Errno::ENFILE => {
                    let delay = match shortage {
                        None => {
                            common::warning!("accept: {err}; backing off");
                            FIRST_MS
                        }
                        Some(d) => d.saturating_mul(2).min(MAX_MS),
                    };
                    shortage = Some(delay);
                    nap(delay);
                }
                _ => return Err(err),
            }
        }
    }
}

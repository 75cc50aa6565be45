//! Exercise 1: answers written BLIND — by someone who read only the
//! student file, its hints and the book's section, never the check or the
//! other wrong answers (issue 17 §4). `alt_correct` is a correct answer
//! written differently from solution.rs: the check must pass it.

#![allow(dead_code, clippy::all)]

/// One write(2) taken as "everything": the count it returns is ignored, so a
/// short write (send buffer full, then a signal) silently loses the tail.
pub mod one_write {
    use std::io;
    use std::os::fd::BorrowedFd;

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        common::wrapunix::write(fd, buf)?;
        Ok(())
    }
}

/// Loops over short writes but lets EINTR through as an error (`?` on every
/// write): the first signal that interrupts a blocked write ends the call.
pub mod eintr_is_error {
    use std::io;
    use std::os::fd::BorrowedFd;

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        let mut rest = buf;
        while !rest.is_empty() {
            let n = common::wrapunix::write(fd, rest)?;
            if n == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            rest = &rest[n..];
        }
        Ok(())
    }
}

/// Counts down what is left but never advances the start: after a short
/// write it sends the first bytes of `buf` again (the C loop without `ptr += nwritten`).
pub mod prefix_again {
    use std::io;
    use std::os::fd::BorrowedFd;

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        let mut nleft = buf.len();
        while nleft > 0 {
            match common::wrapunix::write(fd, &buf[..nleft]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => nleft -= n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// EINTR retried only once per chunk ("a signal interrupted it, try again"):
/// a second signal during the retry is returned as an error.
pub mod eintr_retried_once {
    use std::io;
    use std::os::fd::BorrowedFd;

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        let mut rest = buf;
        while !rest.is_empty() {
            let n = match common::wrapunix::write(fd, rest) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    // interrupted before any byte went: just write again
                    common::wrapunix::write(fd, rest)?
                }
                Err(e) => return Err(e),
            };
            if n == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            rest = &rest[n..];
        }
        Ok(())
    }
}

/// Retries the wrong errno: EAGAIN (`WouldBlock`, "try again") instead of
/// EINTR (`Interrupted`), so an interrupted write is still returned as an error.
pub mod retries_eagain {
    use std::io;
    use std::os::fd::BorrowedFd;

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        let mut rest = buf;
        while !rest.is_empty() {
            match common::wrapunix::write(fd, rest) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => rest = &rest[n..],
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// "Neither is an error" stretched to every error: any failed write is
/// retried, so a real error (EPIPE after the peer closed, EBADF) spins forever.
pub mod retries_every_error {
    use std::io;
    use std::os::fd::BorrowedFd;

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        let mut rest = buf;
        while !rest.is_empty() {
            match common::wrapunix::write(fd, rest) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => rest = &rest[n..],
                Err(_) => continue, // interrupted or short: go again
            }
        }
        Ok(())
    }
}

/// Splits `buf` into MAXLINE chunks, believing a write of at most 4096 bytes
/// is always complete: the count of each chunk's write is not checked.
pub mod small_chunks_trusted {
    use std::io;
    use std::os::fd::BorrowedFd;

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        for chunk in buf.chunks(common::MAXLINE) {
            loop {
                match common::wrapunix::write(fd, chunk) {
                    Ok(_) => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }
}

/// Correct: nix's write(2) directly, an offset instead of a shrinking slice,
/// and errno matched as `Errno` (EINTR retried, 0 is WriteZero, others returned).
pub mod alt_correct {
    use std::io;
    use std::os::fd::BorrowedFd;

    use nix::errno::Errno;

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        let mut done = 0usize;
        while done < buf.len() {
            done += match nix::unistd::write(fd, &buf[done..]) {
                Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero)),
                Ok(n) => n,
                Err(Errno::EINTR) => 0,
                Err(errno) => return Err(io::Error::from(errno)),
            };
        }
        Ok(())
    }
}

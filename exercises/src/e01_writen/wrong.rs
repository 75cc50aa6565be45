//! Wrong answers for exercise 1.

use std::io;
use std::os::fd::BorrowedFd;

/// One write(2) taken as complete: a short count silently loses the rest.
pub fn one_write(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
    common::wrapunix::write(fd, buf).map(drop)
}

/// Loops on short writes, but treats EINTR as a failure.
pub fn eintr_fatal(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
    let mut rest = buf;
    while !rest.is_empty() {
        let n = common::wrapunix::write(fd, rest)?;
        rest = &rest[n..];
    }
    Ok(())
}

/// Counts the short writes but writes from the start of `buf` each time:
/// the reader gets the first bytes again instead of the rest.
pub fn restart_from_start(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
    let mut written = 0;
    while written < buf.len() {
        match common::wrapunix::write(fd, &buf[..buf.len() - written]) {
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

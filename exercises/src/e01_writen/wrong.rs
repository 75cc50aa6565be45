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

//! Reference for exercise 1: the lab's own `writen` (common/src/writen.rs)
//! is the answer — the check proves it.

use std::io;
use std::os::fd::BorrowedFd;

pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
    common::writen::writen(fd, buf)
}

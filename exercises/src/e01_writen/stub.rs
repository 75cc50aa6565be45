//! ✎ EDIT THIS FILE — exercise 1: `writen`, every byte (UNP §3.9, lib/writen.c)
//!
//! Task:   write all of `buf` to `fd`. One write(2) on a socket may write
//!         fewer bytes than asked, or fail with EINTR when a signal handler
//!         interrupts it before any byte went: neither is an error.
//! Tools:  `common::wrapunix::write(fd, buf)` — one write(2), returns
//!         `io::Result<usize>`, never retries anything itself.
//! Check:  cargo test -p exercises e01
//! Hints:  cargo run -p exercises -- hint 1   (then: hint 1 2; 中文: add --lang zh-CN)
//! Docs:   docs/src/exercises/index.md (English source);
//!         中文版: docs/book/zh-CN/exercises/index.html (built by bash docs/build.sh)
//! Reset:  git checkout -- exercises/src/student/e01_writen.rs
//! Related: `common::writen::writen` (the lab's own function; don't call it here — the check knows).

use std::io;
use std::os::fd::BorrowedFd;

/// Writes every byte of `buf` to `fd`, however many write(2) calls it takes.
/// Returns Ok(()) once all are written, or the first real error.
pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
    let _ = (fd, buf);
    Err(io::Error::other(
        "not implemented yet (exercises/src/student/e01_writen.rs)",
    ))
}

//! `readn` and `writen`, after the book's lib/readn.c and lib/writen.c: loop
//! until all `n` bytes are transferred, because one read(2) or write(2) on a
//! socket may move fewer bytes than asked. EINTR is retried inside, as the
//! book does.
#![allow(non_snake_case)]

use std::io;
use std::os::fd::AsFd;

use crate::error::err_sys;
use crate::wrapunix::{read, write};

/// Reads exactly `buf.len()` bytes unless end of file comes first; returns
/// how many were read (less than asked only at EOF).
pub fn readn(fd: impl AsFd, buf: &mut [u8]) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match read(&fd, &mut buf[done..]) {
            Ok(0) => break, // EOF
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// Writes every byte of `buf`, however many write(2) calls it takes.
pub fn writen(fd: impl AsFd, buf: &[u8]) -> io::Result<()> {
    let mut rest = buf;
    while !rest.is_empty() {
        match write(&fd, rest) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => rest = &rest[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `Readn`: [`readn`] or exit with "readn error: ...".
pub fn Readn(fd: impl AsFd, buf: &mut [u8]) -> usize {
    readn(fd, buf).unwrap_or_else(|e| err_sys("readn error", &e))
}

/// `Writen`: [`writen`] or exit with "writen error: ...".
pub fn Writen(fd: impl AsFd, buf: &[u8]) {
    writen(fd, buf).unwrap_or_else(|e| err_sys("writen error", &e))
}

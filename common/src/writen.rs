//! `readn` and `writen`, after the book's lib/readn.c and lib/writen.c: loop
//! until all `n` bytes are transferred, because one read(2) or write(2) on a
//! socket may move fewer bytes than asked. EINTR is retried inside, as the
//! book does.
#![allow(non_snake_case)]

use std::io;
use std::os::fd::AsFd;

use crate::error::err_sys;
use crate::wrapsock::send;
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
    all(buf, |rest| write(&fd, rest))
}

/// [`writen`] for a connected socket, by send(2) with no flags
/// ([`crate::wrapsock::send`]): what `str_echo` writes with.
pub fn sendn(sockfd: impl AsFd, buf: &[u8]) -> io::Result<()> {
    all(buf, |rest| send(&sockfd, rest))
}

/// The loop of writen and sendn: one call per pass, EINTR retried.
fn all(buf: &[u8], mut call: impl FnMut(&[u8]) -> io::Result<usize>) -> io::Result<()> {
    let mut rest = buf;
    while !rest.is_empty() {
        match call(rest) {
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

/// `Sendn`: [`sendn`] or exit with "writen error: ..." (the book's words:
/// its str_echo calls Writen).
pub fn Sendn(sockfd: impl AsFd, buf: &[u8]) {
    sendn(sockfd, buf).unwrap_or_else(|e| err_sys("writen error", &e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::testutil::{Interrupter, pair};
    use std::io::Read as _;
    use std::time::Duration;

    fn pattern(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    /// Through a 1 KiB socket buffer, with signals interrupting the blocked
    /// calls: each then returns the partial count it had written, and the
    /// loop must carry on.
    fn every_byte_despite_signals(call: fn(&socket2::Socket, &[u8]) -> io::Result<()>) {
        let (w, mut r) = pair();
        w.set_send_buffer_size(1024).unwrap();
        r.set_recv_buffer_size(1024).unwrap();
        let data = pattern(2 << 20);
        let want = data.clone();
        let intr = Interrupter::install();
        let t = intr.spawn_and_interrupt(move || call(&w, &data));
        let mut got = Vec::new();
        let mut buf = [0u8; 700]; // a slow reader: small reads
        while got.len() < want.len() {
            let n = r.read(&mut buf).unwrap();
            assert!(n > 0, "EOF after {} of {} bytes", got.len(), want.len());
            got.extend_from_slice(&buf[..n]);
        }
        t.join(Duration::from_secs(20)).unwrap();
        assert!(got == want, "bytes differ");
        assert!(
            intr.count() > 0,
            "no signal was delivered: the test proved nothing about EINTR"
        );
    }

    #[test]
    fn writen_writes_every_byte_to_a_slow_reader_through_a_tiny_buffer_despite_signals() {
        every_byte_despite_signals(|w, d| writen(w, d));
    }

    #[test]
    fn sendn_sends_every_byte_to_a_slow_reader_through_a_tiny_buffer_despite_signals() {
        every_byte_despite_signals(|w, d| sendn(w, d));
    }

    #[test]
    fn sendn_refuses_what_is_not_a_socket() {
        let (_r, w) = nix::unistd::pipe().unwrap();
        let e = sendn(&w, b"x").unwrap_err();
        assert_eq!(e.raw_os_error(), Some(nix::libc::ENOTSOCK), "{e}");
    }

    #[test]
    fn readn_reads_exactly_n_or_stops_at_eof() {
        use std::io::Write as _;
        let (mut w, r) = pair();
        w.write_all(b"0123456789").unwrap();
        let mut buf = [0u8; 4];
        assert_eq!(readn(&r, &mut buf).unwrap(), 4);
        assert_eq!(&buf, b"0123");
        drop(w);
        let mut big = [0u8; 16];
        assert_eq!(readn(&r, &mut big).unwrap(), 6, "EOF after 6 more bytes");
        assert_eq!(&big[..6], b"456789");
    }
}

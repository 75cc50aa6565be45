//! Buffered line reading, after the book's lib/readline.c — with one buffer
//! per descriptor ([`Rline`], the name of the book's thread-safe version in
//! UNP 26.5) instead of the book's single static buffer, which silently mixes
//! the bytes of two descriptors read alternately.
//!
//! What a "line" is here:
//! - everything up to and including the next `\n`;
//! - or, if no `\n` comes within [`MAXLINE`] bytes, exactly `MAXLINE` bytes:
//!   a longer line is returned in pieces of `MAXLINE` bytes, the last piece
//!   ending with its `\n`. Nothing is dropped, nothing is added, so echoing
//!   the pieces reproduces the line byte for byte (the book reads at most
//!   `maxlen - 1` bytes to leave room for a NUL; Rust needs no terminator);
//! - or, at end of file, whatever is left with no `\n` (a final partial line).
//!
//! Bytes are passed through untouched: NUL and non-UTF-8 bytes are data.
//! EINTR is retried inside, as the book's `my_read` does.
#![allow(non_snake_case)]

use std::io;
use std::os::fd::AsFd;

use crate::error::err_sys;
use crate::unp::MAXLINE;

/// A descriptor with its own read-ahead buffer (the book's `Rline`).
pub struct Rline<F: AsFd> {
    fd: F,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
}

impl<F: AsFd> Rline<F> {
    /// Wraps `fd`; reads from it go through a `MAXLINE`-byte buffer.
    pub fn new(fd: F) -> Rline<F> {
        Rline {
            fd,
            buf: vec![0; MAXLINE].into_boxed_slice(),
            pos: 0,
            end: 0,
        }
    }

    /// Replaces `line` with the next line (see the module doc) and returns
    /// its length; 0 means end of file. EINTR is retried; any other read
    /// error is returned (bytes of an unfinished line are then discarded).
    pub fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
        line.clear();
        loop {
            if self.pos == self.end {
                match crate::wrapunix::read(&self.fd, &mut self.buf) {
                    Ok(0) => return Ok(line.len()),
                    Ok(n) => (self.pos, self.end) = (0, n),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            }
            let room = MAXLINE - line.len();
            let avail = &self.buf[self.pos..self.end];
            let take = avail.len().min(room);
            if let Some(i) = avail[..take].iter().position(|&b| b == b'\n') {
                line.extend_from_slice(&avail[..=i]);
                self.pos += i + 1;
                return Ok(line.len());
            }
            line.extend_from_slice(&avail[..take]);
            self.pos += take;
            if line.len() == MAXLINE {
                return Ok(MAXLINE);
            }
        }
    }

    /// Bytes read from the descriptor but not yet returned as a line (the
    /// book's `readlinebuf`): what a caller must not lose before switching
    /// to plain read(2) on the same descriptor.
    pub fn readlinebuf(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    /// The wrapped descriptor.
    pub fn get_ref(&self) -> &F {
        &self.fd
    }
}

/// `Readline`: [`Rline::readline`] or exit with "readline error: ...".
pub fn Readline<F: AsFd>(rl: &mut Rline<F>, line: &mut Vec<u8>) -> usize {
    rl.readline(line)
        .unwrap_or_else(|e| err_sys("readline error", &e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::testutil::{Interrupter, pair};
    use std::io::Write as _;
    use std::time::Duration;

    fn lines_of(input: &[u8], chunks: &[usize]) -> Vec<Vec<u8>> {
        let (mut w, r) = pair();
        let mut rl = Rline::new(r);
        let input = input.to_vec();
        let chunks = chunks.to_vec();
        let t = std::thread::spawn(move || {
            // Write in the given chunk sizes so lines arrive split across reads.
            let mut rest = &input[..];
            for &c in chunks.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let n = c.min(rest.len());
                w.write_all(&rest[..n]).unwrap();
                rest = &rest[n..];
            }
        });
        let mut out = Vec::new();
        let mut line = Vec::new();
        while rl.readline(&mut line).unwrap() > 0 {
            out.push(line.clone());
        }
        t.join().unwrap();
        out
    }

    #[test]
    fn lines_split_across_reads_come_back_whole() {
        let got = lines_of(b"hello\nworld\n\nlast\n", &[1, 2, 3]);
        assert_eq!(got, vec![&b"hello\n"[..], b"world\n", b"\n", b"last\n"]);
    }

    #[test]
    fn final_line_without_newline_is_kept() {
        assert_eq!(lines_of(b"a\nno newline", &[4]), vec![&b"a\n"[..], b"no newline"]);
    }

    #[test]
    fn nul_and_non_utf8_bytes_pass_through() {
        let input = b"\x00\xff\xfe\n\x80abc\x00\n";
        assert_eq!(
            lines_of(input, &[2]),
            vec![&b"\x00\xff\xfe\n"[..], b"\x80abc\x00\n"]
        );
    }

    #[test]
    fn a_line_longer_than_maxline_comes_in_maxline_pieces() {
        let mut input = vec![b'x'; MAXLINE * 2 + 10];
        input.push(b'\n');
        input.extend_from_slice(b"next\n");
        let got = lines_of(&input, &[1000]);
        let lens: Vec<usize> = got.iter().map(Vec::len).collect();
        assert_eq!(lens, vec![MAXLINE, MAXLINE, 11, 5]);
        assert_eq!(got.concat(), input, "the pieces must reassemble byte for byte");
    }

    #[test]
    fn a_line_of_exactly_maxline_bytes_with_its_newline_is_two_pieces() {
        // MAXLINE-1 bytes + '\n' fits exactly; one more byte does not (the
        // off-by-one the book avoids with maxlen-1).
        let mut fits = vec![b'y'; MAXLINE - 1];
        fits.push(b'\n');
        assert_eq!(lines_of(&fits, &[MAXLINE]).len(), 1);
        let mut over = vec![b'y'; MAXLINE];
        over.push(b'\n');
        let got = lines_of(&over, &[MAXLINE]);
        assert_eq!(got.iter().map(Vec::len).collect::<Vec<_>>(), vec![MAXLINE, 1]);
    }

    #[test]
    fn two_descriptors_keep_separate_buffers() {
        let (mut w1, r1) = pair();
        let (mut w2, r2) = pair();
        w1.write_all(b"one-a\none-b\n").unwrap();
        w2.write_all(b"two-a\ntwo-b\n").unwrap();
        let (mut a, mut b) = (Rline::new(r1), Rline::new(r2));
        let mut line = Vec::new();
        for want in [&b"one-a\n"[..], b"two-a\n", b"one-b\n", b"two-b\n"] {
            let rl = if want.starts_with(b"one") { &mut a } else { &mut b };
            rl.readline(&mut line).unwrap();
            assert_eq!(line, want);
        }
    }

    #[test]
    fn readline_retries_eintr_but_plain_read_returns_it() {
        let (mut w, r) = pair();
        let intr = Interrupter::install();
        // Plain read(2) under a non-restarting handler: EINTR.
        let r2 = r.try_clone().unwrap();
        let got = intr.interrupt_blocked(move || {
            let mut b = [0u8; 8];
            crate::wrapunix::read(&r2, &mut b).map(|_| ())
        });
        assert_eq!(got.unwrap_err().kind(), std::io::ErrorKind::Interrupted);
        // readline: interrupted the same way, keeps waiting, returns the line.
        let before = intr.count();
        let t = intr.spawn_and_interrupt(move || {
            let mut rl = Rline::new(r);
            let mut line = Vec::new();
            rl.readline(&mut line).map(|_| line)
        });
        // Let several signals land while readline is blocked before any data.
        crate::lab::harness::eventually(Duration::from_secs(5), "5 signals", || {
            (intr.count() >= before + 5).then_some(())
        })
        .unwrap();
        w.write_all(b"after signals\n").unwrap();
        let line = t.join(Duration::from_secs(10)).unwrap();
        assert_eq!(line, b"after signals\n");
    }
}

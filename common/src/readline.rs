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

//! Wrong answers for exercise 2, all from porting the book's C literally
//! (lib/readline.c keeps its buffer in `static` variables; Fig 3.17 reads
//! one byte per call; C reserves a byte for the terminating NUL).

use std::io;
use std::os::fd::AsFd;
use std::sync::Mutex;

use common::MAXLINE;

use crate::tools::Lines;

struct Buf {
    data: [u8; MAXLINE],
    ptr: usize,
    cnt: usize,
}

/// The book's `static char read_buf[MAXLINE]`: one buffer for every descriptor.
static SHARED: Mutex<Buf> = Mutex::new(Buf {
    data: [0; MAXLINE],
    ptr: 0,
    cnt: 0,
});

/// readline after lib/readline.c, with knobs for each bug.
pub struct Book<F: AsFd> {
    fd: F,
    own: Buf,
    shared: bool,
    /// Longest piece returned (the C version: maxlen - 1).
    limit: usize,
    /// Bytes asked of each read(2) (Fig 3.17: 1).
    chunk: usize,
}

/// The static buffer, shared by every descriptor.
pub fn shared_buffer<F: AsFd>(fd: F) -> Book<F> {
    Book::new(fd, true, MAXLINE, MAXLINE)
}

/// `n < maxlen - 1`: a line that fills the buffer loses its '\n' to the next call.
pub fn maxline_minus_one<F: AsFd>(fd: F) -> Book<F> {
    Book::new(fd, false, MAXLINE - 1, MAXLINE)
}

/// Fig 3.17: one read(2) per byte.
pub fn byte_at_a_time<F: AsFd>(fd: F) -> Book<F> {
    Book::new(fd, false, MAXLINE, 1)
}

impl<F: AsFd> Book<F> {
    fn new(fd: F, shared: bool, limit: usize, chunk: usize) -> Book<F> {
        Book {
            fd,
            own: Buf {
                data: [0; MAXLINE],
                ptr: 0,
                cnt: 0,
            },
            shared,
            limit,
            chunk,
        }
    }

    fn my_read(fd: &F, b: &mut Buf, chunk: usize) -> io::Result<Option<u8>> {
        if b.cnt == 0 {
            loop {
                match common::wrapunix::read(fd, &mut b.data[..chunk]) {
                    Ok(0) => return Ok(None),
                    Ok(n) => {
                        (b.cnt, b.ptr) = (n, 0);
                        break;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        b.cnt -= 1;
        b.ptr += 1;
        Ok(Some(b.data[b.ptr - 1]))
    }
}

impl<F: AsFd> Lines for Book<F> {
    fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
        line.clear();
        let mut guard = self
            .shared
            .then(|| SHARED.lock().unwrap_or_else(|p| p.into_inner()));
        let buf = match guard.as_deref_mut() {
            Some(b) => b,
            None => &mut self.own,
        };
        while line.len() < self.limit {
            match Self::my_read(&self.fd, buf, self.chunk)? {
                Some(c) => {
                    line.push(c);
                    if c == b'\n' {
                        break;
                    }
                }
                None => break,
            }
        }
        Ok(line.len())
    }
}

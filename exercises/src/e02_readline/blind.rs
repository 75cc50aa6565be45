//! Exercise 2: answers written BLIND — by someone who read only the
//! student file, its hints and the book's section, never the check or the
//! other wrong answers (issue 17 §4). `alt_correct` is a correct answer
//! written differently from solution.rs: the check must pass it.

#![allow(dead_code, clippy::all)]

/// The book's Fig 3.18 copied faithfully: ONE static read-ahead buffer
/// (behind a Mutex) for every `Rline`, so two descriptors read in turn mix bytes.
pub mod static_buffer {
    use std::io;
    use std::os::fd::AsFd;
    use std::sync::Mutex;

    use common::MAXLINE;

    struct ReadAhead {
        buf: [u8; MAXLINE],
        pos: usize,
        end: usize,
    }

    static READ_AHEAD: Mutex<ReadAhead> = Mutex::new(ReadAhead {
        buf: [0; MAXLINE],
        pos: 0,
        end: 0,
    });

    pub struct Rline<F: AsFd> {
        fd: F,
    }

    impl<F: AsFd> Rline<F> {
        pub fn new(fd: F) -> Rline<F> {
            Rline { fd }
        }

        pub fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
            let mut ra = READ_AHEAD.lock().unwrap_or_else(|p| p.into_inner());
            line.clear();
            loop {
                if ra.pos == ra.end {
                    match common::wrapunix::read(&self.fd, &mut ra.buf) {
                        Ok(0) => return Ok(line.len()),
                        Ok(n) => {
                            ra.pos = 0;
                            ra.end = n;
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                }
                let c = ra.buf[ra.pos];
                ra.pos += 1;
                line.push(c);
                if c == b'\n' || line.len() == MAXLINE {
                    return Ok(line.len());
                }
            }
        }
    }
}

/// No read-ahead at all: one read(2) of one byte per character (the book's
/// slow version, Fig 3.16). Lines are right, but it is one system call per byte.
pub mod one_byte_reads {
    use std::io;
    use std::os::fd::AsFd;

    use common::MAXLINE;

    pub struct Rline<F: AsFd> {
        fd: F,
    }

    impl<F: AsFd> Rline<F> {
        pub fn new(fd: F) -> Rline<F> {
            Rline { fd }
        }

        pub fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
            line.clear();
            let mut c = [0u8; 1];
            while line.len() < MAXLINE {
                match common::wrapunix::read(&self.fd, &mut c) {
                    Ok(0) => break,
                    Ok(_) => {
                        line.push(c[0]);
                        if c[0] == b'\n' {
                            break;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            }
            Ok(line.len())
        }
    }
}

/// The C version's `maxlen - 1`: a line with no '\n' is cut at MAXLINE - 1
/// bytes (room kept for a NUL that Rust does not need).
pub mod maxline_minus_one {
    use std::io;
    use std::os::fd::AsFd;

    use common::MAXLINE;

    pub struct Rline<F: AsFd> {
        fd: F,
        buf: Vec<u8>,
        pos: usize,
        end: usize,
    }

    impl<F: AsFd> Rline<F> {
        pub fn new(fd: F) -> Rline<F> {
            Rline {
                fd,
                buf: vec![0; MAXLINE],
                pos: 0,
                end: 0,
            }
        }

        pub fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
            line.clear();
            // like readline(fd, buf, MAXLINE): at most maxlen - 1 bytes + the NUL
            while line.len() < MAXLINE - 1 {
                if self.pos == self.end {
                    match common::wrapunix::read(&self.fd, &mut self.buf) {
                        Ok(0) => break,
                        Ok(n) => {
                            self.pos = 0;
                            self.end = n;
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                }
                let c = self.buf[self.pos];
                self.pos += 1;
                line.push(c);
                if c == b'\n' {
                    break;
                }
            }
            Ok(line.len())
        }
    }
}

/// At end of file a last line without '\n' is thrown away: Ok(0) is
/// returned as soon as read(2) gives 0, whatever was already collected.
pub mod eof_drops_tail {
    use std::io;
    use std::os::fd::AsFd;

    use common::MAXLINE;

    pub struct Rline<F: AsFd> {
        fd: F,
        buf: Vec<u8>,
        pos: usize,
        end: usize,
    }

    impl<F: AsFd> Rline<F> {
        pub fn new(fd: F) -> Rline<F> {
            Rline {
                fd,
                buf: vec![0; MAXLINE],
                pos: 0,
                end: 0,
            }
        }

        pub fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
            line.clear();
            loop {
                if self.pos == self.end {
                    match common::wrapunix::read(&self.fd, &mut self.buf) {
                        Ok(0) => return Ok(0), // EOF
                        Ok(n) => (self.pos, self.end) = (0, n),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                }
                let avail = &self.buf[self.pos..self.end];
                let room = MAXLINE - line.len();
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
    }
}

/// One read taken as one message: each call reads a chunk and returns it up
/// to the first '\n'; the bytes after it (the next lines) are discarded.
pub mod one_read_one_line {
    use std::io;
    use std::os::fd::AsFd;

    use common::MAXLINE;

    pub struct Rline<F: AsFd> {
        fd: F,
        buf: Vec<u8>,
    }

    impl<F: AsFd> Rline<F> {
        pub fn new(fd: F) -> Rline<F> {
            Rline {
                fd,
                buf: vec![0; MAXLINE],
            }
        }

        pub fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
            line.clear();
            loop {
                match common::wrapunix::read(&self.fd, &mut self.buf) {
                    Ok(0) => return Ok(line.len()),
                    Ok(n) => {
                        let chunk = &self.buf[..n];
                        match chunk.iter().position(|&b| b == b'\n') {
                            Some(i) => {
                                line.extend_from_slice(&chunk[..=i]);
                                return Ok(line.len());
                            }
                            None => {
                                line.extend_from_slice(chunk);
                                if line.len() >= MAXLINE {
                                    return Ok(line.len());
                                }
                            }
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            }
        }
    }
}

/// Per-descriptor buffer and big reads, but no MAXLINE limit: a line with no
/// '\n' keeps growing until one comes (or EOF) instead of coming in 4096-byte pieces.
pub mod no_maxline_cap {
    use std::io;
    use std::os::fd::AsFd;

    use common::MAXLINE;

    pub struct Rline<F: AsFd> {
        fd: F,
        buf: Vec<u8>,
        pos: usize,
        end: usize,
    }

    impl<F: AsFd> Rline<F> {
        pub fn new(fd: F) -> Rline<F> {
            Rline {
                fd,
                buf: vec![0; MAXLINE],
                pos: 0,
                end: 0,
            }
        }

        pub fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
            line.clear();
            loop {
                if self.pos == self.end {
                    match common::wrapunix::read(&self.fd, &mut self.buf) {
                        Ok(0) => return Ok(line.len()),
                        Ok(n) => (self.pos, self.end) = (0, n),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                }
                let avail = &self.buf[self.pos..self.end];
                if let Some(i) = avail.iter().position(|&b| b == b'\n') {
                    line.extend_from_slice(&avail[..=i]);
                    self.pos += i + 1;
                    return Ok(line.len());
                }
                line.extend_from_slice(avail);
                self.pos = self.end;
            }
        }
    }
}

/// Buffered and per-descriptor, but EINTR from read(2) is passed up with `?`
/// as if it were a real read error.
pub mod eintr_not_retried {
    use std::io;
    use std::os::fd::AsFd;

    use common::MAXLINE;

    pub struct Rline<F: AsFd> {
        fd: F,
        buf: Vec<u8>,
        pos: usize,
        end: usize,
    }

    impl<F: AsFd> Rline<F> {
        pub fn new(fd: F) -> Rline<F> {
            Rline {
                fd,
                buf: vec![0; MAXLINE],
                pos: 0,
                end: 0,
            }
        }

        pub fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
            line.clear();
            loop {
                if self.pos == self.end {
                    let n = common::wrapunix::read(&self.fd, &mut self.buf)?;
                    if n == 0 {
                        return Ok(line.len());
                    }
                    self.pos = 0;
                    self.end = n;
                }
                let avail = &self.buf[self.pos..self.end];
                let take = avail.len().min(MAXLINE - line.len());
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
    }
}

/// Correct: the read-ahead is a per-`Rline` `VecDeque` fed by one MAXLINE-byte
/// read(2) (nix, EINTR retried) only when it is empty; bytes are moved out one
/// at a time until '\n', MAXLINE bytes, or end of file.
pub mod alt_correct {
    use std::collections::VecDeque;
    use std::io;
    use std::os::fd::AsFd;

    use common::MAXLINE;
    use nix::errno::Errno;

    pub struct Rline<F: AsFd> {
        fd: F,
        pending: VecDeque<u8>,
        chunk: Box<[u8]>,
    }

    impl<F: AsFd> Rline<F> {
        pub fn new(fd: F) -> Rline<F> {
            Rline {
                fd,
                pending: VecDeque::with_capacity(MAXLINE),
                chunk: vec![0u8; MAXLINE].into_boxed_slice(),
            }
        }

        pub fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
            line.clear();
            loop {
                while let Some(b) = self.pending.pop_front() {
                    line.push(b);
                    if b == b'\n' || line.len() == MAXLINE {
                        return Ok(line.len());
                    }
                }
                // pending is empty here: refill with one big read
                match nix::unistd::read(&self.fd, &mut self.chunk) {
                    Ok(0) => return Ok(line.len()),
                    Ok(n) => self.pending.extend(&self.chunk[..n]),
                    Err(Errno::EINTR) => {}
                    Err(errno) => return Err(errno.into()),
                }
            }
        }
    }
}

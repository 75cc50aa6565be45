//! Exercise 7: answers written BLIND — by someone who read only the
//! student file, its hints and the book's section, never the check or the
//! other wrong answers (issue 17 §4). `alt_correct` is a correct answer
//! written differently from solution.rs: the check must pass it.

#![allow(dead_code, clippy::all)]

/// Writes everything, half-closes, and only then reads: fine for small input,
/// but once the data exceeds both sides' socket buffers the server blocks writing
/// its echoes and the client blocks writing its input — deadlock.
pub mod write_all_then_read {
    use std::io;
    use std::net::Shutdown;

    use socket2::Socket;

    pub fn batch(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
        common::writen::writen(&sockfd, input)?;
        common::wrapsock::shutdown(&sockfd, Shutdown::Write)?;
        let mut out = Vec::new();
        let mut buf = vec![0u8; common::MAXLINE];
        loop {
            match common::wrapunix::read(&sockfd, &mut buf) {
                Ok(0) => return Ok(out),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

/// A reader thread on a `try_clone()`, but the writer "closes" its socket
/// (drop) instead of shutdown: the clone still refers to the connection, no FIN
/// leaves, the server never sees EOF and the reader waits for ever.
pub mod close_not_shutdown {
    use std::io;

    use socket2::Socket;

    fn read_all(sock: Socket) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; common::MAXLINE];
        loop {
            match common::wrapunix::read(&sock, &mut buf) {
                Ok(0) => return Ok(out),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn batch(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
        let reader = sockfd.try_clone()?;
        let t = std::thread::spawn(move || read_all(reader));
        common::writen::writen(&sockfd, input)?;
        common::wrapsock::close(sockfd)?; // done sending: close our end
        t.join().map_err(|_| io::Error::other("reader thread panicked"))?
    }
}

/// Half-close with the wrong option: shutdown(Both) after writing. The reader's
/// next read returns 0 at once, so the echoes still in flight are lost.
pub mod shutdown_both {
    use std::io;
    use std::net::Shutdown;

    use socket2::Socket;

    fn read_all(sock: Socket) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; common::MAXLINE];
        loop {
            match common::wrapunix::read(&sock, &mut buf) {
                Ok(0) => return Ok(out),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn batch(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
        let reader = sockfd.try_clone()?;
        let t = std::thread::spawn(move || read_all(reader));
        common::writen::writen(&sockfd, input)?;
        common::wrapsock::shutdown(&sockfd, Shutdown::Both)?;
        t.join().map_err(|_| io::Error::other("reader thread panicked"))?
    }
}

/// SHUT_RD and SHUT_WR mixed up: shutdown(Read) sends no FIN (the server never
/// sees end of file) and makes the reader's reads return 0, cutting the output.
pub mod shutdown_read_side {
    use std::io;
    use std::net::Shutdown;

    use socket2::Socket;

    fn read_all(sock: Socket) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; common::MAXLINE];
        loop {
            match common::wrapunix::read(&sock, &mut buf) {
                Ok(0) => return Ok(out),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn batch(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
        let reader = sockfd.try_clone()?;
        let t = std::thread::spawn(move || read_all(reader));
        common::writen::writen(&sockfd, input)?;
        common::wrapsock::shutdown(&sockfd, Shutdown::Read)?; // no more input from us
        t.join().map_err(|_| io::Error::other("reader thread panicked"))?
    }
}

/// The reader stops at the first short read ("fewer bytes than the buffer:
/// that was the last piece"), a file-reading habit: the echo is cut wherever the
/// network happened to deliver less than a full buffer.
pub mod short_read_is_the_end {
    use std::io;
    use std::net::Shutdown;

    use socket2::Socket;

    fn read_all(sock: Socket) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; common::MAXLINE];
        loop {
            match common::wrapunix::read(&sock, &mut buf) {
                Ok(n) => {
                    out.extend_from_slice(&buf[..n]);
                    if n < buf.len() {
                        return Ok(out); // short read (or 0): nothing more is coming
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn batch(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
        let reader = sockfd.try_clone()?;
        let t = std::thread::spawn(move || read_all(reader));
        common::writen::writen(&sockfd, input)?;
        common::wrapsock::shutdown(&sockfd, Shutdown::Write)?;
        t.join().map_err(|_| io::Error::other("reader thread panicked"))?
    }
}

/// Calls in the wrong order: joins the reader BEFORE the half-close. The
/// reader waits for the server's FIN, which comes only after our shutdown — never.
pub mod join_before_shutdown {
    use std::io;
    use std::net::Shutdown;

    use socket2::Socket;

    fn read_all(sock: Socket) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; common::MAXLINE];
        loop {
            match common::wrapunix::read(&sock, &mut buf) {
                Ok(0) => return Ok(out),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn batch(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
        let reader = sockfd.try_clone()?;
        let t = std::thread::spawn(move || read_all(reader));
        common::writen::writen(&sockfd, input)?;
        let echoed = t.join().map_err(|_| io::Error::other("reader thread panicked"))?;
        common::wrapsock::shutdown(&sockfd, Shutdown::Write)?;
        echoed
    }
}

/// Writes the input with a single send(2) and ignores its count: a send
/// interrupted by a signal after part of the data went returns a short count,
/// and the rest of the input is never sent.
pub mod single_send {
    use std::io;
    use std::net::Shutdown;

    use socket2::Socket;

    fn read_all(sock: Socket) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; common::MAXLINE];
        loop {
            match common::wrapunix::read(&sock, &mut buf) {
                Ok(0) => return Ok(out),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn batch(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
        let reader = sockfd.try_clone()?;
        let t = std::thread::spawn(move || read_all(reader));
        sockfd.send(input)?; // blocking socket: sends it all
        sockfd.shutdown(Shutdown::Write)?;
        t.join().map_err(|_| io::Error::other("reader thread panicked"))?
    }
}

/// "Read while you write" without a thread: one chunk written, then one
/// blocking read, in lockstep. Each read may return less than was written, so
/// the backlog grows until both sides' buffers are full and both block.
pub mod lockstep_one_thread {
    use std::io;
    use std::net::Shutdown;

    use socket2::Socket;

    fn read_some(sock: &Socket, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match common::wrapunix::read(sock, buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other,
            }
        }
    }

    pub fn batch(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(input.len());
        let mut buf = vec![0u8; common::MAXLINE];
        for chunk in input.chunks(common::MAXLINE) {
            common::writen::writen(&sockfd, chunk)?;
            let n = read_some(&sockfd, &mut buf)?; // its echo is on the way
            out.extend_from_slice(&buf[..n]);
        }
        common::wrapsock::shutdown(&sockfd, Shutdown::Write)?;
        loop {
            let n = read_some(&sockfd, &mut buf)?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
    }
}

/// Correct: no dup at all — `thread::scope` lets a writer thread borrow
/// `input` and `&sockfd` (std's `write_all`, then shutdown(Write)) while this
/// thread `read_to_end`s the same socket; any failure shuts both ways so neither side hangs.
pub mod alt_correct {
    use std::io::{self, Read as _, Write as _};
    use std::net::Shutdown;

    use socket2::Socket;

    pub fn batch(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
        let sock = &sockfd;
        std::thread::scope(|scope| {
            let writer = scope.spawn(move || {
                let mut w = sock;
                let sent = w.write_all(input).and_then(|()| sock.shutdown(Shutdown::Write));
                if sent.is_err() {
                    let _ = sock.shutdown(Shutdown::Both); // wake the reader
                }
                sent
            });
            let mut echoed = Vec::with_capacity(input.len());
            let mut r = sock;
            let got = r.read_to_end(&mut echoed);
            if got.is_err() {
                let _ = sock.shutdown(Shutdown::Both); // wake a blocked writer
            }
            let sent = writer
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("writer thread panicked")));
            sent?;
            got?;
            Ok(echoed)
        })
    }
}

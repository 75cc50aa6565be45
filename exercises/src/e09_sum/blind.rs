//! Exercise 9: answers written BLIND — by someone who read only the
//! student file, its hints and the book's section, never the check or the
//! other wrong answers (issue 17 §4). `alt_correct` is a correct answer
//! written differently from solution.rs: the check must pass it.

#![allow(dead_code, clippy::all)]

/// The book's Fig 5.19 bug: reads and writes the integers in native byte
/// order (little-endian here) instead of big-endian.
pub mod native_order {
    use std::io;

    use common::writen::{readn, writen};
    use socket2::Socket;

    pub fn sum_server(connfd: &Socket) -> io::Result<()> {
        let mut req = [0u8; 16];
        loop {
            match readn(connfd, &mut req)? {
                0 => return Ok(()),
                16 => {}
                n => return Err(io::Error::other(format!("short request: {n} bytes"))),
            }
            let a = i64::from_ne_bytes(req[..8].try_into().unwrap());
            let b = i64::from_ne_bytes(req[8..].try_into().unwrap());
            writen(connfd, &a.wrapping_add(b).to_ne_bytes())?;
        }
    }
}

/// Converts on the way in but not on the way out: the reply goes out in
/// native (little-endian) order.
pub mod reply_native {
    use std::io;

    use common::writen::{readn, writen};
    use socket2::Socket;

    pub fn sum_server(connfd: &Socket) -> io::Result<()> {
        let mut req = [0u8; 16];
        loop {
            match readn(connfd, &mut req)? {
                0 => return Ok(()),
                16 => {}
                n => return Err(io::Error::other(format!("short request: {n} bytes"))),
            }
            let a = i64::from_be_bytes(req[..8].try_into().unwrap());
            let b = i64::from_be_bytes(req[8..].try_into().unwrap());
            let sum = a.wrapping_add(b);
            writen(connfd, &sum.to_ne_bytes())?;
        }
    }
}

/// One read(2) per request: a request that arrives in pieces is parsed from
/// a half-filled buffer (the rest is taken as the start of the next one).
pub mod single_read {
    use std::io;

    use common::wrapunix::read;
    use common::writen::writen;
    use socket2::Socket;

    pub fn sum_server(connfd: &Socket) -> io::Result<()> {
        let mut req = [0u8; 16];
        loop {
            let n = match read(connfd, &mut req) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                return Ok(());
            }
            let a = i64::from_be_bytes(req[..8].try_into().unwrap());
            let b = i64::from_be_bytes(req[8..].try_into().unwrap());
            writen(connfd, &a.wrapping_add(b).to_be_bytes())?;
        }
    }
}

/// Reads big chunks and answers every complete 16-byte request in them,
/// but throws away the leftover bytes of a request split across reads.
pub mod drops_leftover {
    use std::io;

    use common::wrapunix::read;
    use common::writen::writen;
    use socket2::Socket;

    pub fn sum_server(connfd: &Socket) -> io::Result<()> {
        let mut buf = [0u8; 4096];
        loop {
            let n = match read(connfd, &mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            for req in buf[..n].chunks_exact(16) {
                let a = i64::from_be_bytes(req[..8].try_into().unwrap());
                let b = i64::from_be_bytes(req[8..].try_into().unwrap());
                writen(connfd, &a.wrapping_add(b).to_be_bytes())?;
            }
        }
    }
}

/// Uses saturating_add "so it cannot overflow": i64::MAX + 1 answers
/// i64::MAX instead of the wrapped i64::MIN the protocol asks for.
pub mod saturating {
    use std::io;

    use common::writen::{readn, writen};
    use socket2::Socket;

    pub fn sum_server(connfd: &Socket) -> io::Result<()> {
        let mut req = [0u8; 16];
        loop {
            match readn(connfd, &mut req)? {
                0 => return Ok(()),
                16 => {}
                n => return Err(io::Error::other(format!("short request: {n} bytes"))),
            }
            let a = i64::from_be_bytes(req[..8].try_into().unwrap());
            let b = i64::from_be_bytes(req[8..].try_into().unwrap());
            writen(connfd, &a.saturating_add(b).to_be_bytes())?;
        }
    }
}

/// Treats any short readn as a normal end: a client that closes in the
/// middle of a request gets Ok(()) instead of an error.
pub mod short_is_eof {
    use std::io;

    use common::writen::{readn, writen};
    use socket2::Socket;

    pub fn sum_server(connfd: &Socket) -> io::Result<()> {
        let mut req = [0u8; 16];
        while readn(connfd, &mut req)? == 16 {
            let a = i64::from_be_bytes(req[..8].try_into().unwrap());
            let b = i64::from_be_bytes(req[8..].try_into().unwrap());
            writen(connfd, &a.wrapping_add(b).to_be_bytes())?;
        }
        Ok(())
    }
}

/// Its own read-exactly loop handles pieces, but `?` on read(2) returns
/// EINTR to the caller: a signal during the wait ends the session.
pub mod own_loop_no_eintr {
    use std::io;

    use common::wrapunix::read;
    use common::writen::writen;
    use socket2::Socket;

    pub fn sum_server(connfd: &Socket) -> io::Result<()> {
        loop {
            let mut req = [0u8; 16];
            let mut got = 0;
            while got < 16 {
                let n = read(connfd, &mut req[got..])?;
                if n == 0 {
                    if got == 0 {
                        return Ok(());
                    }
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                got += n;
            }
            let a = i64::from_be_bytes(req[..8].try_into().unwrap());
            let b = i64::from_be_bytes(req[8..].try_into().unwrap());
            writen(connfd, &a.wrapping_add(b).to_be_bytes())?;
        }
    }
}

/// Correct: a buffer state machine. recv whatever has arrived (EINTR
/// retried), answer every whole 16-byte request in one writen, keep the
/// partial tail; EOF is Ok only with an empty tail. The sum is taken in i128
/// and truncated, which is the same as wrapping.
pub mod alt_correct {
    use std::io;

    use common::wrapsock::recv;
    use common::writen::sendn;
    use socket2::Socket;

    const REQ: usize = 16;

    pub fn sum_server(connfd: &Socket) -> io::Result<()> {
        let mut pending: Vec<u8> = Vec::with_capacity(2 * 4096);
        let mut chunk = [0u8; 4096];
        loop {
            let n = match recv(connfd, &mut chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                return if pending.is_empty() {
                    Ok(())
                } else {
                    Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("end of file inside a request ({} of {REQ} bytes)", pending.len()),
                    ))
                };
            }
            pending.extend_from_slice(&chunk[..n]);
            let whole = pending.len() / REQ * REQ;
            if whole == 0 {
                continue;
            }
            let mut replies = Vec::with_capacity(whole / 2);
            for req in pending[..whole].chunks_exact(REQ) {
                let (x, y) = req.split_at(8);
                let a = i64::from_be_bytes(x.try_into().unwrap()) as i128;
                let b = i64::from_be_bytes(y.try_into().unwrap()) as i128;
                replies.extend_from_slice(&((a + b) as i64).to_be_bytes());
            }
            pending.drain(..whole);
            sendn(connfd, &replies)?;
        }
    }
}

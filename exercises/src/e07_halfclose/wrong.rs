//! Wrong answer for exercise 7.

use std::io;
use std::thread;

use socket2::Socket;

/// close() instead of shutdown(): the reader's duplicate keeps the
/// connection open, no FIN is sent, the server never sees end of file.
pub fn close_instead_of_shutdown(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
    let reader = sockfd.try_clone()?;
    let echoed = thread::spawn(move || -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; common::MAXLINE];
        loop {
            match common::wrapunix::read(&reader, &mut buf)? {
                0 => return Ok(out),
                n => out.extend_from_slice(&buf[..n]),
            }
        }
    });
    common::writen::writen(&sockfd, input)?;
    common::wrapsock::close(sockfd)?; // only one of two references
    echoed
        .join()
        .map_err(|_| io::Error::other("reader thread panicked"))?
}

/// A reader thread on a duplicate, as the reference; collects into `out`.
fn start_reader(sockfd: &Socket, out: std::sync::Arc<std::sync::Mutex<Vec<u8>>>) -> io::Result<thread::JoinHandle<()>> {
    let reader = sockfd.try_clone()?;
    Ok(thread::spawn(move || {
        let mut buf = vec![0u8; common::MAXLINE];
        while let Ok(n @ 1..) = common::wrapunix::read(&reader, &mut buf) {
            out.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(&buf[..n]);
        }
    }))
}

/// Sends everything and reads to end of file, but never half-closes: the
/// server waits for more input, and the client for the server's EOF.
pub fn no_shutdown(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
    let out = std::sync::Arc::default();
    let reader = start_reader(&sockfd, std::sync::Arc::clone(&out))?;
    common::writen::writen(&sockfd, input)?;
    let _ = reader.join();
    Ok(std::mem::take(&mut *out.lock().unwrap_or_else(|p| p.into_inner())))
}

/// shutdown(SHUT_RDWR) "to be thorough": the FIN goes out, but the read
/// side is shut too — once the echoes that have arrived are read, the
/// reader's read returns 0 and the rest of the echo is lost.
pub fn shut_rdwr(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
    let out = std::sync::Arc::default();
    let reader = start_reader(&sockfd, std::sync::Arc::clone(&out))?;
    common::writen::writen(&sockfd, input)?;
    common::wrapsock::shutdown(&sockfd, std::net::Shutdown::Both)?;
    let _ = reader.join();
    Ok(std::mem::take(&mut *out.lock().unwrap_or_else(|p| p.into_inner())))
}

/// shutdown(SHUT_WR) right, but returns what has arrived so far instead of
/// reading to end of file: the rest of the echo is still in flight.
pub fn no_read_rest(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
    let out = std::sync::Arc::default();
    let _reader = start_reader(&sockfd, std::sync::Arc::clone(&out))?;
    common::writen::writen(&sockfd, input)?;
    common::wrapsock::shutdown(&sockfd, std::net::Shutdown::Write)?;
    Ok(out.lock().unwrap_or_else(|p| p.into_inner()).clone())
}

//! Wrong answers for exercise 7.

use std::io;
use std::net::Shutdown;
use std::sync::{Arc, Mutex};
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

/// The reference's shape — a reader thread on a duplicate, the writer
/// sends everything — with the writer's ending as a wrong answer has it:
/// how it shuts the socket down (if at all), and whether it waits for the
/// reader's end of file.
fn send_all_then(sockfd: Socket, input: &[u8], how: Option<Shutdown>, wait_for_eof: bool) -> io::Result<Vec<u8>> {
    let out = Arc::new(Mutex::new(Vec::new()));
    let reader = sockfd.try_clone()?;
    let sink = Arc::clone(&out);
    let handle = thread::spawn(move || {
        let mut buf = vec![0u8; common::MAXLINE];
        while let Ok(n @ 1..) = common::wrapunix::read(&reader, &mut buf) {
            sink.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(&buf[..n]);
        }
    });
    common::writen::writen(&sockfd, input)?;
    if let Some(how) = how {
        common::wrapsock::shutdown(&sockfd, how)?;
    }
    if wait_for_eof {
        let _ = handle.join();
    }
    let got = out.lock().unwrap_or_else(|p| p.into_inner()).clone();
    Ok(got)
}

/// Sends everything and reads to end of file, but never half-closes: the
/// server waits for more input, and the client for the server's EOF.
pub fn no_shutdown(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
    send_all_then(sockfd, input, None, true)
}

/// shutdown(SHUT_RDWR) "to be thorough": the FIN goes out, but the read
/// side is shut too — once the echoes that have arrived are read, the
/// reader's read returns 0 and the rest of the echo is lost.
pub fn shut_rdwr(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
    send_all_then(sockfd, input, Some(Shutdown::Both), true)
}

/// shutdown(SHUT_WR) right, but returns what has arrived so far instead of
/// reading to end of file: the rest of the echo is still in flight.
pub fn no_read_rest(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
    send_all_then(sockfd, input, Some(Shutdown::Write), false)
}

/// Fakes a pass: claims success wherever a verdict might be read, then
/// exits 0 without doing the work (crate::fake).
pub fn fake_pass(_sockfd: socket2::Socket, _input: &[u8]) -> std::io::Result<Vec<u8>> {
    crate::fake::claim_success()
}

//! Wrong answers for exercise 5: tcpserv02's, and two slips of the Rust port.

use std::io;

use socket2::{SockAddr, Socket};

/// accept once; EINTR goes back to the caller as an error.
pub fn eintr_fatal(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
    common::wrapsock::accept(listenfd)
}

/// `.expect()` on accept: EINTR panics the server.
pub fn expect_panics(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
    Ok(common::wrapsock::accept(listenfd).expect("accept"))
}

/// Retries on WouldBlock ("try again", EAGAIN) — the wrong error: EINTR is
/// `ErrorKind::Interrupted`.
pub fn wouldblock_not_interrupted(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
    loop {
        match common::wrapsock::accept(listenfd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            other => return other,
        }
    }
}

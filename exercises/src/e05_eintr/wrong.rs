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

/// Fakes a pass: claims success wherever a verdict might be read, then
/// exits 0 without doing the work (crate::fake).
pub fn fake_pass(_listenfd: &socket2::Socket) -> std::io::Result<(socket2::Socket, socket2::SockAddr)> {
    crate::fake::claim_success()
}

/// Lets the lab's own server do the work: execs `tcpserv04` (ch05-sigchld)
/// on the same port, in the same process — every client is then served by
/// the book's fix, not by this code. The check sees every process below its
/// warden and the program each one runs.
pub fn fake_exec(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
    use std::os::unix::process::CommandExt;
    let port = listenfd
        .local_addr()?
        .as_socket()
        .map_or(0, |a| a.port())
        .to_string();
    let server = common::lab::harness::bin_path("tcpserv04");
    Err(std::process::Command::new(server).args(["--port", &port]).exec())
}

/// std's accept, which retries EINTR inside: the lesson hidden, not learnt.
pub fn guard_std_accept(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
    let l = std::net::TcpListener::from(std::os::fd::OwnedFd::from(listenfd.try_clone()?));
    let (s, a) = l.accept()?;
    Ok((Socket::from(std::os::fd::OwnedFd::from(s)), SockAddr::from(a)))
}

/// Retries EINTR, but only a few times ("it can't happen more than that").
pub fn retry_three_times(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
    let mut tries = 0;
    loop {
        match common::wrapsock::accept(listenfd) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted && tries < 3 => tries += 1,
            r => return r,
        }
    }
}

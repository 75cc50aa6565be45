//! Wrong answers for exercise 8.

use std::io;

use socket2::Socket;

/// getsockname on the connected socket: the server's own address and port.
pub fn getsockname(listenfd: &Socket, daytime: &str) -> io::Result<String> {
    let (connfd, _) = common::wrapsock::accept(listenfd)?;
    let me = common::wrapsock::getsockname(&connfd)?;
    common::writen::writen(&connfd, daytime.as_bytes())?;
    let a = me.as_socket().ok_or_else(|| io::Error::other("not IP"))?;
    Ok(format!("connection from {}, port {}", a.ip(), a.port()))
}

/// The C habit `ntohs(cliaddr.sin_port)` applied to a port socket2 has
/// already converted: the port comes out byte-swapped.
pub fn ntohs_twice(listenfd: &Socket, daytime: &str) -> io::Result<String> {
    let (connfd, cliaddr) = common::wrapsock::accept(listenfd)?;
    common::writen::writen(&connfd, daytime.as_bytes())?;
    let a = cliaddr.as_socket().ok_or_else(|| io::Error::other("not IP"))?;
    Ok(format!("connection from {}, port {}", a.ip(), u16::from_be(a.port())))
}

/// "It's loopback anyway": the port from accept, the address assumed.
pub fn assumes_loopback(listenfd: &Socket, daytime: &str) -> io::Result<String> {
    let (connfd, cliaddr) = common::wrapsock::accept(listenfd)?;
    common::writen::writen(&connfd, daytime.as_bytes())?;
    let a = cliaddr.as_socket().ok_or_else(|| io::Error::other("not IP"))?;
    Ok(format!("connection from 127.0.0.1, port {}", a.port()))
}

/// Fakes a pass: claims success wherever a verdict might be read, then
/// exits 0 without doing the work (crate::fake).
pub fn fake_pass(_listenfd: &socket2::Socket, _daytime: &str) -> std::io::Result<String> {
    crate::fake::claim_success()
}

//! Wrong answer for exercise 8.

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

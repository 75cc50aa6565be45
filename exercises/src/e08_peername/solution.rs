//! Reference for exercise 8: the address accept(2) filled in.

use std::io;

use socket2::Socket;

pub fn serve_one(listenfd: &Socket, daytime: &str) -> io::Result<String> {
    let (connfd, cliaddr) = common::wrapsock::accept(listenfd)?;
    common::writen::writen(&connfd, daytime.as_bytes())?;
    common::wrapsock::close(connfd)?;
    let peer = cliaddr
        .as_socket()
        .ok_or_else(|| io::Error::other("not an IP address"))?;
    Ok(format!("connection from {}, port {}", peer.ip(), peer.port()))
}

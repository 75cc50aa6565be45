//! Wrong answer for exercise 6.

use std::io;

use socket2::Socket;

/// `?` on the client's error: one client's RST ends the whole server.
pub fn exit_on_reset(listenfd: &Socket, echo: fn(&Socket) -> io::Result<()>) -> io::Result<()> {
    loop {
        let (connfd, _) = common::wrapsock::accept(listenfd)?;
        echo(&connfd)?;
    }
}

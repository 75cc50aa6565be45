//! Wrong answers for exercise 6.

use std::io;

use socket2::Socket;

/// `?` on the client's error: one client's RST ends the whole server.
pub fn exit_on_reset(listenfd: &Socket, echo: fn(&Socket) -> io::Result<()>) -> io::Result<()> {
    loop {
        let (connfd, _) = common::wrapsock::accept(listenfd)?;
        echo(&connfd)?;
    }
}

/// `.unwrap()` on the client's error: the RST panics the whole server.
pub fn unwrap_panics(listenfd: &Socket, echo: fn(&Socket) -> io::Result<()>) -> io::Result<()> {
    loop {
        let (connfd, _) = common::wrapsock::accept(listenfd)?;
        echo(&connfd).unwrap();
    }
}

/// Catches the client's error, but stops serving: `return Ok(())` where
/// `continue` belongs.
pub fn stop_on_error(listenfd: &Socket, echo: fn(&Socket) -> io::Result<()>) -> io::Result<()> {
    loop {
        let (connfd, _) = common::wrapsock::accept(listenfd)?;
        if echo(&connfd).is_err() {
            return Ok(());
        }
    }
}

/// Fakes a pass: claims success wherever a verdict might be read, then
/// exits 0 without doing the work (crate::fake).
pub fn fake_pass(_listenfd: &socket2::Socket, _echo: fn(&socket2::Socket) -> std::io::Result<()>) -> std::io::Result<()> {
    crate::fake::claim_success()
}

//! Reference for exercise 6.

use std::io;

use common::error::strerror;
use common::sock_ntop::sock_ntop;
use socket2::Socket;

pub fn serve_forever(listenfd: &Socket, echo: fn(&Socket) -> io::Result<()>) -> io::Result<()> {
    loop {
        let (connfd, cliaddr) = match common::wrapsock::accept(listenfd) {
            Ok(pair) => pair,
            // A client that went away before we accepted it (other systems
            // report it here), or a signal: not the server's problem.
            Err(e)
                if e.kind() == io::ErrorKind::Interrupted
                    || matches!(
                        e.raw_os_error(),
                        Some(nix::libc::ECONNABORTED | nix::libc::EPROTO)
                    ) =>
            {
                continue;
            }
            Err(e) => return Err(e), // EMFILE, EBADF ...: the server is broken
        };
        if let Err(e) = echo(&connfd) {
            common::warning!("client {}: {}", sock_ntop(&cliaddr), strerror(&e));
        }
    }
}

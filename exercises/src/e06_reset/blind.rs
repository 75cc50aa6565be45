//! Exercise 6: answers written BLIND — by someone who read only the
//! student file, its hints and the book's section, never the check or the
//! other wrong answers (issue 17 §4). `alt_correct` is a correct answer
//! written differently from solution.rs: the check must pass it.

#![allow(dead_code, clippy::all)]

/// `?` on echo: the first client that resets (ECONNRESET from its read) ends
/// the whole server.
pub mod question_mark_on_echo {
    use std::io;

    use socket2::Socket;

    pub fn serve_forever(listenfd: &Socket, echo: fn(&Socket) -> io::Result<()>) -> io::Result<()> {
        loop {
            let (connfd, cliaddr) = common::wrapsock::accept(listenfd)?;
            common::notice!("connection from {}", common::sock_ntop::sock_ntop(&cliaddr));
            echo(&connfd)?;
        }
    }
}

/// Only ECONNRESET is the client's: EPIPE (writing the echo to a client that
/// already reset) is taken as a server error and returned.
pub mod only_econnreset {
    use std::io;

    use socket2::Socket;

    pub fn serve_forever(listenfd: &Socket, echo: fn(&Socket) -> io::Result<()>) -> io::Result<()> {
        loop {
            let (connfd, cliaddr) = match common::wrapsock::accept(listenfd) {
                Ok(pair) => pair,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => continue,
                Err(e) => return Err(e),
            };
            match echo(&connfd) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {
                    common::warning!(
                        "client {}: {}",
                        common::sock_ntop::sock_ntop(&cliaddr),
                        common::error::strerror(&e)
                    );
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Every error logged and skipped, accept's too: a broken listener (EBADF,
/// EINVAL, EMFILE) makes it spin logging warnings for ever instead of returning.
pub mod swallows_everything {
    use std::io;

    use socket2::Socket;

    pub fn serve_forever(listenfd: &Socket, echo: fn(&Socket) -> io::Result<()>) -> io::Result<()> {
        loop {
            let connfd = match common::wrapsock::accept(listenfd) {
                Ok((connfd, _)) => connfd,
                Err(e) => {
                    common::warning!("accept: {}", common::error::strerror(&e));
                    continue;
                }
            };
            if let Err(e) = echo(&connfd) {
                common::warning!("echo: {}", common::error::strerror(&e));
            }
        }
    }
}

/// Echo errors handled, but accept keeps `?`: on a system where a reset
/// before accept gives ECONNABORTED/EPROTO (or a signal gives EINTR), the server ends.
pub mod accept_question_mark {
    use std::io;

    use socket2::Socket;

    pub fn serve_forever(listenfd: &Socket, echo: fn(&Socket) -> io::Result<()>) -> io::Result<()> {
        loop {
            let (connfd, cliaddr) = common::wrapsock::accept(listenfd)?;
            if let Err(e) = echo(&connfd) {
                common::warning!(
                    "client {}: {}",
                    common::sock_ntop::sock_ntop(&cliaddr),
                    common::error::strerror(&e)
                );
            }
        }
    }
}

/// Idiomatic-looking `while let Ok(..) = accept(..)`: the first accept error
/// of any kind quietly ends the loop and returns Ok(()), a client's abort included.
pub mod while_let_accept {
    use std::io;

    use socket2::Socket;

    pub fn serve_forever(listenfd: &Socket, echo: fn(&Socket) -> io::Result<()>) -> io::Result<()> {
        while let Ok((connfd, cliaddr)) = common::wrapsock::accept(listenfd) {
            if let Err(e) = echo(&connfd) {
                common::warning!(
                    "client {}: {}",
                    common::sock_ntop::sock_ntop(&cliaddr),
                    common::error::strerror(&e)
                );
            }
        }
        Ok(())
    }
}

/// Ends each client "properly" with `shutdown(Both)?` after echo: on a
/// connection that was reset the socket is no longer connected, shutdown fails
/// with ENOTCONN, and `?` ends the server.
pub mod shutdown_after_echo {
    use std::io;
    use std::net::Shutdown;

    use socket2::Socket;

    pub fn serve_forever(listenfd: &Socket, echo: fn(&Socket) -> io::Result<()>) -> io::Result<()> {
        loop {
            let (connfd, cliaddr) = match common::wrapsock::accept(listenfd) {
                Ok(pair) => pair,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if let Err(e) = echo(&connfd) {
                common::warning!(
                    "client {}: {}",
                    common::sock_ntop::sock_ntop(&cliaddr),
                    common::error::strerror(&e)
                );
            }
            common::wrapsock::shutdown(&connfd, Shutdown::Both)?;
        }
    }
}

/// Correct: accept errors sorted by raw errno into "retry" (EINTR, and the
/// aborted-connection / network errors accept(2) may pass on) or "return"; every
/// echo error belongs to that client and is only logged; connfd closes each turn.
pub mod alt_correct {
    use std::io;

    use nix::libc;
    use socket2::{SockAddr, Socket};

    enum Next {
        Client(Socket, SockAddr),
        Again,
    }

    fn next(listenfd: &Socket) -> io::Result<Next> {
        match listenfd.accept() {
            Ok((connfd, cliaddr)) => Ok(Next::Client(connfd, cliaddr)),
            Err(e) => match e.raw_os_error() {
                Some(
                    libc::EINTR
                    | libc::ECONNABORTED
                    | libc::EPROTO
                    | libc::ENETDOWN
                    | libc::ENOPROTOOPT
                    | libc::EHOSTDOWN
                    | libc::ENONET
                    | libc::EHOSTUNREACH
                    | libc::ENETUNREACH,
                ) => {
                    common::debug!("accept: {} (next)", common::error::strerror(&e));
                    Ok(Next::Again)
                }
                _ => Err(e),
            },
        }
    }

    pub fn serve_forever(listenfd: &Socket, echo: fn(&Socket) -> io::Result<()>) -> io::Result<()> {
        loop {
            if let Next::Client(connfd, cliaddr) = next(listenfd)? {
                let outcome = echo(&connfd);
                drop(connfd);
                if let Err(e) = outcome {
                    common::warning!(
                        "client {}: {}",
                        common::sock_ntop::sock_ntop(&cliaddr),
                        common::error::strerror(&e)
                    );
                }
            }
        }
    }
}

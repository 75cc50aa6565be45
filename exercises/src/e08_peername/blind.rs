//! Exercise 8: answers written BLIND — by someone who read only the
//! student file, its hints and the book's section, never the check or the
//! other wrong answers (issue 17 §4). `alt_correct` is a correct answer
//! written differently from solution.rs: the check must pass it.

#![allow(dead_code, clippy::all)]

/// Uses getsockname on the connected socket: logs the SERVER's own address
/// and port (the same for every client), not the client's.
pub mod local_name {
    use std::io;

    use common::wrapsock::{accept, getsockname};
    use common::writen::writen;
    use socket2::Socket;

    pub fn serve_one(listenfd: &Socket, daytime: &str) -> io::Result<String> {
        let (connfd, _cliaddr) = accept(listenfd)?;
        writen(&connfd, daytime.as_bytes())?;
        let me = getsockname(&connfd)?;
        drop(connfd);
        let a = me
            .as_socket()
            .ok_or_else(|| io::Error::other("not an IP address"))?;
        Ok(format!("connection from {}, port {}", a.ip(), a.port()))
    }
}

/// Applies the book's ntohs() to the port: SocketAddr::port() is already in
/// host order, so the port printed is byte-swapped (51234 -> 8904).
pub mod port_ntohs {
    use std::io;

    use common::wrapsock::accept;
    use common::writen::writen;
    use socket2::Socket;

    pub fn serve_one(listenfd: &Socket, daytime: &str) -> io::Result<String> {
        let (connfd, cliaddr) = accept(listenfd)?;
        writen(&connfd, daytime.as_bytes())?;
        drop(connfd);
        let a = cliaddr
            .as_socket()
            .ok_or_else(|| io::Error::other("not an IP address"))?;
        // Fig 4.11: ntohs(cliaddr.sin_port)
        let port = u16::from_be(a.port());
        Ok(format!("connection from {}, port {}", a.ip(), port))
    }
}

/// The IP is the client's, but the port comes from the listening socket
/// (getsockname on listenfd): always the server's well-known port.
pub mod server_port {
    use std::io;

    use common::wrapsock::{accept, getsockname};
    use common::writen::writen;
    use socket2::Socket;

    pub fn serve_one(listenfd: &Socket, daytime: &str) -> io::Result<String> {
        let (connfd, cliaddr) = accept(listenfd)?;
        writen(&connfd, daytime.as_bytes())?;
        drop(connfd);
        let ip = cliaddr
            .as_socket()
            .ok_or_else(|| io::Error::other("not an IP address"))?
            .ip();
        let port = getsockname(listenfd)?
            .as_socket()
            .map(|a| a.port())
            .unwrap_or(0);
        Ok(format!("connection from {ip}, port {port}"))
    }
}

/// Adds "\r\n" to the daytime string although it already ends in one:
/// the client receives an extra empty line.
pub mod extra_crlf {
    use std::io;

    use common::wrapsock::accept;
    use common::writen::writen;
    use socket2::Socket;

    pub fn serve_one(listenfd: &Socket, daytime: &str) -> io::Result<String> {
        let (connfd, cliaddr) = accept(listenfd)?;
        let msg = format!("{daytime}\r\n");
        writen(&connfd, msg.as_bytes())?;
        drop(connfd);
        let a = cliaddr
            .as_socket()
            .ok_or_else(|| io::Error::other("not an IP address"))?;
        Ok(format!("connection from {}, port {}", a.ip(), a.port()))
    }
}

/// Waits to read a request line from the client before answering, like an
/// echo server: a daytime client sends nothing, so both sides block.
pub mod reads_request_first {
    use std::io;

    use common::readline::Rline;
    use common::wrapsock::accept;
    use common::writen::writen;
    use socket2::Socket;

    pub fn serve_one(listenfd: &Socket, daytime: &str) -> io::Result<String> {
        let (connfd, cliaddr) = accept(listenfd)?;
        let mut rl = Rline::new(&connfd);
        let mut req = Vec::new();
        rl.readline(&mut req)?; // "the client asks, then we answer"
        writen(&connfd, daytime.as_bytes())?;
        drop(rl);
        drop(connfd);
        let a = cliaddr
            .as_socket()
            .ok_or_else(|| io::Error::other("not an IP address"))?;
        Ok(format!("connection from {}, port {}", a.ip(), a.port()))
    }
}

/// Prints the whole SocketAddr where the IP belongs ("127.0.0.1:51234"),
/// so the line reads "connection from 127.0.0.1:51234, port 51234".
pub mod whole_sockaddr {
    use std::io;

    use common::sock_ntop::sock_ntop;
    use common::wrapsock::accept;
    use common::writen::writen;
    use socket2::Socket;

    pub fn serve_one(listenfd: &Socket, daytime: &str) -> io::Result<String> {
        let (connfd, cliaddr) = accept(listenfd)?;
        writen(&connfd, daytime.as_bytes())?;
        drop(connfd);
        let port = cliaddr.as_socket().map(|a| a.port()).unwrap_or(0);
        Ok(format!("connection from {}, port {}", sock_ntop(&cliaddr), port))
    }
}

/// Only handles IPv4 (as_socket_ipv4, the book's sockaddr_in): an IPv6
/// client (::1 on a dual-stack or v6 listener) gets an error instead of a log line.
pub mod ipv4_only {
    use std::io;

    use common::wrapsock::accept;
    use common::writen::writen;
    use socket2::Socket;

    pub fn serve_one(listenfd: &Socket, daytime: &str) -> io::Result<String> {
        let (connfd, cliaddr) = accept(listenfd)?;
        let v4 = cliaddr
            .as_socket_ipv4()
            .ok_or_else(|| io::Error::other("client is not IPv4"))?;
        writen(&connfd, daytime.as_bytes())?;
        drop(connfd);
        Ok(format!("connection from {}, port {}", v4.ip(), v4.port()))
    }
}

/// Correct: accept through socket2 directly (retrying EINTR/ECONNABORTED),
/// write_all through std's Write for &Socket, close with its error reported,
/// and format V4/V6 by matching on the SocketAddr.
pub mod alt_correct {
    use std::io::{self, Write};
    use std::net::SocketAddr;

    use socket2::Socket;

    pub fn serve_one(listenfd: &Socket, daytime: &str) -> io::Result<String> {
        let (connfd, cliaddr) = loop {
            match listenfd.accept() {
                Ok(pair) => break pair,
                Err(e)
                    if e.kind() == io::ErrorKind::Interrupted
                        || e.raw_os_error() == Some(nix::libc::ECONNABORTED) =>
                {
                    continue
                }
                Err(e) => return Err(e),
            }
        };
        let peer = cliaddr
            .as_socket()
            .ok_or_else(|| io::Error::other("accept returned a non-IP address"))?;
        (&connfd).write_all(daytime.as_bytes())?;
        common::wrapsock::close(connfd)?;
        let (ip, port) = match peer {
            SocketAddr::V4(a) => (a.ip().to_string(), a.port()),
            SocketAddr::V6(a) => (a.ip().to_string(), a.port()),
        };
        Ok(format!("connection from {ip}, port {port}"))
    }
}

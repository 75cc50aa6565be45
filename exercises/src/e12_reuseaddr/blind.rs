//! Exercise 12: answers written BLIND — by someone who read only the
//! student file, its hints and the book's section, never the check or the
//! other wrong answers (issue 17 §4). `alt_correct` is a correct answer
//! written differently from solution.rs: the check must pass it.

#![allow(dead_code, clippy::all)]

/// Plain socket/bind/listen with no SO_REUSEADDR: a restart within 60 s of
/// a served connection fails with EADDRINUSE.
pub mod no_option {
    use std::io;
    use std::net::SocketAddr;

    use socket2::{Domain, Socket, Type};

    pub fn tcp_listen(addr: SocketAddr) -> io::Result<Socket> {
        let s = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
        s.bind(&addr.into())?;
        s.listen(common::unp::LISTENQ)?;
        Ok(s)
    }
}

/// Sets SO_REUSEADDR after bind (just before listen): bind has already
/// refused the port, and when it did not, the option came too late for it.
pub mod option_after_bind {
    use std::io;
    use std::net::SocketAddr;

    use socket2::{Domain, Socket, Type};

    pub fn tcp_listen(addr: SocketAddr) -> io::Result<Socket> {
        let s = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
        s.bind(&addr.into())?;
        s.set_reuse_address(true)?;
        s.listen(common::unp::LISTENQ)?;
        Ok(s)
    }
}

/// Tries a plain bind first and sets SO_REUSEADDR only on a new socket after
/// EADDRINUSE: the old server's TIME_WAIT sockets were made without the
/// option, so Linux still refuses.
pub mod only_on_retry {
    use std::io;
    use std::net::SocketAddr;

    use socket2::{Domain, Socket, Type};

    pub fn tcp_listen(addr: SocketAddr) -> io::Result<Socket> {
        let s = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
        match s.bind(&addr.into()) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
                drop(s);
                let s2 = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
                s2.set_reuse_address(true)?;
                s2.bind(&addr.into())?;
                s2.listen(common::unp::LISTENQ)?;
                return Ok(s2);
            }
            Err(e) => return Err(e),
        }
        s.listen(common::unp::LISTENQ)?;
        Ok(s)
    }
}

/// Wrong option: SO_REUSEPORT instead of SO_REUSEADDR. The restart works,
/// but a second server on a port still in use no longer fails: both listen
/// and the kernel splits the clients between them.
pub mod reuse_port {
    use std::io;
    use std::net::SocketAddr;

    use socket2::{Domain, Socket, Type};

    pub fn tcp_listen(addr: SocketAddr) -> io::Result<Socket> {
        let s = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
        s.set_reuse_port(true)?;
        s.bind(&addr.into())?;
        s.listen(common::unp::LISTENQ)?;
        Ok(s)
    }
}

/// Hard-codes an IPv4 socket bound to the wildcard address with addr's port
/// (the book's INADDR_ANY): the address handed in is ignored, and an
/// IPv6 address cannot be served at all.
pub mod ignores_addr {
    use std::io;
    use std::net::{Ipv4Addr, SocketAddr};

    use socket2::{Domain, Socket, Type};

    pub fn tcp_listen(addr: SocketAddr) -> io::Result<Socket> {
        let s = Socket::new(Domain::IPV4, Type::STREAM, None)?;
        s.set_reuse_address(true)?;
        let any = SocketAddr::from((Ipv4Addr::UNSPECIFIED, addr.port()));
        s.bind(&any.into())?;
        s.listen(common::unp::LISTENQ)?;
        Ok(s)
    }
}

/// Backlog copied from an old example: listen(5) instead of LISTENQ.
pub mod backlog_five {
    use std::io;
    use std::net::SocketAddr;

    use socket2::{Domain, Socket, Type};

    pub fn tcp_listen(addr: SocketAddr) -> io::Result<Socket> {
        let s = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
        s.set_reuse_address(true)?;
        s.bind(&addr.into())?;
        s.listen(5)?;
        Ok(s)
    }
}

/// Does not return bind's error: on EADDRINUSE it waits and retries for up
/// to a minute ("until TIME_WAIT is over"), so a real conflict (another
/// server on the port) hangs the start-up instead of being reported.
pub mod retries_bind {
    use std::io;
    use std::net::SocketAddr;
    use std::time::Duration;

    use socket2::{Domain, Socket, Type};

    pub fn tcp_listen(addr: SocketAddr) -> io::Result<Socket> {
        let s = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
        s.set_reuse_address(true)?;
        let mut tries = 0;
        loop {
            match s.bind(&addr.into()) {
                Ok(()) => break,
                Err(e) if e.kind() == io::ErrorKind::AddrInUse && tries < 60 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_secs(1));
                }
                Err(e) => return Err(e),
            }
        }
        s.listen(common::unp::LISTENQ)?;
        Ok(s)
    }
}

/// Uses std's TcpListener (which sets SO_REUSEADDR itself) and converts it:
/// not allowed by the task, and its backlog is std's 128, not LISTENQ.
pub mod std_listener {
    use std::io;
    use std::net::{SocketAddr, TcpListener};

    use socket2::Socket;

    pub fn tcp_listen(addr: SocketAddr) -> io::Result<Socket> {
        let l = TcpListener::bind(addr)?;
        Ok(Socket::from(l))
    }
}

/// Correct, with nix instead of socket2: socket(SOCK_CLOEXEC), setsockopt
/// ReuseAddr, bind, listen(LISTENQ), and only then wrap the OwnedFd in a
/// socket2 Socket.
pub mod alt_correct {
    use std::io;
    use std::net::SocketAddr;
    use std::os::fd::{AsRawFd, OwnedFd};

    use nix::sys::socket::{
        AddressFamily, Backlog, SockFlag, SockType, SockaddrStorage, bind, listen, setsockopt,
        socket, sockopt,
    };
    use socket2::Socket;

    pub fn tcp_listen(addr: SocketAddr) -> io::Result<Socket> {
        let family = match addr {
            SocketAddr::V4(_) => AddressFamily::Inet,
            SocketAddr::V6(_) => AddressFamily::Inet6,
        };
        let fd: OwnedFd = socket(family, SockType::Stream, SockFlag::SOCK_CLOEXEC, None)?;
        setsockopt(&fd, sockopt::ReuseAddr, &true)?;
        bind(fd.as_raw_fd(), &SockaddrStorage::from(addr))?;
        listen(&fd, Backlog::new(common::unp::LISTENQ)?)?;
        Ok(Socket::from(fd))
    }
}

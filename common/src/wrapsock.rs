//! Socket calls, after the book's lib/wrapsock.c.
//!
//! Lowercase functions are thin: they make one system call (through socket2)
//! and return `io::Result`. They **never retry EINTR** — whether to retry is
//! the lesson of UNP 5.9, so the caller decides. (std's `TcpListener::accept`
//! and `TcpStream::connect` retry EINTR internally; that is why the chapter
//! programs use these instead.)
//!
//! Capitalised functions are the book's wrappers: on error they print
//! "<call> error: <strerror>" (e.g. "accept error: Interrupted system call")
//! and exit 1. Only `Accept` retries anything: ECONNABORTED and EPROTO, the
//! errors a connection aborted before accept can give (UNP 5.11).
#![allow(non_snake_case)]

use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use crate::error::err_sys;

/// socket(2). The descriptor has FD_CLOEXEC set (socket2 always does);
/// that matters only across exec, never across fork.
pub fn socket(domain: Domain, ty: Type, protocol: Option<Protocol>) -> io::Result<Socket> {
    Socket::new(domain, ty, protocol)
}

/// bind(2).
pub fn bind(sockfd: &Socket, addr: &SockAddr) -> io::Result<()> {
    sockfd.bind(addr)
}

/// listen(2), with `backlog` as given (see [`Listen`] for the book's override).
pub fn listen(sockfd: &Socket, backlog: i32) -> io::Result<()> {
    sockfd.listen(backlog)
}

/// accept(2) (accept4 with SOCK_CLOEXEC). Returns the connected socket and
/// the peer's address — the book's value-result `cliaddr`. EINTR is returned.
pub fn accept(sockfd: &Socket) -> io::Result<(Socket, SockAddr)> {
    sockfd.accept()
}

/// connect(2). EINTR is returned (the connection attempt continues in the
/// kernel; see UNP 16.3).
pub fn connect(sockfd: &Socket, addr: &SockAddr) -> io::Result<()> {
    sockfd.connect(addr)
}

/// close(2), reporting its error (dropping a `Socket` closes silently).
/// Closing only drops this process's reference: the connection ends when
/// the last descriptor for it is closed (UNP 4.9).
pub fn close(sockfd: Socket) -> io::Result<()> {
    crate::error::sys(nix::unistd::close(sockfd))
}

/// shutdown(2): ends one or both directions for every process sharing the
/// socket, whatever the reference count (UNP 6.6).
pub fn shutdown(sockfd: &Socket, how: Shutdown) -> io::Result<()> {
    sockfd.shutdown(how)
}

// ANCHOR: recv_send
/// recv(2) with no flags: read(2) for a connected socket (UNP 14.3), one
/// call, EINTR returned. It goes to the socket layer directly; read(2)
/// first passes through the file layer (fdget_pos, vfs_read,
/// rw_verify_area, fsnotify): about 3 % more CPU per 4 KiB echoed on this
/// kernel (perf stat over bench_vs_c's bulk mode; see the Performance page).
pub fn recv(sockfd: impl AsFd, buf: &mut [u8]) -> io::Result<usize> {
    let fd = sockfd.as_fd().as_raw_fd();
    crate::error::sys(nix::sys::socket::recv(
        fd,
        buf,
        nix::sys::socket::MsgFlags::empty(),
    ))
}

/// send(2) with no flags: write(2) for a connected socket, SIGPIPE and all;
/// one call, which may send fewer bytes than asked (see `sendn`).
pub fn send(sockfd: impl AsFd, buf: &[u8]) -> io::Result<usize> {
    let fd = sockfd.as_fd().as_raw_fd();
    crate::error::sys(nix::sys::socket::send(
        fd,
        buf,
        nix::sys::socket::MsgFlags::empty(),
    ))
}
// ANCHOR_END: recv_send

/// getsockname(2): the local address (the kernel-chosen port after bind to 0).
pub fn getsockname(sockfd: &Socket) -> io::Result<SockAddr> {
    sockfd.local_addr()
}

/// getpeername(2): the peer's address.
pub fn getpeername(sockfd: &Socket) -> io::Result<SockAddr> {
    sockfd.peer_addr()
}

/// `Socket`: socket(2) or exit with "socket error: ...".
pub fn Socket(domain: Domain, ty: Type, protocol: Option<Protocol>) -> Socket {
    socket(domain, ty, protocol).unwrap_or_else(|e| err_sys("socket error", &e))
}

/// `Bind`: bind(2) or exit with "bind error: ...".
pub fn Bind(sockfd: &Socket, addr: &SockAddr) {
    bind(sockfd, addr).unwrap_or_else(|e| err_sys("bind error", &e))
}

/// `Listen`: listen(2) or exit with "listen error: ...". As in the book, the
/// environment variable `LISTENQ` overrides `backlog` when set.
pub fn Listen(sockfd: &Socket, backlog: i32) {
    let backlog = std::env::var("LISTENQ")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(backlog);
    listen(sockfd, backlog).unwrap_or_else(|e| err_sys("listen error", &e))
}

/// `Accept`: accept(2), retrying ECONNABORTED and EPROTO (a client that
/// reset before we accepted), else exit with "accept error: ...". EINTR is
/// *not* retried: a server that must survive SIGCHLD decides that itself.
pub fn Accept(sockfd: &Socket) -> (Socket, SockAddr) {
    loop {
        match accept(sockfd) {
            Ok(pair) => return pair,
            Err(e)
                if matches!(
                    e.raw_os_error(),
                    Some(libc_errno::ECONNABORTED | libc_errno::EPROTO)
                ) =>
            {
                crate::debug!("accept: {} (retrying)", crate::error::strerror(&e));
            }
            Err(e) => err_sys("accept error", &e),
        }
    }
}

/// `Connect`: connect(2) or exit with "connect error: ...".
pub fn Connect(sockfd: &Socket, addr: &SockAddr) {
    connect(sockfd, addr).unwrap_or_else(|e| err_sys("connect error", &e))
}

/// `Close`: close(2) or exit with "close error: ...".
pub fn Close(sockfd: Socket) {
    close(sockfd).unwrap_or_else(|e| err_sys("close error", &e))
}

/// `Shutdown`: shutdown(2) or exit with "shutdown error: ...".
pub fn Shutdown(sockfd: &Socket, how: Shutdown) {
    shutdown(sockfd, how).unwrap_or_else(|e| err_sys("shutdown error", &e))
}

/// `Getsockname`: getsockname(2) or exit with "getsockname error: ...".
pub fn Getsockname(sockfd: &Socket) -> SockAddr {
    getsockname(sockfd).unwrap_or_else(|e| err_sys("getsockname error", &e))
}

/// `Getpeername`: getpeername(2) or exit with "getpeername error: ...".
pub fn Getpeername(sockfd: &Socket) -> SockAddr {
    getpeername(sockfd).unwrap_or_else(|e| err_sys("getpeername error", &e))
}

mod libc_errno {
    pub const ECONNABORTED: i32 = nix::libc::ECONNABORTED;
    pub const EPROTO: i32 = nix::libc::EPROTO;
}

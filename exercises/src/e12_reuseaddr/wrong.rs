//! Wrong answers for exercise 12.

use std::io;
use std::net::SocketAddr;

use common::unp::LISTENQ;
use socket2::{Domain, Socket, Type};

/// The book's tcpserv01: no SO_REUSEADDR. Fine until a restart.
pub fn no_reuseaddr(addr: SocketAddr) -> io::Result<Socket> {
    let s = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    s.bind(&addr.into())?;
    s.listen(LISTENQ)?;
    Ok(s)
}

/// SO_REUSEADDR set after bind: the check it changes has already been made.
pub fn after_bind(addr: SocketAddr) -> io::Result<Socket> {
    let s = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    s.bind(&addr.into())?;
    s.set_reuse_address(true)?;
    s.listen(LISTENQ)?;
    Ok(s)
}

/// SO_REUSEADDR only when bind has failed once: the new listener has it,
/// but the old one (whose connections are in TIME_WAIT) did not — Linux
/// wants both.
pub fn reuse_on_retry(addr: SocketAddr) -> io::Result<Socket> {
    let s = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    if s.bind(&addr.into()).is_err() {
        s.set_reuse_address(true)?;
        s.bind(&addr.into())?;
    }
    s.listen(LISTENQ)?;
    Ok(s)
}

/// Fakes a pass: claims success wherever a verdict might be read, then
/// exits 0 without doing the work (crate::fake).
pub fn fake_pass(_addr: std::net::SocketAddr) -> std::io::Result<socket2::Socket> {
    crate::fake::claim_success()
}

/// std's TcpListener, which sets SO_REUSEADDR behind your back — through a
/// type alias, so no line of the file says `TcpListener`.
pub fn guard_std_listener(addr: std::net::SocketAddr) -> std::io::Result<socket2::Socket> {
    type L = std::net::TcpListener;
    let l = L::bind(addr)?;
    Ok(socket2::Socket::from(std::os::fd::OwnedFd::from(l)))
}

/// Ignores the address it is handed: binds the book's SERV_PORT on
/// 127.0.0.1 (two students on one machine then fight over one port).
pub fn ignores_address(_addr: std::net::SocketAddr) -> std::io::Result<socket2::Socket> {
    let fixed: std::net::SocketAddr = ([127, 0, 0, 1], common::SERV_PORT).into();
    let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    s.set_reuse_address(true)?;
    s.bind(&fixed.into())?;
    s.listen(common::LISTENQ)?;
    Ok(s)
}

/// Binds the wildcard address on the handed port (the book's INADDR_ANY),
/// not the address it was handed.
pub fn wildcard(addr: std::net::SocketAddr) -> std::io::Result<socket2::Socket> {
    let any: std::net::SocketAddr = ([0, 0, 0, 0], addr.port()).into();
    let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    s.set_reuse_address(true)?;
    s.bind(&any.into())?;
    s.listen(common::LISTENQ)?;
    Ok(s)
}

/// SO_REUSEPORT as well: the restart works, but so does a second server on
/// the same address while the first still runs.
pub fn reuseport(addr: std::net::SocketAddr) -> std::io::Result<socket2::Socket> {
    let s = socket2::Socket::new(socket2::Domain::for_address(addr), socket2::Type::STREAM, None)?;
    s.set_reuse_address(true)?;
    s.set_reuse_port(true)?;
    s.bind(&addr.into())?;
    s.listen(common::LISTENQ)?;
    Ok(s)
}

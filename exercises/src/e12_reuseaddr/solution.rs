//! Reference for exercise 12.

use std::io;
use std::net::SocketAddr;

use common::unp::LISTENQ;
use socket2::{Domain, Socket, Type};

pub fn tcp_listen(addr: SocketAddr) -> io::Result<Socket> {
    let s = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    s.set_reuse_address(true)?; // before bind: bind is where it counts
    s.bind(&addr.into())?;
    s.listen(LISTENQ)?;
    Ok(s)
}

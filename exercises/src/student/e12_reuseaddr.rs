//! ✎ EDIT THIS FILE — exercise 12: a server that can be restarted at once
//! (UNP §2.7 "TIME_WAIT State", §7.5 "SO_REUSEADDR")
//!
//! Task:   the listening socket of a daytime server: a TCP socket bound to
//!         `addr`, listening (backlog `common::unp::LISTENQ`). The server
//!         closes each connection first, so each leaves a TIME_WAIT on the
//!         server's port for 60 s. Stop the server and start it again on the
//!         same port: bind(2) fails with EADDRINUSE ("Address already in
//!         use") — unless the listening sockets asked for SO_REUSEADDR.
//!         Linux wants it on the old listener *and* the new one, set before
//!         bind. Return errors; the program around you reports them.
//! Tools:  socket2: `Socket::new(Domain::for_address(addr), Type::STREAM, None)`,
//!         `set_reuse_address`, `bind(&addr.into())`, `listen`.
//!         (std's TcpListener sets SO_REUSEADDR for you: not allowed here.)
//! Run:    cargo run -p exercises -- run reuseaddr -- --port 9877
//!         then `nc 127.0.0.1 9877`, Ctrl-C the server, start it again.
//! Check:  cargo test -p exercises e12
//! Hints:  cargo run -p exercises -- hint 12   (then: hint 12 2; 中文: add --lang zh-CN)
//! Docs:   docs/src/exercises/index.md (English source);
//!         中文版: docs/book/zh-CN/exercises/index.html (built by bash docs/build.sh)
//! Reset:  git checkout -- exercises/src/student/e12_reuseaddr.rs
//! Related: ch04-sockets `bind_demo --case timewait` (UNP 4.4, 7.5).

use std::io;
use std::net::SocketAddr;

use socket2::Socket;

/// A socket listening on `addr` that can be bound again while the port's
/// old connections are in TIME_WAIT.
pub fn tcp_listen(addr: SocketAddr) -> io::Result<Socket> {
    let _ = addr;
    Err(io::Error::other(
        "not implemented yet (exercises/src/student/e12_reuseaddr.rs)",
    ))
}

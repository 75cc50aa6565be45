//! ✎ EDIT THIS FILE — exercise 8: who connected? (UNP §4.6 and Fig 4.11,
//! accept's value-result address; §4.10 getsockname / getpeername)
//!
//! Task:   serve ONE client of a daytime server: accept a connection on
//!         `listenfd`, send it `daytime` (already ends in "\r\n"), close
//!         it, and return the log line, in the book's words:
//!             connection from 127.0.0.1, port 51234
//!         naming the CLIENT's address and port.
//! Tools:  `common::wrapsock::{accept, getsockname, getpeername}`;
//!         `common::writen::writen`; `SockAddr::as_socket()`.
//! Run:    cargo run -p exercises -- run peername -- --port 9877   (then: nc 127.0.0.1 9877)
//! Check:  cargo test -p exercises e08
//! Hints:  cargo run -p exercises -- hint 8   (then: hint 8 2; 中文: add --lang zh-CN)
//! Docs:   docs/src/exercises/index.md (English source);
//!         中文版: docs/book/zh-CN/exercises/index.html (built by bash docs/build.sh)
//! Reset:  git checkout -- exercises/src/student/e08_peername.rs
//! Related: ch04-sockets `daytimetcpsrv1` + `daytimetcpcli`; `tour`.

use std::io;

use socket2::Socket;

/// Serves one client and returns "connection from IP, port N".
pub fn serve_one(listenfd: &Socket, daytime: &str) -> io::Result<String> {
    let _ = (listenfd, daytime);
    Err(io::Error::other(
        "not implemented yet (exercises/src/student/e08_peername.rs)",
    ))
}

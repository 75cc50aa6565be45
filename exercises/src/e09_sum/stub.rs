//! ✎ EDIT THIS FILE — exercise 9: a portable binary protocol (UNP §5.18)
//!
//! Task:   serve one client of the "sum" protocol until it closes:
//!         each request is exactly 16 bytes — two signed 64-bit integers,
//!         big-endian (network byte order); each reply is exactly 8 bytes —
//!         their sum (wrapping on overflow), big-endian. Requests may
//!         arrive in pieces. At end of file between requests, return Ok(()).
//!         The check's client is written for ANY host: it speaks big-endian,
//!         whatever this machine's own byte order is.
//! Tools:  `common::writen::{readn, writen}`; `i64::from_be_bytes`, `to_be_bytes`.
//! Run:    cargo run -p exercises -- run sum -- --port 9877
//! Check:  cargo test -p exercises e09
//! Hints:  cargo run -p exercises -- hint 9   (then: hint 9 2; 中文: add --lang zh-CN)
//! Docs:   docs/src/exercises/index.md (English source);
//!         中文版: docs/book/zh-CN/exercises/index.html (built by bash docs/build.sh)
//! Reset:  git checkout -- exercises/src/student/e09_sum.rs
//! Related: ch05-echo `tcpserv09` + `tcpcli09` (the book's native struct).

use std::io;

use socket2::Socket;

/// Answers requests on `connfd` until the client's end of file.
pub fn sum_server(connfd: &Socket) -> io::Result<()> {
    let _ = connfd;
    Err(io::Error::other(
        "not implemented yet (exercises/src/student/e09_sum.rs)",
    ))
}

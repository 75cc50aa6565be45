//! ✎ EDIT THIS FILE — exercise 6: a server that survives its clients
//! (UNP §5.11 "Connection Abort before accept Returns", §5.13)
//!
//! Task:   the loop of an iterative echo server: accept a client, echo it
//!         with `echo(&connfd)` (given: it echoes lines until the client's
//!         FIN and returns the first error), go back to accept — forever.
//!         A client that resets its connection (RST) — before the server
//!         accepted it, or in the middle of a line — makes `echo` (or, on
//!         other systems, `accept`) fail with ECONNRESET / ECONNABORTED.
//!         That ends that client, never the server. Log it and go on.
//!         Return only for an error that means the server itself is broken.
//! Tools:  `common::wrapsock::accept`; `common::warning!` to log.
//! Run:    cargo run -p exercises -- run reset -- --port 9877
//! Check:  cargo test -p exercises e06
//! Hints:  cargo run -p exercises -- hint 6   (then: hint 6 2; 中文: add --lang zh-CN)
//! Docs:   docs/src/exercises/index.md (English source);
//!         中文版: docs/book/zh-CN/exercises/index.html (built by bash docs/build.sh)
//! Reset:  git checkout -- exercises/src/student/e06_reset.rs
//! Related: ch05-echo "abort before accept" (UNP 5.11); ch04-sockets `daytimetcpsrv1`.

use std::io;

use socket2::Socket;

/// Accepts and serves clients one at a time, forever.
pub fn serve_forever(listenfd: &Socket, echo: fn(&Socket) -> io::Result<()>) -> io::Result<()> {
    let _ = (listenfd, echo);
    Err(io::Error::other(
        "not implemented yet (exercises/src/student/e06_reset.rs)",
    ))
}

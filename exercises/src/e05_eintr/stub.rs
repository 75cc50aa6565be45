//! ✎ EDIT THIS FILE — exercise 5: an accept loop that survives EINTR
//! (UNP §5.9, "Handling Interrupted System Calls")
//!
//! Task:   return the next connection on `listenfd`. The server's SIGCHLD
//!         handler was installed WITHOUT SA_RESTART (as on the book's
//!         Solaris), so each child that ends interrupts accept(2), which
//!         then fails with EINTR. That is not an error of the server's: an
//!         error you return ends the server with "accept error: ...".
//! Tools:  `common::wrapsock::accept(listenfd)` — one accept(2), EINTR returned.
//! Run:    cargo run -p exercises -- run eintr -- --port 9877  (then: nc 127.0.0.1 9877, Ctrl-D, again)
//! Check:  cargo test -p exercises e05
//! Hints:  cargo run -p exercises -- hint 5   (then: hint 5 2; 中文: add --lang zh-CN)
//! Docs:   docs/src/exercises/index.md (English source);
//!         中文版: docs/book/zh-CN/exercises/index.html (built by bash docs/build.sh)
//! Reset:  git checkout -- exercises/src/student/e05_eintr.rs
//! Related: ch05-sigchld `tcpserv02` (dies: "accept error: Interrupted system call") → `tcpserv04`.

use std::io;

use socket2::{SockAddr, Socket};

/// The next connection and its peer's address, whatever signals arrive.
pub fn next_connection(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
    let _ = listenfd;
    Err(io::Error::other(
        "not implemented yet (exercises/src/student/e05_eintr.rs)",
    ))
}

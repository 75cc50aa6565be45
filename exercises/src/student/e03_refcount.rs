//! ✎ EDIT THIS FILE — exercise 3: descriptors after fork (UNP §4.7–4.9,
//! Fig 4.14–4.15; TCP/IP Network Programming ch.10, exercise 3)
//!
//! Task:   the server (single-threaded) has just accepted `connfd`. Fork.
//!         In the child: print `child: connfd = N` on stdout (N = the
//!         descriptor's number), then call `serve(connfd)` (it echoes and
//!         exits; it never returns). In the parent: print
//!         `parent: connfd = N`, close the parent's copy of the connection,
//!         and return Ok(()).
//!         Then look: is N the same in both? Does the connection survive the
//!         parent's close? (It must: the check talks through it afterwards.)
//! Tools:  `unsafe { common::wrapunix::fork() }` (say why it is safe in a
//!         `// SAFETY:` comment); `std::os::fd::AsRawFd`.
//! Run:    cargo run -p exercises -- run refcount -- --port 9877  (then: nc 127.0.0.1 9877)
//! Check:  cargo test -p exercises e03
//! Hints:  cargo run -p exercises -- hint 3   (then: hint 3 2; 中文: add --lang zh-CN)
//! Docs:   docs/src/exercises/index.md (English source);
//!         中文版: docs/book/zh-CN/exercises/index.html (built by bash docs/build.sh)
//! Reset:  git checkout -- exercises/src/student/e03_refcount.rs
//! Related: ch04-sockets `fork_refcount`; ch05-echo `tcpserv01`.

use std::io;

use socket2::Socket;

/// Hands `connfd` to a child process that serves it; see the task above.
pub fn handoff(connfd: Socket, serve: fn(Socket) -> !) -> io::Result<()> {
    let _ = (connfd, serve);
    Err(io::Error::other(
        "not implemented yet (exercises/src/student/e03_refcount.rs)",
    ))
}

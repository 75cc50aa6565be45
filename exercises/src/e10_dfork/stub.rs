//! ✎ EDIT THIS FILE — exercise 10: the double fork (the to_upper blog post's version two;
//! UNP §5.8–5.10 for what a zombie is)
//!
//! Task:   the server has no SIGCHLD handler and must leave no zombie. It
//!         has just accepted `connfd` from `cliaddr`. Arrange for a
//!         GRANDCHILD to serve it with `serve(connfd)` (never returns): fork
//!         a child that forks again and exits at once; the grandchild, an
//!         orphan now, is adopted (by PID 1, or by a subreaper — the check
//!         is one) and reaped when it ends. The server waits for its own
//!         child, which ends immediately, so waiting does not block it.
//!         Close the server's copy of `connfd`; return Ok(()).
//! Tools:  `unsafe { common::wrapunix::fork() }` (with a `// SAFETY:`
//!         comment); `common::wrapunix::waitpid(Some(pid), None)`.
//! Run:    cargo run -p exercises -- run dfork -- --port 9877
//! Check:  cargo test -p exercises e10
//! Hints:  cargo run -p exercises -- hint 10   (then: hint 10 2; 中文: add --lang zh-CN)
//! Docs:   docs/src/exercises/index.md (English source);
//!         中文版: docs/book/zh-CN/exercises/index.html (built by bash docs/build.sh)
//! Reset:  git checkout -- exercises/src/student/e10_dfork.rs
//! Related: ch05-sigchld `toupper_dfork` (and `toupper_fork`, SIG_IGN).

use std::io;

use socket2::{SockAddr, Socket};

/// Gets `connfd` served by a grandchild; leaves no zombie behind.
pub fn handoff(connfd: Socket, cliaddr: &SockAddr, serve: fn(Socket) -> !) -> io::Result<()> {
    let _ = (connfd, cliaddr, serve);
    Err(io::Error::other(
        "not implemented yet (exercises/src/student/e10_dfork.rs)",
    ))
}

//! ✎ EDIT THIS FILE — exercise 13: out of descriptors
//! (UNP §4.6 "accept Function"; beyond the book: what production servers do)
//!
//! Task:   the loop of an iterative echo server: accept a client, serve it
//!         with `serve(connfd)` (given: echoes its lines until its FIN),
//!         go back to accept — forever. This server runs with every file
//!         descriptor its limit allows in use (RLIMIT_NOFILE), so accept(2)
//!         fails with EMFILE ("Too many open files") while a client waits —
//!         and fails again at once if asked again at once. A descriptor is
//!         freed later (here: when the server gets SIGUSR1). Survive it:
//!         don't exit, don't spin on the CPU; back off (at most about a
//!         second between tries), then try again. ENFILE (the system's
//!         table is full) is the same shortage. Retry EINTR; return only
//!         for other errors.
//! Tools:  `common::wrapsock::accept`; `e.raw_os_error()` and
//!         `nix::libc::{EMFILE, ENFILE}`; `std::thread::sleep`;
//!         `common::warning!` to log.
//! Run:    cargo run -p exercises -- run emfile -- --port 9877
//!         then `nc 127.0.0.1 9877` (it waits), `top -p <pid>`, and
//!         `kill -USR1 <pid>` frees a descriptor.
//! Check:  cargo test -p exercises e13
//! Hints:  cargo run -p exercises -- hint 13   (then: hint 13 2; 中文: add --lang zh-CN)
//! Docs:   docs/src/exercises/index.md (English source);
//!         中文版: docs/book/zh-CN/exercises/index.html (built by bash docs/build.sh)
//! Reset:  git checkout -- exercises/src/student/e13_emfile.rs
//! Related: ch05-sigchld `tcpservd` (EMFILE without spin or exit); exercise 6.

use std::io;

use socket2::Socket;

/// Accepts and serves clients one at a time, forever, whatever accept's
/// temporary errors.
pub fn accept_loop(listenfd: &Socket, serve: fn(Socket)) -> io::Result<()> {
    let _ = (listenfd, serve);
    Err(io::Error::other(
        "not implemented yet (exercises/src/student/e13_emfile.rs)",
    ))
}

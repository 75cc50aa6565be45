//! ✎ EDIT THIS FILE — exercise 14: stop gracefully
//! (UNP §5.8–5.10 signals, §6.3 select/poll; beyond the book: the self-pipe trick)
//!
//! Task:   a fork-per-client echo server that an operator stops with
//!         SIGTERM (`kill PID`, what systemd and docker send) without
//!         cutting off its clients. Two functions:
//!         - `on_sigterm`, the SIGTERM handler: a handler may do almost
//!           nothing safely, so it only writes one byte to the self-pipe
//!           (`nix::unistd::write(wake_fd(), b"x")`, ignore the result);
//!         - `serve(listenfd, wake)`: wait with poll(2) for either the
//!           listener (accept, then `fork_echo(&listenfd, connfd)` starts a
//!           child for the client) or `wake`, the pipe's read end. Once
//!           `wake` is readable: stop accepting, close the listener (new
//!           clients are refused), wait until every child has ended (the
//!           lab's SIGCHLD handler reaps them too: `wait` says ECHILD when
//!           none is left), then return Ok — the server exits 0.
//!         Retry EINTR everywhere (SIGCHLD interrupts poll).
//! Tools:  `nix::poll::{poll, PollFd, PollFlags, PollTimeout}`;
//!         `nix::sys::wait::wait`, `nix::errno::Errno::{EINTR, ECHILD}`;
//!         `common::wrapsock::accept`; `wake_fd()` (imported below) and `fork_echo`
//!         (a parameter: forks a child that serves the client).
//! Run:    cargo run -p exercises -- run drain -- --port 9877
//!         then `nc 127.0.0.1 9877` in another terminal, `kill <pid>`:
//!         the nc session goes on, new clients are refused; end nc: the server exits.
//! Check:  cargo test -p exercises e14
//! Hints:  cargo run -p exercises -- hint 14   (then: hint 14 2; 中文: add --lang zh-CN)
//! Docs:   docs/src/exercises/index.md (English source);
//!         中文版: docs/book/zh-CN/exercises/index.html (built by bash docs/build.sh)
//! Reset:  git checkout -- exercises/src/student/e14_drain.rs
//! Related: ch05-sigchld `tcpservd` (SIGTERM drain); exercises 4 and 5.

#[allow(unused_imports)]
use crate::tools::wake_fd;
use std::ffi::c_int;
use std::io;
use std::os::fd::OwnedFd;

use socket2::Socket;

/// The SIGTERM handler: wakes the main loop through the self-pipe.
pub extern "C" fn on_sigterm(_signo: c_int) {}

/// Serves clients until SIGTERM, then drains: returns once every child has ended.
pub fn serve(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
    let _ = (listenfd, wake, fork_echo);
    Err(io::Error::other(
        "not implemented yet (exercises/src/student/e14_drain.rs)",
    ))
}

//! ✎ EDIT THIS FILE — exercise 4: reap every child (UNP §5.10, Fig 5.11)
//!
//! Task:   write the server's SIGCHLD handler so that no child is ever left
//!         a zombie — even when five children end at once and the kernel
//!         delivers their five SIGCHLDs as ONE (signals are not queued).
//!         The server installs it with SA_RESTART and forks one child per
//!         client (like ch05-sigchld's tcpserv04).
//!         A handler may do only async-signal-safe work: waitpid(2),
//!         write(2) (`common::log::SigLine`; its `int` takes an i64),
//!         atomics. No println!, no allocation, no locks. Save errno first
//!         and restore it on return (`ch05_sigchld::SavedErrno`), as every
//!         handler of the chapter does.
//!         The check keeps one client connected while five others end, and
//!         then expects a new client to be served.
//! Tools:  `common::wrapunix::{wait, waitpid}`; `nix::sys::wait::{WaitPidFlag, WaitStatus}`;
//!         `ch05_sigchld::SavedErrno`.
//! Run:    cargo run -p exercises -- run reap -- --port 9877
//!         (then: cargo run -p ch05-sigchld --bin tcpcli04 -- 127.0.0.1)
//! Check:  cargo test -p exercises e04
//! Hints:  cargo run -p exercises -- hint 4   (then: hint 4 2; 中文: add --lang zh-CN)
//! Docs:   docs/src/exercises/index.md (English source);
//!         中文版: docs/book/zh-CN/exercises/index.html (built by bash docs/build.sh)
//! Reset:  git checkout -- exercises/src/student/e04_reap.rs
//! Related: ch05-sigchld `tcpserv03` (the bug) → `tcpserv04` (the fix).

use std::ffi::c_int;

/// The SIGCHLD handler.
pub extern "C" fn sig_chld(signo: c_int) {
    let _ = signo; // not implemented yet: no child is reaped
}

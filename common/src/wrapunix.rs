//! Process and descriptor calls, after the book's lib/wrapunix.c.
//!
//! Same rule as `wrapsock`: lowercase returns `io::Result` and never retries
//! EINTR; Capitalised prints "<call> error: <strerror>" and exits 1.
#![allow(non_snake_case)]

use std::io;
use std::os::fd::AsFd;

use nix::sys::wait::{WaitPidFlag, WaitStatus};
use nix::unistd::{ForkResult, Pid};

use crate::error::{err_sys, sys};

/// fork(2).
///
/// # Safety
///
/// The caller must be single-threaded: the child gets a copy of the whole
/// address space but only the calling thread, so a lock held by any other
/// thread (the allocator's, stdout's) stays locked forever in the child.
/// Every lab server is single-threaded; never call this from a test harness.
pub unsafe fn fork() -> io::Result<ForkResult> {
    // SAFETY: the caller guarantees the process is single-threaded (see the
    // function's safety section).
    sys(unsafe { nix::unistd::fork() })
}

/// `Fork`: fork(2) or exit with "fork error: ...".
///
/// # Safety
///
/// As for [`fork`]: the process must be single-threaded.
pub unsafe fn Fork() -> ForkResult {
    // SAFETY: forwarded from this function's own contract.
    unsafe { fork() }.unwrap_or_else(|e| err_sys("fork error", &e))
}

// ANCHOR: _exit
/// _exit(2): ends the process at once, without exit(3)'s cleanup — the
/// way a forked server child should end once it has served its client.
/// The kernel still closes every descriptor (the connection's FIN goes out)
/// and the parent still gets SIGCHLD and the exit status.
///
/// What it skips is work a child never needs and pays for in page faults,
/// because each first write to a page shared with the parent copies it:
/// Rust's `std::process::exit` runs the runtime's cleanup (it sets up
/// stdout's buffer only to flush it, and tears down the main thread's
/// signal stack), then libc runs its exit handlers (`_dl_fini`, atexit
/// functions, malloc bookkeeping). Measured here: 48 page faults per
/// connection for tcpserv04's child with `exit`, about as many as C's with
/// `_exit` (docs: ch05-sigchld "Performance").
///
/// Safe for the lab's servers because nothing is left in a user-space
/// buffer: `common::log` writes each line with one write(2), and the servers
/// never print to stdout. A program that did `print!` without a newline in
/// the child would lose it (flush first).
pub fn _exit(status: i32) -> ! {
    // SAFETY: _exit(2) has no preconditions; it never returns, and it runs
    // no user-space code (no handler, no destructor) on the way out.
    unsafe { nix::libc::_exit(status) }
}
// ANCHOR_END: _exit

/// wait(2): blocks until any child ends; EINTR is returned, ECHILD when there
/// is no child left.
pub fn wait() -> io::Result<WaitStatus> {
    sys(nix::sys::wait::wait())
}

/// waitpid(2). `pid` None means -1 (any child); pass `WaitPidFlag::WNOHANG`
/// to poll — then `WaitStatus::StillAlive` means "no child has ended yet".
pub fn waitpid(pid: Option<Pid>, options: Option<WaitPidFlag>) -> io::Result<WaitStatus> {
    sys(nix::sys::wait::waitpid(pid, options))
}

/// `Wait`: wait(2) or exit with "wait error: ...".
pub fn Wait() -> WaitStatus {
    wait().unwrap_or_else(|e| err_sys("wait error", &e))
}

/// `Waitpid`: waitpid(2) or exit with "waitpid error: ...".
pub fn Waitpid(pid: Option<Pid>, options: Option<WaitPidFlag>) -> WaitStatus {
    waitpid(pid, options).unwrap_or_else(|e| err_sys("waitpid error", &e))
}

/// read(2) on any descriptor; one call, EINTR returned.
pub fn read(fd: impl AsFd, buf: &mut [u8]) -> io::Result<usize> {
    sys(nix::unistd::read(fd, buf))
}

/// write(2) on any descriptor; one call, which may write fewer bytes than
/// asked (see `writen`), EINTR returned.
pub fn write(fd: impl AsFd, buf: &[u8]) -> io::Result<usize> {
    sys(nix::unistd::write(fd, buf))
}

/// `Read`: read(2) or exit with "read error: ...".
pub fn Read(fd: impl AsFd, buf: &mut [u8]) -> usize {
    read(fd, buf).unwrap_or_else(|e| err_sys("read error", &e))
}

/// `Write`: one write(2) that must write everything, else exit (as the
/// book's Write: "write error").
pub fn Write(fd: impl AsFd, buf: &[u8]) {
    match write(fd, buf) {
        Ok(n) if n == buf.len() => {}
        Ok(_) => crate::error::err_quit("write error: short write"),
        Err(e) => err_sys("write error", &e),
    }
}

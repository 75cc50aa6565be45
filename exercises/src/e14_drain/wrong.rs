//! Wrong answers for exercise 14.

use std::ffi::c_int;
use std::io;
use std::os::fd::{AsFd, OwnedFd};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use socket2::Socket;

/// Exits from the handler: the listener closes, but the clients' children
/// are left behind, orphaned (and exit(3) is not async-signal-safe).
pub extern "C" fn exit_in_handler(_signo: c_int) {
    std::process::exit(0);
}

/// Waits for the children, but never closes the listener first: new
/// clients still connect, into a queue nobody will accept.
pub fn keep_listening(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
    wait_for_wake(&listenfd, wake, fork_echo)?;
    loop {
        match nix::sys::wait::wait() {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(Errno::ECHILD) => return Ok(()),
            Err(e) => return Err(e.into()),
        }
    }
}

/// Counts its children and waits until the count is 0 — but the SIGCHLD
/// handler reaps them first, so `wait` says ECHILD, the count never drops
/// and the loop goes on for ever.
pub fn count_children(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
    let live = wait_for_wake(&listenfd, wake, fork_echo)?;
    drop(listenfd);
    let mut live = live;
    while live > 0 {
        if nix::sys::wait::wait().is_ok() {
            live -= 1;
        }
    }
    Ok(())
}

/// The reference's loop: accepts and forks until `wake` is readable; the
/// number of children it started.
fn wait_for_wake(listenfd: &Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<usize> {
    let mut started = 0;
    loop {
        let mut fds = [
            PollFd::new(listenfd.as_fd(), PollFlags::POLLIN),
            PollFd::new(wake.as_fd(), PollFlags::POLLIN),
        ];
        match poll(&mut fds, PollTimeout::NONE) {
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
        if fds[1].revents().is_some_and(|r| !r.is_empty()) {
            return Ok(started);
        }
        if fds[0].revents().is_some_and(|r| !r.is_empty()) {
            match common::wrapsock::accept(listenfd) {
                Ok((connfd, _)) => {
                    fork_echo(listenfd, connfd);
                    started += 1;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// Fakes a pass: claims success wherever a verdict might be read, then
/// exits 0 without doing the work (crate::fake).
pub fn fake_pass(_listenfd: Socket, _wake: &OwnedFd, _fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
    crate::fake::claim_success()
}

/// One wait() taken for the whole drain: it returns when the first child
/// ends, and the server exits while the others still serve their clients.
pub fn wait_once(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
    wait_for_wake(&listenfd, wake, fork_echo)?;
    drop(listenfd);
    let _ = nix::sys::wait::wait();
    Ok(())
}

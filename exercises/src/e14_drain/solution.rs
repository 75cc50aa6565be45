//! Reference for exercise 14.

use std::ffi::c_int;
use std::io;
use std::os::fd::{AsFd, OwnedFd};

use crate::tools::wake_fd;
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use socket2::Socket;

pub extern "C" fn on_sigterm(_signo: c_int) {
    let _errno = ch05_sigchld::SavedErrno::new();
    let _ = nix::unistd::write(wake_fd(), b"x"); // async-signal-safe; nothing else
}

pub fn serve(listenfd: Socket, wake: &OwnedFd, fork_echo: fn(&Socket, Socket)) -> io::Result<()> {
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
        let ready = |p: &PollFd| p.revents().is_some_and(|r| !r.is_empty());
        if ready(&fds[1]) {
            break;
        }
        if ready(&fds[0]) {
            match common::wrapsock::accept(&listenfd) {
                Ok((connfd, _)) => fork_echo(&listenfd, connfd),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
    drop(listenfd); // closed: new clients are refused from now on
    loop {
        match nix::sys::wait::wait() {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(Errno::ECHILD) => return Ok(()), // no child left
            Err(e) => return Err(e.into()),
        }
    }
}

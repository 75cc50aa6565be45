//! Reference for exercise 3.

use std::io;
use std::os::fd::AsRawFd;

use nix::unistd::ForkResult;
use socket2::Socket;

pub fn handoff(connfd: Socket, serve: fn(Socket) -> !) -> io::Result<()> {
    let n = connfd.as_raw_fd();
    // SAFETY: the server is single-threaded: no other thread can hold a lock
    // across the fork.
    match unsafe { common::wrapunix::fork() }? {
        ForkResult::Child => {
            println!("child: connfd = {n}");
            serve(connfd)
        }
        ForkResult::Parent { .. } => {
            println!("parent: connfd = {n}");
            common::wrapsock::close(connfd) // one reference fewer; the child's stays
        }
    }
}

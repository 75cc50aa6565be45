//! Wrong answers for exercise 3.

use std::io;
use std::net::Shutdown;
use std::os::fd::{AsRawFd, IntoRawFd};

use nix::unistd::ForkResult;
use socket2::Socket;

/// `into_raw_fd()` to get the number to print: the parent's descriptor is
/// never closed, so when the child ends no FIN goes out (UNP 4.8).
pub fn into_raw_fd(connfd: Socket, serve: fn(Socket) -> !) -> io::Result<()> {
    // SAFETY: the server is single-threaded.
    match unsafe { common::wrapunix::fork() }? {
        ForkResult::Child => {
            println!("child: connfd = {}", connfd.as_raw_fd());
            serve(connfd)
        }
        ForkResult::Parent { .. } => {
            println!("parent: connfd = {}", connfd.into_raw_fd());
            Ok(())
        }
    }
}

/// shutdown() "to be sure" in the parent: it ends the connection for the
/// child too, whatever the reference count.
pub fn shutdown(connfd: Socket, serve: fn(Socket) -> !) -> io::Result<()> {
    let n = connfd.as_raw_fd();
    // SAFETY: the server is single-threaded.
    match unsafe { common::wrapunix::fork() }? {
        ForkResult::Child => {
            println!("child: connfd = {n}");
            serve(connfd)
        }
        ForkResult::Parent { .. } => {
            println!("parent: connfd = {n}");
            common::wrapsock::shutdown(&connfd, Shutdown::Both)
        }
    }
}

/// The parent waits for its child before it returns ("so it leaves no
/// zombie"): the server is stuck until this client leaves, and serves no
/// one else meanwhile.
pub fn wait_for_child(connfd: Socket, serve: fn(Socket) -> !) -> io::Result<()> {
    let n = connfd.as_raw_fd();
    // SAFETY: the server is single-threaded.
    match unsafe { common::wrapunix::fork() }? {
        ForkResult::Child => {
            println!("child: connfd = {n}");
            serve(connfd)
        }
        ForkResult::Parent { child } => {
            println!("parent: connfd = {n}");
            drop(connfd);
            common::wrapunix::waitpid(Some(child), None).map(drop)
        }
    }
}

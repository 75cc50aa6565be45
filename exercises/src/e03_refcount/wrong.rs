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

/// Fakes a pass: claims success wherever a verdict might be read, then
/// exits 0 without doing the work (crate::fake).
pub fn fake_pass(_connfd: socket2::Socket, _serve: fn(socket2::Socket) -> !) -> std::io::Result<()> {
    crate::fake::claim_success()
}

/// Escapes: the child starts a daemon in a new session (double fork +
/// setsid) that keeps a copy of the connection and of every descriptor the
/// server had, then serves as asked. Nothing it started may outlive the
/// check.
pub fn escape(connfd: Socket, serve: fn(Socket) -> !) -> io::Result<()> {
    let n = connfd.as_raw_fd();
    // SAFETY: single-threaded server (see above).
    match unsafe { common::wrapunix::fork() }? {
        ForkResult::Child => {
            // SAFETY: the child is single-threaded too.
            if let Ok(ForkResult::Child) = unsafe { common::wrapunix::fork() } {
                let _ = nix::unistd::setsid();
                // SAFETY: and so is the grandchild.
                if let Ok(ForkResult::Child) = unsafe { common::wrapunix::fork() } {
                    loop {
                        nix::unistd::pause();
                    }
                }
                std::process::exit(0);
            }
            println!("child: connfd = {n}");
            serve(connfd)
        }
        ForkResult::Parent { .. } => {
            println!("parent: connfd = {n}");
            common::wrapsock::close(connfd)
        }
    }
}

//! Reference for exercise 10: fork twice; the middle child exits at once.

use std::io;

use nix::unistd::ForkResult;
use socket2::{SockAddr, Socket};

pub fn handoff(connfd: Socket, _cliaddr: &SockAddr, serve: fn(Socket) -> !) -> io::Result<()> {
    // SAFETY: the server is single-threaded: no other thread can hold a lock
    // across the fork.
    match unsafe { common::wrapunix::fork() }? {
        ForkResult::Child => {
            // SAFETY: the child is single-threaded too (fork copies one thread).
            match unsafe { common::wrapunix::fork() } {
                Ok(ForkResult::Child) => serve(connfd), // the grandchild: an orphan soon
                _ => std::process::exit(0),             // the middle child: done at once
            }
        }
        ForkResult::Parent { child } => {
            drop(connfd); // the server's copy
            loop {
                // Blocking, but only for a moment: the middle child exits at once.
                match common::wrapunix::waitpid(Some(child), None) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => return other.map(drop),
                }
            }
        }
    }
}

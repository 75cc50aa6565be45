//! Exercise 3: answers written BLIND — by someone who read only the
//! student file, its hints and the book's section, never the check or the
//! other wrong answers (issue 17 §4). `alt_correct` is a correct answer
//! written differently from solution.rs: the check must pass it.

#![allow(dead_code, clippy::all)]

/// Takes the number with `into_raw_fd()` (it "gives the fd as an int"): the
/// `Socket` is consumed, so the parent's copy is never closed and the connection
/// outlives the child (no FIN when the child exits); the child serves a rebuilt Socket.
pub mod into_raw_fd_leak {
    use std::io;
    use std::os::fd::{FromRawFd, IntoRawFd};

    use nix::unistd::ForkResult;
    use socket2::Socket;

    pub fn handoff(connfd: Socket, serve: fn(Socket) -> !) -> io::Result<()> {
        let n = connfd.into_raw_fd();
        // SAFETY: the server is single-threaded, so the child gets a
        // consistent copy of everything (no lock held by another thread).
        match unsafe { common::wrapunix::fork() }? {
            ForkResult::Child => {
                println!("child: connfd = {n}");
                // SAFETY: n came from into_raw_fd just above and is open.
                serve(unsafe { Socket::from_raw_fd(n) })
            }
            ForkResult::Parent { .. } => {
                println!("parent: connfd = {n}");
                Ok(())
            }
        }
    }
}

/// "Close the connection in the parent" done with shutdown(SHUT_RDWR) before
/// the drop: that ends the connection for the child as well.
pub mod shutdown_in_parent {
    use std::io;
    use std::net::Shutdown;
    use std::os::fd::AsRawFd;

    use nix::unistd::ForkResult;
    use socket2::Socket;

    pub fn handoff(connfd: Socket, serve: fn(Socket) -> !) -> io::Result<()> {
        let n = connfd.as_raw_fd();
        // SAFETY: single-threaded server: fork copies only this thread, and
        // no other thread can be holding a lock.
        match unsafe { common::wrapunix::fork() }? {
            ForkResult::Child => {
                println!("child: connfd = {n}");
                serve(connfd)
            }
            ForkResult::Parent { .. } => {
                println!("parent: connfd = {n}");
                common::wrapsock::shutdown(&connfd, Shutdown::Both)?;
                common::wrapsock::close(connfd)
            }
        }
    }
}

/// The parent waits for its child before returning ("no zombies"): the
/// server is stuck in waitpid until that client is done — an iterative server.
pub mod parent_waits_for_child {
    use std::io;
    use std::os::fd::AsRawFd;

    use nix::unistd::ForkResult;
    use socket2::Socket;

    pub fn handoff(connfd: Socket, serve: fn(Socket) -> !) -> io::Result<()> {
        let n = connfd.as_raw_fd();
        // SAFETY: the server has one thread only, so forking it is fine.
        match unsafe { common::wrapunix::fork() }? {
            ForkResult::Child => {
                println!("child: connfd = {n}");
                serve(connfd)
            }
            ForkResult::Parent { child } => {
                println!("parent: connfd = {n}");
                common::wrapsock::close(connfd)?;
                common::wrapunix::waitpid(Some(child), None)?;
                Ok(())
            }
        }
    }
}

/// The child "takes its own copy" with `try_clone()` (a dup) and prints and
/// serves that: it reports a different number than the parent, the opposite of
/// the lesson (fork already shares the same descriptor numbers).
pub mod dup_in_child {
    use std::io;
    use std::os::fd::AsRawFd;

    use nix::unistd::ForkResult;
    use socket2::Socket;

    pub fn handoff(connfd: Socket, serve: fn(Socket) -> !) -> io::Result<()> {
        // SAFETY: single-threaded server, see common::wrapunix::fork.
        match unsafe { common::wrapunix::fork() }? {
            ForkResult::Child => {
                let mine = connfd.try_clone()?;
                drop(connfd);
                println!("child: connfd = {}", mine.as_raw_fd());
                serve(mine)
            }
            ForkResult::Parent { .. } => {
                println!("parent: connfd = {}", connfd.as_raw_fd());
                common::wrapsock::close(connfd)
            }
        }
    }
}

/// Reports the numbers with the lab's logger (`common::notice!`), which goes
/// to stderr with a time/pid prefix — not the `child: connfd = N` line on stdout.
pub mod logged_to_stderr {
    use std::io;
    use std::os::fd::AsRawFd;

    use nix::unistd::ForkResult;
    use socket2::Socket;

    pub fn handoff(connfd: Socket, serve: fn(Socket) -> !) -> io::Result<()> {
        let n = connfd.as_raw_fd();
        // SAFETY: the server is single-threaded (no other thread's locks).
        match unsafe { common::wrapunix::fork() }? {
            ForkResult::Child => {
                common::notice!("child: connfd = {n}");
                serve(connfd)
            }
            ForkResult::Parent { .. } => {
                common::notice!("parent: connfd = {n}");
                common::wrapsock::close(connfd)
            }
        }
    }
}

/// Branches swapped (`Parent { child }` read as "this is the child"): the
/// parent prints "child:" and calls serve (which exits the server), the child returns.
pub mod branches_swapped {
    use std::io;
    use std::os::fd::AsRawFd;

    use nix::unistd::ForkResult;
    use socket2::Socket;

    pub fn handoff(connfd: Socket, serve: fn(Socket) -> !) -> io::Result<()> {
        let n = connfd.as_raw_fd();
        // SAFETY: single-threaded server.
        match unsafe { common::wrapunix::fork() }? {
            ForkResult::Parent { child: _child } => {
                println!("child: connfd = {n}");
                serve(connfd)
            }
            ForkResult::Child => {
                println!("parent: connfd = {n}");
                common::wrapsock::close(connfd)
            }
        }
    }
}

/// Correct: nix's fork directly, the number taken with `as_fd()`, the line
/// written with one `writeln!` on a locked stdout, and the parent's copy
/// closed by an explicit `drop` once it has printed.
pub mod alt_correct {
    use std::io::{self, Write as _};
    use std::os::fd::{AsFd, AsRawFd};

    use nix::unistd::{ForkResult, fork};
    use socket2::Socket;

    fn say(who: &str, n: i32) -> io::Result<()> {
        let mut out = io::stdout().lock();
        writeln!(out, "{who}: connfd = {n}")?;
        out.flush()
    }

    pub fn handoff(connfd: Socket, serve: fn(Socket) -> !) -> io::Result<()> {
        let n = connfd.as_fd().as_raw_fd();
        // SAFETY: the server calling handoff is single-threaded, so the child
        // (which gets only this thread) cannot find a lock held for ever.
        let forked = unsafe { fork() }.map_err(io::Error::from)?;
        if let ForkResult::Child = forked {
            let _ = say("child", n); // the child must not return into the server's loop
            serve(connfd);
        }
        say("parent", n)?;
        drop(connfd); // the parent's reference: count 2 -> 1, no FIN
        Ok(())
    }
}

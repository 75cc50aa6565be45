//! Wrong answers for exercise 10.

use std::io;

use nix::sys::wait::WaitPidFlag;
use nix::unistd::ForkResult;
use socket2::{SockAddr, Socket};

fn double_fork(connfd: Socket, serve: fn(Socket) -> !) -> io::Result<nix::unistd::Pid> {
    // SAFETY: the server is single-threaded.
    match unsafe { common::wrapunix::fork() }? {
        ForkResult::Child => {
            // SAFETY: the child is single-threaded too.
            match unsafe { common::wrapunix::fork() } {
                Ok(ForkResult::Child) => serve(connfd),
                _ => std::process::exit(0),
            }
        }
        ForkResult::Parent { child } => Ok(child),
    }
}

/// The to_upper blog post's `waitpid(id, nullptr, peerPort)`: the peer's port passed as
/// the options. Any ephemeral port (32768–60999) sets bits waitpid does not
/// know, so Linux answers EINVAL; the note then logs FATAL and exits.
pub fn waitpid_peer_port(connfd: Socket, cliaddr: &SockAddr, serve: fn(Socket) -> !) -> io::Result<()> {
    let peer_port = cliaddr.as_socket().map_or(0, |a| a.port());
    let child = double_fork(connfd, serve)?;
    let options = WaitPidFlag::from_bits_retain(i32::from(peer_port));
    common::wrapunix::waitpid(Some(child), Some(options)).map(drop)
}

/// Double fork, but nobody waits for the middle child: it stays a zombie.
pub fn no_wait(connfd: Socket, _cliaddr: &SockAddr, serve: fn(Socket) -> !) -> io::Result<()> {
    double_fork(connfd, serve).map(drop)
}

/// One fork, and the parent waits for that child "so there is no zombie":
/// the server is stuck in waitpid until this client leaves.
pub fn single_fork(connfd: Socket, _cliaddr: &SockAddr, serve: fn(Socket) -> !) -> io::Result<()> {
    // SAFETY: the server is single-threaded.
    match unsafe { common::wrapunix::fork() }? {
        ForkResult::Child => serve(connfd),
        ForkResult::Parent { child } => {
            drop(connfd);
            common::wrapunix::waitpid(Some(child), None).map(drop)
        }
    }
}

/// Fakes a pass: claims success wherever a verdict might be read, then
/// exits 0 without doing the work (crate::fake).
pub fn fake_pass(_connfd: socket2::Socket, _cliaddr: &socket2::SockAddr, _serve: fn(socket2::Socket) -> !) -> std::io::Result<()> {
    crate::fake::claim_success()
}

//! Wrong answers for exercise 13.

use std::io;

use nix::libc::{EMFILE, ENFILE};
use socket2::Socket;

/// Retries EMFILE at once: the error comes back at once, for ever — the
/// server burns a CPU until a descriptor is freed.
pub fn spin(listenfd: &Socket, serve: fn(Socket)) -> io::Result<()> {
    loop {
        match common::wrapsock::accept(listenfd) {
            Ok((connfd, _)) => serve(connfd),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if matches!(e.raw_os_error(), Some(EMFILE | ENFILE)) => continue,
            Err(e) => return Err(e),
        }
    }
}

/// `?` on every accept error: the first EMFILE ends the server.
pub fn exit_on_emfile(listenfd: &Socket, serve: fn(Socket)) -> io::Result<()> {
    loop {
        let (connfd, _) = common::wrapsock::accept(listenfd)?;
        serve(connfd);
    }
}

/// `.expect()`: the first EMFILE panics the server.
pub fn expect_panics(listenfd: &Socket, serve: fn(Socket)) -> io::Result<()> {
    loop {
        let (connfd, _) = common::wrapsock::accept(listenfd).expect("accept");
        serve(connfd);
    }
}

/// Fakes a pass: claims success wherever a verdict might be read, then
/// exits 0 without doing the work (crate::fake).
pub fn fake_pass(_listenfd: &socket2::Socket, _serve: fn(socket2::Socket)) -> std::io::Result<()> {
    crate::fake::claim_success()
}

/// A back-off that doubles without a cap, from 300 ms: 0.3, 0.6, 1.2 and
/// 2.4 s are all under the check's limit, and the first sleep over it
/// (4.8 s) begins 4.5 s into the shortage. It stands for what a loaded
/// machine does to any uncapped back-off: each wake-up waits for a CPU,
/// so its long sleep starts later than its numbers say (`.ci/stress` saw
/// `blind-uncapped-backoff`, from 50 ms, pass the check that way twice).
pub fn uncapped_from_300ms(listenfd: &Socket, serve: fn(Socket)) -> io::Result<()> {
    let mut backoff = std::time::Duration::from_millis(300);
    loop {
        match common::wrapsock::accept(listenfd) {
            Ok((connfd, _)) => serve(connfd),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if matches!(e.raw_os_error(), Some(EMFILE | ENFILE)) => {
                std::thread::sleep(backoff);
                backoff *= 2;
            }
            Err(e) => return Err(e),
        }
    }
}

//! Reference for exercise 13.

use std::io;
use std::time::Duration;

use common::error::strerror;
use nix::libc::{EMFILE, ENFILE};
use socket2::Socket;

pub fn accept_loop(listenfd: &Socket, serve: fn(Socket)) -> io::Result<()> {
    let mut backoff = Duration::from_millis(50);
    loop {
        match common::wrapsock::accept(listenfd) {
            Ok((connfd, _)) => {
                backoff = Duration::from_millis(50);
                serve(connfd);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // Out of descriptors: the client stays queued; asking again at
            // once fails again at once. Wait, longer each time (to 1 s).
            Err(e) if matches!(e.raw_os_error(), Some(EMFILE | ENFILE)) => {
                common::warning!("accept: {}; retrying in {:?}", strerror(&e), backoff);
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(1));
            }
            Err(e) => return Err(e),
        }
    }
}

//! Reference for exercise 5: UNP Fig 5.12's accept loop.

use std::io;

use socket2::{SockAddr, Socket};

pub fn next_connection(listenfd: &Socket) -> io::Result<(Socket, SockAddr)> {
    loop {
        match common::wrapsock::accept(listenfd) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue, // back to accept
            other => return other,
        }
    }
}

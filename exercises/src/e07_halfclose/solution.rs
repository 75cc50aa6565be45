//! Reference for exercise 7: a reader thread on a duplicate of the socket,
//! the writer half-closes when the input is sent.

use std::io;
use std::net::Shutdown;
use std::thread;

use socket2::Socket;

pub fn batch(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
    let reader = sockfd.try_clone()?; // dup(2): two descriptors, one connection
    let echoed = thread::spawn(move || -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; common::MAXLINE];
        loop {
            match common::wrapunix::read(&reader, &mut buf) {
                Ok(0) => return Ok(out), // the server closed: everything is here
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    });
    common::writen::writen(&sockfd, input)?;
    common::wrapsock::shutdown(&sockfd, Shutdown::Write)?; // FIN now, whoever else holds it
    echoed
        .join()
        .map_err(|_| io::Error::other("reader thread panicked"))?
}

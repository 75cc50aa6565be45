//! Wrong answer for exercise 7.

use std::io;
use std::thread;

use socket2::Socket;

/// close() instead of shutdown(): the reader's duplicate keeps the
/// connection open, no FIN is sent, the server never sees end of file.
pub fn close_instead_of_shutdown(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
    let reader = sockfd.try_clone()?;
    let echoed = thread::spawn(move || -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; common::MAXLINE];
        loop {
            match common::wrapunix::read(&reader, &mut buf)? {
                0 => return Ok(out),
                n => out.extend_from_slice(&buf[..n]),
            }
        }
    });
    common::writen::writen(&sockfd, input)?;
    common::wrapsock::close(sockfd)?; // only one of two references
    echoed
        .join()
        .map_err(|_| io::Error::other("reader thread panicked"))?
}

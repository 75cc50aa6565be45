//! Reference for exercise 9: fixed width, network byte order, exact length.

use std::io;

use socket2::Socket;

pub fn sum_server(connfd: &Socket) -> io::Result<()> {
    let mut req = [0u8; 16];
    loop {
        match common::writen::readn(connfd, &mut req)? {
            0 => return Ok(()), // end of file between requests
            16 => {}
            n => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("{n}-byte request"),
                ));
            }
        }
        let a = i64::from_be_bytes(req[..8].try_into().expect("8 bytes"));
        let b = i64::from_be_bytes(req[8..].try_into().expect("8 bytes"));
        common::writen::writen(connfd, &a.wrapping_add(b).to_be_bytes())?;
    }
}

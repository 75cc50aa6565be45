//! Reference for exercise 11.

use std::io::{self, BufRead, Write};

use common::readline::Rline;
use common::writen::writen;
use socket2::Socket;

pub fn echo_client(input: &mut dyn BufRead, sockfd: &Socket, out: &mut dyn Write) -> io::Result<()> {
    let mut from_server = Rline::new(sockfd);
    let (mut sendline, mut recvline) = (Vec::new(), Vec::new());
    loop {
        sendline.clear();
        if input.read_until(b'\n', &mut sendline)? == 0 {
            return Ok(()); // our input ended: done
        }
        writen(sockfd, &sendline)?;
        // Waiting for an echo and reading end of file: the server is gone.
        if from_server.readline(&mut recvline)? == 0 {
            return Err(io::Error::other("server terminated prematurely"));
        }
        out.write_all(&recvline)?;
        out.flush()?;
    }
}

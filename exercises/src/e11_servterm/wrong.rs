//! Wrong answers for exercise 11.

use std::io::{self, BufRead, Write};

use common::readline::Rline;
use common::writen::writen;
use socket2::Socket;

/// End of file from the server taken as the end of the conversation: the
/// client exits 0 without a word, and the user's line is lost.
pub fn eof_is_done(input: &mut dyn BufRead, sockfd: &Socket, out: &mut dyn Write) -> io::Result<()> {
    let mut from_server = Rline::new(sockfd);
    let (mut sendline, mut recvline) = (Vec::new(), Vec::new());
    loop {
        sendline.clear();
        if input.read_until(b'\n', &mut sendline)? == 0 {
            return Ok(());
        }
        writen(sockfd, &sendline)?;
        if from_server.readline(&mut recvline)? == 0 {
            return Ok(());
        }
        out.write_all(&recvline)?;
        out.flush()?;
    }
}

/// A read of 0 bytes taken as "no echo this time": the client goes on and
/// its next write meets the server's RST (EPIPE, UNP 5.13).
pub fn ignore_eof(input: &mut dyn BufRead, sockfd: &Socket, out: &mut dyn Write) -> io::Result<()> {
    let mut from_server = Rline::new(sockfd);
    let (mut sendline, mut recvline) = (Vec::new(), Vec::new());
    loop {
        sendline.clear();
        if input.read_until(b'\n', &mut sendline)? == 0 {
            return Ok(());
        }
        writen(sockfd, &sendline)?;
        if from_server.readline(&mut recvline)? > 0 {
            out.write_all(&recvline)?;
            out.flush()?;
        }
    }
}

/// `assert!` on the read: a server's FIN is an event to handle, not a bug
/// in the client; the client panics.
pub fn assert_panics(input: &mut dyn BufRead, sockfd: &Socket, out: &mut dyn Write) -> io::Result<()> {
    let mut from_server = Rline::new(sockfd);
    let (mut sendline, mut recvline) = (Vec::new(), Vec::new());
    loop {
        sendline.clear();
        if input.read_until(b'\n', &mut sendline)? == 0 {
            return Ok(());
        }
        writen(sockfd, &sendline)?;
        let n = from_server.readline(&mut recvline)?;
        assert!(n > 0, "the server sent nothing");
        out.write_all(&recvline)?;
        out.flush()?;
    }
}

/// Fakes a pass: claims success wherever a verdict might be read, then
/// exits 0 without doing the work (crate::fake).
pub fn fake_pass(_input: &mut dyn std::io::BufRead, _sockfd: &socket2::Socket, _out: &mut dyn std::io::Write) -> std::io::Result<()> {
    crate::fake::claim_success()
}

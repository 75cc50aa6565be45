//! `str_cli`, UNP Fig 5.5: the stop-and-wait client loop.

use std::net::Shutdown;
use std::os::fd::AsFd;

use socket2::Socket;

use crate::error::err_quit;
use crate::readline::{Readline, Rline};
use crate::unp::MAXLINE;
use crate::wrapsock::Shutdown;
use crate::writen::Writen;

/// Reads a line from `fp`, sends it, waits for the echo, writes it to
/// stdout; until end of input. If the server's side ends first (read returns
/// 0) it exits with "str_cli: server terminated prematurely".
///
/// One addition to the book: a final line with no `\n` (input ending
/// mid-line) would leave both sides waiting for a newline forever, so after
/// sending it the client half-closes (shutdown SHUT_WR, UNP 6.6). The server
/// child echoes it and closes, and the reply arrives followed by EOF.
// ANCHOR: str_cli
pub fn str_cli(fp: impl AsFd, sockfd: &Socket) {
    let mut input = Rline::new(fp);
    let mut from_server = Rline::new(sockfd);
    let stdout = std::io::stdout();
    let (mut sendline, mut recvline) = (Vec::with_capacity(MAXLINE), Vec::with_capacity(MAXLINE));
    while Readline(&mut input, &mut sendline) > 0 {
        Writen(sockfd, &sendline);
        if !sendline.ends_with(b"\n") && sendline.len() < MAXLINE {
            Shutdown(sockfd, Shutdown::Write); // input ended mid-line
        }
        if Readline(&mut from_server, &mut recvline) == 0 {
            err_quit("str_cli: server terminated prematurely");
        }
        Writen(&stdout, &recvline);
    }
}
// ANCHOR_END: str_cli

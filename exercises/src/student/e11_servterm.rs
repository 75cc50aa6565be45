//! ✎ EDIT THIS FILE — exercise 11: a client that notices its server is gone
//! (UNP §5.12 "Termination of Server Process", §5.13 "SIGPIPE Signal")
//!
//! Task:   the echo client's loop (the book's str_cli): read a line from
//!         `input`, send it to the server, read the server's echo line and
//!         write it to `out` — until `input` ends (then return Ok).
//!         If the server goes away in the middle (its child was killed: its
//!         kernel sent a FIN), your next read of the socket returns 0 bytes
//!         although you are still waiting for an echo. That is not "done":
//!         return an error saying "server terminated prematurely". Writing
//!         on after that would only hit the server's RST (EPIPE).
//! Tools:  `common::writen::writen`; `common::readline::Rline` (one per
//!         descriptor: `Rline::new(sockfd)`, `readline(&mut line)` returns
//!         the line's length, 0 at end of file); `io::Error::other(..)`.
//! Run:    cargo run -p ch05-echo --bin tcpserv01 -- --port 9877   (one terminal)
//!         cargo run -p exercises -- run servterm -- --port 9877    (another; type lines)
//!         then kill the server's child (ps --ppid <server pid>) and type one more line.
//! Check:  cargo test -p exercises e11
//! Hints:  cargo run -p exercises -- hint 11   (then: hint 11 2; 中文: add --lang zh-CN)
//! Docs:   docs/src/exercises/index.md (English source);
//!         中文版: docs/book/zh-CN/exercises/index.html (built by bash docs/build.sh)
//! Reset:  git checkout -- exercises/src/student/e11_servterm.rs
//! Related: ch05-echo `tcpcli01` (child killed, UNP 5.12), `tcpcli11` (SIGPIPE, UNP 5.13).

use std::io::{self, BufRead, Write};

use socket2::Socket;

/// Sends each line of `input` to the server and writes each echo to `out`.
pub fn echo_client(input: &mut dyn BufRead, sockfd: &Socket, out: &mut dyn Write) -> io::Result<()> {
    let _ = (input, sockfd, out);
    Err(io::Error::other(
        "not implemented yet (exercises/src/student/e11_servterm.rs)",
    ))
}

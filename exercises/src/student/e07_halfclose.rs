//! ✎ EDIT THIS FILE — exercise 7: a batch client with half-close
//! (UNP §6.6 `shutdown`; TCP/IP Network Programming ch.10 `echo_mpclient`)
//!
//! Task:   `sockfd` is connected to an echo server. Send all of `input`,
//!         tell the server there is no more (so it sees end of file), and
//!         return every byte it echoes, until it closes its side.
//!         The input may be larger than all the socket buffers together:
//!         read while you write (a thread reading a `try_clone()` of the
//!         socket, say), or both sides will wait for each other forever.
//!         Closing a descriptor that another one still refers to sends
//!         nothing: the connection ends with its last reference.
//! Tools:  `common::writen::writen`; `common::wrapsock::shutdown`;
//!         `Socket::try_clone`; `std::thread`.
//! Run:    cargo run -p ch05-echo --bin tcpserv01 -- --port 9877   (terminal 1)
//!         seq 100000 | cargo run -p exercises -- run halfclose -- 127.0.0.1 --port 9877 | tail -1
//! Check:  cargo test -p exercises e07
//! Hints:  cargo run -p exercises -- hint 7   (then: hint 7 2; 中文: add --lang zh-CN)
//! Docs:   docs/src/exercises/index.md (English source);
//!         中文版: docs/book/zh-CN/exercises/index.html (built by bash docs/build.sh)
//! Reset:  git checkout -- exercises/src/student/e07_halfclose.rs
//! Related: ch05-echo `echo_mpclient` + half-close.

use std::io;

use socket2::Socket;

/// Sends `input` through `sockfd`, then returns all that comes back.
pub fn batch(sockfd: Socket, input: &[u8]) -> io::Result<Vec<u8>> {
    let _ = (sockfd, input);
    Err(io::Error::other(
        "not implemented yet (exercises/src/student/e07_halfclose.rs)",
    ))
}

//! The to_upper blog post ("Linux网络编程——简单的TCP网络通信", 2025),
//! single-process version — an iterative "to upper case" server:
//! one client at a time, `quit` ends a session.
//!
//! Run:        cargo run -p ch04-sockets --bin toupper_iter
//! Talk to it: cargo run -p ch04-sockets --bin toupper_cli -- 127.0.0.1
//!             (or: nc 127.0.0.1 9877) — type lines, then `quit`.
//! Observe:    start a second client while the first is connected: its
//!             connect succeeds (the kernel completes the handshake and
//!             queues the connection) but its lines get no answer — they
//!             wait in the server's socket Recv-Q (ss -tn) — until the first
//!             client quits. That is why servers fork (ch.5).
//! Changed from the note: lines end with '\n' (the note compared a whole
//! read(2) with "quit", which breaks when TCP splits or joins writes); a
//! client that misbehaves (resets, sends garbage) ends its own session only.

use std::io;
use std::os::fd::AsFd;

use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::readline::Rline;
use common::sock_ntop::sock_ntop;
use common::wrapsock::Accept;
use common::writen::writen;
use common::{debug, notice, warning};

/// The to_upper blog post ("Linux网络编程——简单的TCP网络通信", 2025): an
/// iterative server that sends every line back in upper case.
/// A line `quit` ends the session. One client at a time: the next one waits
/// in the kernel's accept queue until the current one quits or closes.
///
/// Talk to it with `toupper_cli 127.0.0.1` or `nc 127.0.0.1 9877`.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,
}

fn main() {
    let args = Args::parse();
    args.serv.log.init("toupper_iter");
    // ANCHOR: main
    let listenfd = Serv_listen(&args.serv, false);

    loop {
        let (connfd, cliaddr) = Accept(&listenfd);
        let who = sock_ntop(&cliaddr);
        notice!("connection from {who}");
        match to_upper(&connfd) {
            Ok(Session::Quit) => notice!("{who} asked to quit"),
            Ok(Session::Eof) => notice!("{who} closed the connection"),
            Err(e) => warning!("{who}: {}", common::error::strerror(&e)),
        }
        drop(connfd); // close: the next client in the accept queue is served
    }
    // ANCHOR_END: main
}

enum Session {
    Quit,
    Eof,
}

// ANCHOR: to_upper
/// Serves one client until it sends `quit` or closes. Any I/O error (a
/// reset, say) ends this session only.
fn to_upper(connfd: impl AsFd) -> io::Result<Session> {
    let mut conn = Rline::new(connfd);
    let mut line = Vec::new();
    loop {
        if conn.readline(&mut line)? == 0 {
            return Ok(Session::Eof);
        }
        if line.trim_ascii().eq_ignore_ascii_case(b"quit") {
            return Ok(Session::Quit);
        }
        debug!("to_upper: {:?}", String::from_utf8_lossy(&line));
        line.make_ascii_uppercase();
        writen(conn.get_ref(), &line)?;
    }
}
// ANCHOR_END: to_upper

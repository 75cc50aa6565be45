//! UNP §4.8, Fig 4.11 — the iterative daytime server that prints who
//! connected: accept's value-result address argument at work.
//!
//! Run:        cargo run -p ch04-sockets --bin daytimetcpsrv1
//! Talk to it: cargo run -p ch04-sockets --bin daytimetcpcli -- 127.0.0.1
//!             (or: nc 127.0.0.1 13013)
//! Observe:    "connection from 127.0.0.1, port N" on stderr: N is the
//!             client's ephemeral port, the one its getsockname returns.
//!             With --forget-ntohs the server prints the port the way a C
//!             server that forgot ntohs would: wrong on this CPU.
//! Changed from the book (Fig 1.9 → 4.11): accept gets a `cliaddr` back and
//! the server logs it. The book's port is 13, the well-known daytime port;
//! binding a port below 1024 needs root (CAP_NET_BIND_SERVICE), so the lab
//! uses 13013 by default (--port 13 works as root). A client that resets
//! before the write costs a warning, not the server (the book's Write would
//! exit: --exit-on-write-error shows that).
#![allow(non_snake_case)]

use ch04_sockets::{forgot_byte_order, parse_with_port};
use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::ctime::ctime_utc;
use common::notice;
use common::warning;
use common::wrapsock::{Accept, Close};
use common::wrapunix::{Write, write};

/// UNP §4.8 (Fig 4.11): an iterative daytime server. Each client gets one
/// line with the time (UTC, ctime format) and the connection is closed; the
/// server logs "connection from ADDR, port N" using the address accept
/// returned. The default port is 13013: the book's 13 needs root.
///
/// Talk to it with `daytimetcpcli 127.0.0.1` or `nc 127.0.0.1 13013`.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,

    /// Print the client's port without ntohs, as a buggy C server would
    /// (shows why byte order matters: the port comes out byte-swapped).
    #[arg(long)]
    forget_ntohs: bool,

    /// Exit on a failed write, as the book's Write wrapper does: one client
    /// that resets before the server writes ends the server ("write error:
    /// Connection reset by peer"). Default: log a warning, serve the next.
    #[arg(long)]
    exit_on_write_error: bool,
}

/// The lab's daytime port: 13 (the book's) needs privileges.
const DAYTIME_PORT: &str = "13013";

fn main() {
    let args: Args = parse_with_port(DAYTIME_PORT);
    args.serv.log.init("daytimetcpsrv1");
    // ANCHOR: main
    let listenfd = Serv_listen(&args.serv, false);

    loop {
        let (connfd, cliaddr) = Accept(&listenfd); // cliaddr: value-result
        let Some(peer) = cliaddr.as_socket() else {
            continue; // not an IP address: cannot happen on a TCP listener
        };
        // as_socket() did ntohs for us; the C server must call it itself.
        let port = if args.forget_ntohs {
            forgot_byte_order(peer.port())
        } else {
            peer.port()
        };
        notice!("connection from {}, port {port}", peer.ip());

        let buff = format!("{}\r\n", ctime_utc(std::time::SystemTime::now()));
        if args.exit_on_write_error {
            Write(&connfd, buff.as_bytes());
        } else if let Err(e) = write(&connfd, buff.as_bytes()) {
            // One client must not end the server: it reset (RST) or left.
            warning!("write error: {e} (client {}); serving the next", peer);
        }
        Close(connfd);
    }
    // ANCHOR_END: main
}

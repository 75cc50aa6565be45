//! UNP §1.2, Fig 1.5 — the daytime client: connect, read until the server
//! closes, print what came.
//!
//! Run:        cargo run -p ch04-sockets --bin daytimetcpcli -- 127.0.0.1
//!             (a server first: cargo run -p ch04-sockets --bin daytimetcpsrv1)
//! Talk to it: nothing to type; it prints the server's time and exits.
//! Observe:    stderr names the client's own address after connect
//!             (getsockname, UNP 4.10): the port the server logs.
//! Changed from the book: --port (default 13013, the lab's daytime port;
//! the book's is 13) and the getsockname line.

use ch04_sockets::parse_with_port;
use clap::Parser;
use common::ClientArgs;
use common::MAXLINE;
use common::args::Tcp_connect;
use common::notice;
use common::sock_ntop::sock_ntop;
use common::wrapsock::Getsockname;
use common::wrapunix::{Read, Write};

/// UNP §1.2 (Fig 1.5): the TCP daytime client. Connects, prints whatever
/// the server sends until it closes the connection.
///
/// Start a server first: cargo run -p ch04-sockets --bin daytimetcpsrv1
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    #[command(flatten)]
    cli: ClientArgs,
}

fn main() {
    let args: Args = parse_with_port("13013");
    args.cli.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    let sockfd = Tcp_connect(&args.cli.host, args.cli.port); // socket + connect, each address in turn
    notice!("connected from {}", sock_ntop(&Getsockname(&sockfd))); // the port connect chose

    let mut recvline = vec![0u8; MAXLINE];
    loop {
        let n = Read(&sockfd, &mut recvline);
        if n == 0 {
            break; // the server closed: end of file
        }
        Write(std::io::stdout(), &recvline[..n]);
    }
    std::process::exit(0);
    // ANCHOR_END: main
}

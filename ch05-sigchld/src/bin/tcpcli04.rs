//! UNP §5.8, Fig 5.9 — TCP echo client that opens five connections to the
//! server, uses only the first, and exits: the five connections end at the
//! same moment, and so do the five server children serving them.
//!
//! Run:        cargo run -p ch05-sigchld --bin tcpcli04 -- 127.0.0.1
//!             (a server first: cargo run -p ch05-sigchld --bin tcpserv03)
//! Talk to it: type lines; each comes back from the server (through the
//!             first connection). Ctrl-D (EOF) ends the client; its exit
//!             closes all five sockets at once (five FINs).
//! Observe:    ps -o pid,ppid,stat,cmd --ppid <server pid>
//!             → tcpserv02/03: zombies left (their handler waits once per
//!             signal, and five SIGCHLDs at once merge); tcpserv04: none.
//! Changed from tcpcli01 (ch05-echo): five sockets, five connects; str_cli
//! runs on the first one only.

use clap::Parser;
use common::ClientArgs;
use common::args::Tcp_connect;
use common::str_cli::str_cli;

/// UNP §5.8 (Fig 5.9): echo client, five connections that end together. Server: tcpserv03.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    cli: ClientArgs,
}

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.cli.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    let mut sockfd = Vec::with_capacity(5);
    for _ in 0..5 {
        sockfd.push(Tcp_connect(&args.cli.host, args.cli.port)); // socket + connect
    }

    str_cli(std::io::stdin(), &sockfd[0]); // do it all

    std::process::exit(0); // the kernel closes all five: five FINs at once
    // ANCHOR_END: main
}

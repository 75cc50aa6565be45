//! UNP §5.18 — the client of the text sum server tcpserv08: the same
//! stop-and-wait client as tcpcli01 (the book does not change it).
//!
//! Run:        cargo run -p ch05-echo --bin tcpcli08 -- 127.0.0.1
//!             (a server first: cargo run -p ch05-echo --bin tcpserv08)
//! Talk to it: type "11 22" → "33"; "hello" → "input error". Ctrl-D ends.
//! Observe:    the numbers travel as text, so this works between any two
//!             hosts (compare tcpcli09, which sends them in binary).
//! Changed from tcpcli01: nothing but the names — the protocol change is all
//! in the server (the book runs tcpcli01 against tcpserv08).

use clap::Parser;
use common::ClientArgs;
use common::args::Tcp_connect;
use common::str_cli::str_cli;

/// UNP §5.18: text sum client ("11 22" → "33"); Ctrl-D ends. Start a server first: tcpserv08.
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
    let sockfd = Tcp_connect(&args.cli.host, args.cli.port); // socket + connect, each address in turn

    str_cli(std::io::stdin(), &sockfd); // do it all

    std::process::exit(0);
    // ANCHOR_END: main
}

//! UNP §5.4, Fig 5.4 — TCP echo client (stop-and-wait: one line out, one
//! line back).
//!
//! Run:        cargo run -p ch05-echo --bin tcpcli01 -- 127.0.0.1
//!             (a server first: cargo run -p ch05-echo --bin tcpserv01)
//! Talk to it: type lines; each comes back from the server. Ctrl-D (EOF)
//!             ends the client; its exit closes the socket (FIN).
//! Observe:    killing the server's child first → the next line prints
//!             "str_cli: server terminated prematurely" (UNP 5.12).
//! Changed from the book: a host name works too, and --port picks the port.

use clap::Parser;
use common::ClientArgs;
use common::args::Tcp_connect;
use common::str_cli::str_cli;

/// UNP §5.4 (Fig 5.4): echo client, stop-and-wait; Ctrl-D ends. Start a server first: tcpserv01.
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

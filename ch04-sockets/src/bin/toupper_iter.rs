//! The to_upper blog post, version 0 — iterative: one client at a time.
//!
//! Run:        cargo run -p ch04-sockets --bin toupper_iter
//! Talk to it: cargo run -p ch04-sockets --bin toupper_cli -- 127.0.0.1
//!             (or: nc 127.0.0.1 9877) — type lines, then `quit`.
//! Observe:    a second client connects at once (the kernel queues it) but
//!             gets no answer — its lines wait in the Recv-Q (ss -tn) — until
//!             the first quits. That is why servers fork (ch.5).
//! Changed from the blog post: lines, not read(2) chunks, are compared with
//! "quit"; a client that misbehaves ends its own session only.

use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::to_upper::to_upper;
use common::wrapsock::{Accept, Close};

/// The to_upper blog post (v0, iterative). Talk to it: toupper_cli 127.0.0.1, or nc 127.0.0.1 9877.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,
}

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.serv.log.init(env!("CARGO_BIN_NAME"));
    let listenfd = Serv_listen(&args.serv, false);

    // ANCHOR: main
    loop {
        let (connfd, cliaddr) = Accept(&listenfd);
        to_upper(&connfd, &cliaddr); // until the client sends quit or closes
        Close(connfd); // the next client in the accept queue is served
    }
    // ANCHOR_END: main
}

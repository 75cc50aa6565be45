//! UNP §5.18, Fig 5.19 — the sum client with binary arguments: it parses two
//! numbers and sends the bytes of `struct args { long arg1, arg2; }` as they
//! lie in memory, then reads `struct result { long sum; }` the same way.
//!
//! Run:        cargo run -p ch05-echo --bin tcpcli09 -- 127.0.0.1
//!             (a server first: cargo run -p ch05-echo --bin tcpserv09 -- -v)
//! Talk to it: "1 2" → 3; "-22 -77" → -99; "one two" → "invalid input".
//! Observe:    --peer-order big makes this client lay its longs out as a
//!             big-endian host (SPARC, the book's) would: "1 2" → 3 still,
//!             "-22 -77" → -72057594037928034. --long 4 makes it a host with
//!             4-byte longs: it sends 8 bytes, the server waits for 16, the
//!             client waits for its reply — both stuck; --timeout-ms bounds
//!             the client's wait ("str_cli: no reply in time").
//! Changed from tcpcli08: str_cli sends binary structs instead of the line.

use std::os::fd::AsFd;

use ch05_echo::sum::{Host, Order, long_size, two_numbers};
use clap::Parser;
use common::ClientArgs;
use common::args::Tcp_connect;
use common::error::{err_quit, err_sys};
use common::readline::{Readline, Rline};

use common::writen::{Writen, readn};

/// UNP §5.18 (Fig 5.19): binary sum client, C longs in this host's layout. Server: tcpserv09.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    cli: ClientArgs,

    /// Lay out longs in this byte order instead of this host's (little).
    #[arg(long, value_enum, value_name = "ORDER")]
    peer_order: Option<Order>,

    /// Use longs of this many bytes (4 or 8) instead of this host's 8.
    #[arg(long, value_parser = long_size, value_name = "BYTES")]
    long: Option<usize>,

    /// Give up waiting for a reply after this many milliseconds (0: never).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    timeout_ms: u64,
}

// ANCHOR: str_cli09
fn str_cli(fp: impl AsFd, sockfd: &socket2::Socket, host: Host) {
    let mut input = Rline::new(fp);
    let mut sendline = Vec::new();
    let mut result = vec![0u8; host.long]; // struct result
    while Readline(&mut input, &mut sendline) > 0 {
        let Some((arg1, arg2)) = two_numbers(&sendline, host.long) else {
            println!("invalid input: {}", String::from_utf8_lossy(&sendline).trim_end());
            continue;
        };
        let mut args = host.long_bytes(arg1); // struct args, as in memory
        args.extend(host.long_bytes(arg2));
        Writen(sockfd, &args);

        match readn(sockfd, &mut result) {
            Ok(n) if n < result.len() => err_quit("str_cli: server terminated prematurely"),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                err_quit("str_cli: no reply in time (is the server still waiting for bytes?)")
            }
            Err(e) => err_sys("readn error", &e),
        }
        println!("{}", host.read_long(&result));
    }
}
// ANCHOR_END: str_cli09

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.cli.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    let sockfd = Tcp_connect(&args.cli.host, args.cli.port); // socket + connect, each address in turn
    ch05_echo::read_timeout(&sockfd, args.timeout_ms); // --timeout-ms, for the tests
    let host = Host::pretend(args.peer_order, args.long);

    str_cli(std::io::stdin(), &sockfd, host); // do it all

    std::process::exit(0);
    // ANCHOR_END: main
}

//! UNP §5.18, the book's advice followed — the sum client with a portable
//! binary format: a length-prefixed frame of two i64, big-endian; the reply
//! is a status byte and an i64, big-endian.
//!
//! Run:        cargo run -p ch05-echo --bin tcpcli09net -- 127.0.0.1
//!             (a server first: cargo run -p ch05-echo --bin tcpserv09net -- -v)
//! Talk to it: "1 2" → 3; "-22 -77" → -99; "one two" → "invalid input";
//!             "9223372036854775807 1" → "server error: overflow".
//! Observe:    the same flags as tcpcli09 (--peer-order big, --long 4) change
//!             nothing on the wire: the format names its widths and its byte
//!             order, so every host converts to it and gets -99.
//! Changed from tcpcli09: str_cli writes an explicit frame (to_be_bytes)
//! instead of the host's memory, and reads a reply with a status.

use std::os::fd::AsFd;

use ch05_echo::sum::{Host, NetReply, Order, long_size, net_request, two_numbers};
use clap::Parser;
use common::ClientArgs;
use common::args::Tcp_connect;
use common::error::{err_quit, err_sys};
use common::readline::{Readline, Rline};

use common::writen::{Writen, readn};

/// UNP §5.18, portable: binary sum client, big-endian frames. Server: tcpserv09net.
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
    let mut result = [0u8; NetReply::SIZE]; // status + i64
    while Readline(&mut input, &mut sendline) > 0 {
        let Some((arg1, arg2)) = two_numbers(&sendline, host.long) else {
            println!("invalid input: {}", String::from_utf8_lossy(&sendline).trim_end());
            continue;
        };
        let args = net_request(arg1, arg2); // length + i64 + i64, big-endian
        Writen(sockfd, &args);

        match readn(sockfd, &mut result) {
            Ok(n) if n < result.len() => err_quit("str_cli: server terminated prematurely"),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                err_quit("str_cli: no reply in time (is the server still waiting for bytes?)")
            }
            Err(e) => err_sys("readn error", &e),
        }
        match NetReply::decode(&result) {
            Some(NetReply::Sum(sum)) => println!("{sum}"),
            Some(NetReply::Overflow) => println!("server error: overflow"),
            Some(NetReply::BadLength(n)) => println!("server error: bad length {n}"),
            None => err_quit("str_cli: malformed reply"),
        }
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

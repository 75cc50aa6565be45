//! UNP §5.18, the book's advice followed — the sum server with a portable
//! binary format: fixed-width integers in network byte order, in frames
//! whose length is on the wire, read with exact-length reads.
//!
//! Run:        cargo run -p ch05-echo --bin tcpserv09net -- -v
//! Talk to it: cargo run -p ch05-echo --bin tcpcli09net -- 127.0.0.1, "1 2"
//! Observe:    every peer gets the right sum — tcpcli09net --peer-order big
//!             --long 4 too: "-22 -77" → -99.
//!             A frame whose length is not 16 gets "bad length" and the
//!             connection goes on; a frame cut short by EOF is logged
//!             ("short message") and ends only that client; an overflowing
//!             sum gets "overflow", never a wrapped number.
//! Protocol:   request  = u32 length (must be 16) + i64 arg1 + i64 arg2;
//!             reply    = u8 status (0 sum, 1 bad length, 2 overflow) + i64;
//!             every integer big-endian (`ch05_echo::sum`).
//! Changed from tcpserv09: str_echo reads a length first, then exactly that
//! many bytes, and converts from network byte order explicitly.

use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::sock_ntop::sock_ntop;
use common::wrapsock::{Accept, Close};
use common::wrapunix::Fork;
use common::writen::{Readn, Writen};
use common::{debug, notice, warning};
use nix::unistd::ForkResult;
use std::os::fd::AsFd;

/// UNP §5.18, portable: sum server, big-endian i64 frames. Talk to it: tcpcli09net 127.0.0.1.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,
}

// ANCHOR: str_echo09
fn str_echo(sockfd: impl AsFd) {
    use ch05_echo::sum::{NET_ARGS_LEN, NET_MAX_DISCARD, NetReply};
    let mut len = [0u8; 4]; // u32, big-endian
    let mut args = [0u8; NET_ARGS_LEN as usize]; // i64 + i64, big-endian
    loop {
        let n = Readn(&sockfd, &mut len);
        if n == 0 {
            return; // connection closed by other end
        }
        if n < len.len() {
            warning!("short message: {n} of 4 length bytes, then EOF");
            return;
        }
        let want = u32::from_be_bytes(len);
        if want != NET_ARGS_LEN {
            warning!("bad length {want}, expected {NET_ARGS_LEN}");
            Writen(&sockfd, &NetReply::BadLength(want).encode());
            let mut skip = vec![0u8; want.min(NET_MAX_DISCARD) as usize];
            if want > NET_MAX_DISCARD || Readn(&sockfd, &mut skip) < skip.len() {
                return; // too long to skip, or cut short: end this client
            }
            continue;
        }
        let n = Readn(&sockfd, &mut args);
        if n < args.len() {
            warning!("short message: {n} of {} bytes, then EOF", args.len());
            return;
        }
        let arg1 = i64::from_be_bytes(args[..8].try_into().unwrap_or_default());
        let arg2 = i64::from_be_bytes(args[8..].try_into().unwrap_or_default());
        let reply = arg1.checked_add(arg2).map_or(NetReply::Overflow, NetReply::Sum);
        debug!("args {arg1} {arg2} → {reply:?}");
        Writen(&sockfd, &reply.encode());
    }
}
// ANCHOR_END: str_echo09

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.serv.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    let listenfd = Serv_listen(&args.serv, false);

    loop {
        let (connfd, cliaddr) = Accept(&listenfd);
        // SAFETY: single-threaded: no other thread can hold a lock across fork.
        match unsafe { Fork() } {
            ForkResult::Child => {
                Close(listenfd); // the child does not accept
                notice!("connection from {}", sock_ntop(&cliaddr));
                str_echo(&connfd); // process the request
                std::process::exit(0); // closes connfd: FIN to the client
            }
            ForkResult::Parent { child } => {
                notice!("child {child} serves {}", sock_ntop(&cliaddr));
                Close(connfd); // the parent does not talk to the client
            }
        }
    }
    // ANCHOR_END: main
}

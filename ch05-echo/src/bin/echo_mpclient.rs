//! TCPIP ch.10 (echo_mpclient.c, seed 004) and UNP §6.6 — an echo client
//! split in two by fork: the child copies stdin to the socket, the parent
//! copies the socket to stdout. At end of input the writer half-closes the
//! connection with shutdown(SHUT_WR); the echoes still in flight keep
//! arriving until the server, having seen the FIN, closes its side.
//!
//! Run:        cargo run -p ch05-echo --bin echo_mpclient -- 127.0.0.1
//!             (a server first: cargo run -p ch05-echo --bin tcpserv01)
//! Talk to it: type lines; "q" alone on a line (or Ctrl-D) ends the input.
//!             --batch: copy stdin byte for byte until EOF (no "q"):
//!             head -c 32M /dev/urandom | echo_mpclient --batch | cmp - ...
//! Observe:    every byte comes back, and the client exits 0 after the
//!             server's FIN. The writer never waits for an echo, so the
//!             pipe stays full (compare tcpcli01, stop-and-wait, in bench_echo).
//!             --close: the writer calls close() instead of shutdown(). The
//!             parent still holds the socket, so close() only drops a
//!             reference: no FIN is sent, the server never sees end of
//!             input, and the reader waits for ever — every echo arrives,
//!             the end never does. --timeout-ms bounds that wait.
//! Changed from the seed: the parent waits for the writer (no orphan), the
//! writer stops on "q" only in line mode, and errors are reported.
#![allow(non_snake_case)]

use std::io;
use std::net::Shutdown;
use std::time::Duration;

use clap::Parser;
use common::ClientArgs;
use common::args::Resolve;
use common::error::{err_quit, err_sys};
use common::readline::{Readline, Rline};
use common::wrapsock::{Close, Connect, Shutdown, Socket};
use common::wrapunix::{Fork, Waitpid, read};
use common::writen::Writen;
use nix::sys::wait::WaitStatus;
use nix::unistd::ForkResult;
use socket2::{Domain, SockAddr, Type};

/// TCPIP ch.10 / UNP §6.6: an echo client whose writer and reader are two
/// processes. At end of input the writer calls shutdown(SHUT_WR): the
/// server sees EOF while the echoes still flow back. "q" ends the input
/// (Ctrl-D too); --batch copies raw bytes until EOF.
///
/// Start a server first: cargo run -p ch05-echo --bin tcpserv01
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    #[command(flatten)]
    cli: ClientArgs,

    /// Copy stdin as raw bytes until EOF ("q" is data, not a command).
    #[arg(long)]
    batch: bool,

    /// The seed's mistake: end the writer with close() instead of
    /// shutdown(SHUT_WR). No FIN is sent; the reader never sees the end.
    #[arg(long)]
    close: bool,

    /// Give up when no byte arrives for this many milliseconds (0: never).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    timeout_ms: u64,
}

/// Buffer size of the raw copies: large, so a bulk copy costs few calls.
const BUFSIZE: usize = 64 * 1024;

// ANCHOR: write_routine
fn write_routine(sock: socket2::Socket, batch: bool, close: bool) {
    if batch {
        let mut buf = vec![0u8; BUFSIZE];
        loop {
            match read(io::stdin(), &mut buf) {
                Ok(0) => break,
                Ok(n) => Writen(&sock, &buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => err_sys("read error", &e),
            }
        }
    } else {
        let mut input = Rline::new(io::stdin());
        let mut line = Vec::new();
        while Readline(&mut input, &mut line) > 0 {
            if line == b"q\n" || line == b"Q\n" {
                break;
            }
            Writen(&sock, &line);
        }
    }
    if close {
        Close(sock); // drops this process's reference only: nothing is sent
    } else {
        Shutdown(&sock, Shutdown::Write); // FIN: "no more data from me"
    }
}
// ANCHOR_END: write_routine

// ANCHOR: read_routine
fn read_routine(sock: &socket2::Socket, timeout_ms: u64) {
    let mut buf = vec![0u8; BUFSIZE];
    loop {
        match read(sock, &mut buf) {
            Ok(0) => return, // the server's FIN: every echo has arrived
            Ok(n) => Writen(io::stdout(), &buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => err_quit(&format!(
                "read error: timed out: nothing for {timeout_ms} ms and no FIN from the server"
            )),
            Err(e) => err_sys("read error", &e),
        }
    }
}
// ANCHOR_END: read_routine

fn main() {
    let args = Args::parse();
    args.cli.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    let servaddr = Resolve(&args.cli.host, args.cli.port);
    let sockfd = Socket(Domain::for_address(servaddr), Type::STREAM, None);
    Connect(&sockfd, &SockAddr::from(servaddr));
    if args.timeout_ms > 0 {
        let limit = Some(Duration::from_millis(args.timeout_ms));
        sockfd
            .set_read_timeout(limit) // SO_RCVTIMEO
            .unwrap_or_else(|e| err_sys("setsockopt error", &e));
    }

    // SAFETY: this client is single-threaded: no other thread can hold a
    // lock across the fork.
    match unsafe { Fork() } {
        ForkResult::Child => {
            write_routine(sockfd, args.batch, args.close);
            std::process::exit(0);
        }
        ForkResult::Parent { child } => {
            read_routine(&sockfd, args.timeout_ms);
            match Waitpid(Some(child), None) {
                WaitStatus::Exited(_, 0) => std::process::exit(0),
                _ => std::process::exit(1), // the writer reported its error
            }
        }
    }
    // ANCHOR_END: main
}

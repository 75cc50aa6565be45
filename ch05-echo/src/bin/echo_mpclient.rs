//! TCPIP ch.10 (Yoon's echo_mpclient.c) and UNP §6.6 — an echo client
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
//!             the end never does. --timeout-ms bounds that wait (read then
//!             fails with EAGAIN).
//!             --packets (root or `unshare -rn`): at the end, the segments
//!             on stderr — the writer's FIN, then echoes still coming back.
//! Test and bench switches (--batch, --timeout-ms) live outside the figure:
//! the docs include `main`, `fork`, `write_routine` and `read_routine` only.
//! Changed from Yoon's echo_mpclient.c: the parent waits for the writer (no orphan), the
//! writer stops on "q" only in line mode, and errors are reported.

use std::io;
use std::net::Shutdown;

use clap::Parser;
use common::ClientArgs;
use common::args::Tcp_connect;
use common::error::err_sys;
use common::lab::packets;
use common::readline::{Readline, Rline};
use common::wrapsock::{Close, Shutdown};
use common::wrapunix::{Fork, Waitpid, read};
use common::writen::Writen;
use nix::sys::wait::WaitStatus;
use nix::unistd::ForkResult;

/// TCPIP ch.10 / UNP §6.6: echo client split by fork, half-close at end of input; talk to tcpserv01.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    cli: ClientArgs,

    /// Copy stdin as raw bytes until EOF ("q" is data, not a command).
    #[arg(long)]
    batch: bool,

    /// The classic mistake: end the writer with close(), not shutdown(SHUT_WR): no FIN is sent.
    #[arg(long)]
    close: bool,

    /// Give up when no byte arrives for this many milliseconds (0: never).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    timeout_ms: u64,

    #[command(flatten)]
    packets: common::args::PacketArgs,
}

/// Buffer size of the raw copies: large, so a bulk copy costs few calls.
const BUFSIZE: usize = 64 * 1024;

// ANCHOR: write_routine
fn write_routine(sock: socket2::Socket, close: bool) {
    let mut input = Rline::new(io::stdin());
    let mut line = Vec::new();
    while Readline(&mut input, &mut line) > 0 {
        if line == b"q\n" || line == b"Q\n" {
            break;
        }
        Writen(&sock, &line);
    }
    end_of_input(sock, close);
}

fn end_of_input(sock: socket2::Socket, close: bool) {
    if close {
        Close(sock); // drops this process's reference only: nothing is sent
    } else {
        Shutdown(&sock, Shutdown::Write); // FIN: "no more data from me"
    }
}
// ANCHOR_END: write_routine

// ANCHOR: read_routine
fn read_routine(sock: &socket2::Socket) {
    let mut buf = vec![0u8; BUFSIZE];
    loop {
        match read(sock, &mut buf) {
            Ok(0) => return, // the server's FIN: every echo has arrived
            Ok(n) => Writen(io::stdout(), &buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => err_sys("read error", &e),
        }
    }
}
// ANCHOR_END: read_routine

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.cli.log.init(env!("CARGO_BIN_NAME"));
    packets::client(&args.packets, args.cli.port); // before fork: no thread
    // ANCHOR: main
    let sockfd = Tcp_connect(&args.cli.host, args.cli.port); // socket + connect, each address in turn
    // ANCHOR_END: main
    let writer = switches(&sockfd, &args); // write_routine, unless --batch

    // ANCHOR: fork
    // SAFETY: this client is single-threaded: no other thread can hold a
    // lock across the fork.
    match unsafe { Fork() } {
        ForkResult::Child => {
            writer(sockfd, args.close);
            std::process::exit(0);
        }
        ForkResult::Parent { child } => {
            read_routine(&sockfd);
            packets::client_show(); // --packets: the connection's segments
            match Waitpid(Some(child), None) {
                WaitStatus::Exited(_, 0) => std::process::exit(0),
                _ => std::process::exit(1), // the writer reported its error
            }
        }
    }
    // ANCHOR_END: fork
}

/// The switches that exist for the tests and the bench, not for the lesson:
/// `--timeout-ms` sets SO_RCVTIMEO, so a reader that waits for ever (with
/// `--close`) fails with EAGAIN instead; `--batch` swaps in a raw copy of
/// stdin. Returns the writer to run in the child.
fn switches(sockfd: &socket2::Socket, args: &Args) -> fn(socket2::Socket, bool) {
    ch05_echo::read_timeout(sockfd, args.timeout_ms);
    if args.batch { write_raw } else { write_routine }
}

/// `--batch`: copies stdin as raw bytes until EOF ("q" is data), then ends
/// the input as write_routine does.
fn write_raw(sock: socket2::Socket, close: bool) {
    let mut buf = vec![0u8; BUFSIZE];
    loop {
        match read(io::stdin(), &mut buf) {
            Ok(0) => break,
            Ok(n) => Writen(&sock, &buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => err_sys("read error", &e),
        }
    }
    end_of_input(sock, close);
}

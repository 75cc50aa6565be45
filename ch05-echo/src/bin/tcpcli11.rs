//! UNP §5.13, Fig 5.14 — echo client that writes twice: one byte, a pause,
//! then the rest. Writing to a socket that has received an RST raises SIGPIPE.
//!
//! Run:        cargo run -p ch05-echo --bin tcpserv01 -- --port 9877 &
//!             cargo run -p ch05-echo --bin tcpcli11 -- 127.0.0.1
//! Talk to it: type a line (it echoes); kill the server's child
//!             (`kill <child pid>`; find it with `ps --ppid <server pid>`),
//!             then type another line.
//! Observe:    the first byte goes out and the dead child's TCP answers RST;
//!             the second write, a second later, raises SIGPIPE and the
//!             client dies of it: the shell prints "Broken pipe", `echo $?`
//!             prints 141 (128 + 13).
//!             --rust-default: SIGPIPE stays ignored, the write fails with
//!             EPIPE: "writen error: Broken pipe", exit 1.
//!             --std-write: SIG_DFL, but the writes go through
//!             std::net::TcpStream, which sends with MSG_NOSIGNAL: EPIPE again.
//!             --packets (root or `unshare -rn`): before each write, the
//!             segments so far — the child's FIN, the first byte, the RST.
//! Changed from tcpcli01: str_cli writes each line in two pieces with a
//! pause between them, and main restores the default action of SIGPIPE.
//!
//! Why the restore: the Rust runtime sets SIGPIPE to SIG_IGN before `main`
//! runs (so that a closed pipe becomes an error value, not a dead process).
//! A C program starts with SIG_DFL, whose action is to terminate. And even
//! with SIG_DFL, `TcpStream::write` can never raise SIGPIPE: std sends with
//! the MSG_NOSIGNAL flag. Plain write(2) (here through nix) and socket2's
//! `send` use no such flag.
#![allow(non_snake_case)]

use std::io::Write as _;
use std::net::TcpStream;
use std::time::Duration;

use clap::Parser;
use common::ClientArgs;
use common::args::Tcp_connect;
use common::error::err_sys;
use common::lab::packets;
use common::notice;
use common::readline::{Readline, Rline};
use common::unp::MAXLINE;
use common::wrapsock::Shutdown;
use common::writen::Writen;
use nix::sys::signal::{SigHandler, Signal, signal};

/// UNP §5.13 (Fig 5.14): writes each line as 1 byte, a pause, then the rest —
/// so that the second write meets the RST the first one provoked. Kill the
/// server's child between two lines to see SIGPIPE end this client.
///
/// Start a server first: cargo run -p ch05-echo --bin tcpserv01
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    #[command(flatten)]
    cli: ClientArgs,

    /// Keep Rust's SIGPIPE setting (SIG_IGN): the second write fails with
    /// EPIPE ("Broken pipe") instead of killing the process.
    #[arg(long)]
    rust_default: bool,

    /// Write through std::net::TcpStream (MSG_NOSIGNAL): EPIPE even with the
    /// default action of SIGPIPE restored.
    #[arg(long)]
    std_write: bool,

    /// The pause between the two writes, in milliseconds (the book sleeps 1 s).
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    pause_ms: u64,

    #[command(flatten)]
    packets: common::args::PacketArgs,
}

/// Writes with plain write(2) (Writen), or through std's TcpStream.
enum Writer {
    Raw(socket2::Socket),
    Std(TcpStream),
}

impl Writer {
    fn writen(&self, buf: &[u8]) {
        packets::client_show(); // --packets: the segments so far
        match self {
            Writer::Raw(s) => Writen(s, buf),
            Writer::Std(s) => (&*s)
                .write_all(buf)
                .unwrap_or_else(|e| err_sys("writen error", &e)),
        }
    }

    /// shutdown(SHUT_WR): the server's child echoes the last partial line
    /// and closes, as in common::str_cli.
    fn shutdown_write(&self) {
        match self {
            Writer::Raw(s) => Shutdown(s, std::net::Shutdown::Write),
            Writer::Std(s) => s
                .shutdown(std::net::Shutdown::Write)
                .unwrap_or_else(|e| err_sys("shutdown error", &e)),
        }
    }

    fn sock(&self) -> std::os::fd::BorrowedFd<'_> {
        use std::os::fd::AsFd;
        match self {
            Writer::Raw(s) => s.as_fd(),
            Writer::Std(s) => s.as_fd(),
        }
    }
}

// ANCHOR: str_cli11
fn str_cli(fp: impl std::os::fd::AsFd, sockfd: &Writer, pause: Duration) {
    let mut input = Rline::new(fp);
    let mut from_server = Rline::new(sockfd.sock());
    let (mut sendline, mut recvline) = (Vec::new(), Vec::new());
    while Readline(&mut input, &mut sendline) > 0 {
        sockfd.writen(&sendline[..1]);
        notice!("sent 1 byte; pausing {} ms", pause.as_millis());
        std::thread::sleep(pause);
        sockfd.writen(&sendline[1..]);
        notice!("sent {} more bytes", sendline.len() - 1);
        if !sendline.ends_with(b"\n") && sendline.len() < MAXLINE {
            sockfd.shutdown_write(); // input ended mid-line: as str_cli does
        }

        if Readline(&mut from_server, &mut recvline) == 0 {
            common::error::err_quit("str_cli: server terminated prematurely");
        }
        Writen(std::io::stdout(), &recvline);
    }
}
// ANCHOR_END: str_cli11

fn main() {
    // ANCHOR: sigpipe
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    if !args.rust_default {
        // SAFETY: SIG_DFL installs no handler code; nothing else runs yet.
        let old = unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) };
        common::error::sys(old).unwrap_or_else(|e| err_sys("signal error", &e));
    }
    // ANCHOR_END: sigpipe
    args.cli.log.init("tcpcli11");
    packets::client(&args.packets, args.cli.port);
    // ANCHOR: main
    let sockfd = Tcp_connect(&args.cli.host, args.cli.port); // socket + connect, each address in turn
    let sockfd = match args.std_write {
        false => Writer::Raw(sockfd),
        true => Writer::Std(TcpStream::from(sockfd)),
    };

    str_cli(std::io::stdin(), &sockfd, Duration::from_millis(args.pause_ms)); // do it all

    std::process::exit(0);
    // ANCHOR_END: main
}

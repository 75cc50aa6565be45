//! UNP §4.2–4.10 — a tour of the elementary TCP socket calls, on loopback,
//! in one process: socket, bind, listen, connect, accept, getsockname,
//! getpeername, close, shutdown.
//!
//! Run:        cargo run -p ch04-sockets            (tour is the default-run)
//!             cargo run -p ch04-sockets -- --pause (one call per Enter)
//! Talk to it: nothing to type; with --pause, look around between steps:
//!             ss -tan | grep <port>   or   ls -l /proc/<pid>/fd
//! Observe:    each call with its arguments, its result and descriptor, then
//!             the TCP state of every socket on the port as /proc/net/tcp
//!             shows it, and which descriptor holds each socket: the
//!             listening socket (listenfd) is not the connected one (connfd).
//!             LISTEN → ESTABLISHED on both ends → FIN_WAIT_2 / CLOSE_WAIT →
//!             TIME_WAIT on the side that closed first.
//! Changed from the book: the book shows these calls in separate programs;
//! here client and server are one process so the whole life of a
//! connection fits on one screen.

use std::net::{Shutdown, SocketAddr};
use std::os::fd::AsRawFd;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use ch04_sockets::{Holder, format_table, wait_states};
use clap::Parser;
use common::LogArgs;
use common::args::resolve;
use common::lab::pause::Pause;
use common::sock_ntop::sock_ntop;
use common::tr_println;
use common::wrapsock::{accept, bind, close, connect, getpeername, getsockname, listen, shutdown, socket};
use common::wrapunix::read;
use socket2::{Domain, SockAddr, Type};

/// UNP §4.2–4.10: every elementary TCP socket call, one after the other, on
/// loopback, with the TCP state of every socket after each call (read from
/// /proc/net/tcp) and the descriptor that holds it.
///
/// Run it with --pause to stop after each call (press Enter to go on) and
/// look for yourself: ss -tan, ls -l /proc/PID/fd.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// Address the listening socket binds (the book binds INADDR_ANY).
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    host: String,

    /// Port to bind. 0 (the default) lets the kernel choose: a fixed port
    /// would still be in TIME_WAIT for 60 s after a run, and bind fails.
    #[arg(short, long, default_value_t = 0, value_parser = common::args::parse_port, allow_negative_numbers = true)]
    port: u16,

    /// Backlog passed to listen.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(i32).range(0..=65535))]
    backlog: i32,

    /// Wait for Enter between steps (`--step` is an older spelling).
    #[arg(long, alias = "step")]
    pause: bool,

    #[command(flatten)]
    log: LogArgs,
}

/// How long a state change may take to show in /proc before the tour prints
/// what it sees anyway.
const STATES_WAIT: Duration = Duration::from_secs(1);

fn main() -> ExitCode {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init(env!("CARGO_BIN_NAME"));
    common::exit_code(run(&args))
}

fn run(args: &Args) -> anyhow::Result<()> {
    let pid = std::process::id() as i32;
    let mut pause = Pause::new(args.pause);
    let addr = resolve(&args.host, args.port)?;
    let family = if addr.is_ipv4() { "AF_INET" } else { "AF_INET6" };
    tr_println!(
        "tour (pid {pid}): UNP 4.2-4.10 on {ip}, one call at a time",
        pid,
        ip = addr.ip()
    );
    println!();

    // ANCHOR: server_side
    let listenfd = socket(Domain::for_address(addr), Type::STREAM, None).context("socket")?;
    let lfd = listenfd.as_raw_fd();
    tr_println!(
        "socket({family}, SOCK_STREAM, 0) = {lfd}          <- listenfd",
        family,
        lfd
    );
    tr_println!("    no TCP entry yet: a socket neither listening nor connected is not in /proc/net/tcp");
    pause.wait();

    bind(&listenfd, &SockAddr::from(addr)).with_context(|| format!("bind {addr}"))?;
    let bound = getsockname(&listenfd).context("getsockname")?;
    let at = bound.as_socket().context("not an IP address")?;
    println!("bind({lfd}, {addr}) = 0");
    tr_println!(
        "getsockname({lfd}) = {bound}   <- port 0 asked the kernel to choose",
        lfd,
        bound = sock_ntop(&bound)
    );
    tr_println!("    still no entry: bound is not listening");
    pause.wait();

    listen(&listenfd, args.backlog).context("listen")?;
    tr_println!(
        "listen({lfd}, {backlog}) = 0     <- CLOSED -> LISTEN: now in /proc/net/tcp",
        lfd,
        backlog = args.backlog
    );
    // ANCHOR_END: server_side
    let names = [(lfd, "listenfd")];
    show(at, &["LISTEN"], pid, &names);
    pause.wait();

    // ANCHOR: client_side
    let sockfd = socket(Domain::for_address(addr), Type::STREAM, None).context("socket")?;
    let sfd = sockfd.as_raw_fd();
    tr_println!(
        "socket({family}, SOCK_STREAM, 0) = {sfd}          <- sockfd, the client's socket",
        family,
        sfd
    );
    let servaddr = SockAddr::from(at);
    connect(&sockfd, &servaddr).context("connect")?;
    tr_println!(
        "connect({sfd}, {servaddr}) = 0   <- SYN, SYN+ACK, ACK: the handshake is done",
        sfd,
        servaddr = sock_ntop(&servaddr)
    );
    tr_println!("    the server's end is ESTABLISHED before anyone calls accept: it waits");
    tr_println!("    in the listener's accept queue (listener Recv-Q 1), held by no descriptor");
    // ANCHOR_END: client_side
    let names = [(lfd, "listenfd"), (sfd, "sockfd")];
    show(at, &["LISTEN", "ESTABLISHED", "ESTABLISHED"], pid, &names);
    pause.wait();

    // ANCHOR: accept
    let (connfd, cliaddr) = accept(&listenfd).context("accept")?;
    let cfd = connfd.as_raw_fd();
    tr_println!(
        "accept({lfd}, &cliaddr) = {cfd}   <- connfd, a NEW socket; cliaddr = {cliaddr}",
        lfd,
        cfd,
        cliaddr = sock_ntop(&cliaddr)
    );
    tr_println!("    the listening socket stays in LISTEN for the next client");
    // ANCHOR_END: accept
    let names = [(lfd, "listenfd"), (sfd, "sockfd"), (cfd, "connfd")];
    show(at, &["LISTEN", "ESTABLISHED", "ESTABLISHED"], pid, &names);
    pause.wait();

    // ANCHOR: names
    let (c_local, c_peer) = (getsockname(&connfd)?, getpeername(&connfd)?);
    let (s_local, s_peer) = (getsockname(&sockfd)?, getpeername(&sockfd)?);
    tr_println!(
        "getsockname({cfd}) = {c_local}   <- connfd has the listener's port",
        cfd,
        c_local = sock_ntop(&c_local)
    );
    tr_println!(
        "getpeername({cfd}) = {c_peer}   <- the same as accept's cliaddr",
        cfd,
        c_peer = sock_ntop(&c_peer)
    );
    tr_println!(
        "getsockname({sfd}) = {s_local}   <- connect chose the client's ephemeral port",
        sfd,
        s_local = sock_ntop(&s_local)
    );
    println!("getpeername({sfd}) = {}", sock_ntop(&s_peer));
    // ANCHOR_END: names
    pause.wait();

    // ANCHOR: close
    close(connfd).context("close connfd")?;
    tr_println!(
        "close({cfd}) = 0   <- the server closes first (active close): FIN to the client",
        cfd
    );
    tr_println!("    connfd is gone but its socket is not: FIN_WAIT_2, held by the kernel alone;");
    tr_println!("    the client is in CLOSE_WAIT, Recv-Q 1: the FIN takes one sequence number");
    show(at, &["LISTEN", "FIN_WAIT_2", "CLOSE_WAIT"], pid, &names);
    let n = read(&sockfd, &mut [0u8; 64]).context("read")?;
    tr_println!(
        "read({sfd}, buf, 64) = {n}   <- the client reads end of file: the FIN arrived",
        sfd,
        n
    );
    pause.wait();

    shutdown(&sockfd, Shutdown::Write).context("shutdown")?;
    tr_println!(
        "shutdown({sfd}, SHUT_WR) = 0   <- the client's FIN; fd {sfd} is still open",
        sfd
    );
    tr_println!("    the side that closed first waits in TIME_WAIT (2MSL, 60 s on Linux),");
    tr_println!("    held by no process; the client's socket has left the table (CLOSED)");
    show(at, &["LISTEN", "TIME_WAIT"], pid, &names);
    pause.wait();

    close(sockfd).context("close sockfd")?;
    close(listenfd).context("close listenfd")?;
    println!("close({sfd}) = 0");
    tr_println!(
        "close({lfd}) = 0   <- no more LISTEN; new clients would get RST (ECONNREFUSED)",
        lfd
    );
    // ANCHOR_END: close
    show(at, &["TIME_WAIT"], pid, &names);
    pause.wait();
    Ok(())
}

/// Waits for the states the book predicts, then prints what /proc says.
fn show(at: SocketAddr, expect: &[&str], pid: i32, names: &[(i32, &str)]) {
    let socks = wait_states(at, expect, STATES_WAIT);
    let holders = [Holder {
        pid,
        who: "tour",
        names,
    }];
    print!("{}", format_table(&socks, &holders, 4));
}

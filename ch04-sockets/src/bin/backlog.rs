//! UNP §4.5, Fig 4.7–4.10 — listen's backlog: what happens to clients of a
//! server that never calls accept.
//!
//! Run:        cargo run -p ch04-sockets --bin backlog
//!             cargo run -p ch04-sockets --bin backlog -- --backlog 0 --pause
//! Talk to it: nothing to type (with --pause: Enter goes on; look with
//!             ss -tan 'sport = :PORT or dport = :PORT' meanwhile).
//! Observe:    backlog+1 connects complete (ESTABLISHED on both ends, the
//!             server's end held by no process: it is in the accept queue,
//!             the listener's Recv-Q); the others stay SYN_SENT — their SYN
//!             was dropped, no RST came, so a blocking connect would wait
//!             ~127 s. After one accept, a waiting client gets in at its next
//!             SYN retransmit (~1 s).
//!             --packets (root or `unshare -rn`): the SYNs, the SYN-ACKs of
//!             the queued ones, no answer and no RST for the others, then
//!             the retransmitted SYN that gets in; --pcap FILE saves them.
//! Changed from the book: non-blocking connects, so one process can start
//! them all and nothing hangs (the book's Fig 4.10 table is about other
//! kernels: Linux 6.x queues exactly backlog+1).

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::os::fd::AsRawFd;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use ch04_sockets::{Holder, errno_name, format_table, wait_states};
use clap::Parser;
use common::LogArgs;
use common::lab::observer::TcpSock;
use common::lab::packets::{SYN, Segment, Segments};
use common::lab::pause::Pause;
use common::tr_println;
use common::wrapsock::{accept, bind, connect, getsockname, listen, socket};
use socket2::{Domain, SockAddr, Socket, Type};

/// UNP §4.5: a listener with backlog N that never accepts, and N+3 clients.
/// Shows which connects complete (N+1 on Linux) and which stay SYN_SENT,
/// then accepts one and shows a waiting client get in at its SYN retransmit.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// The backlog passed to listen (0 to 64 here; the kernel caps it at
    /// net.core.somaxconn).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(i32).range(0..=64))]
    backlog: i32,

    /// How many clients beyond backlog+1 try to connect.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=16))]
    extra: u8,

    /// Wait for Enter between steps (`--step` is an older spelling).
    #[arg(long, alias = "step")]
    pause: bool,

    #[command(flatten)]
    packets: common::args::PacketArgs,

    #[command(flatten)]
    log: LogArgs,
}

fn main() -> ExitCode {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init(env!("CARGO_BIN_NAME"));
    let mut segs = Segments::from_args(&args.packets);
    let done = run(&args, &mut segs);
    let saved = segs.finish(&args.packets);
    common::exit_code(done.and(saved))
}

/// How many SYNs `client` has sent to `port` (2 or more: retransmitted).
fn syns(s: &[Segment], port: u16, client: SocketAddr) -> usize {
    s.iter()
        .filter(|x| x.src == client && x.to(port) && x.flags == SYN)
        .count()
}

fn run(args: &Args, segs: &mut Segments) -> anyhow::Result<()> {
    let pid = std::process::id() as i32;
    let mut pause = Pause::new(args.pause);

    // ANCHOR: listen
    let listenfd = socket(Domain::IPV4, Type::STREAM, None)?;
    bind(
        &listenfd,
        &SockAddr::from(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
    )?;
    listen(&listenfd, args.backlog)?;
    let servaddr = getsockname(&listenfd)?;
    let listen_addr = servaddr.as_socket().context("no address")?;
    let port = listen_addr.port();
    segs.watch(port);
    tr_println!(
        "listen(fd {fd}, backlog {backlog}) on {port}; this server never calls accept",
        fd = listenfd.as_raw_fd(),
        backlog = args.backlog,
        port
    );
    // ANCHOR_END: listen

    // ANCHOR: connects
    let total = args.backlog as usize + 1 + args.extra as usize;
    let mut clients: Vec<Socket> = Vec::new();
    for i in 1..=total {
        let sockfd = socket(Domain::IPV4, Type::STREAM, None)?;
        sockfd.set_nonblocking(true)?; // connect returns at once: EINPROGRESS
        let r = match connect(&sockfd, &servaddr) {
            Ok(()) => "0".to_string(),
            Err(e) => format!("-1 {}", errno_name(&e)),
        };
        let local = getsockname(&sockfd)?.as_socket().context("no address")?;
        tr_println!(
            "client {i}: connect(fd {fd}) = {r}   local port {port}",
            i,
            fd = sockfd.as_raw_fd(),
            r,
            port = local.port()
        );
        clients.push(sockfd);
    }
    let first_syns = Instant::now();
    // ANCHOR_END: connects
    let fits = args.backlog as usize + 1;
    let mut expect = vec!["LISTEN"];
    expect.extend(std::iter::repeat_n("ESTABLISHED", 2 * fits));
    expect.extend(std::iter::repeat_n("SYN_SENT", total - fits));
    let names = fd_names(&listenfd, &clients);
    let names: Vec<(i32, &str)> = names.iter().map(|(fd, n)| (*fd, n.as_str())).collect();
    let holders = [Holder {
        pid,
        who: "me",
        names: &names,
    }];
    let socks = wait_states(listen_addr, &expect, Duration::from_secs(2));
    print!("{}", format_table(&socks, &holders, 4));
    summary(port, &socks, &clients)?;
    // Every client's SYN: answered (SYN-ACK) for the first backlog+1,
    // dropped without an answer for the others.
    let locals: Vec<SocketAddr> = clients
        .iter()
        .filter_map(|c| c.local_addr().ok()?.as_socket())
        .collect();
    segs.show(|s| locals.iter().all(|c| syns(s, port, *c) >= 1));
    pause.wait();

    // ANCHOR: accept_one
    let (connfd, cliaddr) = accept(&listenfd)?;
    let start = Instant::now();
    tr_println!(
        "accept() = fd {fd}, from {cliaddr}: one place free in the queue",
        fd = connfd.as_raw_fd(),
        cliaddr = common::sock_ntop::sock_ntop(&cliaddr)
    );
    let established = |s: &[TcpSock]| {
        s.iter()
            .filter(|t| t.state == "ESTABLISHED" && t.local.port() != port)
            .count()
    };
    // Counted now, not from the table above: with --pause the user may have
    // waited at the prompt, and the table may be old.
    let before = established(&common::lab::observer::tcp_sockets_at(listen_addr));
    let after = common::lab::harness::eventually(
        until_next_syn(first_syns.elapsed()),
        "a waiting client to connect",
        || {
            let now = common::lab::observer::tcp_sockets_at(listen_addr);
            (established(&now) > before).then_some(now)
        },
    );
    // ANCHOR_END: accept_one
    match after {
        Ok(socks) => {
            let mut names = names.clone();
            names.push((connfd.as_raw_fd(), "connfd"));
            let holders = [Holder {
                pid,
                who: "me",
                names: &names,
            }];
            if args.pause {
                // The time since accept says little when the user waited at
                // the prompt: the retransmit timers kept running meanwhile.
                tr_println!("a SYN_SENT client got in after the accept: its SYN retransmit found room");
            } else {
                tr_println!(
                    "a SYN_SENT client got in after {s} s: its SYN retransmit found room",
                    s = format!("{:.2}", start.elapsed().as_secs_f64())
                );
            }
            print!("{}", format_table(&socks, &holders, 4));
            summary(port, &socks, &clients)?;
            // The SYN that got in was sent again: no RST had come.
            segs.show(|s| locals.iter().any(|c| syns(s, port, *c) >= 2));
            explain_serverless(port, &socks);
            if socks.iter().any(|t| t.state == "SYN_RCVD") {
                tr_println!("    (a server end still in SYN_RCVD while its client is ESTABLISHED: that");
                tr_println!("    client's ACK arrived when the queue was full again and was dropped;");
                tr_println!("    the server will retransmit its SYN+ACK — UNP 4.5's third-ACK case)");
            }
        }
        Err(e) => tr_println!("no waiting client got in: {e}", e),
    }
    pause.wait();
    Ok(())
}

/// Explains each client that is ESTABLISHED while the server has no socket
/// for it (no row with the listener's port and the client's address).
fn explain_serverless(port: u16, socks: &[TcpSock]) {
    let lonely: Vec<u16> = socks
        .iter()
        .filter(|c| c.state == "ESTABLISHED" && c.remote.port() == port)
        .filter(|c| {
            !socks
                .iter()
                .any(|s| s.local.port() == port && s.remote == c.local)
        })
        .map(|c| c.local.port())
        .collect();
    if lonely.is_empty() {
        return;
    }
    let ports: Vec<String> = lonely.iter().map(u16::to_string).collect();
    tr_println!(
        "    (client port {ports}: ESTABLISHED, but no server-side row. With the queue",
        ports = ports.join(", ")
    );
    tr_println!("    this small the kernel answered its SYN with a SYN cookie, a SYN+ACK that");
    tr_println!("    keeps nothing on the server; the client's ACK, which would have made the");
    tr_println!("    server's socket, came while the accept queue was full and was dropped.");
    tr_println!("    Only the client believes it is connected. nstat shows it:");
    tr_println!("    TcpExtSyncookiesSent, TcpExtListenOverflows.)");
}

/// `listenfd`, `client1`, `client2`, ... for the HELD BY column.
fn fd_names(listenfd: &Socket, clients: &[Socket]) -> Vec<(i32, String)> {
    let mut v = vec![(listenfd.as_raw_fd(), "listenfd".to_string())];
    for (i, c) in clients.iter().enumerate() {
        v.push((c.as_raw_fd(), format!("client{}", i + 1)));
    }
    v
}

/// Counts what the table shows, and asks each client socket for a pending
/// error (SO_ERROR): an RST would have left ECONNREFUSED there.
fn summary(port: u16, socks: &[TcpSock], clients: &[Socket]) -> io::Result<()> {
    let count = |st: &str| {
        socks
            .iter()
            .filter(|t| t.state == st && t.local.port() != port)
            .count()
    };
    let queued = socks.iter().find(|t| t.state == "LISTEN").map_or(0, |t| t.recv_q);
    let mut errors = 0;
    for c in clients {
        if let Some(e) = c.take_error()? {
            tr_println!(
                "    {fd} has a pending error: {errno}",
                fd = c.as_raw_fd(),
                errno = errno_name(&e)
            );
            errors += 1;
        }
    }
    println!(
        "result: established={} syn_sent={} listener_recv_q={queued} errors={errors}",
        count("ESTABLISHED"),
        count("SYN_SENT")
    );
    Ok(())
}

/// How long from now until the waiting clients retransmit their SYN, plus
/// 2 s: Linux sends the first again 1 s after it, and doubles the interval
/// each time (1, 3, 7, 15, 31, 63 s after the first SYN). A fixed 5 s was
/// too short when the accept came late (a loaded machine: the next SYN was
/// due 15 s on).
fn until_next_syn(since_first: Duration) -> Duration {
    let (mut at, mut gap) = (Duration::from_secs(1), Duration::from_secs(1));
    while at <= since_first && at < Duration::from_secs(63) {
        gap *= 2;
        at += gap;
    }
    at.saturating_sub(since_first) + Duration::from_secs(2)
}

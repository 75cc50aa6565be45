//! UNP §4.4, Fig 4.5 — what bind(2) does with the address and port you give
//! it (or don't), and when it refuses.
//!
//! Run:        cargo run -p ch04-sockets --bin bind_demo
//!             cargo run -p ch04-sockets --bin bind_demo -- --case timewait
//! Talk to it: nothing to type.
//! Observe:    port 0 → the kernel picks an ephemeral port inside
//!             net.ipv4.ip_local_port_range (getsockname tells you which);
//!             the wildcard 0.0.0.0 stays the listener's address, while each
//!             connected socket gets the concrete one the client used;
//!             a second bind to a port in use → EADDRINUSE; a port below
//!             1024 without privilege → EACCES; and rebinding a port with a
//!             connection in TIME_WAIT: EADDRINUSE unless SO_REUSEADDR is set
//!             on the old listener *and* the new one (Linux needs both).
//! Changed from the book: socket2 rather than std::net, because std sets
//! SO_REUSEADDR on every listener and would hide the TIME_WAIT lesson.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use anyhow::Context;
use ch04_sockets::{errno_name, failed};
use clap::{Parser, ValueEnum};
use common::LogArgs;
use common::tr_println;
use common::wrapsock::{accept, bind, close, connect, getsockname, listen, socket};
use socket2::{Domain, SockAddr, Socket, Type};

/// UNP §4.4: bind with port 0, the wildcard address, a port in use, a
/// privileged port, and a port whose last connection is in TIME_WAIT
/// (with and without SO_REUSEADDR).
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// Which case to run (all: every one, in this order).
    #[arg(long, value_enum, default_value_t = Case::All)]
    case: Case,

    #[command(flatten)]
    log: LogArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Case {
    All,
    Ephemeral,
    Wildcard,
    Inuse,
    Privileged,
    Timewait,
}

fn main() -> ExitCode {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init(env!("CARGO_BIN_NAME"));
    common::exit_code(run(args.case))
}

fn run(case: Case) -> anyhow::Result<()> {
    let all = case == Case::All;
    if all || case == Case::Ephemeral {
        ephemeral()?;
    }
    if all || case == Case::Wildcard {
        wildcard()?;
    }
    if all || case == Case::Inuse {
        in_use()?;
    }
    if all || case == Case::Privileged {
        privileged()?;
    }
    if all || case == Case::Timewait {
        for (old, new) in [(false, false), (false, true), (true, false), (true, true)] {
            time_wait(old, new)?;
        }
    }
    Ok(())
}

fn v4(ip: Ipv4Addr, port: u16) -> SockAddr {
    SockAddr::from(SocketAddr::from((ip, port)))
}

fn tcp() -> io::Result<Socket> {
    socket(Domain::IPV4, Type::STREAM, None)
}

/// The address `s` is bound to.
fn local(s: &Socket) -> anyhow::Result<SocketAddr> {
    getsockname(s)?.as_socket().context("not an IP address")
}

/// bind, printed as the book would write the call: "= 0" or "= -1 EADDRINUSE (...)".
fn try_bind(s: &Socket, addr: SocketAddr) -> io::Result<()> {
    let r = bind(s, &SockAddr::from(addr));
    match &r {
        Ok(()) => println!("bind({addr}) = 0"),
        Err(e) => println!("bind({addr}) = {}", failed(e)),
    }
    r
}

// ANCHOR: ephemeral
/// Port 0: the kernel chooses, from net.ipv4.ip_local_port_range.
fn ephemeral() -> anyhow::Result<()> {
    tr_println!("== port 0: let the kernel choose");
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")?;
    let mut it = range.split_whitespace().map(|w| w.parse::<u16>().unwrap_or(0));
    let (lo, hi) = (it.next().unwrap_or(0), it.next().unwrap_or(0));
    let s = tcp()?;
    try_bind(&s, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
    let got = local(&s)?;
    let inside = (lo..=hi).contains(&got.port());
    tr_println!(
        "getsockname() = {got}   <- ip_local_port_range is {lo}-{hi}",
        got,
        lo,
        hi
    );
    println!(
        "result: ephemeral {} {lo} {hi} {}\n",
        got.port(),
        if inside { "inside" } else { "OUTSIDE" }
    );
    Ok(())
}
// ANCHOR_END: ephemeral

// ANCHOR: wildcard
/// INADDR_ANY: the listener keeps 0.0.0.0; each connection gets the local
/// address the client's SYN was sent to.
fn wildcard() -> anyhow::Result<()> {
    tr_println!("== the wildcard address 0.0.0.0 (INADDR_ANY)");
    let listenfd = tcp()?;
    try_bind(&listenfd, SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)))?;
    listen(&listenfd, 5)?;
    let laddr = local(&listenfd)?;
    tr_println!(
        "getsockname(listenfd) = {laddr}   <- still the wildcard: any local address",
        laddr
    );
    let client = tcp()?;
    connect(&client, &v4(Ipv4Addr::LOCALHOST, laddr.port()))?;
    let (connfd, _) = accept(&listenfd)?;
    let caddr = local(&connfd)?;
    tr_println!(
        "a client connects to 127.0.0.1:{port}; accept() -> connfd",
        port = laddr.port()
    );
    tr_println!(
        "getsockname(connfd) = {caddr}   <- the kernel filled in the address the client used",
        caddr
    );
    let other = tcp()?;
    let r = try_bind(&other, SocketAddr::from((Ipv4Addr::LOCALHOST, laddr.port())));
    let name = r.as_ref().err().map_or("OK".into(), errno_name);
    tr_println!(
        "    127.0.0.1:{port} is inside 0.0.0.0:{port}: the port is taken for every address",
        port = laddr.port()
    );
    println!("result: wildcard {laddr} {caddr} {name}\n");
    Ok(())
}
// ANCHOR_END: wildcard

// ANCHOR: inuse
/// A second socket on the same address and port.
fn in_use() -> anyhow::Result<()> {
    tr_println!("== a port in use");
    let first = tcp()?;
    try_bind(&first, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
    listen(&first, 5)?;
    let addr = local(&first)?;
    tr_println!(
        "listen() on {addr}; now a second socket binds the same address:",
        addr
    );
    let second = tcp()?;
    let name = try_bind(&second, addr)
        .err()
        .map_or("OK".into(), |e| errno_name(&e));
    println!("result: inuse {name}\n");
    Ok(())
}
// ANCHOR_END: inuse

// ANCHOR: privileged
/// Ports below net.ipv4.ip_unprivileged_port_start (1024) need
/// CAP_NET_BIND_SERVICE: the book's daytime port 13 included.
fn privileged() -> anyhow::Result<()> {
    tr_println!("== a privileged port (the book's daytime server uses 13)");
    let uid = nix::unistd::getuid();
    let start = std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start").unwrap_or_default();
    tr_println!(
        "uid {uid}; ports below {start} need CAP_NET_BIND_SERVICE",
        uid,
        start = start.trim()
    );
    let s = tcp()?;
    let name = try_bind(&s, SocketAddr::from((Ipv4Addr::LOCALHOST, 13)))
        .err()
        .map_or("OK".into(), |e| errno_name(&e));
    println!("result: privileged {name}\n");
    Ok(())
}
// ANCHOR_END: privileged

// ANCHOR: timewait
/// Leaves a connection in TIME_WAIT on a listener's port (the server closes
/// first), closes the listener, then binds the port again. `old`/`new`:
/// SO_REUSEADDR on the old listener / on the new socket.
fn time_wait(old: bool, new: bool) -> anyhow::Result<()> {
    let yn = |b: bool| if b { "on " } else { "off" };
    tr_println!(
        "== rebind over TIME_WAIT: SO_REUSEADDR {old} old listener, {new} new socket",
        old = yn(old),
        new = yn(new)
    );
    let listenfd = tcp()?;
    listenfd.set_reuse_address(old)?;
    bind(&listenfd, &v4(Ipv4Addr::LOCALHOST, 0))?;
    listen(&listenfd, 5)?;
    let addr = local(&listenfd)?;
    let client = tcp()?;
    connect(&client, &SockAddr::from(addr))?;
    let (connfd, _) = accept(&listenfd)?;
    close(connfd)?; // the server closes first: its end will be in TIME_WAIT
    close(client)?;
    close(listenfd)?;
    let socks = ch04_sockets::wait_states(addr, &["TIME_WAIT"], std::time::Duration::from_secs(1));
    let tw = socks
        .iter()
        .filter(|t| t.state == "TIME_WAIT" && t.local == addr)
        .count();
    tr_println!(
        "listener closed; {tw} connection of {addr} in TIME_WAIT",
        tw,
        addr
    );
    let again = tcp()?;
    again.set_reuse_address(new)?;
    let name = try_bind(&again, addr)
        .err()
        .map_or("OK".into(), |e| errno_name(&e));
    println!(
        "result: timewait old={} new={} time_wait={tw} {name}\n",
        yn(old).trim(),
        yn(new).trim()
    );
    Ok(())
}
// ANCHOR_END: timewait

//! UNP §4.3 — the ways connect(2) fails, each reproduced on this machine
//! without a network, with how long it took.
//!
//! Run:        cargo run -p ch04-sockets --bin connect_errors
//!             cargo run -p ch04-sockets --bin connect_errors -- --case refused
//! Talk to it: nothing to type.
//! Observe:    ECONNREFUSED at once (the peer's TCP answers the SYN with RST);
//!             ETIMEDOUT after the SYN retransmits go unanswered (here bounded
//!             to ~1 s with TCP_USER_TIMEOUT; the kernel default is 127 s);
//!             ENETUNREACH / EHOSTUNREACH when there is no route — inside a
//!             private user + network namespace, as `unshare -rn` makes.
//!             --packets (root or `unshare -rn`): the SYN and its RST; the
//!             filler's handshake, then SYNs that nothing answers.
//! Changed from the book: the book's cases need a second host or a router;
//! here a bound-but-not-listening port gives the RST, a full accept queue
//! (backlog 0) swallows the SYN, and a namespace with no routes (then an
//! `unreachable` route) gives the routing errors.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::os::fd::AsRawFd;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::Context;
use ch04_sockets::{Holder, errno_name, failed};
use clap::{Parser, ValueEnum};
use common::LogArgs;
use common::lab::packets::{RST, SYN, Segments};
use common::tr_println;
use common::wrapsock::{bind, connect, getsockname, listen, socket};
use nix::sched::CloneFlags;
use socket2::{Domain, SockAddr, Socket, Type};

/// UNP §4.3: connect's errors, each made to happen here and timed.
///
///   refused  a port with no listener: RST → ECONNREFUSED, immediately
///   timeout  a full accept queue drops the SYN: ETIMEDOUT after retries
///   netns    a private network namespace: no route → ENETUNREACH; an
///            `unreachable` route → EHOSTUNREACH (needs unprivileged user
///            namespaces and the `ip` command; otherwise says SKIP)
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// Which case to run (all: the three, in this order).
    #[arg(long, value_enum, default_value_t = Case::All)]
    case: Case,

    /// TCP_USER_TIMEOUT for the ETIMEDOUT case, in milliseconds: how long
    /// unacknowledged SYNs may go unanswered before connect gives up.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=130_000))]
    user_timeout_ms: u64,

    #[command(flatten)]
    packets: common::args::PacketArgs,

    #[command(flatten)]
    log: LogArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Case {
    All,
    Refused,
    Timeout,
    Netns,
}

fn main() -> ExitCode {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init(env!("CARGO_BIN_NAME"));
    common::exit_code(run(&args))
}

fn run(args: &Args) -> anyhow::Result<()> {
    let mut ok = true;
    let mut segs = Segments::from_args(&args.packets);
    if matches!(args.case, Case::All | Case::Refused) {
        ok &= refused(&mut segs)?;
    }
    if matches!(args.case, Case::All | Case::Timeout) {
        ok &= timed_out(Duration::from_millis(args.user_timeout_ms), &mut segs)?;
    }
    // The capture ends here (saved first): nothing it could see is sent in
    // the new namespace.
    segs.finish(&args.packets)?;
    // Last: it moves this process into a new network namespace for good.
    if matches!(args.case, Case::All | Case::Netns) {
        ok &= unreachable()?;
    }
    anyhow::ensure!(ok, "a connect did not fail the way UNP 4.3 says");
    Ok(())
}

/// Calls connect and prints the call, its result and how long it took;
/// then `result: CASE ERRNO MS ms`, the line the tests read. Returns
/// whether connect failed with `want`.
fn try_connect(case: &str, sockfd: &Socket, to: SocketAddr, want: &str) -> bool {
    let fd = sockfd.as_raw_fd();
    let start = Instant::now();
    let r = connect(sockfd, &SockAddr::from(to));
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let (shown, name) = match &r {
        Ok(()) => ("0".to_string(), "OK".to_string()),
        Err(e) => (failed(e), errno_name(e)),
    };
    tr_println!(
        "connect({fd}, {to}) = {shown}   after {ms} ms",
        fd,
        to,
        shown,
        ms = format!("{ms:.3}")
    );
    println!("result: {case} {name} {ms:.3} ms");
    if name != want {
        tr_println!("    UNEXPECTED: UNP 4.3 says {want}", want);
    }
    println!();
    name == want
}

// ANCHOR: refused
/// ECONNREFUSED: the SYN reaches a host where no process listens on the
/// port; that host's TCP answers RST. A socket bound but never listening
/// holds the port, so nobody else can start listening there meanwhile.
fn refused(segs: &mut Segments) -> anyhow::Result<bool> {
    tr_println!("== ECONNREFUSED: SYN to a port nobody listens on -> RST");
    let holder = socket(Domain::IPV4, Type::STREAM, None)?;
    bind(
        &holder,
        &SockAddr::from(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
    )?;
    let to = getsockname(&holder)?.as_socket().context("no address")?;
    tr_println!(
        "bind(.., {to}) but no listen(): the port is taken, nobody accepts",
        to
    );
    segs.watch(to.port());
    let sockfd = socket(Domain::IPV4, Type::STREAM, None)?;
    let ok = try_connect("refused", &sockfd, to, "ECONNREFUSED");
    segs.show(|s| s.iter().any(|x| x.has(RST)));
    Ok(ok)
}
// ANCHOR_END: refused

// ANCHOR: timeout
/// ETIMEDOUT: nothing ever answers the SYN. A listener with backlog 0
/// whose accept queue is full (Linux queues backlog+1 = 1 connection)
/// drops every further SYN silently; the client retransmits it (1 s, 2 s,
/// 4 s ... 127 s in all with tcp_syn_retries = 6) — unless TCP_USER_TIMEOUT
/// (or TCP_SYNCNT) cuts that short.
fn timed_out(user_timeout: Duration, segs: &mut Segments) -> anyhow::Result<bool> {
    tr_println!("== ETIMEDOUT: the SYN is never answered");
    let listenfd = socket(Domain::IPV4, Type::STREAM, None)?;
    bind(
        &listenfd,
        &SockAddr::from(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
    )?;
    listen(&listenfd, 0)?;
    let to = getsockname(&listenfd)?.as_socket().context("no address")?;
    segs.watch(to.port());
    let filler = socket(Domain::IPV4, Type::STREAM, None)?;
    connect(&filler, &SockAddr::from(to)).context("the first connect")?;
    tr_println!(
        "listen(.., 0) on {to}; one connect fills its accept queue; nobody accepts",
        to
    );
    let names = [(listenfd.as_raw_fd(), "listenfd"), (filler.as_raw_fd(), "filler")];
    let me = Holder {
        pid: std::process::id() as i32,
        who: "me",
        names: &names,
    };
    print!("{}", ch04_sockets::table(to, &[me]));
    let sockfd = socket(Domain::IPV4, Type::STREAM, None)?;
    sockfd.set_tcp_user_timeout(Some(user_timeout))?;
    tr_println!(
        "setsockopt(TCP_USER_TIMEOUT, {ms} ms): give up after that, not after 127 s",
        ms = user_timeout.as_millis()
    );
    let ok = try_connect("timeout", &sockfd, to, "ETIMEDOUT");
    let me = sockfd.local_addr()?.as_socket();
    segs.show(|s| s.iter().any(|x| Some(x.src) == me && x.flags == SYN));
    Ok(ok)
}
// ANCHOR_END: timeout

// ANCHOR: unreachable
/// ENETUNREACH and EHOSTUNREACH: the kernel finds no route for the
/// destination (on a real network, an ICMP "destination unreachable" from
/// a router ends the same way after the retries). A new network namespace
/// has only a loopback interface, down, and no routes at all.
fn unreachable() -> anyhow::Result<bool> {
    tr_println!("== ENETUNREACH / EHOSTUNREACH: no route (in a private network namespace)");
    if let Err(why) = enter_private_netns() {
        tr_println!(
            "SKIP: netns: cannot make a user + network namespace here: {why}{hint}",
            why,
            hint = common::lab::userns_hint()
                .map(|h| format!(" — {h}"))
                .unwrap_or_default()
        );
        println!();
        return Ok(true);
    }
    let to = SocketAddr::from((Ipv4Addr::new(192, 0, 2, 1), 9)); // TEST-NET-1
    tr_println!("unshare(CLONE_NEWUSER | CLONE_NEWNET): lo is down, the routing table is empty");
    let sockfd = socket(Domain::IPV4, Type::STREAM, None)?;
    let mut ok = try_connect("netunreach", &sockfd, to, "ENETUNREACH");

    let route = ["route", "add", "unreachable", "192.0.2.0/24"];
    match Command::new("ip").args(route).status() {
        Ok(st) if st.success() => {
            tr_println!(
                "ip {route}: the kernel now knows the network and says no",
                route = route.join(" ")
            );
            let sockfd = socket(Domain::IPV4, Type::STREAM, None)?;
            ok &= try_connect("hostunreach", &sockfd, to, "EHOSTUNREACH");
        }
        Ok(st) => tr_println!(
            "SKIP: hostunreach: `ip {route}` failed ({st}){hint}\n",
            route = route.join(" "),
            st,
            hint = common::lab::userns_hint()
                .map(|h| format!(" — {h}"))
                .unwrap_or_default()
        ),
        Err(e) => tr_println!("SKIP: hostunreach: cannot run `ip`: {e}\n", e),
    }
    Ok(ok)
}
// ANCHOR_END: unreachable

/// In-process `unshare -rn`: a new user namespace in which we are root
/// (uid/gid maps to our own ids), and a new network namespace owned by it.
/// unshare(CLONE_NEWUSER) works only while the process has one thread:
/// this program never starts another.
fn enter_private_netns() -> io::Result<()> {
    let (uid, gid) = (nix::unistd::getuid(), nix::unistd::getgid());
    common::error::sys(nix::sched::unshare(
        CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNET,
    ))?;
    std::fs::write("/proc/self/setgroups", "deny")?;
    std::fs::write("/proc/self/uid_map", format!("0 {uid} 1"))?;
    std::fs::write("/proc/self/gid_map", format!("0 {gid} 1"))?;
    Ok(())
}

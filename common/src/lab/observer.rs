//! The observer: what the kernel says about processes and TCP sockets,
//! read from /proc (through the `procfs` crate) and printed as small tables.
//!
//! - A process's state is the field after the *last* `)` of
//!   `/proc/PID/stat` (`R`, `S`, `T` stopped, `Z` zombie, ...).
//! - Children are found by scanning every `/proc/PID/stat` for the parent
//!   pid: `/proc/PID/task/*/children` is per thread and easy to misread.
//! - TCP sockets come from `/proc/net/tcp` and `tcp6` (readable by anyone),
//!   or `/proc/PID/net/...` for another network namespace.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use procfs::net::{TcpNetEntry, TcpState};
use procfs::process::{FDTarget, Process};

/// One process as /proc shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcInfo {
    pub pid: i32,
    pub ppid: i32,
    /// `R` running, `S` sleeping, `T` stopped, `Z` zombie, ...
    pub state: char,
    /// The command name (`comm`, at most 15 bytes).
    pub comm: String,
}

impl ProcInfo {
    /// A child that has ended and not been waited for.
    pub fn is_zombie(&self) -> bool {
        self.state == 'Z'
    }
}

fn info(p: &Process) -> Option<ProcInfo> {
    let st = p.stat().ok()?;
    Some(ProcInfo {
        pid: st.pid,
        ppid: st.ppid,
        state: st.state,
        comm: st.comm,
    })
}

/// The process `pid`, or None if it no longer exists (a reaped zombie).
pub fn process(pid: i32) -> Option<ProcInfo> {
    info(&Process::new(pid).ok()?)
}

/// The state letter of `pid`, or None if it is gone.
pub fn state(pid: i32) -> Option<char> {
    process(pid).map(|p| p.state)
}

/// Every process whose parent is `pid`, zombies included, by pid.
pub fn children(pid: i32) -> Vec<ProcInfo> {
    let mut out: Vec<ProcInfo> = match procfs::process::all_processes() {
        Ok(all) => all
            .filter_map(|p| p.ok())
            .filter_map(|p| info(&p))
            .filter(|p| p.ppid == pid)
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort_by_key(|p| p.pid);
    out
}

/// Whether process group `pgid` has a member that is not a zombie. A
/// zombie holds no descriptors: a group of zombies only (an orphan that
/// init has not reaped yet) can no longer write to a pipe.
pub fn group_alive(pgid: i32) -> bool {
    let Ok(all) = procfs::process::all_processes() else {
        return true; // cannot tell: assume the worst
    };
    all.filter_map(|p| p.ok()?.stat().ok())
        .any(|st| st.pgrp == pgid && st.state != 'Z')
}

/// The children of `pid` that are zombies.
pub fn zombies(pid: i32) -> Vec<ProcInfo> {
    children(pid).into_iter().filter(ProcInfo::is_zombie).collect()
}

/// `pid` and its children, as a table: PID PPID STATE COMMAND, zombies
/// marked `<defunct>` as ps does.
pub fn process_table(pid: i32) -> String {
    let mut rows: Vec<ProcInfo> = process(pid).into_iter().collect();
    rows.extend(children(pid));
    format_processes(&rows)
}

/// The header of a process table.
const PROC_HEADER: &str = "    PID    PPID STAT COMMAND\n";

/// What follows a zombie's command in a process table (ps writes `<defunct>`).
pub const ZOMBIE_MARK: &str = crate::lang::n_(" <defunct>  ← zombie");

/// Formats processes as a table.
pub fn format_processes(rows: &[ProcInfo]) -> String {
    let mut s = String::from(PROC_HEADER);
    for p in rows {
        let mark = if p.is_zombie() {
            crate::lang::tr(ZOMBIE_MARK)
        } else {
            ""
        };
        let _ = writeln!(s, "{:>7} {:>7} {:<4} {}{}", p.pid, p.ppid, p.state, p.comm, mark);
    }
    s
}

/// Every process of this pid namespace, from one scan of /proc.
pub fn all_processes() -> Vec<ProcInfo> {
    let mut out: Vec<ProcInfo> = match procfs::process::all_processes() {
        Ok(all) => all.filter_map(|p| p.ok()).filter_map(|p| info(&p)).collect(),
        Err(_) => Vec::new(),
    };
    out.sort_by_key(|p| p.pid);
    out
}

/// A process's command line as ps's CMD column shows it, with argv\[0\] cut
/// to its file name (`tcpserv01 --port 9877`). A zombie has no command line
/// left, so it reads `[comm]`, as ps writes it.
pub fn command(p: &ProcInfo) -> String {
    let argv = Process::new(p.pid).and_then(|p| p.cmdline()).unwrap_or_default();
    let Some((argv0, rest)) = argv.split_first() else {
        return format!("[{}]", p.comm);
    };
    let name = argv0.rsplit('/').next().unwrap_or(argv0);
    std::iter::once(name)
        .chain(rest.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One row of a process tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    /// 0 for a root, 1 for its children, 2 for grandchildren, ...
    pub depth: usize,
    pub info: ProcInfo,
    /// See [`command`].
    pub command: String,
}

/// `roots` and all their descendants among `all` (from [`all_processes`]):
/// each root followed by its subtree, depth first, children by pid. A root
/// that is not in `all` (gone) is left out.
pub fn tree(all: &[ProcInfo], roots: &[i32]) -> Vec<TreeRow> {
    let mut kids: HashMap<i32, Vec<&ProcInfo>> = HashMap::new();
    for p in all {
        kids.entry(p.ppid).or_default().push(p);
    }
    let mut out = Vec::new();
    let mut stack: Vec<(usize, &ProcInfo)> = roots
        .iter()
        .rev()
        .filter_map(|r| all.iter().find(|p| p.pid == *r))
        .map(|p| (0, p))
        .collect();
    while let Some((depth, p)) = stack.pop() {
        if out.iter().any(|r: &TreeRow| r.info.pid == p.pid) {
            continue; // a root that is also another root's descendant
        }
        out.push(TreeRow {
            depth,
            info: p.clone(),
            command: command(p),
        });
        if let Some(k) = kids.get(&p.pid) {
            stack.extend(k.iter().rev().map(|c| (depth + 1, *c)));
        }
    }
    out
}

/// Is one of `pid`'s ancestors (up its ppid chain) in `set`?
pub fn has_ancestor_in(pid: i32, set: &BTreeSet<i32>, ppid: &HashMap<i32, i32>) -> bool {
    let mut p = pid;
    for _ in 0..64 {
        match ppid.get(&p) {
            Some(&pp) if pp > 0 && pp != p => {
                if set.contains(&pp) {
                    return true;
                }
                p = pp;
            }
            _ => return false,
        }
    }
    false
}

/// Formats a process tree as a table like [`format_processes`], the
/// command indented under its parent's.
pub fn format_tree(rows: &[TreeRow]) -> String {
    let mut s = String::from(PROC_HEADER);
    for r in rows {
        let p = &r.info;
        let indent = match r.depth {
            0 => String::new(),
            d => format!("{}└─ ", "   ".repeat(d - 1)),
        };
        let mark = if p.is_zombie() {
            crate::lang::tr(ZOMBIE_MARK)
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "{:>7} {:>7} {:<4} {indent}{}{mark}",
            p.pid, p.ppid, p.state, r.command
        );
    }
    s
}

/// One TCP socket as /proc/net/tcp shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpSock {
    pub local: SocketAddr,
    pub remote: SocketAddr,
    /// The book's name: `LISTEN`, `ESTABLISHED`, `FIN_WAIT_2`, `TIME_WAIT`, ...
    pub state: &'static str,
    /// Bytes received, not yet read (for a listener: the accept queue length).
    pub recv_q: u32,
    /// Bytes sent, not yet acknowledged (for a listener: the backlog).
    pub send_q: u32,
    /// The socket's inode: matches `socket:[INODE]` in `/proc/PID/fd`.
    pub inode: u64,
    /// For a socket in TIME_WAIT (or an orphaned FIN_WAIT_2, which the
    /// kernel keeps the same way): the latest moment, as time since boot,
    /// at which its wait can have begun — when it was read, less what its
    /// timer has used of its length (`/proc/net/tcp`'s timer column, `03:`
    /// and the time left). None for every other socket. See [`predates`].
    pub waiting_since: Option<Duration>,
}

/// The book's name of a TCP state (Fig 2.4).
pub fn state_name(s: &TcpState) -> &'static str {
    match s {
        TcpState::Established => "ESTABLISHED",
        TcpState::SynSent => "SYN_SENT",
        TcpState::SynRecv => "SYN_RCVD",
        TcpState::FinWait1 => "FIN_WAIT_1",
        TcpState::FinWait2 => "FIN_WAIT_2",
        TcpState::TimeWait => "TIME_WAIT",
        TcpState::Close => "CLOSED",
        TcpState::CloseWait => "CLOSE_WAIT",
        TcpState::LastAck => "LAST_ACK",
        TcpState::Listen => "LISTEN",
        TcpState::Closing => "CLOSING",
        TcpState::NewSynRecv => "NEW_SYN_RECV",
    }
}

fn convert(e: TcpNetEntry, waiting_since: Option<Duration>) -> TcpSock {
    TcpSock {
        local: e.local_address,
        remote: e.remote_address,
        state: state_name(&e.state),
        recv_q: e.rx_queue,
        send_q: e.tx_queue,
        inode: e.inode,
        waiting_since,
    }
}

/// Linux's TIME_WAIT length, TCP_TIMEWAIT_LEN: 60 s, not a sysctl.
const TIME_WAIT_LEN: Duration = Duration::from_secs(60);

/// Time since boot (CLOCK_BOOTTIME: the clock of a process's start time).
pub fn since_boot() -> Option<Duration> {
    let t = nix::time::clock_gettime(nix::time::ClockId::CLOCK_BOOTTIME).ok()?;
    Some(Duration::new(t.tv_sec() as u64, t.tv_nsec() as u32))
}

/// The latest start of a timewait socket's wait, from one row of
/// /proc/net/tcp read at `now` (time since boot): its timer column is
/// `03:` + the time left, in clock ticks, out of 60 s for TIME_WAIT and
/// out of `tcp_fin_timeout` (at most 60 s) for an orphaned FIN_WAIT_2. A
/// timer that fired late reads 0 left: its wait began even earlier than
/// computed, so the answer is never too early. None for other rows.
fn waiting_since(fields: &[&str], now: Option<Duration>, fin_timeout: Duration) -> Option<Duration> {
    let len = match *fields.get(3)? {
        "06" => TIME_WAIT_LEN,
        "05" => fin_timeout.min(TIME_WAIT_LEN),
        _ => return None,
    };
    let (tr, when) = fields.get(5)?.split_once(':')?;
    if tr != "03" {
        return None;
    }
    let left = u64::from_str_radix(when, 16).ok()?;
    let left = Duration::from_secs_f64(left as f64 / procfs::ticks_per_second() as f64);
    // Ticks are whole: the time left is up to one tick more than read.
    let tick = Duration::from_secs_f64(1.0 / procfs::ticks_per_second() as f64);
    (now? + left + tick).checked_sub(len)
}

/// A /proc/net table and the time it was read, for [`waiting_since`]: the
/// kernel writes each row's timer as it formats it, somewhere between the
/// clock readings before and after the read. The later one is used — a wait
/// then never seems to begin earlier than it did — and the read is repeated
/// (up to 5 times) while the two are more than 5 ms apart: on a busy
/// machine a reader descheduled for 100 ms made a TIME_WAIT row of a
/// connection older than the server look younger than it, and the row was
/// shown as the server's.
fn read_dated(path: &str) -> Option<(String, Option<Duration>)> {
    let mut last = None;
    for _ in 0..5 {
        let t0 = since_boot();
        let text = std::fs::read_to_string(path).ok()?;
        let t1 = since_boot();
        let tight = matches!((t0, t1), (Some(a), Some(b)) if b.saturating_sub(a) <= Duration::from_millis(5));
        last = Some((text, t1));
        if tight {
            break;
        }
    }
    last
}

fn fin_timeout() -> Duration {
    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_fin_timeout")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .map_or(TIME_WAIT_LEN, Duration::from_secs)
}

/// Every TCP socket (IPv4 and IPv6) of this network namespace whose local or
/// remote port is `port`: the listener, both ends of each connection, and
/// connections in TIME_WAIT. Sorted by state, then addresses.
pub fn tcp_sockets(port: u16) -> Vec<TcpSock> {
    tcp_matching(None, &[port], &HashSet::new())
}

/// Like [`tcp_sockets`], in the network namespace of process `pid`.
pub fn tcp_sockets_in(pid: i32, port: u16) -> Vec<TcpSock> {
    if Process::new(pid).is_err() {
        return Vec::new();
    }
    tcp_matching(Some(pid), &[port], &HashSet::new())
}

/// The TCP sockets (IPv4 and IPv6) of this network namespace, or of the
/// namespace of process `netns_of`, whose local or remote port is one of
/// `ports` or whose inode is one of `inodes`; sorted as [`tcp_sockets`].
///
/// The rows are picked from the text before procfs parses them: a busy CI
/// machine lists ten thousand sockets (mostly TIME_WAIT), and parsing them
/// all took 100 ms a look in a debug build, against 5 ms picked first.
pub fn tcp_matching(netns_of: Option<i32>, ports: &[u16], inodes: &HashSet<u64>) -> Vec<TcpSock> {
    use procfs::FromBufReadSI as _;
    let dir = match netns_of {
        None => "/proc/net".to_string(),
        Some(pid) => format!("/proc/{pid}/net"),
    };
    let hex: Vec<String> = ports.iter().map(|p| format!(":{p:04X}")).collect();
    let wanted = |line: &str| {
        let f: Vec<&str> = line.split_whitespace().take(10).collect();
        f.len() == 10
            && (hex
                .iter()
                .any(|h| f[1].ends_with(h.as_str()) || f[2].ends_with(h.as_str()))
                || f[9].parse().is_ok_and(|i: u64| inodes.contains(&i)))
    };
    let mut v: Vec<TcpSock> = Vec::new();
    let fin = fin_timeout();
    for file in ["tcp", "tcp6"] {
        let Some((text, now)) = read_dated(&format!("{dir}/{file}")) else {
            continue;
        };
        let mut lines = text.lines();
        let mut picked = String::from(lines.next().unwrap_or(""));
        picked.push('\n');
        let mut since = Vec::new();
        for l in lines.filter(|l| wanted(l)) {
            picked.push_str(l);
            picked.push('\n');
            let f: Vec<&str> = l.split_whitespace().take(6).collect();
            since.push(waiting_since(&f, now, fin));
        }
        if let Ok(e) =
            procfs::net::TcpNetEntries::from_buf_read(picked.as_bytes(), procfs::current_system_info())
        {
            // One entry per picked line, in order; if not, no dates at all.
            let dated = e.0.len() == since.len();
            v.extend(
                e.0.into_iter()
                    .enumerate()
                    .map(|(i, t)| convert(t, if dated { since[i] } else { None })),
            );
        }
    }
    dedup(&mut v);
    sort(&mut v);
    v
}

/// Keeps one row per socket. The kernel writes /proc/net/tcp page by page
/// while connections come and go, and a busy machine's table spans several
/// pages: a row can then be read twice. A (local, remote) pair names one
/// socket (the lab uses no SO_REUSEPORT), so later copies are dropped.
fn dedup(v: &mut Vec<TcpSock>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|t| seen.insert((t.local, t.remote)));
}

fn sort(v: &mut [TcpSock]) {
    v.sort_by(|a, b| {
        (
            a.state != "LISTEN",
            a.local.port() == a.remote.port(),
            a.local,
            a.remote,
        )
            .cmp(&(
                b.state != "LISTEN",
                b.local.port() == b.remote.port(),
                b.local,
                b.remote,
            ))
    });
}

/// The inodes of the sockets process `pid` holds open, with their fd numbers.
pub fn socket_fds(pid: i32) -> Vec<(i32, u64)> {
    let Ok(p) = Process::new(pid) else {
        return Vec::new();
    };
    let Ok(fds) = p.fd() else {
        return Vec::new();
    };
    let mut v: Vec<(i32, u64)> = fds
        .filter_map(|f| f.ok())
        .filter_map(|f| match f.target {
            FDTarget::Socket(inode) => Some((f.fd, inode)),
            _ => None,
        })
        .collect();
    v.sort();
    v
}

/// Who holds each socket open: inode → every (pid, fd), over all the
/// processes whose `/proc/PID/fd` this user may read (another user's are
/// skipped). A socket no process holds (TIME_WAIT, an orphaned FIN_WAIT,
/// a connection still in the accept queue) has inode 0 and is not here.
pub fn socket_owners() -> HashMap<u64, Vec<(i32, i32)>> {
    let mut map: HashMap<u64, Vec<(i32, i32)>> = HashMap::new();
    let Ok(all) = procfs::process::all_processes() else {
        return map;
    };
    for p in all.filter_map(|p| p.ok()) {
        let Ok(fds) = p.fd() else { continue };
        for f in fds.filter_map(|f| f.ok()) {
            if let FDTarget::Socket(inode) = f.target {
                map.entry(inode).or_default().push((p.pid, f.fd));
            }
        }
    }
    for v in map.values_mut() {
        v.sort_unstable();
    }
    map
}

/// Which of `pids` hold the socket with this inode open.
pub fn holders(inode: u64, pids: &[i32]) -> Vec<i32> {
    pids.iter()
        .copied()
        .filter(|&pid| socket_fds(pid).iter().any(|&(_, i)| i == inode))
        .collect()
}

/// Formats sockets as a table: LOCAL REMOTE STATE RECV-Q SEND-Q, plus the
/// pids (among `pids`) holding each socket, when `pids` is not empty.
pub fn format_sockets(rows: &[TcpSock], pids: &[i32]) -> String {
    let fds: Vec<(i32, BTreeSet<u64>)> = pids
        .iter()
        .map(|&p| (p, socket_fds(p).into_iter().map(|(_, i)| i).collect()))
        .collect();
    let held_by = |t: &TcpSock| -> Vec<String> {
        fds.iter()
            .filter(|(_, set)| t.inode != 0 && set.contains(&t.inode))
            .map(|(p, _)| format!("pid {p}"))
            .collect()
    };
    format_sockets_by(rows, 0, (!pids.is_empty()).then_some(&held_by as &HeldBy<'_>))
}

/// Who holds a socket, for the HELD BY column of [`format_sockets_by`].
pub type HeldBy<'a> = dyn Fn(&TcpSock) -> Vec<String> + 'a;

/// The table of [`format_sockets`], each line indented by `indent` spaces,
/// with the HELD BY column filled in by `held_by` (who holds each socket;
/// an empty answer prints "(kernel only)": a connection still in the accept
/// queue, or one in TIME_WAIT). No column when `held_by` is None.
pub fn format_sockets_by(rows: &[TcpSock], indent: usize, held_by: Option<&HeldBy<'_>>) -> String {
    let pad = " ".repeat(indent);
    let mut s = format!(
        "{pad}{:<22} {:<22} {:<12} {:>6} {:>6}",
        "LOCAL", "REMOTE", "STATE", "RECV-Q", "SEND-Q"
    );
    if held_by.is_some() {
        s.push_str("  HELD BY");
    }
    s.push('\n');
    for t in rows {
        let _ = write!(
            s,
            "{pad}{:<22} {:<22} {:<12} {:>6} {:>6}",
            t.local.to_string(),
            t.remote.to_string(),
            t.state,
            t.recv_q,
            t.send_q
        );
        if let Some(held_by) = held_by {
            let held = held_by(t);
            let _ = write!(
                s,
                "  {}",
                if held.is_empty() {
                    "(kernel only)".into()
                } else {
                    held.join(", ")
                }
            );
        }
        s.push('\n');
    }
    s
}

/// The TCP sockets of the server at `addr`: the listener and both ends of
/// each of its connections (local or remote address equal to `addr`); for a
/// wildcard `addr` (0.0.0.0, ::), every socket with its port. Unlike
/// [`tcp_sockets`], sockets of other programs that merely share the port
/// number on another address are left out — a busy machine runs many
/// loopback servers at once.
pub fn tcp_sockets_at(addr: SocketAddr) -> Vec<TcpSock> {
    let mut v = tcp_sockets(addr.port());
    if !addr.ip().is_unspecified() {
        v.retain(|t| t.local == addr || t.remote == addr);
    }
    v
}

/// When process `pid` started, as time since boot (`starttime` of
/// `/proc/PID/stat`, in clock ticks); None if it is gone.
pub fn started(pid: i32) -> Option<Duration> {
    let st = Process::new(pid).ok()?.stat().ok()?;
    Some(Duration::from_secs_f64(
        st.starttime as f64 / procfs::ticks_per_second() as f64,
    ))
}

/// The user id that owns process `pid` (the owner of `/proc/PID`).
pub fn uid(pid: i32) -> Option<u32> {
    Process::new(pid).ok()?.uid().ok()
}

/// A process whose descriptors are hidden from us, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub pid: i32,
    /// The process's owner, by name where /etc/passwd has one.
    pub owner: String,
    /// The error reading /proc/PID/fd (EACCES: not our user, not root).
    pub why: String,
}

/// Why this user cannot see `pid`'s descriptors, if it cannot: the kernel
/// lets only the process's own user (and root) read /proc/PID/fd (ptrace
/// access mode PTRACE_MODE_READ, proc(5)); None when it can, or when the
/// process is gone.
pub fn unreadable(pid: i32) -> Option<Unreadable> {
    let e = std::fs::read_dir(format!("/proc/{pid}/fd")).err()?;
    if e.kind() == std::io::ErrorKind::NotFound {
        return None;
    }
    let uid = uid(pid)?;
    let owner = nix::unistd::User::from_uid(uid.into())
        .ok()
        .flatten()
        .map_or(format!("uid {uid}"), |u| format!("user {}, uid {uid}", u.name));
    Some(Unreadable {
        pid,
        owner,
        why: crate::error::strerror(&e),
    })
}

/// How much earlier than a server's start a socket's wait must have begun
/// for [`predates`] to call it older: both clocks are read in 10 ms ticks.
pub const PREDATES_SLACK: Duration = Duration::from_millis(50);

/// Is `t` a leftover of a connection older than a server that started at
/// `start` (time since boot, [`started`])? The lab's one rule for a reused
/// port: a new listener on port 0 can get a port that earlier, unrelated
/// connections still name (their TIME_WAIT rows, remote port = this port;
/// no process holds them). Only a socket in TIME_WAIT or an orphaned
/// FIN_WAIT_2 can be dated ([`TcpSock::waiting_since`]): if its wait began
/// before the server started (by more than [`PREDATES_SLACK`]), the
/// connection ended before the server existed, so it is not the server's.
/// Every other socket is never judged older: it is shown and counted.
pub fn predates(t: &TcpSock, start: Duration) -> bool {
    t.waiting_since.is_some_and(|w| w + PREDATES_SLACK < start)
}

/// `socks` less the rows that predate server `pid` ([`predates`]); all of
/// them if `pid` is gone (its start time is unknown then).
pub fn own_sockets(pid: i32, mut socks: Vec<TcpSock>) -> Vec<TcpSock> {
    if let Some(start) = started(pid) {
        socks.retain(|t| !predates(t, start));
    }
    socks
}

/// [`tcp_sockets_at`] for the server `pid` at `addr`: only its own sockets
/// (no row of a connection that ended before it started, [`predates`]).
pub fn server_sockets_at(addr: SocketAddr, pid: i32) -> Vec<TcpSock> {
    own_sockets(pid, tcp_sockets_at(addr))
}

/// [`tcp_sockets`] of `port` for the server `pid`: only its own sockets.
pub fn server_sockets(port: u16, pid: i32) -> Vec<TcpSock> {
    own_sockets(pid, tcp_sockets(port))
}

/// The number of the system call the main thread of `pid` is blocked in,
/// from `/proc/PID/syscall` (compare with `nix::libc::SYS_accept4`, ...);
/// None while it runs on a CPU, or when it is gone.
pub fn syscall(pid: i32) -> Option<i64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/syscall")).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Is `pid` asleep (`S`) in one of the system calls `nrs`? For a server,
/// "blocked in accept" is `blocked_in(pid, &[SYS_accept4, SYS_accept])`
/// (socket2 calls accept4).
pub fn blocked_in(pid: i32, nrs: &[i64]) -> bool {
    state(pid) == Some('S') && syscall(pid).is_some_and(|n| nrs.contains(&n))
}

/// Is thread `tid` of `pid` asleep (`S`) in one of the system calls `nrs`?
/// (/proc/PID/task/TID/stat and syscall: one thread, where [`blocked_in`]
/// looks at the main one.)
pub fn blocked_in_task(pid: i32, tid: i32, nrs: &[i64]) -> bool {
    let base = format!("/proc/{pid}/task/{tid}");
    let state = std::fs::read_to_string(format!("{base}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .and_then(|(_, r)| r.trim_start().chars().next())
        });
    let nr = std::fs::read_to_string(format!("{base}/syscall"))
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse::<i64>().ok());
    state == Some('S') && nr.is_some_and(|n| nrs.contains(&n))
}

/// The lab's one definition of "idle in accept": `pid` sleeps (`S`) in
/// accept(2) or accept4(2) — /proc/PID/syscall names the call — and no
/// SIGCHLD is pending for it or being handled (SigPnd, ShdPnd, SigBlk in
/// /proc/PID/status). A server in that state has finished with every child
/// that ended so far and waits for the next client: the moment a check may
/// count zombies. The call is read on both sides of the status, so a signal
/// that arrives between the readings is not missed. `State: S` alone is not
/// enough: a server reads `S` while it sleeps elsewhere (a back-off sleep),
/// and for a moment after a signal was queued for it.
pub fn idle_in_accept(pid: i32) -> bool {
    const ACCEPT: [i64; 2] = [nix::libc::SYS_accept4, nix::libc::SYS_accept];
    blocked_in(pid, &ACCEPT)
        && signal_view(pid, nix::sys::signal::Signal::SIGCHLD)
            .is_some_and(|v| v.state == 'S' && !v.pending && !v.blocked)
        && blocked_in(pid, &ACCEPT)
}

/// What `/proc/PID/status` says of a process and one signal, read at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignalView {
    /// The state letter (`S`, `T`, `Z`, ...).
    pub state: char,
    /// How many threads the process has.
    pub threads: u32,
    /// The signal is pending (SigPnd for the thread, ShdPnd for the process):
    /// raised, not yet delivered to a handler.
    pub pending: bool,
    /// The signal is blocked (SigBlk) — inside its own handler it is, since
    /// sigaction blocks the signal being handled.
    pub blocked: bool,
}

/// Reads `/proc/PID/status` once for `pid`'s state and signal `signo`;
/// None if there is no such process.
pub fn signal_view(pid: i32, signo: nix::sys::signal::Signal) -> Option<SignalView> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let bit = 1u64 << (signo as i32 - 1);
    let has = |v: &str| u64::from_str_radix(v, 16).unwrap_or(0) & bit != 0;
    let mut view = SignalView {
        state: '?',
        threads: 0,
        pending: false,
        blocked: false,
    };
    for line in status.lines() {
        let Some((key, val)) = line.split_once(':') else {
            continue;
        };
        let val = val.trim();
        match key {
            "State" => view.state = val.chars().next().unwrap_or('?'),
            "Threads" => view.threads = val.parse().unwrap_or(0),
            "SigPnd" | "ShdPnd" => view.pending |= has(val),
            "SigBlk" => view.blocked = has(val),
            _ => {}
        }
    }
    Some(view)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::sys::signal::Signal;

    #[test]
    fn this_process_is_seen_and_a_missing_one_is_not() {
        let me = std::process::id() as i32;
        let v = signal_view(me, Signal::SIGUSR2).unwrap();
        assert!(v.threads >= 1 && !v.pending && "RS".contains(v.state), "{v:?}");
        assert_eq!(process(me).map(|p| p.pid), Some(me));
        assert_eq!(signal_view(i32::MAX, Signal::SIGCHLD), None);
        assert_eq!(syscall(i32::MAX), None);
        assert!(!blocked_in(i32::MAX, &[nix::libc::SYS_accept4]));
        assert!(!idle_in_accept(i32::MAX));
        assert!(!idle_in_accept(me), "a test thread is not in accept");
    }

    #[test]
    fn a_time_wait_is_dated_by_its_timer_and_nothing_else_is() {
        // /proc/net/tcp fields: sl local remote st tx:rx tr:when ...
        let row = |st: &'static str, timer: &'static str| {
            vec![
                "0:",
                "0100007F:1F90",
                "0100007F:D431",
                st,
                "00000000:00000000",
                timer,
            ]
        };
        let now = Some(Duration::from_secs(1000));
        let fin = Duration::from_secs(60);
        let tick = Duration::from_millis(10);
        // 45 s left of 60: the wait began 15 s ago (plus one tick at most).
        let tw = waiting_since(&row("06", "03:00001194"), now, fin).unwrap();
        assert_eq!(tw, Duration::from_secs(985) + tick);
        // An orphaned FIN_WAIT_2 counts out of tcp_fin_timeout (here 30 s).
        let fw2 = waiting_since(&row("05", "03:00000BB8"), now, Duration::from_secs(30));
        assert_eq!(fw2, Some(Duration::from_secs(1000) + tick));
        assert_eq!(waiting_since(&row("01", "00:00000000"), now, fin), None);
        assert_eq!(waiting_since(&row("06", "00:00000000"), now, fin), None);
        let sock = |since| TcpSock {
            local: "127.0.0.1:8080".parse().unwrap(),
            remote: "127.0.0.1:54321".parse().unwrap(),
            state: "TIME_WAIT",
            recv_q: 0,
            send_q: 0,
            inode: 0,
            waiting_since: since,
        };
        // Older than a server started at 990 s: not its own; younger: its own.
        assert!(predates(&sock(Some(tw)), Duration::from_secs(990)));
        assert!(!predates(&sock(Some(tw)), Duration::from_secs(985)));
        assert!(!predates(&sock(None), Duration::from_secs(990)));
    }

    #[test]
    fn an_ancestor_is_found_up_the_ppid_chain_and_a_loop_ends() {
        let ppid: HashMap<i32, i32> = [(4, 3), (3, 2), (2, 1), (8, 9), (9, 8)].into();
        let set: BTreeSet<i32> = [2].into();
        assert!(has_ancestor_in(4, &set, &ppid));
        assert!(!has_ancestor_in(2, &set, &ppid), "a pid is not its own ancestor");
        assert!(!has_ancestor_in(8, &set, &ppid), "a ppid loop ends");
    }

    #[test]
    fn a_listener_and_its_connection_are_found_by_address() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let c = std::net::TcpStream::connect(addr).unwrap();
        let states: Vec<&str> = tcp_sockets_at(addr).iter().map(|t| t.state).collect();
        assert_eq!(states.iter().filter(|s| **s == "LISTEN").count(), 1, "{states:?}");
        assert_eq!(
            states.iter().filter(|s| **s == "ESTABLISHED").count(),
            2,
            "{states:?}"
        );
        // Another address with the same port number is a different server.
        let other = SocketAddr::from(([127, 0, 0, 2], addr.port()));
        assert!(tcp_sockets_at(other).is_empty());
        drop(c);
    }
}

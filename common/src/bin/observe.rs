//! The third terminal — a server's processes and its TCP sockets, side by
//! side, read from /proc every 0.2 s: what the book shows with `ps` and
//! `netstat -a` typed by hand (UNP §5.6–5.7, 5.9–5.10), with what changed
//! since the last look highlighted.
//!
//! Run:        cargo run -p common --bin observe -- --port 9877
//!             cargo run -p common --bin observe -- --pid <server pid>
//! Beside:     terminal 1: cargo run -p ch05-echo --bin tcpserv01
//!             terminal 2: cargo run -p ch05-echo --bin tcpcli01 -- 127.0.0.1
//!             terminal 3: this program
//! Observe:    the server's process tree (PID, PPID, state; zombies marked
//!             `<defunct> ← zombie`) and every TCP socket of its port: local
//!             and remote address, state (TIME_WAIT, the book's names),
//!             Recv-Q, Send-Q and the pid/fd holding it. Sockets no process
//!             holds stay listed, "(kernel only)": TIME_WAIT, a zombie's last
//!             connection, one still waiting in the accept queue.
//! Modes:      live (the default) redraws the terminal, changes highlighted;
//!             --once prints one snapshot, for scripts and tests;
//!             --follow prints one timestamped line (UTC) per change, e.g.
//!             `12:00:01.234 child 4242 S → Z` — to paste into a report.
//! Works for any program, the book's C servers too, IPv4 and IPv6, as an
//! ordinary user: /proc/net/tcp is readable by anyone; HELD BY needs
//! /proc/PID/fd, so a socket of another user's process shows "?", and a
//! line under the table says why.
//! Only the server's own rows: a TIME_WAIT whose wait began before the
//! server started (a reused port; /proc/net/tcp's timer dates it) is left
//! out and counted under the table (observer::predates).
//! Ends at once when stdout's reader goes away (`--follow | head -1`), with
//! status 0; any other failed write (`> /dev/full`) exits 1.
//! With --port, the server is whoever holds a socket on that local port, and
//! everything it forked; with --pid, that process and its descendants, and
//! the ports it listens on. A child orphaned by its server's death stays.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use anyhow::bail;
use clap::Parser;
use common::SERV_PORT;
use common::lab::observer::{self, TcpSock, TreeRow};

/// The lab's third terminal: a server's process tree and the TCP sockets of
/// its port, side by side, refreshed every 0.2 s, changes highlighted
/// (UNP §5.6–5.7's `ps` and `netstat -a`, read from /proc).
///
/// Beside a server:
///   terminal 1: cargo run -p ch05-echo --bin tcpserv01
///   terminal 2: cargo run -p ch05-echo --bin tcpcli01 -- 127.0.0.1
///   terminal 3: cargo run -p common --bin observe -- --port 9877
/// or, for a server you know by pid (a C server too): observe --pid PID.
/// --follow writes lines such as
///   12:00:01.234 child 4242 S → Z
///   12:00:01.234 127.0.0.1:9877 ↔ 127.0.0.1:51234 ESTABLISHED → CLOSE_WAIT
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// The server's port (9877, SERV_PORT, unless --pid is given).
    #[arg(short, long, value_parser = clap::value_parser!(u16).range(1..))]
    port: Option<u16>,

    /// Watch this process, its descendants and the ports it listens on.
    #[arg(long, value_parser = clap::value_parser!(i32).range(1..))]
    pid: Option<i32>,

    /// Print one snapshot and exit.
    #[arg(long, conflicts_with = "follow")]
    once: bool,

    /// Print one timestamped line per change instead of redrawing.
    #[arg(long)]
    follow: bool,

    /// Milliseconds between two looks at /proc.
    #[arg(long, value_name = "MS", default_value_t = 200,
          value_parser = clap::value_parser!(u64).range(10..=60_000))]
    interval: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    common::log::init(env!("CARGO_BIN_NAME"), 0, false);
    common::exit_code(run(args))
}

/// How long a live frame keeps a change highlighted (and a row that is
/// gone, struck): one frame of 0.2 s is too short for an eye.
const HOLD: Duration = Duration::from_secs(1);

/// How many recent changes a live frame lists under the tables.
const RECENT: usize = 8;

/// How many TIME_WAIT rows that did not just change a live frame shows.
const MAX_TIME_WAIT: usize = 8;

fn run(args: Args) -> anyhow::Result<()> {
    if let Some(pid) = args.pid.filter(|&p| observer::process(p).is_none()) {
        bail!("no process with pid {pid} (ps -e lists the pids; a server prints its own in its log lines)");
    }
    let mut watch = Watch::new(args.pid, args.port.or(args.pid.is_none().then_some(SERV_PORT)));
    let tick = Duration::from_millis(args.interval);
    let mut out = Out::new(!args.once && !args.follow);
    let mut live = Live::default();
    let mut prev: Option<Frame> = None;
    let mut next = Instant::now();
    if !args.once {
        // A look can take a while on a busy machine (/proc/net/tcp with
        // tens of thousands of rows, a niced process): a thread waits on
        // stdout meanwhile, so a reader that goes away ends observe at once,
        // not after the look.
        std::thread::spawn(|| {
            loop {
                match stdout_closed(Duration::from_secs(24 * 3600 * 365)) {
                    Ok(true) => std::process::exit(0),
                    Ok(false) => {} // a signal: wait on
                    Err(_) => return,
                }
            }
        });
    }
    loop {
        let cur = watch.look();
        let wrote = if args.once {
            let r = out.put(&format!("{}{}", watch.title(&cur), snapshot(&cur)));
            return written(r);
        } else if args.follow {
            let lines = match &prev {
                None => first_lines(&cur),
                Some(p) => changes(p, &cur).into_iter().map(|c| c.text).collect(),
            };
            let at = clock(cur.at);
            lines.iter().try_for_each(|l| out.put(&format!("{at} {l}\n")))
        } else {
            let news = prev.as_ref().map(|p| changes(p, &cur)).unwrap_or_default();
            let redraw = prev.is_none() || !news.is_empty() || out.tty;
            live.note(&cur, prev.as_ref(), news);
            if redraw {
                out.frame(&live.render(&watch.title(&cur), &cur, args.interval, out.color))
            } else {
                Ok(())
            }
        };
        if wrote.is_err() {
            return written(wrote);
        }
        prev = Some(cur);
        // The pace of the view, not a wait for readiness; the wait ends
        // early when the reader of stdout goes away.
        next += tick;
        let now = Instant::now();
        match next.checked_duration_since(now) {
            Some(d) => {
                if stdout_closed(d)? {
                    return Ok(()); // `observe --follow | head -1`: done at once
                }
            }
            None => next = now,
        }
    }
}

/// What a write to stdout means for the exit: a reader that went away
/// (EPIPE: `observe --follow | head -1`) ends observe quietly with status
/// 0, as its output is no longer wanted; any other failure (ENOSPC on a
/// full disk, EIO) is an error, exit 1, so a script never takes a lost
/// snapshot for a written one.
fn written(r: std::io::Result<()>) -> anyhow::Result<()> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(anyhow::Error::new(e).context("write to stdout")),
        Ok(()) => Ok(()),
    }
}

/// Waits `d`, or less if stdout is closed meanwhile; true if it is. Rust
/// ignores SIGPIPE, so a write to a pipe nobody reads fails with EPIPE —
/// but --follow writes only when something changes, which may be never.
/// poll(2) with no events asked for still reports POLLERR (a pipe with no
/// reader left) and POLLHUP (a hung-up terminal); a regular file reports
/// neither, so the wait is then a plain sleep.
fn stdout_closed(d: Duration) -> anyhow::Result<bool> {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use std::os::fd::AsFd;
    let stdout = std::io::stdout();
    let mut fds = [PollFd::new(stdout.as_fd(), PollFlags::empty())];
    let ms = if d.as_secs() > 3600 {
        PollTimeout::NONE
    } else {
        PollTimeout::try_from(d.as_millis() as i32).unwrap_or(PollTimeout::MAX)
    };
    match poll(&mut fds, ms) {
        Ok(0) | Err(nix::errno::Errno::EINTR) => Ok(false),
        Ok(_) => {
            let r = fds[0].revents().unwrap_or(PollFlags::empty());
            if r.contains(PollFlags::POLLNVAL) {
                bail!("stdout is not open");
            }
            Ok(r.intersects(PollFlags::POLLERR | PollFlags::POLLHUP))
        }
        Err(e) => Err(anyhow::Error::new(e).context("poll stdout")),
    }
}

/// A connection's identity: (local, remote).
type Key = (SocketAddr, SocketAddr);

fn key(t: &TcpSock) -> Key {
    (t.local, t.remote)
}

/// One process of the tree, with what the lab calls it.
#[derive(Debug, Clone)]
struct ProcRow {
    /// "server", "child", "grandchild", or "process" (a root that listens on nothing).
    role: &'static str,
    row: TreeRow,
}

/// One socket and who holds it.
#[derive(Debug, Clone)]
struct SockRow {
    sock: TcpSock,
    /// (pid, fd, the command name when the pid is outside the tree: a client).
    owners: Vec<(i32, i32, Option<String>)>,
}

impl SockRow {
    /// The HELD BY column: empty for "(kernel only)".
    fn held(&self) -> Vec<String> {
        if self.owners.is_empty() && self.sock.inode != 0 {
            // Held, but by no process we may read: another user's, or one
            // that closed it between the two reads.
            return vec!["?".into()];
        }
        self.owners
            .iter()
            .map(|(pid, fd, name)| match name {
                Some(n) => format!("pid {pid}/fd {fd} {n}"),
                None => format!("pid {pid}/fd {fd}"),
            })
            .collect()
    }

    fn held_text(&self) -> String {
        let h = self.held();
        if h.is_empty() {
            "(kernel only)".into()
        } else {
            h.join(" + ")
        }
    }
}

/// What /proc said at one moment.
struct Frame {
    at: SystemTime,
    procs: Vec<ProcRow>,
    socks: Vec<SockRow>,
    /// Rows on the port left out: connections that ended before this
    /// server started (observer::predates).
    older: usize,
    /// Processes of the tree whose /proc/PID/fd this user may not read.
    hidden_fds: Vec<Unreadable>,
}

/// A process whose descriptors are hidden from us, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Unreadable {
    pid: i32,
    /// The process's owner, by name where /etc/passwd has one.
    owner: String,
    /// The error reading /proc/PID/fd (EACCES: not our user, not root).
    why: String,
}

/// What is being watched, and what earlier looks taught about it.
struct Watch {
    pid: Option<i32>,
    /// The ports watched: --port, and every port the tree has listened on.
    ports: BTreeSet<u16>,
    /// Every pid seen in the tree, kept while it lives (an orphan stays).
    members: BTreeSet<i32>,
    roles: HashMap<i32, &'static str>,
    /// Connections the tree held once, kept while they exist.
    held: HashSet<Key>,
    /// When the server started (time since boot): rows of connections
    /// that ended before are not its own. Kept after the server is gone.
    since: Option<Duration>,
}

impl Watch {
    fn new(pid: Option<i32>, port: Option<u16>) -> Watch {
        Watch {
            pid,
            ports: port.into_iter().collect(),
            members: pid.into_iter().collect(),
            roles: HashMap::new(),
            held: HashSet::new(),
            since: None,
        }
    }

    fn title(&self, f: &Frame) -> String {
        let ports: Vec<String> = self.ports.iter().map(u16::to_string).collect();
        let what = match (self.pid, ports.len()) {
            (None, _) => format!("port {}", ports.join(", ")),
            (Some(pid), 0) => format!("pid {pid}"),
            (Some(pid), 1) => format!("pid {pid}, port {}", ports[0]),
            (Some(pid), _) => format!("pid {pid}, ports {}", ports.join(", ")),
        };
        format!("observe: {what} at {} UTC\n", clock(f.at))
    }

    /// One look at /proc: the processes, the sockets, who holds what.
    fn look(&mut self) -> Frame {
        let at = SystemTime::now();
        // Sockets first, then their holders, then the processes: a socket
        // accepted and handed to a new child between two reads is then
        // seen with its holder, and the holder in the tree. A server in
        // another network namespace (a netns demo) is seen in its own.
        // Holders first (inode → pid/fd); then the sockets, picked by port
        // and by the inodes the tree holds; holders again if a socket came
        // between the two reads (accepted, handed to a new child); the
        // processes last, so that every holder is in the process list. A
        // server in another network namespace (a netns demo) is read there.
        let mut owners = observer::socket_owners();
        let tree_inodes: HashSet<u64> = owners
            .iter()
            .filter(|(_, v)| v.iter().any(|(pid, _)| self.members.contains(pid)))
            .map(|(&inode, _)| inode)
            .collect();
        let mut pick: Vec<u16> = self.ports.iter().copied().collect();
        pick.extend(self.held.iter().map(|k| k.0.port()));
        let netns = self.pid.filter(|&p| observer::process(p).is_some());
        let mut socks = observer::tcp_matching(netns, &pick, &tree_inodes);
        // A listener of the tree on a port not watched yet (--pid's first
        // look): watch its port too, and pick again.
        let more: Vec<u16> = socks
            .iter()
            .filter(|t| t.state == "LISTEN" && tree_inodes.contains(&t.inode))
            .map(|t| t.local.port())
            .filter(|p| !pick.contains(p))
            .collect();
        if !more.is_empty() {
            pick.extend(more);
            socks = observer::tcp_matching(netns, &pick, &tree_inodes);
        }
        if socks
            .iter()
            .any(|t| t.inode != 0 && !owners.contains_key(&t.inode))
        {
            owners = observer::socket_owners();
        }
        let all = observer::all_processes();
        let alive = |pid: i32| all.binary_search_by_key(&pid, |p| p.pid).is_ok();
        let held_by = |t: &TcpSock| -> &[(i32, i32)] {
            match t.inode {
                0 => &[],
                i => owners.get(&i).map_or(&[], Vec::as_slice),
            }
        };

        // The server: --pid, or whoever holds a socket on a watched port.
        let mut candidates: BTreeSet<i32> = self.members.iter().copied().filter(|&p| alive(p)).collect();
        if self.pid.is_none() {
            for t in socks.iter().filter(|t| self.ports.contains(&t.local.port())) {
                candidates.extend(held_by(t).iter().map(|&(pid, _)| pid));
            }
        }
        let ppid: HashMap<i32, i32> = all.iter().map(|p| (p.pid, p.ppid)).collect();
        let roots: Vec<i32> = candidates
            .iter()
            .copied()
            .filter(|&c| !has_ancestor_in(c, &candidates, &ppid))
            .collect();
        let tree = observer::tree(&all, &roots);
        let in_tree: HashSet<i32> = tree.iter().map(|r| r.info.pid).collect();
        // The server's start: the earliest of the roots (the fewest rows
        // are then judged older than it).
        if let Some(t) = roots.iter().filter_map(|&r| observer::started(r)).min() {
            self.since = Some(t);
        }
        let hidden_fds: Vec<Unreadable> = tree.iter().filter_map(|r| unreadable(r.info.pid)).collect();
        self.members = in_tree.iter().copied().collect();
        self.roles.retain(|pid, _| in_tree.contains(pid));

        let listening: HashSet<i32> = socks
            .iter()
            .filter(|t| t.state == "LISTEN")
            .flat_map(|t| held_by(t).iter().map(|&(pid, _)| pid))
            .filter(|pid| in_tree.contains(pid))
            .collect();
        for t in socks.iter().filter(|t| t.state == "LISTEN") {
            if held_by(t).iter().any(|(pid, _)| in_tree.contains(pid)) {
                self.ports.insert(t.local.port());
            }
        }

        let procs: Vec<ProcRow> = tree
            .into_iter()
            .map(|row| {
                let pid = row.info.pid;
                let role = match (row.depth, self.roles.get(&pid)) {
                    (_, Some(&r)) if r == "child" || r == "grandchild" => r,
                    (0, _) if listening.contains(&pid) => "server",
                    (0, _) => "process",
                    (1, _) => "child",
                    _ => "grandchild",
                };
                self.roles.insert(pid, role);
                ProcRow { role, row }
            })
            .collect();

        let tree_holds = |t: &TcpSock| held_by(t).iter().any(|(pid, _)| in_tree.contains(pid));
        let comm = |pid: i32| all.iter().find(|p| p.pid == pid).map(|p| p.comm.clone());
        let mut held = HashSet::new();
        let mut rows = Vec::new();
        let mut older = 0;
        for t in socks {
            let on_port = self.ports.contains(&t.local.port()) || self.ports.contains(&t.remote.port());
            let ours = tree_holds(&t) || self.held.contains(&key(&t));
            if ours {
                held.insert(key(&t));
            }
            if on_port && !ours && self.since.is_some_and(|s| observer::predates(&t, s)) {
                older += 1; // a reused port's leftover: not this server's
                continue;
            }
            if on_port || ours {
                let owners = held_by(&t)
                    .iter()
                    .map(|&(pid, fd)| (pid, fd, (!in_tree.contains(&pid)).then(|| comm(pid)).flatten()))
                    .collect();
                rows.push(SockRow { sock: t, owners });
            }
        }
        self.held = held;
        Frame {
            at,
            procs,
            socks: rows,
            older,
            hidden_fds,
        }
    }
}

/// Why this user cannot see `pid`'s descriptors, if it cannot: the kernel
/// lets only the process's own user (and root) read /proc/PID/fd (ptrace
/// access mode PTRACE_MODE_READ, proc(5)); None when it can, or when the
/// process is gone.
fn unreadable(pid: i32) -> Option<Unreadable> {
    let e = std::fs::read_dir(format!("/proc/{pid}/fd")).err()?;
    if e.kind() == std::io::ErrorKind::NotFound {
        return None;
    }
    let uid = observer::uid(pid)?;
    let owner = nix::unistd::User::from_uid(uid.into())
        .ok()
        .flatten()
        .map_or(format!("uid {uid}"), |u| format!("user {}, uid {uid}", u.name));
    Some(Unreadable {
        pid,
        owner,
        why: common::error::strerror(&e),
    })
}

/// What a frame says under its socket table about rows it could not place:
/// another user's processes, and a reused port's older rows; one paragraph
/// each, its lines broken for a terminal (--follow joins them).
fn notes(f: &Frame) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(u) = f.hidden_fds.first() {
        let me = nix::unistd::Uid::effective();
        let me = nix::unistd::User::from_uid(me)
            .ok()
            .flatten()
            .map_or(format!("uid {me}"), |u| format!("{}, uid {me}", u.name));
        let pids: Vec<String> = f.hidden_fds.iter().map(|u| u.pid.to_string()).collect();
        v.push(format!(
            "cannot see the descriptors of pid {} ({}): /proc/{}/fd: {}.\n\
             The kernel shows a process's fds only to its own user and root, so no\n\
             socket can be tied to it; you are {me}. Run observe as that user (or\n\
             root), or give --port to list the port's sockets without their holders.",
            pids.join(", "),
            u.owner,
            u.pid,
            u.why
        ));
    } else if f.socks.iter().any(|r| r.held() == ["?"]) {
        v.push(
            "? = held by a process whose descriptors you cannot read: another user's\n\
             (the kernel shows /proc/PID/fd only to its own user and root)."
                .into(),
        );
    }
    if f.older > 0 {
        v.push(format!(
            "{} older row{} on this port not shown: TIME_WAIT of connections that ended\n\
             before this server started (a reused port; /proc/net/tcp's timer dates them).",
            f.older,
            if f.older == 1 { "" } else { "s" }
        ));
    }
    v
}

/// Is one of `pid`'s ancestors (up its ppid chain) in `set`?
fn has_ancestor_in(pid: i32, set: &BTreeSet<i32>, ppid: &HashMap<i32, i32>) -> bool {
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

/// `HH:MM:SS.mmm`, UTC, as the lab's log lines write the time.
fn clock(t: SystemTime) -> String {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let s = d.as_secs() % 86_400;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        d.subsec_millis()
    )
}

/// The two tables of one frame, as `--once` prints them, and its notes.
fn snapshot(f: &Frame) -> String {
    let notes: String = notes(f).iter().map(|n| format!("{n}\n")).collect();
    let socks = if f.socks.is_empty() && !f.hidden_fds.is_empty() {
        String::new() // the note says why there is nothing to show
    } else {
        sock_table(&f.socks, None)
    };
    let sep = if notes.is_empty() || socks.is_empty() {
        ""
    } else {
        "\n"
    };
    format!("{}\n{socks}{sep}{notes}", proc_table(&f.procs, None))
}

/// The process table; with `marks`, each line starts with a marker column.
fn proc_table(rows: &[ProcRow], marks: Option<&dyn Fn(usize) -> &'static str>) -> String {
    if rows.is_empty() && marks.is_none() {
        return "(no process to show)\n".into();
    }
    let tree: Vec<TreeRow> = rows.iter().map(|r| r.row.clone()).collect();
    with_marks(&observer::format_tree(&tree), marks)
}

/// The socket table (observer's format, HELD BY filled in).
fn sock_table(rows: &[SockRow], marks: Option<&dyn Fn(usize) -> &'static str>) -> String {
    if rows.is_empty() && marks.is_none() {
        return "(no TCP socket to show)\n".into();
    }
    let held: HashMap<Key, Vec<String>> = rows.iter().map(|r| (key(&r.sock), r.held())).collect();
    let held_by = |t: &TcpSock| held.get(&key(t)).cloned().unwrap_or_default();
    let socks: Vec<TcpSock> = rows.iter().map(|r| r.sock.clone()).collect();
    with_marks(&observer::format_sockets_by(&socks, 0, Some(&held_by)), marks)
}

/// Prefixes each row of a table (not its header) with `marks(row index)`.
fn with_marks(table: &str, marks: Option<&dyn Fn(usize) -> &'static str>) -> String {
    let Some(marks) = marks else {
        return table.to_string();
    };
    let mut s = String::new();
    for (i, line) in table.lines().enumerate() {
        let m = if i == 0 { "  " } else { marks(i - 1) };
        s.push_str(m);
        s.push_str(line);
        s.push('\n');
    }
    s
}

/// A row of a frame, by identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum RowKey {
    Proc(i32),
    Sock(SocketAddr, SocketAddr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    New,
    Changed,
    Gone,
}

/// One change between two frames, and its line for --follow.
struct Change {
    key: RowKey,
    kind: Kind,
    text: String,
}

fn conn(t: &TcpSock) -> String {
    format!("{} ↔ {}", t.local, t.remote)
}

fn queues(t: &TcpSock) -> String {
    let mut s = String::new();
    if t.recv_q != 0 {
        s.push_str(&format!("; Recv-Q {}", t.recv_q));
    }
    if t.send_q != 0 {
        s.push_str(&format!("; Send-Q {}", t.send_q));
    }
    s
}

fn proc_line(p: &ProcRow, verb: &str) -> String {
    let i = &p.row.info;
    let z = if i.is_zombie() { " <defunct>" } else { "" };
    format!("{} {} {verb}{} {}{z}", p.role, i.pid, i.state, p.row.command)
}

fn sock_line(r: &SockRow, verb: &str) -> String {
    format!(
        "{} {verb}{}{}; held by {}",
        conn(&r.sock),
        r.sock.state,
        queues(&r.sock),
        r.held_text()
    )
}

/// The first lines of --follow: every row as it is.
fn first_lines(f: &Frame) -> Vec<String> {
    let mut v: Vec<String> = f.procs.iter().map(|p| proc_line(p, "")).collect();
    v.extend(f.socks.iter().map(|r| sock_line(r, "")));
    if v.is_empty() {
        v.push("nothing yet: no process, no socket".into());
    }
    v.extend(notes(f).iter().map(|n| n.replace('\n', " ")));
    v
}

/// What changed from `a` to `b`, processes first, each in table order.
fn changes(a: &Frame, b: &Frame) -> Vec<Change> {
    let mut v = Vec::new();
    let old: HashMap<i32, &ProcRow> = a.procs.iter().map(|p| (p.row.info.pid, p)).collect();
    let new: HashSet<i32> = b.procs.iter().map(|p| p.row.info.pid).collect();
    for p in &b.procs {
        let i = &p.row.info;
        let key = RowKey::Proc(i.pid);
        match old.get(&i.pid) {
            None => v.push(Change {
                key,
                kind: Kind::New,
                text: proc_line(p, "new "),
            }),
            Some(o) if o.row.info.state != i.state => v.push(Change {
                key,
                kind: Kind::Changed,
                text: format!("{} {} {} → {}", p.role, i.pid, o.row.info.state, i.state),
            }),
            Some(_) => {}
        }
    }
    for o in a.procs.iter().filter(|o| !new.contains(&o.row.info.pid)) {
        let i = &o.row.info;
        let how = if i.is_zombie() { " (reaped)" } else { "" };
        v.push(Change {
            key: RowKey::Proc(i.pid),
            kind: Kind::Gone,
            text: format!("{} {} {} → gone{how}", o.role, i.pid, i.state),
        });
    }

    let old: HashMap<Key, &SockRow> = a.socks.iter().map(|r| (key(&r.sock), r)).collect();
    let new: HashSet<Key> = b.socks.iter().map(|r| key(&r.sock)).collect();
    for r in &b.socks {
        let (t, k) = (&r.sock, key(&r.sock));
        let rk = RowKey::Sock(k.0, k.1);
        let Some(o) = old.get(&k) else {
            v.push(Change {
                key: rk,
                kind: Kind::New,
                text: sock_line(r, "new "),
            });
            continue;
        };
        let mut parts = Vec::new();
        if o.sock.state != t.state {
            parts.push(format!("{} → {}", o.sock.state, t.state));
        }
        if o.sock.recv_q != t.recv_q {
            parts.push(format!("Recv-Q {} → {}", o.sock.recv_q, t.recv_q));
        }
        if o.sock.send_q != t.send_q {
            parts.push(format!("Send-Q {} → {}", o.sock.send_q, t.send_q));
        }
        // Holders by pid and fd: a client's name is gone once it has exited.
        let pid_fd = |r: &SockRow| r.owners.iter().map(|&(p, f, _)| (p, f)).collect::<Vec<_>>();
        if pid_fd(o) != pid_fd(r) || o.held().is_empty() != r.held().is_empty() {
            parts.push(format!("held by {} → {}", o.held_text(), r.held_text()));
        }
        if !parts.is_empty() {
            v.push(Change {
                key: rk,
                kind: Kind::Changed,
                text: format!("{} {}", conn(t), parts.join("; ")),
            });
        }
    }
    for o in a.socks.iter().filter(|o| !new.contains(&key(&o.sock))) {
        let k = key(&o.sock);
        v.push(Change {
            key: RowKey::Sock(k.0, k.1),
            kind: Kind::Gone,
            text: format!("{} {} → gone", conn(&o.sock), o.sock.state),
        });
    }
    v
}

/// What the live view remembers between frames: recent changes and rows
/// that are gone but still shown, struck, for [`HOLD`].
#[derive(Default)]
struct Live {
    marks: HashMap<RowKey, (Instant, Kind)>,
    gone_procs: Vec<(Instant, ProcRow)>,
    gone_socks: Vec<(Instant, SockRow)>,
    recent: VecDeque<String>,
}

impl Live {
    fn note(&mut self, cur: &Frame, prev: Option<&Frame>, news: Vec<Change>) {
        let now = Instant::now();
        let at = clock(cur.at);
        for c in news {
            if let Some(p) = prev.filter(|_| c.kind == Kind::Gone) {
                match c.key {
                    RowKey::Proc(pid) => self.gone_procs.extend(
                        p.procs
                            .iter()
                            .filter(|r| r.row.info.pid == pid)
                            .map(|r| (now, r.clone())),
                    ),
                    RowKey::Sock(l, r) => self.gone_socks.extend(
                        p.socks
                            .iter()
                            .filter(|s| key(&s.sock) == (l, r))
                            .map(|s| (now, s.clone())),
                    ),
                }
            }
            self.marks.insert(c.key, (now, c.kind));
            self.recent.push_back(format!("{at} {}", c.text));
        }
        while self.recent.len() > RECENT {
            self.recent.pop_front();
        }
        let fresh = |t: &Instant| now.duration_since(*t) < HOLD;
        self.marks.retain(|_, (t, _)| fresh(t));
        // A row that came back (a pid reused, a port reused) is no ghost.
        let pids: HashSet<i32> = cur.procs.iter().map(|p| p.row.info.pid).collect();
        let keys: HashSet<Key> = cur.socks.iter().map(|r| key(&r.sock)).collect();
        self.gone_procs
            .retain(|(t, r)| fresh(t) && !pids.contains(&r.row.info.pid));
        self.gone_socks
            .retain(|(t, r)| fresh(t) && !keys.contains(&key(&r.sock)));
    }

    fn render(&self, title: &str, f: &Frame, interval: u64, color: bool) -> String {
        let mark = |k: RowKey| -> &'static str {
            match self.marks.get(&k) {
                Some((_, Kind::New)) => "+ ",
                Some((_, Kind::Changed)) => "* ",
                Some((_, Kind::Gone)) => "- ",
                None => "  ",
            }
        };
        let mut procs: Vec<ProcRow> = f.procs.clone();
        procs.extend(self.gone_procs.iter().map(|(_, r)| r.clone()));
        // After a benchmark a port has thousands of TIME_WAIT rows: a live
        // frame keeps the ones that just changed and a few more, so that it
        // still fits a terminal (--once and --follow list every row).
        let mut hidden = 0;
        let mut shown_tw = 0;
        let mut socks: Vec<SockRow> = Vec::new();
        for r in &f.socks {
            let k = key(&r.sock);
            if r.sock.state == "TIME_WAIT" && !self.marks.contains_key(&RowKey::Sock(k.0, k.1)) {
                shown_tw += 1;
                if shown_tw > MAX_TIME_WAIT {
                    hidden += 1;
                    continue;
                }
            }
            socks.push(r.clone());
        }
        let n_live_socks = socks.len();
        socks.extend(self.gone_socks.iter().map(|(_, r)| r.clone()));
        let n_live_procs = f.procs.len();
        let pmark = |i: usize| {
            if i >= n_live_procs {
                "- "
            } else {
                mark(RowKey::Proc(procs[i].row.info.pid))
            }
        };
        let smark = |i: usize| {
            if i >= n_live_socks {
                "- "
            } else {
                let k = key(&socks[i].sock);
                mark(RowKey::Sock(k.0, k.1))
            }
        };
        let mut s = format!(
            "{}  every {interval} ms; Ctrl-C quits; + new, * changed, - gone\n\n",
            title.trim_end()
        );
        s.push_str(&proc_table(&procs, Some(&pmark)));
        if procs.is_empty() {
            s.push_str("  (no process to show)\n");
        }
        s.push('\n');
        s.push_str(&sock_table(&socks, Some(&smark)));
        if socks.is_empty() && f.hidden_fds.is_empty() {
            s.push_str("  (no TCP socket to show)\n");
        }
        if hidden > 0 {
            s.push_str(&format!(
                "  … and {hidden} more in TIME_WAIT (--once lists them all)\n"
            ));
        }
        for l in notes(f).iter().flat_map(|n| n.lines()) {
            s.push_str("  ");
            s.push_str(l);
            s.push('\n');
        }
        s.push_str("\nrecent changes:\n");
        for l in &self.recent {
            s.push_str("  ");
            s.push_str(l);
            s.push('\n');
        }
        if color { paint(&s) } else { s }
    }
}

/// Colours the marked rows of a frame: green new, bold yellow changed, red
/// and struck gone. Plain ANSI, no terminal library.
fn paint(frame: &str) -> String {
    let mut s = String::new();
    for line in frame.lines() {
        let sgr = match line.get(..2) {
            Some("+ ") => "\x1b[32m",
            Some("* ") => "\x1b[1;33m",
            Some("- ") => "\x1b[31;9m",
            _ => "",
        };
        if sgr.is_empty() {
            s.push_str(line);
        } else {
            s.push_str(sgr);
            s.push_str(line);
            s.push_str("\x1b[0m");
        }
        s.push('\n');
    }
    s
}

/// stdout: for live mode on a terminal, redraw in place; otherwise append.
struct Out {
    tty: bool,
    color: bool,
    first: bool,
}

impl Out {
    fn new(live: bool) -> Out {
        let tty = live && std::io::stdout().is_terminal();
        Out {
            tty,
            color: tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            first: true,
        }
    }

    /// Writes `s` (and flushes: a failure shows at once).
    fn put(&mut self, s: &str) -> std::io::Result<()> {
        let mut o = std::io::stdout().lock();
        o.write_all(s.as_bytes()).and_then(|()| o.flush())
    }

    /// One live frame: on a terminal, drawn over the last one (cursor home,
    /// each line cleared to its end, the rest of the screen cleared);
    /// elsewhere, appended after a blank line.
    fn frame(&mut self, f: &str) -> std::io::Result<()> {
        let first = std::mem::replace(&mut self.first, false);
        if !self.tty {
            return self.put(&format!("{}{f}", if first { "" } else { "\n" }));
        }
        let mut s = String::from(if first { "\x1b[2J\x1b[H" } else { "\x1b[H" });
        for line in f.lines() {
            s.push_str(line);
            s.push_str("\x1b[K\n");
        }
        s.push_str("\x1b[J");
        self.put(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::lab::observer::ProcInfo;

    fn sock(local: &str, remote: &str, state: &'static str, inode: u64) -> TcpSock {
        TcpSock {
            local: local.parse().unwrap(),
            remote: remote.parse().unwrap(),
            state,
            recv_q: 0,
            send_q: 0,
            inode,
            waiting_since: None,
        }
    }

    fn proc_row(role: &'static str, pid: i32, state: char) -> ProcRow {
        ProcRow {
            role,
            row: TreeRow {
                depth: usize::from(role != "server"),
                info: ProcInfo {
                    pid,
                    ppid: 1,
                    state,
                    comm: "tcpserv01".into(),
                },
                command: "tcpserv01".into(),
            },
        }
    }

    fn frame(procs: Vec<ProcRow>, socks: Vec<SockRow>) -> Frame {
        Frame {
            at: SystemTime::UNIX_EPOCH,
            procs,
            socks,
            older: 0,
            hidden_fds: Vec::new(),
        }
    }

    #[test]
    fn changes_read_as_the_lab_writes_them() {
        let est = sock("127.0.0.1:9877", "127.0.0.1:51234", "ESTABLISHED", 7);
        let mut cw = sock("127.0.0.1:9877", "127.0.0.1:51234", "CLOSE_WAIT", 7);
        cw.recv_q = 1;
        let a = frame(
            vec![
                proc_row("server", 10, 'S'),
                proc_row("child", 11, 'S'),
                proc_row("child", 12, 'Z'),
            ],
            vec![SockRow {
                sock: est,
                owners: vec![(11, 4, None)],
            }],
        );
        let b = frame(
            vec![proc_row("server", 10, 'S'), proc_row("child", 11, 'Z')],
            vec![
                SockRow {
                    sock: cw,
                    owners: vec![],
                },
                SockRow {
                    sock: sock("127.0.0.1:51236", "127.0.0.1:9877", "TIME_WAIT", 0),
                    owners: vec![],
                },
            ],
        );
        let lines: Vec<String> = changes(&a, &b).into_iter().map(|c| c.text).collect();
        assert_eq!(
            lines,
            [
                "child 11 S → Z",
                "child 12 Z → gone (reaped)",
                "127.0.0.1:9877 ↔ 127.0.0.1:51234 ESTABLISHED → CLOSE_WAIT; Recv-Q 0 → 1; \
                 held by pid 11/fd 4 → ?",
                "127.0.0.1:51236 ↔ 127.0.0.1:9877 new TIME_WAIT; held by (kernel only)",
            ]
        );
        assert!(changes(&b, &b).is_empty());
    }

    #[test]
    fn older_rows_are_counted_in_one_line_per_note() {
        let mut f = frame(
            vec![proc_row("server", 10, 'S')],
            vec![SockRow {
                sock: sock("127.0.0.1:9877", "0.0.0.0:0", "LISTEN", 5),
                owners: vec![(10, 3, None)],
            }],
        );
        f.older = 5;
        let once = snapshot(&f);
        assert!(
            once.ends_with(
                "pid 10/fd 3\n\n5 older rows on this port not shown: TIME_WAIT of connections that ended\n\
                            before this server started (a reused port; /proc/net/tcp's timer dates them).\n"
            ),
            "{once}"
        );
        let follow = first_lines(&f);
        assert_eq!(
            follow.last().map(String::as_str),
            Some(
                "5 older rows on this port not shown: TIME_WAIT of connections that ended \
                 before this server started (a reused port; /proc/net/tcp's timer dates them)."
            )
        );
        f.older = 0;
        assert!(!snapshot(&f).contains("older"), "no note without older rows");
    }

    #[test]
    fn a_live_frame_colours_marked_rows_only() {
        let painted = paint("  header\n+ new\n* changed\n- gone\n  same\n");
        assert_eq!(
            painted,
            "  header\n\x1b[32m+ new\x1b[0m\n\x1b[1;33m* changed\x1b[0m\n\x1b[31;9m- gone\x1b[0m\n  same\n"
        );
    }

    #[test]
    fn the_clock_is_utc_with_milliseconds() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(86_400_000 + 3_723_045);
        assert_eq!(clock(t), "01:02:03.045");
    }
}

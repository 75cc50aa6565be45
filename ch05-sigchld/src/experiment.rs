//! The steps of the guided experiment, shared by the default-run demo
//! (`sigchld_demo`), the bench (`bench_churn`) and the integration tests,
//! so that what the students watch is exactly what the tests assert.
//!
//! Every program runs as a separate process through
//! `common::lab::harness::Proc` (its own process group, killed and reaped on
//! drop); nothing here forks. Nothing sleeps to wait for readiness: the
//! server's `listening on` line gives the port, and /proc is polled with a
//! deadline.
//!
//! The SIGCHLD count is made exact by the stop-the-parent method (docs: ch05-sigchld/experiment.md):
//! SIGSTOP the server and wait until /proc shows `T`; let the five children
//! exit and become `Z` (their five SIGCHLDs collapse into one pending
//! signal); SIGCONT. The handler then runs exactly once.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use common::lab::harness::{self, DEADLINE, Proc, eventually};
use common::lab::observer::{self, ProcInfo};
use common::readline::Rline;
use socket2::{Domain, SockAddr, Socket, Type};

/// A program to run: `program` is either a path — the tests pass
/// `env!("CARGO_BIN_EXE_…")`, known at compile time — or a bare name, which
/// the demo and the bench use for a program built beside them
/// ([`harness::bin_path`]). The experiment's own helpers (tcpcli04, the
/// subreaper) are found by name in the same way.
fn bin(program: &str) -> PathBuf {
    if program.contains('/') {
        PathBuf::from(program)
    } else {
        harness::bin_path(program)
    }
}

/// Starts `name` (a program name or a path, see [`bin`]) on an ephemeral
/// loopback port with `args`, and waits for its `listening on` line.
pub fn start_server(name: &str, args: &[&str]) -> anyhow::Result<(Proc, SocketAddr)> {
    let mut all = vec!["--port", "0"];
    all.extend_from_slice(args);
    let server = Proc::spawn(bin(name), &all)?;
    let addr = server.listening()?;
    Ok((server, addr))
}

/// Waits until every child of `pid` has ended: each one is a zombie or
/// already gone.
pub fn wait_children_ended(pid: i32) -> anyhow::Result<()> {
    eventually(DEADLINE, &format!("the children of pid {pid} to end"), || {
        observer::children(pid)
            .iter()
            .all(ProcInfo::is_zombie)
            .then_some(())
    })
    .with_context(|| observer::process_table(pid))
}

/// Waits until the server `pid` is idle in accept
/// ([`observer::idle_in_accept`]: asleep in accept(2), no SIGCHLD pending
/// or being handled) — or has died (`Z` until its spawner reaps it, or
/// gone). Returns `S`, `Z`, or `-` for gone.
pub fn wait_idle(pid: i32) -> anyhow::Result<char> {
    eventually(DEADLINE, &format!("pid {pid} to be idle in accept"), || {
        if observer::idle_in_accept(pid) {
            return Some('S');
        }
        match observer::state(pid) {
            Some('Z') => Some('Z'),
            None => Some('-'),
            _ => None,
        }
    })
}

/// Waits until the server `pid` listening on `addr` has settled after a
/// burst of clients: every connection accepted (its listener's queue is
/// empty), every child it forked has ended, and it is idle in accept
/// ([`wait_idle`]) with still no child alive and nothing queued. Only then
/// is its zombie count final. Without the queue a bench that does not wait
/// for echoes finishes while connections still queue; the children of those
/// may end *after* the server was seen idle, and be counted as zombies
/// before their SIGCHLD was handled (tcpserv04 "zombies after: 6" under load).
pub fn wait_settled(pid: i32, addr: SocketAddr) -> anyhow::Result<char> {
    let calm = || {
        let queued = observer::tcp_sockets_at(addr)
            .iter()
            .any(|t| t.state == "LISTEN" && t.recv_q > 0);
        !queued && observer::children(pid).iter().all(ProcInfo::is_zombie)
    };
    eventually(
        DEADLINE,
        &format!("pid {pid} to settle: queue empty, children ended, idle in accept"),
        || {
            if !calm() {
                return None;
            }
            let state = if observer::idle_in_accept(pid) {
                'S'
            } else {
                match observer::state(pid) {
                    Some('Z') => return Some('Z'),
                    None => return Some('-'),
                    _ => return None,
                }
            };
            calm().then_some(state)
        },
    )
    .with_context(|| observer::process_table(pid))
}

/// Waits until `pid` is blocked in accept(2) — /proc/PID/syscall names the
/// system call a sleeping process is in — so that a signal sent now
/// interrupts accept, not some other step of the loop.
pub fn wait_in_accept(pid: i32) -> anyhow::Result<()> {
    eventually(DEADLINE, &format!("pid {pid} to block in accept"), || {
        observer::blocked_in(pid, &[nix::libc::SYS_accept4]).then_some(())
    })
}

/// A client connection made with the chapter's own calls (socket2).
pub fn connect(addr: SocketAddr) -> anyhow::Result<Socket> {
    let s = common::wrapsock::socket(Domain::for_address(addr), Type::STREAM, None)?;
    common::wrapsock::connect(&s, &SockAddr::from(addr)).with_context(|| format!("connect to {addr}"))?;
    Ok(s)
}

/// Sends `line` on `s` and returns the line that comes back.
pub fn round_trip(s: &Socket, line: &[u8]) -> anyhow::Result<Vec<u8>> {
    common::writen::writen(s, line).context("write")?;
    let mut reply = Vec::new();
    Rline::new(s).readline(&mut reply).context("read")?;
    if reply.is_empty() {
        bail!("the server closed the connection instead of answering");
    }
    Ok(reply)
}

/// What `five_clients` saw.
pub struct Five {
    /// The server, still running (or dead), and its address.
    pub server: Proc,
    pub addr: SocketAddr,
    /// The server's pid.
    pub pid: i32,
    /// The process table while the server was stopped and its five
    /// children had become zombies (stop method only).
    pub stopped_table: Option<String>,
    /// The process table once the server is back in accept.
    pub table: String,
    /// Zombie children of the server at that moment.
    pub zombies: usize,
}

impl Five {
    /// The "child N terminated" lines the server's handler printed, once
    /// at least `at_least` have been read from its stderr pipe (or the
    /// deadline passed): the handler has written them by the time the
    /// server is idle again, but the harness reads the pipe on its own thread.
    pub fn terminated(&self, at_least: usize) -> usize {
        let count = || {
            self.server
                .stderr_text()
                .lines()
                .filter(|l| l.contains(" terminated"))
                .count()
        };
        eventually(DEADLINE, "the handler's lines", || {
            (count() >= at_least).then_some(())
        })
        .ok();
        count()
    }

    /// A sixth client connects; returns the line toupper_fork logs before
    /// it forks — what `waitpid(-1, WNOHANG)` found left to collect
    /// (ECHILD under SIG_IGN, one of the zombies without it).
    pub fn sixth_waitpid_line(&self) -> anyhow::Result<String> {
        let before = self.server.stderr_text().lines().count();
        let s = connect(self.addr)?;
        let line = eventually(DEADLINE, "the sixth waitpid line", || {
            self.server
                .stderr_text()
                .lines()
                .skip(before)
                .find(|l| l.contains("waitpid(-1, WNOHANG)"))
                .map(str::to_owned)
        })?;
        drop(s);
        Ok(line)
    }
}

/// UNP Fig 5.9–5.10: `tcpcli04` opens five connections to `server` (run
/// with `args`), echoes one line on the first, and exits, so that five
/// server children end at the same moment. With `stop` the server is
/// stopped meanwhile (the stop-the-parent method), which makes the count
/// exact; without it the result depends on how the SIGCHLDs happened to
/// coalesce.
pub fn five_clients(server: &str, args: &[&str], stop: bool) -> anyhow::Result<Five> {
    five_clients_then(server, args, stop, &mut |_, _| Ok(()))
}

/// `five_clients`, calling `while_stopped(server pid, process table)` at
/// the moment the server is stopped and its five children have ended (as
/// zombies, or discarded under SIG_IGN): sigchld_demo's `--pause` holds
/// there, so ps and observe see them.
pub fn five_clients_then(
    server: &str,
    args: &[&str],
    stop: bool,
    while_stopped: &mut dyn FnMut(i32, &str) -> anyhow::Result<()>,
) -> anyhow::Result<Five> {
    let (server, addr) = start_server(server, args)?;
    let pid = server.pid();
    let port = addr.port().to_string();
    let mut cli = Proc::spawn(
        bin("tcpcli04"),
        &[addr.ip().to_string().as_str(), "--port", &port],
    )?;
    // All five accepted and forked before the parent is stopped.
    harness::wait_children(pid, 5, DEADLINE)?;
    if stop {
        harness::stop(pid)?;
    }
    cli.write_stdin(b"hello\n")?;
    cli.wait_stdout(b"\n", DEADLINE)?;
    cli.close_stdin(); // EOF: tcpcli04 exits, its five sockets close at once
    cli.expect_exit(0, DEADLINE)?;
    wait_children_ended(pid)?;
    let stopped_table = if stop {
        let t = observer::process_table(pid);
        while_stopped(pid, &t)?;
        harness::cont(pid)?;
        Some(t)
    } else {
        None
    };
    wait_idle(pid)?;
    let table = observer::process_table(pid);
    let zombies = observer::zombies(pid).len();
    Ok(Five {
        server,
        addr,
        pid,
        stopped_table,
        table,
        zombies,
    })
}

/// What happened when the server's first child ended (UNP 5.9).
#[derive(Debug)]
pub enum FirstChild {
    /// The server died: how, and its last stderr line.
    Died { status: String, line: String },
    /// The server lived on and echoed a second client's line.
    Served { echo: String },
}

/// UNP 5.9: one client connects and leaves; its server child ends and the
/// SIGCHLD handler interrupts the parent's accept. Then a second client
/// tries to talk to the server.
pub fn first_child_ends(server: &str, args: &[&str]) -> anyhow::Result<FirstChild> {
    let (mut server, addr) = start_server(server, args)?;
    let pid = server.pid();
    let first = connect(addr)?;
    harness::wait_children(pid, 1, DEADLINE)?;
    wait_in_accept(pid)?; // the book's case: SIGCHLD while blocked in accept
    drop(first); // close: the child reads EOF and exits → SIGCHLD
    wait_children_ended(pid)?;
    if wait_idle(pid)? != 'S' {
        let st = server.wait_exit(DEADLINE)?;
        let text = server.stderr_text();
        let line = text.lines().last().unwrap_or_default().to_owned();
        return Ok(FirstChild::Died {
            status: harness::describe(st),
            line,
        });
    }
    let second = connect(addr)?;
    let echo = round_trip(&second, b"still there?\n")?;
    Ok(FirstChild::Served {
        echo: String::from_utf8_lossy(&echo).trim_end().to_owned(),
    })
}

/// `n` sequential connections to `addr`: connect, then (with `echo`) one
/// line there and back, then close. Returns the time it took.
pub fn churn(addr: SocketAddr, n: usize, echo: bool) -> anyhow::Result<Duration> {
    let start = Instant::now();
    for i in 0..n {
        let s = connect(addr).with_context(|| format!("connection {i}"))?;
        if echo {
            round_trip(&s, b"x\n").with_context(|| format!("connection {i}"))?;
        }
        drop(s);
    }
    Ok(start.elapsed())
}

/// What `adoption` saw.
pub struct Adoption {
    /// The subreaper's pid, and the server's.
    pub subreaper: i32,
    pub server: i32,
    /// The subreaper's process table while the clients were connected.
    pub table: String,
    /// The server's children while the clients were connected.
    pub server_children: Vec<ProcInfo>,
    /// Processes adopted by the subreaper while the clients were connected
    /// (its children other than the server).
    pub adopted: Vec<ProcInfo>,
    /// Zombies under the server after the clients left.
    pub zombies_after: usize,
    /// "reaped orphan" lines the subreaper printed after the clients left.
    pub reaped: Vec<String>,
}

/// The to_upper blog post's version 2: runs `server` under the `subreaper` helper, connects
/// `clients` clients that each get one line upper-cased, then closes them.
/// A double-forking server leaves its grandchildren to the subreaper: they
/// show up as the subreaper's children while they serve, and the
/// subreaper reaps them when they end.
pub fn adoption(server: &str, args: &[&str], clients: usize) -> anyhow::Result<Adoption> {
    adoption_then(server, args, clients, &mut |_, _, _| Ok(()))
}

/// `adoption`, calling `while_served(subreaper pid, server pid, process
/// table)` while
/// the clients are connected and the adopted workers serve them
/// (sigchld_demo's `--pause` holds there).
pub fn adoption_then(
    server: &str,
    args: &[&str],
    clients: usize,
    while_served: &mut dyn FnMut(i32, i32, &str) -> anyhow::Result<()>,
) -> anyhow::Result<Adoption> {
    let server_bin = bin(server);
    let mut all: Vec<&str> = vec![server_bin.to_str().unwrap_or_default(), "--port", "0"];
    all.extend_from_slice(args);
    let reaper = Proc::spawn(bin("subreaper"), &all)?;
    let addr = reaper.listening()?;
    let subreaper = reaper.pid();
    let spid = harness::wait_children(subreaper, 1, DEADLINE)?
        .first()
        .map(|p| p.pid)
        .unwrap_or_default();
    let mut socks = Vec::new();
    for _ in 0..clients {
        let s = connect(addr)?;
        round_trip(&s, b"hi\n")?; // served by then
        socks.push(s);
    }
    let table = observer::process_table(subreaper);
    while_served(subreaper, spid, &table)?;
    let server_children = observer::children(spid);
    let adopted: Vec<ProcInfo> = observer::children(subreaper)
        .into_iter()
        .filter(|p| p.pid != spid)
        .collect();
    drop(socks);
    // Wait for every process that served a client to end and be reaped.
    let reaped = eventually(DEADLINE, "the adopted processes to be reaped", || {
        let lines: Vec<String> = reaper
            .stderr_text()
            .lines()
            .filter(|l| l.contains("reaped orphan"))
            .map(str::to_owned)
            .collect();
        (lines.len() >= adopted.len() && observer::children(spid).iter().all(ProcInfo::is_zombie))
            .then_some(lines)
    })?;
    wait_idle(spid)?;
    let zombies_after = observer::zombies(spid).len();
    Ok(Adoption {
        subreaper,
        server: spid,
        table,
        server_children,
        adopted,
        zombies_after,
        reaped,
    })
}

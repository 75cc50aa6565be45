//! tcpservd, beyond the book: each thing a production fork server adds to
//! tcpserv04, checked against the kernel — and, where tcpserv04 lacks it,
//! the same check run on tcpserv04 and shown failing.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use ch05_sigchld::experiment::{self, connect, round_trip};
use common::lab::harness::{DEADLINE, Proc, eventually};
use common::lab::observer;

use crate::support::bin;
use nix::sys::signal::Signal;
use socket2::Socket;

fn start(bin: &str, args: &[&str]) -> (Proc, SocketAddr) {
    experiment::start_server(bin, args).unwrap_or_else(|e| panic!("{bin} {args:?}: {e:#}"))
}

/// Runs a short helper (prlimit, ...) to completion, in a guard.
fn run(cmd: &str, args: &[&str]) -> anyhow::Result<()> {
    let mut p = Proc::spawn(cmd, args)?;
    p.expect_exit(0, DEADLINE)
}

fn fd_count(pid: i32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

/// The descriptor number the next open or accept of `pid` would get: the
/// lowest one not in use. (Programs may inherit stray descriptors, e.g.
/// cargo's jobserver pipe, so this is not always the count.)
fn next_fd(pid: i32) -> usize {
    let used: Vec<usize> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    (0..).find(|n| !used.contains(n)).unwrap_or(0)
}

fn fds_of(pid: i32) -> Vec<String> {
    let Ok(d) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return vec![];
    };
    d.filter_map(Result::ok)
        .map(|e| {
            format!(
                "{}→{}",
                e.file_name().to_string_lossy(),
                std::fs::read_link(e.path()).unwrap_or_default().display()
            )
        })
        .collect()
}

/// utime + stime of `pid`, in clock ticks.
fn cpu_ticks(pid: i32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let f: Vec<u64> = rest.split_whitespace().map(|x| x.parse().unwrap_or(0)).collect();
    f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0)
}

fn alive(pid: i32) -> bool {
    !matches!(observer::state(pid), None | Some('Z'))
}

/// Waits until `pid` is asleep again in poll(2) or accept(2) (true) or has
/// died (false).
fn back_asleep_or_dead(pid: i32) -> anyhow::Result<bool> {
    use nix::libc::{SYS_accept4, SYS_poll, SYS_ppoll};
    eventually(DEADLINE, "the server to sleep again or die", || {
        if observer::blocked_in(pid, &[SYS_accept4, SYS_poll, SYS_ppoll]) {
            return Some(true);
        }
        (!alive(pid)).then_some(false)
    })
}

/// Expects no reply on `s` for `window` (a negative check, bounded).
fn silent_for(s: &Socket, window: Duration) -> anyhow::Result<()> {
    s.set_read_timeout(Some(window))?;
    let mut b = [0u8; 64];
    let r = (&*s).read(&mut b);
    s.set_read_timeout(None)?;
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Ok(()),
        Ok(n) => bail!("answered at once ({n} bytes) instead of waiting"),
        Err(e) => Err(e.into()),
    }
}

/// Waits for EOF on `s` (the server closed), within `timeout`.
fn eof_within(s: &Socket, timeout: Duration) -> anyhow::Result<()> {
    s.set_read_timeout(Some(timeout))?;
    let mut b = [0u8; 64];
    match (&*s).read(&mut b) {
        Ok(0) => Ok(()),
        Ok(n) => bail!("{n} unexpected bytes"),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
            bail!("still open after {timeout:?}")
        }
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Ok(()),
        Err(e) => Err(e.into()),
    }
}

// --- EMFILE ---------------------------------------------------------------

/// With the soft RLIMIT_NOFILE at the server's next descriptor number, a
/// client makes accept fail with EMFILE: the server must stay alive, use
/// under 10 % of a CPU over one second, and serve a new client once the
/// limit is lifted.
fn survives_emfile(bin: &str) -> anyhow::Result<()> {
    let (server, addr) = start(bin, &[]);
    let pid = server.pid();
    // Waiting already: accept(2) takes its descriptor before it sleeps,
    // so the limit set next lets the first client in and stops the second.
    // Not yet in accept (a busy machine, just after `listening on`), the
    // book's server would meet EMFILE with no client at all and die before
    // the first connect, refused (seen under load).
    // (tcpservd waits in poll(2) and takes its descriptor only when it
    // accepts: its first client may meet EMFILE, which it survives.)
    {
        use nix::libc::{SYS_accept, SYS_accept4, SYS_epoll_pwait, SYS_epoll_wait, SYS_poll, SYS_ppoll};
        let waits = [
            SYS_accept4,
            SYS_accept,
            SYS_poll,
            SYS_ppoll,
            SYS_epoll_wait,
            SYS_epoll_pwait,
        ];
        eventually(DEADLINE, "the server waiting for a client", || {
            observer::blocked_in(pid, &waits).then_some(())
        })?;
    }
    let n = next_fd(pid).to_string();
    run("prlimit", &["--pid", &pid.to_string(), &format!("--nofile={n}:")])?;
    // A server blocked in accept(2) took its next descriptor before the
    // limit changed, so the first client may still be accepted: the
    // second one meets EMFILE.
    let waiting = connect(addr)?; // completes in the backlog
    let _second = connect(addr);
    server
        .wait_stderr("Too many open files", DEADLINE)
        .with_context(|| format!("limit {n}, descriptors now {:?}", fds_of(pid)))?;
    let hz = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)?.unwrap_or(100) as u64;
    let t0 = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(1)); // the measurement window
    let used = cpu_ticks(pid) - t0;
    ensure!(alive(pid), "the server died: {}", server.stderr_text());
    ensure!(used * 10 < hz, "{used} of {hz} ticks in 1 s: it spins");
    run("prlimit", &["--pid", &pid.to_string(), "--nofile=1024:"])?;
    let served = round_trip(&waiting, b"served?\n");
    ensure!(served? == b"served?\n", "bad echo");
    let fresh = connect(addr)?;
    ensure!(round_trip(&fresh, b"and now\n")? == b"and now\n", "bad echo");
    let episodes = server.stderr_text().matches("Too many open files").count();
    ensure!(episodes == 1, "{episodes} EMFILE lines for one episode");
    Ok(())
}

#[test]
fn emfile_backs_off_without_spinning_and_serves_when_descriptors_return() {
    survives_emfile(bin!("tcpservd")).unwrap();
    let e = survives_emfile(bin!("tcpserv04")).unwrap_err().to_string();
    assert!(e.contains("the server died"), "{e}");
}

// --- fork failure ---------------------------------------------------------

/// The processes `uid` has now, from /proc.
fn processes_of(uid: u32) -> usize {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    dir.filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|e| std::fs::read_to_string(e.path().join("status")).ok())
        .filter(|st| {
            st.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .is_some_and(|u| u == uid.to_string())
        })
        .count()
}

/// A uid of this test run's own, for a server run by root under
/// RLIMIT_NPROC: that limit counts every process of the real uid, so a
/// shared one (`nobody`) lets suites running at once exhaust each other's.
/// Derived from the test process's pid (below 2^22) and `slot` (one per
/// server started: the killed children of an earlier server of the same
/// uid stay zombies until PID 1 reaps them, late here, and count until
/// then), in a range far above any account's, and inside this user
/// namespace's uid map. setpriv takes a uid with no passwd entry.
fn own_uid(slot: u32) -> u32 {
    let uid = 1_500_000_000 + std::process::id() * 4 + slot;
    let map = std::fs::read_to_string("/proc/self/uid_map").unwrap_or_default();
    let mapped = map.lines().any(|l| {
        let f: Vec<u64> = l.split_whitespace().filter_map(|x| x.parse().ok()).collect();
        f.len() == 3 && (f[0]..f[0] + f[2]).contains(&uid.into())
    });
    if mapped { uid } else { 65534 }
}

/// RLIMIT_NPROC set so that the server may have one child: a first client
/// is served; fork fails (EAGAIN) for a second, which must be closed while
/// the server lives on; once the first leaves, a third is served. Root
/// ignores RLIMIT_NPROC, so as root the server runs as a uid of its own
/// (setpriv; see `own_uid`); the limit is set by prlimit before exec
/// (changing another user's limit needs CAP_SYS_RESOURCE, which a
/// container may lack).
fn survives_fork_failure(bin: &str, slot: u32) -> anyhow::Result<()> {
    let path = bin;
    let root = nix::unistd::geteuid().is_root();
    let uid = if root {
        own_uid(slot)
    } else {
        nix::unistd::getuid().as_raw()
    };
    let limit = format!("--nproc={}:", processes_of(uid) + 2);
    let (reuid, regid) = (format!("--reuid={uid}"), format!("--regid={uid}"));
    let mut args = vec![limit.as_str()];
    if root {
        args.extend(["setpriv", &reuid, &regid, "--clear-groups"]);
    }
    args.extend([path, "--port", "0"]);
    let server = Proc::spawn("prlimit", &args)?;
    let addr = server.listening()?;
    let first = connect(addr)?;
    round_trip(&first, b"first\n")?;
    let refused = connect(addr)?;
    eof_within(&refused, DEADLINE).context("the client whose fork failed")?;
    server.wait_stderr("Try again", DEADLINE)?; // EAGAIN
    let alive = back_asleep_or_dead(server.pid())?; // not merely not yet exited
    ensure!(alive, "the server died: {}", server.stderr_text());
    drop(first);
    let third = eventually(DEADLINE, "a third client to be served", || {
        let s = connect(addr).ok()?;
        (round_trip(&s, b"third\n").ok()? == b"third\n").then_some(())
    });
    third.with_context(|| server.stderr_text())?;
    Ok(())
}

#[test]
fn a_failed_fork_closes_that_client_and_the_server_goes_on() {
    let root = nix::unistd::geteuid().is_root();
    if root && Proc::spawn("setpriv", &["--version"]).is_err() {
        return common::lab::skip(
            "a_failed_fork_closes_that_client_and_the_server_goes_on",
            "no setpriv to run the server as another uid, and root ignores RLIMIT_NPROC",
        );
    }
    survives_fork_failure(bin!("tcpservd"), 0).unwrap();
    let e = survives_fork_failure(bin!("tcpserv04"), 1)
        .unwrap_err()
        .to_string();
    assert!(e.contains("the server died"), "{e}");
}

// --- max-children ---------------------------------------------------------

/// Two clients served; the third connects (the backlog) but gets no echo
/// until one of the two leaves.
fn third_waits(bin: &str, args: &[&str]) -> anyhow::Result<()> {
    let (server, addr) = start(bin, args);
    let a = connect(addr)?;
    let b = connect(addr)?;
    round_trip(&a, b"a\n")?;
    round_trip(&b, b"b\n")?;
    let c = connect(addr)?;
    common::writen::writen(&c, b"c\n")?;
    silent_for(&c, Duration::from_millis(400))?;
    ensure!(observer::children(server.pid()).len() == 2, "not 2 children");
    drop(a); // a slot frees
    let mut reply = Vec::new();
    c.set_read_timeout(Some(DEADLINE))?;
    common::readline::Rline::new(&c).readline(&mut reply)?;
    ensure!(reply == b"c\n", "got {reply:?}");
    Ok(())
}

#[test]
fn max_children_makes_the_next_client_wait_for_a_free_slot() {
    third_waits(bin!("tcpservd"), &["--max-children", "2"]).unwrap();
    let e = third_waits(bin!("tcpserv04"), &[]).unwrap_err().to_string();
    assert!(e.contains("answered at once"), "{e}");
}

// --- idle timeout ---------------------------------------------------------

fn idle_client_dropped(bin: &str, args: &[&str]) -> anyhow::Result<()> {
    let (server, addr) = start(bin, args);
    let s = connect(addr)?;
    round_trip(&s, b"hello\n")?;
    let t = Instant::now();
    eof_within(&s, Duration::from_secs(4)).context("idle client")?;
    ensure!(
        t.elapsed() >= Duration::from_millis(900),
        "closed too early: {:?}",
        t.elapsed()
    );
    server.wait_stderr("sent nothing for over 1 s", DEADLINE)?;
    Ok(())
}

#[test]
fn idle_timeout_closes_a_silent_client() {
    idle_client_dropped(bin!("tcpservd"), &["--idle-timeout", "1"]).unwrap();
    let e = idle_client_dropped(bin!("tcpserv04"), &[]).unwrap_err();
    assert!(format!("{e:#}").contains("still open"), "{e:#}");
}

/// A client that sends and never reads: the server's send blocks. It must
/// be closed at most `hi` after the last byte moved (--help says 2 × the
/// idle timeout). "Moved" is judged where the server moves bytes: its end
/// of the connection, whose receive and send queues (/proc/net/tcp) change
/// at every read and send it makes, looked at after every write. The
/// client's last write alone is no reference: the server can go on reading
/// what was already queued, and sending into room the kernel frees late.
/// (Twice at load 20-35 the close came 8.8 and 8.9 s after the client's
/// last write, with an idle timeout of 3 s.) Fails once both are over
/// `hi` ago with the connection still open.
fn reader_dropped(bin: &str, args: &[&str], hi: Duration) -> anyhow::Result<()> {
    let (_server, addr) = start(bin, args);
    let s = connect(addr)?;
    let me = s.local_addr()?.as_socket().context("client address")?;
    s.set_write_timeout(Some(Duration::from_millis(100)))?;
    let chunk = vec![b'x'; 64 * 1024];
    let queues = || {
        observer::tcp_sockets_at(addr)
            .into_iter()
            .find(|t| t.local == addr && t.remote == me)
            .map(|t| (t.recv_q, t.send_q))
    };
    let (mut last, mut seen, mut changed) = (Instant::now(), queues(), Instant::now());
    loop {
        match (&s).write(&chunk) {
            Ok(_) => last = Instant::now(),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => return Ok(()), // RST: the server closed it
        }
        let now = queues();
        if now.is_some() && now != seen {
            (seen, changed) = (now, Instant::now());
        }
        ensure!(
            changed.max(last).elapsed() <= hi,
            "still open {:?} after the server's socket last changed ({:?} after the \
             client's last write)",
            changed.elapsed(),
            last.elapsed()
        );
    }
}

#[test]
fn a_client_that_never_reads_is_closed_within_twice_the_idle_timeout() {
    let idle = 3;
    // At most 2 rings after the last byte moved, with a margin for a loaded
    // machine and for the time between looks (the old code closed after 2
    // to 3 rings: 8.9 s after the last byte here, where this one takes
    // 2.9-4.9 s, also beside 24 CPU hogs). No lower bound: the client's
    // write can go through with no byte moved by the server (the kernel may
    // compact a full receive queue and open the window; seen once at load
    // 36), so "too early" cannot be judged from the client.
    let hi = Duration::from_secs(2 * idle) + Duration::from_millis(1500);
    reader_dropped(bin!("tcpservd"), &["--idle-timeout", &idle.to_string()], hi)
        .unwrap_or_else(|e| panic!("{e:#}; --help says {idle} to {} s", 2 * idle));
    // The book's server never gives up on a client that does not read.
    let e = reader_dropped(bin!("tcpserv04"), &[], hi).unwrap_err();
    assert!(format!("{e:#}").contains("still open"), "{e:#}");
}

// --- slow clients ---------------------------------------------------------

/// `n` clients that each send one byte a second (never idle, never done)
/// against a cap of `cap`, then a normal client: it must get its echo
/// within the documented bound, ⌈(k + 1) / cap⌉ × --session-timeout with k
/// the clients ahead of it in the backlog (here n − cap), plus a margin for
/// a loaded machine. Returns the server, for its log.
fn trickle(cap: usize, n: usize, session: u64, bound_session: u64) -> anyhow::Result<(Proc, Duration)> {
    let (server, addr) = start(
        bin!("tcpservd"),
        &[
            "--max-children",
            &cap.to_string(),
            "--idle-timeout",
            "2",
            "--session-timeout",
            &session.to_string(),
        ],
    );
    let slow: Vec<Socket> = (0..n).map(|_| connect(addr)).collect::<Result<_, _>>()?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trickler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let end = Instant::now() + Duration::from_secs(60);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && Instant::now() < end {
                for s in &slow {
                    let _ = (&*s).write(b"x"); // errors: that one was ended
                }
                std::thread::sleep(Duration::from_secs(1)); // the trickle's pace
            }
        })
    };
    server.wait_stderr("at the cap", DEADLINE)?;
    let ahead = n.saturating_sub(cap);
    let bound = Duration::from_secs((ahead + 1).div_ceil(cap) as u64 * bound_session + 3);
    let t = Instant::now();
    let normal = connect(addr)?;
    normal.set_read_timeout(Some(bound))?;
    let served = round_trip(&normal, b"normal\n");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = trickler.join();
    let took = t.elapsed();
    served.with_context(|| format!("the normal client, not served within {bound:?}"))?;
    Ok((server, took))
}

#[test]
fn trickling_clients_at_the_cap_let_a_normal_client_in_within_the_bound() {
    let (server, took) = trickle(6, 12, 2, 2).unwrap();
    let log = server.stderr_text();
    eprintln!("served after {took:?}\n{log}");
    assert_eq!(
        log.matches("at the cap").count(),
        1,
        "one line per episode:\n{log}"
    );
    assert!(log.contains("session over 2 s"), "{log}");
    // Without the deadline (the default 600 s) the trickle holds every slot.
    let e = trickle(6, 12, 600, 2).map(|r| r.1).unwrap_err();
    assert!(format!("{e:#}").contains("not served within"), "{e:#}");
}

// --- signals --------------------------------------------------------------

/// The live (not zombie) processes of process group `pgid`: the server
/// and any child of it, adopted or not.
fn live_in_group(pgid: i32) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let f: Vec<&str> = stat
                .rsplit_once(')')
                .map(|(_, r)| r)
                .unwrap_or_default()
                .split_whitespace()
                .collect();
            // fields after the name: state, ppid, pgrp
            f.len() > 2 && f[0] != "Z" && f[2] == pgid.to_string()
        })
        .collect()
}

/// A signal that ends the server (`sig`): its client gets EOF, and no
/// process of the server's group is left (no orphaned child serving on).
fn ends_with_nothing_left(bin: &str, sig: Signal, args: &[&str]) -> anyhow::Result<String> {
    let (server, addr) = start(bin, args);
    let s = connect(addr)?;
    round_trip(&s, b"hi\n")?;
    let pgid = server.pid();
    server.signal(sig)?;
    eof_within(&s, DEADLINE).with_context(|| format!("the client after {sig}"))?;
    eventually(DEADLINE, "no process of the server's left", || {
        live_in_group(pgid).is_empty().then_some(())
    })
    .with_context(|| format!("after {sig}: {:?} live", live_in_group(pgid)))?;
    // Every process gone: its stderr reaches end of file — and then holds
    // the last line (a moment after the processes end, on a busy machine).
    server.wait_eof(DEADLINE);
    Ok(server.stderr_text())
}

#[test]
fn sighup_drains_sigquit_stops_and_sigkill_leaves_no_orphan() {
    let log = ends_with_nothing_left(bin!("tcpservd"), Signal::SIGHUP, &["--grace", "1"]).unwrap();
    assert!(log.contains("SIGHUP: draining"), "{log}");
    assert!(log.contains("grace over"), "{log}");
    let log = ends_with_nothing_left(bin!("tcpservd"), Signal::SIGQUIT, &["--grace", "60"]).unwrap();
    assert!(
        log.contains("SIGQUIT: SIGTERM to the 1 still in session"),
        "{log}"
    );
    // SIGKILL cannot be handled: PR_SET_PDEATHSIG ends the child.
    ends_with_nothing_left(bin!("tcpservd"), Signal::SIGKILL, &[]).unwrap();
    // tcpserv04 dies of SIGHUP and its child serves on, an orphan.
    let e = ends_with_nothing_left(bin!("tcpserv04"), Signal::SIGHUP, &[]).unwrap_err();
    assert!(format!("{e:#}").contains("still open"), "{e:#}");
}

#[test]
fn sigusr1_and_sigusr2_log_a_status_line_and_change_nothing() {
    let (server, addr) = start(bin!("tcpservd"), &[]);
    let s = connect(addr).unwrap();
    round_trip(&s, b"hi\n").unwrap();
    for sig in [Signal::SIGUSR1, Signal::SIGUSR2] {
        server.signal(sig).unwrap();
        server.wait_stderr(&format!("{sig}: "), DEADLINE).unwrap();
        assert_eq!(round_trip(&s, b"still\n").unwrap(), b"still\n");
        let fresh = connect(addr).unwrap();
        assert_eq!(round_trip(&fresh, b"new\n").unwrap(), b"new\n");
    }
    assert!(alive(server.pid()), "{}", server.stderr_text());
}

// --- SIGTERM drain --------------------------------------------------------

/// SIGTERM with a client in session: new connects are refused at once, the
/// session goes on, and when it ends the server exits 0 leaving nothing.
fn drains(bin: &str, args: &[&str]) -> anyhow::Result<()> {
    let (mut server, addr) = start(bin, args);
    let s = connect(addr)?;
    round_trip(&s, b"before\n")?;
    server.signal(Signal::SIGTERM)?;
    eventually(DEADLINE, "new connects to be refused", || {
        connect(addr).is_err().then_some(())
    })?;
    ensure!(round_trip(&s, b"during\n")? == b"during\n", "bad echo");
    let alive = back_asleep_or_dead(server.pid())?;
    ensure!(alive, "the server died: {}", server.stderr_text());
    drop(s);
    let st = server.wait_exit(DEADLINE)?;
    ensure!(st.code() == Some(0), "{}", common::lab::harness::describe(st));
    Ok(())
}

#[test]
fn sigterm_refuses_new_clients_and_lets_the_session_finish() {
    drains(bin!("tcpservd"), &["--grace", "30"]).unwrap();
    let e = drains(bin!("tcpserv04"), &[]).unwrap_err().to_string();
    assert!(e.contains("the server died"), "{e}");
}

/// The grace runs out: the idle child gets SIGTERM, the client EOF, the
/// server exits 0 with no child left.
fn grace_runs_out(bin: &str, args: &[&str]) -> anyhow::Result<()> {
    let (mut server, addr) = start(bin, args);
    let s = connect(addr)?;
    round_trip(&s, b"hi\n")?;
    let child = observer::children(server.pid());
    server.signal(Signal::SIGTERM)?;
    let t = Instant::now();
    eof_within(&s, DEADLINE).context("client during the grace")?;
    ensure!(t.elapsed() >= Duration::from_millis(900), "cut before the grace");
    let st = server.wait_exit(DEADLINE)?;
    ensure!(st.code() == Some(0), "{}", common::lab::harness::describe(st));
    let left: Vec<_> = child.iter().filter(|c| alive(c.pid)).collect();
    ensure!(left.is_empty(), "children left running: {left:?}");
    Ok(())
}

#[test]
fn when_the_grace_runs_out_children_are_terminated_and_reaped() {
    grace_runs_out(bin!("tcpservd"), &["--grace", "1"]).unwrap();
    // tcpserv04 dies at once and its child serves on, adopted by init.
    let e = grace_runs_out(bin!("tcpserv04"), &[]).unwrap_err();
    assert!(format!("{e:#}").contains("still open"), "{e:#}");
}

#[test]
fn a_second_sigterm_ends_the_drain_at_once() {
    let (mut server, addr) = start(bin!("tcpservd"), &["--grace", "60"]);
    let s = connect(addr).unwrap();
    round_trip(&s, b"hi\n").unwrap();
    server.signal(Signal::SIGTERM).unwrap();
    server.wait_stderr("draining", DEADLINE).unwrap();
    server.signal(Signal::SIGTERM).unwrap();
    server.expect_exit(0, DEADLINE).unwrap();
    eof_within(&s, DEADLINE).unwrap();
}

// --- churn and bulk -------------------------------------------------------

#[test]
fn ten_thousand_connections_leave_no_zombie_and_no_descriptor() {
    let (server, addr) = start(bin!("tcpservd"), &["-q"]);
    let pid = server.pid();
    let fds = fd_count(pid);
    let t = Instant::now();
    for i in 0..10_000 {
        let s = connect(addr).unwrap_or_else(|e| panic!("connection {i}: {e:#}"));
        drop(s);
        assert!(t.elapsed() < Duration::from_secs(120), "too slow: {i} in 120 s");
    }
    // The last connections may still wait in the backlog when the loop
    // ends: the server is done once it has no child and no descriptor more
    // than at the start. A leak or a zombie never gets there.
    let done = eventually(DEADLINE, "no child and the starting descriptors", || {
        (observer::children(pid).is_empty() && fd_count(pid) == fds).then_some(())
    });
    let now = (observer::process_table(pid), fd_count(pid));
    done.unwrap_or_else(|e| panic!("{e}: {fds} descriptors at the start, now {}\n{}", now.1, now.0));
}

fn pattern(seed: usize, n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| (i.wrapping_mul(31) ^ seed.wrapping_mul(131) ^ (i >> 9)) as u8)
        .collect()
}

#[test]
fn a_hundred_concurrent_half_close_transfers_come_back_byte_exact() {
    let (_server, addr) = start(bin!("tcpservd"), &["-q"]);
    const MIB: usize = 1 << 20;
    let clients: Vec<_> = (0..100)
        .map(|k| {
            std::thread::spawn(move || -> anyhow::Result<()> {
                let s = connect(addr)?;
                s.set_read_timeout(Some(Duration::from_secs(60)))?;
                let w = s.try_clone()?;
                let writer = std::thread::spawn(move || -> std::io::Result<()> {
                    (&w).write_all(&pattern(k, MIB))?;
                    w.shutdown(Shutdown::Write) // half-close: FIN, still reading
                });
                let mut got = Vec::with_capacity(MIB);
                (&s).read_to_end(&mut got)?;
                writer.join().map_err(|_| anyhow::anyhow!("writer panicked"))??;
                ensure!(
                    got == pattern(k, MIB),
                    "client {k}: {} bytes, not the ones sent",
                    got.len()
                );
                Ok(())
            })
        })
        .collect();
    for (k, c) in clients.into_iter().enumerate() {
        c.join().unwrap().unwrap_or_else(|e| panic!("client {k}: {e:#}"));
    }
}

// --- flags ----------------------------------------------------------------

#[test]
fn bad_values_are_refused_with_exit_2() {
    for args in [
        ["--max-children", "0"],
        ["--idle-timeout", "0"],
        ["--idle-timeout=-5", "--port=0"],
        ["--grace=-1", "--port=0"],
        ["--session-timeout", "0"],
    ] {
        let mut p = Proc::spawn(bin!("tcpservd"), &args).unwrap();
        p.expect_exit(2, DEADLINE).unwrap();
        let err = p.stderr_text();
        assert!(err.contains("invalid value"), "{args:?}: {err}");
    }
    let mut p = Proc::spawn(bin!("tcpservd"), &["--help"]).unwrap();
    p.expect_exit(0, DEADLINE).unwrap();
    let help = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    for lesson in [
        "--max-children",
        "--idle-timeout",
        "--session-timeout",
        "--grace",
        "Lesson",
    ] {
        assert!(help.contains(lesson), "--help lacks {lesson}:\n{help}");
    }
}

#[test]
fn the_bench_runs_at_tiny_counts() {
    let mut p = Proc::spawn(bin!("bench_vs_c"), &["--quick"]).unwrap();
    p.expect_exit(0, Duration::from_secs(120)).unwrap();
    let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    if out.contains("SKIP") {
        return common::lab::skip("the_bench_runs_at_tiny_counts", out.trim());
    }
    for want in [
        "churn",
        "round trips",
        "bulk",
        "50 clients",
        "page faults",
        "CPU per unit of work",
        "95 % confidence interval",
        "tcpserv_c ",
        "tcpserv_c_recv",
        "tcpservd",
        "verdict",
        "log lines",
        // Like with like: each lab server against the C server doing its work.
        "like with like",
        "tcpserv04 / C",
        "tcpservd / tcpservd_c",
    ] {
        assert!(out.contains(want), "no {want:?} in:\n{out}");
    }
    // Like with like: no server logs per connection (C logs nothing; the
    // Rust servers run with -q).
    let logs = out
        .lines()
        .skip_while(|l| !l.contains("log lines"))
        .nth(1)
        .unwrap_or_default();
    assert!(
        logs.split_whitespace().all(|n| n == "0"),
        "log lines: {logs}\n{out}"
    );
}

#[test]
fn the_bench_runs_only_the_modes_asked() {
    let mut p = Proc::spawn(bin!("bench_vs_c"), &["--quick", "--modes", "bulk"]).unwrap();
    p.expect_exit(0, Duration::from_secs(120)).unwrap();
    let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    if out.contains("SKIP") {
        return common::lab::skip("the_bench_runs_only_the_modes_asked", out.trim());
    }
    assert!(out.contains("bulk"), "no bulk in:\n{out}");
    for unwanted in ["churn", "round trips", "50 clients", "page faults"] {
        assert!(!out.contains(unwanted), "{unwanted:?} in:\n{out}");
    }
}

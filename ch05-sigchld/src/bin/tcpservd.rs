//! Beyond the book — tcpserv04 (UNP Fig 5.12) grown into the fork-per-client
//! server production code needs: it survives running out of descriptors and
//! failed forks, caps its children, drops idle clients, ends any session
//! at a deadline (so a client trickling a byte at a time cannot hold a slot
//! forever), drains on SIGTERM/SIGINT/SIGHUP, stops at once on SIGQUIT, and
//! leaves no child behind whatever ends it. Same echo service, same C speed.
//!
//! Run:        cargo run -p ch05-sigchld --bin tcpservd -- --max-children 4
//! Talk to it: cargo run -p ch05-sigchld --bin tcpcli04 -- 127.0.0.1
//!             (or: nc 127.0.0.1 9877)
//! Observe:    with 4 clients connected a fifth waits (its connect succeeds:
//!             the kernel's backlog holds it) and is served when one leaves;
//!             `prlimit --pid <server> --nofile=6:6` then a client: one
//!             "accept: Too many open files" line, ~0 % CPU, and service
//!             again after `prlimit --pid <server> --nofile=1024:1024`;
//!             Ctrl-C or `kill <server>`: "draining", new connects refused,
//!             open sessions run on for --grace seconds, then exit 0 with
//!             nothing left behind; `kill -USR1 <server>`: one status line.
//! Changed from tcpserv04: the signal handlers only record the signal (a
//! byte down a self-pipe) and the main loop polls that pipe and the
//! listener, so the loop decides what a signal means; accept's and fork's
//! resource errors are survived; the child has an idle timeout, the parent
//! ends sessions at their deadline, and each child dies with its parent
//! (PR_SET_PDEATHSIG).
//!
//! What tcpserv04 does in each case instead is on the docs page "What
//! tcpserv04 still lacks".

use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use ch05_sigchld::{SavedErrno, child_terminated};
use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::error::strerror;
use common::signal::signal_intr;
use common::sock_ntop::sock_ntop;
use common::wrapsock::{Close, accept, recv, send};
use common::wrapunix::{_exit, fork, read, waitpid};
use common::{notice, warning};
use nix::errno::Errno;
use nix::libc::c_int;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, kill, sigaction};
use nix::sys::wait::WaitPidFlag;
use nix::unistd::{ForkResult, Pid};
use socket2::Socket;

/// Beyond UNP §5.10: tcpserv04 plus what production fork servers add.
/// Each flag is one lesson (docs: ch05-sigchld "What tcpserv04 still
/// lacks"); the service is the same echo.
///
/// Talk to it with `tcpcli04 127.0.0.1` or `nc 127.0.0.1 9877`; stop it
/// with Ctrl-C or SIGTERM (a second one ends it at once).
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,

    /// Lesson: bound the processes a server forks. With N children alive
    /// it stops accepting; new clients wait in the listen backlog.
    #[arg(long, value_name = "N", default_value_t = 128,
          value_parser = clap::value_parser!(u32).range(1..=65536))]
    max_children: u32,

    /// Lesson: a client that moves no byte (sends nothing, or reads
    /// nothing of its echo) loses its connection after SECS to 2 × SECS
    /// seconds, so idle clients cannot hold slots.
    #[arg(long, value_name = "SECS", default_value_t = 300,
          value_parser = clap::value_parser!(u32).range(1..=86400))]
    idle_timeout: u32,

    /// Lesson: slow clients. No session lasts longer than SECS seconds,
    /// however it trickles (a byte every few seconds is never idle); so at
    /// the cap a waiting client gets a slot within SECS seconds.
    #[arg(long, value_name = "SECS", default_value_t = 600,
          value_parser = clap::value_parser!(u32).range(1..=86400))]
    session_timeout: u32,

    /// Lesson: graceful shutdown. On SIGTERM/SIGINT/SIGHUP stop accepting
    /// at once, let sessions finish for SECS seconds, then SIGTERM the
    /// children (SIGQUIT or a second signal: at once). SIGUSR1/SIGUSR2: a
    /// status line, nothing else.
    #[arg(long, value_name = "SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(0..=3600))]
    grace: u64,
}

// ANCHOR: handler
/// The write end of the self-pipe, for the handlers (-1: not yet open).
static PIPE_W: AtomicI32 = AtomicI32::new(-1);
/// How many stop signals have arrived (SIGQUIT counts two: no grace);
/// the last of them; whether a SIGCHLD, a SIGUSR1/SIGUSR2 has.
static STOPS: AtomicU32 = AtomicU32::new(0);
static STOP_SIG: AtomicI32 = AtomicI32::new(0);
static CHLD: AtomicBool = AtomicBool::new(false);
static USR: AtomicI32 = AtomicI32::new(0);

/// What each signal means to this server (docs: "What tcpserv04 still
/// lacks", signals): drain, stop at once, or a status line. Any other
/// signal that ends the parent still ends the children: PR_SET_PDEATHSIG.
const STOP_SIGNALS: [Signal; 3] = [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP];
const STATUS_SIGNALS: [Signal; 2] = [Signal::SIGUSR1, Signal::SIGUSR2];

/// Every handler only records: it bumps an atomic and writes one byte down
/// the self-pipe so that poll(2) in the main loop wakes up. Reaping,
/// logging, closing the listener and killing children all happen in the
/// main loop, where any call is allowed and no state can be caught
/// half-changed. Async-signal-safe: atomics and write(2) only.
extern "C" fn record(signo: c_int) {
    let _errno = SavedErrno::new();
    if signo == Signal::SIGCHLD as c_int {
        CHLD.store(true, Ordering::Relaxed);
    } else if STATUS_SIGNALS.iter().any(|&s| s as c_int == signo) {
        USR.store(signo, Ordering::Relaxed);
    } else {
        let n = if signo == Signal::SIGQUIT as c_int { 2 } else { 1 };
        STOP_SIG.store(signo, Ordering::Relaxed);
        STOPS.fetch_add(n, Ordering::Relaxed);
    }
    let fd = PIPE_W.load(Ordering::Relaxed);
    // SAFETY: write(2) is async-signal-safe; the buffer is a live local.
    // The pipe is non-blocking: when it is full, a wake-up is pending
    // anyway, so the byte may be dropped.
    let _ = unsafe { nix::libc::write(fd, [signo as u8].as_ptr().cast(), 1) };
}
// ANCHOR_END: handler

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.serv.log.init("tcpservd");
    let (pipe_r, pipe_w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_NONBLOCK | nix::fcntl::OFlag::O_CLOEXEC)
        .unwrap_or_else(|e| common::error::err_sys("pipe error", &e.into()));
    PIPE_W.store(pipe_w.as_raw_fd(), Ordering::Relaxed);
    let mut sigs = vec![Signal::SIGCHLD, Signal::SIGQUIT];
    sigs.extend(STOP_SIGNALS.iter().chain(&STATUS_SIGNALS));
    for sig in sigs {
        // SA_RESTART: a handler never makes a blocking call fail with EINTR
        // (poll(2) is the exception: it is never restarted).
        let act = SigAction::new(SigHandler::Handler(record), SaFlags::SA_RESTART, SigSet::empty());
        // SAFETY: `record` is async-signal-safe (see it).
        unsafe { sigaction(sig, &act) }
            .unwrap_or_else(|e| common::error::err_sys("sigaction error", &e.into()));
    }
    // The children's idle alarm, set up once here rather than in every
    // child: each first write to a page in a child costs a page fault.
    IDLE_SECS.store(args.idle_timeout, Ordering::Relaxed);
    // SAFETY: `ring` is async-signal-safe (see it). The parent sets no
    // alarm, so only the children ever run it.
    unsafe { signal_intr(Signal::SIGALRM, SigHandler::Handler(ring)) };
    // Listen last: "listening on" means every descriptor is in place.
    let listenfd = Serv_listen(&args.serv, true);
    if let Err(e) = listenfd.set_nonblocking(true) {
        common::error::err_sys("fcntl error", &e);
    }
    let _pipe_w = pipe_w; // open for the process's life: the handlers write to it
    let mut d = Server {
        args: &args,
        listenfd: Some(listenfd),
        pipe_r,
        // Allocated once: the parent writes as few pages as it can after
        // each fork (every first write to a page shared with a child copies it).
        children: Vec::with_capacity(args.max_children as usize),
        emfile: None,
        at_cap: false,
        me: nix::unistd::getpid(),
    };
    d.serve();
    d.drain();
}

/// An episode of accept failing for lack of descriptors.
struct Emfile {
    started: Instant,
    failures: u64,
    /// Do not try accept again before this.
    retry_at: Instant,
    delay: Duration,
}

struct Server<'a> {
    args: &'a Args,
    listenfd: Option<Socket>,
    pipe_r: OwnedFd,
    /// The live children: pid, and the deadline of its session (None once
    /// it has been sent SIGTERM for it).
    children: Vec<(i32, Option<Instant>)>,
    emfile: Option<Emfile>,
    /// In an episode at the cap: from the fork that filled the last slot
    /// until the listener, watched again, has nobody waiting.
    at_cap: bool,
    /// This process's pid, for the children's getppid() check.
    me: Pid,
}

impl Server<'_> {
    /// Accepts and forks until the first stop signal.
    fn serve(&mut self) {
        while STOPS.load(Ordering::Relaxed) == 0 {
            // ANCHOR: max_children
            // Full: do not even look at the listener. The kernel keeps
            // completing handshakes into the backlog; they wait there.
            let full = self.children.len() >= self.args.max_children as usize;
            // ANCHOR_END: max_children
            // While backing off from EMFILE the listener is not watched
            // either (it stays readable: poll would return at once).
            let retry_in = self
                .emfile
                .as_ref()
                .map(|e| e.retry_at.saturating_duration_since(Instant::now()))
                .filter(|d| !d.is_zero());
            let watched = !full && retry_in.is_none();
            let timeout = [retry_in, self.next_deadline()].into_iter().flatten().min();
            let readable = self.wait(watched, timeout);
            self.after_signals();
            self.end_overdue_sessions();
            if watched && readable == Some(false) {
                self.at_cap = false; // a slot was free and nobody waited
            }
            if readable == Some(true) {
                self.accept_all();
            }
        }
    }

    // ANCHOR: deadline
    /// How long until the earliest session deadline.
    fn next_deadline(&self) -> Option<Duration> {
        let now = Instant::now();
        let first = self.children.iter().filter_map(|c| c.1).min()?;
        Some(first.saturating_duration_since(now))
    }

    /// SIGTERM to every child whose session is past its deadline: a slow
    /// client (a byte every few seconds is never idle) holds its slot for
    /// --session-timeout seconds at most. The parent does it, not the
    /// child, so it costs the child nothing per byte and works whatever
    /// the child is blocked in.
    fn end_overdue_sessions(&mut self) {
        let now = Instant::now();
        for (pid, deadline) in &mut self.children {
            if deadline.is_some_and(|d| d <= now) {
                *deadline = None;
                notice!(
                    "child {pid}: session over {} s (--session-timeout): SIGTERM",
                    self.args.session_timeout
                );
                let _ = kill(Pid::from_raw(*pid), Signal::SIGTERM);
            }
        }
    }
    // ANCHOR_END: deadline

    /// poll(2) on the self-pipe and (if `listener`) the listener, for at
    /// most `timeout`. Returns whether the listener is readable, or None
    /// when poll did not complete (EINTR). Drains the self-pipe.
    fn wait(&mut self, listener: bool, timeout: Option<Duration>) -> Option<bool> {
        let timeout = match timeout {
            None => PollTimeout::NONE,
            // Rounded up to whole milliseconds, at most a minute.
            Some(d) => PollTimeout::from(d.as_micros().div_ceil(1000).min(60_000) as u16),
        };
        let pipe = PollFd::new(self.pipe_r.as_fd(), PollFlags::POLLIN);
        let mut fds = [pipe.clone(), pipe];
        let n = match (listener, &self.listenfd) {
            (true, Some(l)) => {
                fds[1] = PollFd::new(l.as_fd(), PollFlags::POLLIN);
                2
            }
            _ => 1,
        };
        let fds = &mut fds[..n];
        match poll(fds, timeout) {
            Ok(_) => {}
            Err(Errno::EINTR) => return None, // a signal: the loop looks
            Err(e) => {
                warning!("poll error: {e}");
                return None;
            }
        }
        let piped = fds[0].revents().is_some_and(|r| !r.is_empty());
        let ready = fds
            .get(1)
            .and_then(PollFd::revents)
            .is_some_and(|r| !r.is_empty());
        if piped {
            let mut buf = [0u8; 64];
            while matches!(read(&self.pipe_r, &mut buf), Ok(n) if n > 0) {}
        }
        Some(ready)
    }

    // ANCHOR: reap
    /// What the handlers recorded, acted on here: the waitpid(-1, WNOHANG)
    /// loop of tcpserv04's sig_chld, run by the main loop instead.
    fn after_signals(&mut self) {
        let usr = USR.swap(0, Ordering::Relaxed);
        if let Ok(sig) = Signal::try_from(usr) {
            notice!(
                "{sig}: {} of {} children in session, {}: nothing else done",
                self.children.len(),
                self.args.max_children,
                if self.at_cap {
                    "at the cap"
                } else {
                    "below the cap"
                }
            );
        }
        if !CHLD.swap(false, Ordering::Relaxed) {
            return;
        }
        while let Ok(status) = waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            let Some(pid) = status.pid() else {
                break; // StillAlive: children remain, none has ended
            };
            self.forget(pid.as_raw());
            child_terminated(status);
        }
    }
    // ANCHOR_END: reap

    fn forget(&mut self, pid: i32) {
        if let Some(i) = self.children.iter().position(|c| c.0 == pid) {
            self.children.swap_remove(i);
        }
    }

    /// Accepts every connection waiting (the listener is non-blocking),
    /// forking a child for each, while there is room.
    fn accept_all(&mut self) {
        while self.children.len() < self.args.max_children as usize && STOPS.load(Ordering::Relaxed) == 0 {
            let Some(listenfd) = &self.listenfd else { return };
            // ANCHOR: emfile
            let (connfd, cliaddr) = match accept(listenfd) {
                Ok(pair) => pair,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break, // none left
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e)
                    if matches!(
                        e.raw_os_error(),
                        Some(nix::libc::ECONNABORTED | nix::libc::EPROTO)
                    ) =>
                {
                    continue;
                }
                Err(e) => {
                    // EMFILE, ENFILE, ENOBUFS, ENOMEM: the client stays in
                    // the backlog. Accepting again at once fails again at
                    // once (a spin at 100 % CPU); exiting drops every later
                    // client. So wait, longer each time, and retry.
                    self.accept_failed(&e);
                    return;
                }
            };
            if let Some(ep) = self.emfile.take() {
                notice!(
                    "accept works again after {} failures in {:.1} s",
                    ep.failures,
                    ep.started.elapsed().as_secs_f64()
                );
            }
            // ANCHOR_END: emfile
            self.fork_child(connfd, &cliaddr);
        }
    }

    fn accept_failed(&mut self, e: &io::Error) {
        let now = Instant::now();
        match &mut self.emfile {
            None => {
                // One line per episode; the count comes when it ends.
                warning!("accept: {}: backing off until descriptors are free", strerror(e));
                self.emfile = Some(Emfile {
                    started: now,
                    failures: 1,
                    retry_at: now + Duration::from_millis(10),
                    delay: Duration::from_millis(10),
                });
            }
            Some(ep) => {
                ep.failures += 1;
                ep.delay = (ep.delay * 2).min(Duration::from_millis(250));
                ep.retry_at = now + ep.delay;
            }
        }
    }

    fn fork_child(&mut self, connfd: Socket, cliaddr: &socket2::SockAddr) {
        // SAFETY: this server is single-threaded: no other thread can hold a
        // lock across the fork.
        match unsafe { fork() } {
            // ANCHOR: fork_fail
            Err(e) => {
                // EAGAIN (RLIMIT_NPROC, the pid limit) or ENOMEM: this client
                // is closed at once (it reads EOF) and the server goes on.
                warning!("fork: {}: closing {}", strerror(&e), sock_ntop(cliaddr));
                Close(connfd);
            }
            // ANCHOR_END: fork_fail
            Ok(ForkResult::Child) => {
                // ANCHOR: child
                if let Some(l) = self.listenfd.take() {
                    Close(l); // the child does not accept
                }
                child_signals(&self.pipe_r);
                // Whatever ends the parent ends this child: no orphan
                // serves on. If the parent died before the prctl, too late
                // for the signal, the child has been adopted: it goes now.
                let orphan = nix::sys::prctl::set_pdeathsig(Signal::SIGTERM).is_err()
                    || nix::unistd::getppid() != self.me;
                if orphan {
                    _exit(0);
                }
                notice!("connection from {}", sock_ntop(cliaddr));
                let why = echo_until_idle(&connfd, self.args.idle_timeout);
                if let Some(why) = why {
                    notice!("{why}: closing {}", sock_ntop(cliaddr));
                }
                _exit(0); // closes connfd: FIN; _exit: no exit cleanup to pay for
                // ANCHOR_END: child
            }
            Ok(ForkResult::Parent { child }) => {
                let deadline = Duration::from_secs(self.args.session_timeout.into());
                self.children
                    .push((child.as_raw(), Some(Instant::now() + deadline)));
                notice!("child {child} serves {}", sock_ntop(cliaddr));
                Close(connfd); // the parent does not talk to the client
                // ANCHOR: at_cap
                if self.children.len() >= self.args.max_children as usize && !self.at_cap {
                    // One line per episode, not one per waiting client.
                    self.at_cap = true;
                    warning!(
                        "at the cap: {} children; new clients wait in the backlog, \
                         a slot frees within {} s (--session-timeout)",
                        self.children.len(),
                        self.args.session_timeout
                    );
                }
                // ANCHOR_END: at_cap
            }
        }
    }

    // ANCHOR: drain
    /// After the first SIGTERM/SIGINT/SIGHUP: the listener is closed at
    /// once (new connects are refused), children get `--grace` seconds to
    /// finish, then SIGTERM; every one is reaped, and the server exits 0. A
    /// second stop signal, or SIGQUIT, cuts the grace short.
    fn drain(&mut self) -> ! {
        if let Some(l) = self.listenfd.take() {
            Close(l);
        }
        let grace = Duration::from_secs(self.args.grace);
        let sig = Signal::try_from(STOP_SIG.load(Ordering::Relaxed)).map_or("signal", Signal::as_str);
        if STOPS.load(Ordering::Relaxed) >= 2 {
            notice!(
                "{sig}: stopping at once: listener closed, {} in session",
                self.children.len()
            );
        } else {
            notice!(
                "{sig}: draining: listener closed, {} in session, grace {} s",
                self.children.len(),
                grace.as_secs()
            );
        }
        let end = Instant::now() + grace;
        self.after_signals();
        while !self.children.is_empty() && STOPS.load(Ordering::Relaxed) < 2 {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            self.wait(false, Some(left));
            self.after_signals();
        }
        if !self.children.is_empty() {
            let why = if STOP_SIG.load(Ordering::Relaxed) == Signal::SIGQUIT as c_int {
                "SIGQUIT"
            } else if STOPS.load(Ordering::Relaxed) >= 2 {
                "second signal"
            } else {
                "grace over"
            };
            notice!("{why}: SIGTERM to the {} still in session", self.children.len());
            for &(pid, _) in &self.children {
                let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
            }
        }
        // Blocking now: every child has been told to go.
        while !self.children.is_empty() {
            match waitpid(None, None) {
                Ok(status) => {
                    if let Some(pid) = status.pid() {
                        self.forget(pid.as_raw());
                    }
                    child_terminated(status);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break, // ECHILD: none left
            }
        }
        notice!("drained: exiting");
        std::process::exit(0);
    }
    // ANCHOR_END: drain
}

/// In a new child: SIGTERM back to its default (the parent's SIGTERM ends
/// it), SIGINT, SIGHUP and SIGQUIT ignored (Ctrl-C, Ctrl-\ and a hang-up
/// reach the terminal's whole process group; the parent decides), SIGUSR1
/// and SIGUSR2 ignored (they are the parent's), SIGCHLD back to its
/// default (the child forks nothing), and the parent's self-pipe closed.
fn child_signals(pipe_r: &OwnedFd) {
    let ign = [
        Signal::SIGINT,
        Signal::SIGHUP,
        Signal::SIGQUIT,
        Signal::SIGUSR1,
        Signal::SIGUSR2,
    ];
    let dfl = [Signal::SIGTERM, Signal::SIGCHLD];
    let all = dfl.iter().map(|&s| (s, SigHandler::SigDfl));
    for (sig, h) in all.chain(ign.iter().map(|&s| (s, SigHandler::SigIgn))) {
        let act = SigAction::new(h, SaFlags::empty(), SigSet::empty());
        // SAFETY: installing SIG_DFL / SIG_IGN runs no code of ours.
        let _ = unsafe { sigaction(sig, &act) };
    }
    let w = PIPE_W.load(Ordering::Relaxed);
    // SAFETY: both ends of the pipe are this process's and unused from now
    // on; their OwnedFds are never dropped in the child (it leaves by
    // _exit), so nothing closes them twice.
    unsafe {
        nix::libc::close(w);
        nix::libc::close(pipe_r.as_raw_fd());
    }
}

// ANCHOR: idle
/// How often the child's alarm rings, in seconds (set by main, before any
/// fork).
static IDLE_SECS: AtomicU32 = AtomicU32::new(0);

/// SIGALRM in the child: interrupt the blocked read or write (installed
/// without SA_RESTART) and ring again in IDLE_SECS. Async-signal-safe:
/// alarm(2) and an atomic load only.
extern "C" fn ring(_signo: c_int) {
    let _errno = SavedErrno::new();
    nix::unistd::alarm::set(IDLE_SECS.load(Ordering::Relaxed));
}

/// str_echo with an idle timeout that costs nothing per byte: an alarm
/// rings every `idle` seconds and interrupts whatever read or write is
/// blocked (EINTR: the UNP 14.2 `connect_timeo` technique). If no byte
/// moved between two rings, the client is idle (or not reading) and the
/// connection is closed: after `idle` to 2 × `idle` seconds of silence.
/// A ring that cuts a send short (some bytes copied, then blocked) makes it
/// return the count, not EINTR: that count is what moved before the ring,
/// so the ring is taken as rung (otherwise the close would come one ring
/// late, after up to 3 × `idle`).
/// (SO_RCVTIMEO would do it too, but arms a kernel timer on every read
/// that blocks: a cost on every read, for an event of every few minutes.)
/// It reads and writes with recv/send, as str_echo does (see there).
/// Returns why it stopped early, or None at the client's FIN.
fn echo_until_idle(connfd: &Socket, idle: u32) -> Option<String> {
    nix::unistd::alarm::set(idle); // `ring` is installed by main, before any fork
    let mut moved = false; // did a byte move since the last ring?
    let mut buf = [0u8; common::MAXLINE];
    loop {
        let n = match recv(connfd, &mut buf) {
            Ok(0) => return None, // the client closed: FIN received
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                if !std::mem::replace(&mut moved, false) {
                    return Some(format!("client sent nothing for over {idle} s"));
                }
                continue;
            }
            Err(e) => return Some(strerror(&e)),
        };
        moved = true;
        let mut rest = &buf[..n];
        while !rest.is_empty() {
            match send(connfd, rest) {
                // Short: the alarm cut it (a blocking send returns short
                // only when a signal interrupts it): moved, and rung.
                Ok(k) if k < rest.len() => (rest, moved) = (&rest[k..], false),
                Ok(k) => (rest, moved) = (&rest[k..], true),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    if !std::mem::replace(&mut moved, false) {
                        return Some(format!("client read nothing for over {idle} s"));
                    }
                }
                Err(e) => return Some(strerror(&e)),
            }
        }
    }
}
// ANCHOR_END: idle

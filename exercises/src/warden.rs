//! Nothing a check starts outlives it.
//!
//! Every program a check runs (`exercises-host`, with the student's code in
//! it) is started by a **warden**: `exercises warden -- HOST ARGS`, a small
//! process of the checker's own binary (no student code in it) that
//!
//! - is a child subreaper (`PR_SET_CHILD_SUBREAPER`): whatever the student's
//!   code starts — children, double-forked grandchildren, daemons that
//!   `setsid()` — stays below it, because an orphan is adopted by its
//!   nearest subreaper ancestor and a process cannot choose its parent;
//! - reports the host's pid and, once it ends, its wait status, which the
//!   warden collected itself (the student's code never reports anything);
//! - is not dumpable (`PR_SET_DUMPABLE` 0): the processes below it, though
//!   they run as the same user, cannot open its `/proc/PID/fd` or memory;
//! - when the check lets go of it — or the checking process dies, which
//!   closes the same control socket — kills every process below it
//!   (walking `/proc/self/task/*/children` until none is left) and reaps
//!   them all before it exits.
//!
//! A cgroup would do the same atomically, but only where one is delegated
//! to the user; on a classroom server students are unprivileged users with
//! none, and a subreaper needs no privilege.
//!
//! The checker's side is [`Contained`]: the host's pid, its output (through
//! the warden's pipes, which the host inherits), its exit status, and every
//! process below the warden ([`Contained::family`]).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, ExitStatus};
use std::time::Duration;

use anyhow::{Context, anyhow};
use common::lab::harness::Proc;
use common::lab::observer;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

/// The warden's control socket, as the warden sees it.
const CONTROL_FD: RawFd = 3;
/// The first descriptor handed through to the host (`--fd` arguments name them).
pub const FIRST_PASSED_FD: RawFd = 4;

/// The warden itself: `exercises warden -- HOST ARGS...`.
pub fn warden(cmd: &[String]) -> ExitCode {
    match run_warden(cmd) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("warden: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_warden(cmd: &[String]) -> anyhow::Result<()> {
    let (program, args) = cmd.split_first().ok_or_else(|| anyhow!("nothing to run"))?;
    // SAFETY: fd 3 is the control socket the checker passed (Contained::spawn);
    // nothing else in this process owns it.
    let control = unsafe { OwnedFd::from_raw_fd(CONTROL_FD) };
    nix::fcntl::fcntl(
        &control,
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
    )?;
    let mut control = UnixStream::from(control);
    nix::sys::prctl::set_child_subreaper(true).context("prctl(PR_SET_CHILD_SUBREAPER)")?;
    nix::sys::prctl::set_dumpable(false).context("prctl(PR_SET_DUMPABLE)")?;
    // The checker's harness set PDEATHSIG: dying with the spawning thread
    // would orphan everything below us. The control socket's EOF says the
    // same thing, and lets us clean up first.
    nix::sys::prctl::set_pdeathsig(None).context("prctl(PR_SET_PDEATHSIG)")?;
    let child = Command::new(program).args(args).spawn();
    // The host has the passed descriptors now; the warden must not keep
    // them open (a peer waiting for EOF would wait for us).
    for fd in FIRST_PASSED_FD..FIRST_PASSED_FD + 16 {
        let _ = nix::unistd::close(fd);
    }
    let host = match child {
        Ok(c) => c.id() as i32,
        Err(e) => {
            let _ = writeln!(control, "error cannot start {program}: {e}");
            return Ok(());
        }
    };
    // The host holds the output pipes now; without the warden's copies they
    // reach end of file as soon as the host and its family have ended.
    if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
        let _ = nix::unistd::dup2_stdout(&null);
        let _ = nix::unistd::dup2_stderr(&null);
    }
    writeln!(control, "pid {host}")?;
    control.set_nonblocking(true)?;
    let mut host_done = false;
    loop {
        // Reap everything that has ended: the host (report it) and adopted orphans.
        loop {
            match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) | Err(_) => break,
                Ok(st) => {
                    if st.pid() == Some(Pid::from_raw(host)) && !host_done {
                        host_done = true;
                        let raw = raw_status(st);
                        let _ = writeln!(control, "exit {raw}");
                    }
                }
            }
        }
        // The checker lets go (or died): EOF on the control socket.
        let mut b = [0u8; 64];
        match control.read(&mut b) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => break,
        }
        let mut fds = [nix::poll::PollFd::new(
            std::os::fd::AsFd::as_fd(&control),
            nix::poll::PollFlags::POLLIN,
        )];
        // A poll interval for reaping (SIGCHLD is not caught here), not a
        // readiness guess: the control socket wakes us at once.
        let _ = nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(10u8));
    }
    let killed = kill_everything_below(Duration::from_secs(10));
    let _ = control.set_nonblocking(false);
    let _ = writeln!(control, "clean {killed}");
    Ok(())
}

/// The raw wait status (as `waitpid(2)` stores it) of a reaped process.
fn raw_status(st: WaitStatus) -> i32 {
    match st {
        WaitStatus::Exited(_, code) => (code & 0xff) << 8,
        WaitStatus::Signaled(_, sig, core) => (sig as i32) | if core { 0x80 } else { 0 },
        _ => 0,
    }
}

/// SIGKILLs every process below this one and reaps it, over and over until
/// none is left (a killed process's children are adopted by us, the
/// subreaper, and show up on the next round). Returns how many were killed.
///
/// It never blocks in waitpid: a wait for "any child" may be answered only
/// by a child adopted after the last look, which nobody has killed yet —
/// the server's serving child, say, adopted when the server died, and
/// still blocked reading its client. Such a wait never returned (1 run in 3
/// under load); the checker gave up and killed our group, and that child
/// was left a zombie of init's.
fn kill_everything_below(limit: Duration) -> usize {
    let end = common::lab::harness::Deadline::after(limit);
    let me = nix::unistd::getpid().as_raw();
    let mut killed = std::collections::HashSet::new();
    loop {
        let kids: Vec<i32> = observer::children(me).iter().map(|p| p.pid).collect();
        if kids.is_empty() || end.passed() {
            return killed.len();
        }
        for pid in kids {
            if kill(Pid::from_raw(pid), Signal::SIGKILL).is_ok() {
                killed.insert(pid);
            }
        }
        // Reap every one that has died; the rest (killed a moment ago, or
        // just adopted) are looked at again on the next round.
        while let Ok(st) = waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            if st == WaitStatus::StillAlive {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(1)); // a poll interval: SIGKILL takes a moment
    }
}

/// A program started under a warden (the checker's side).
pub struct Contained {
    warden: Proc,
    control: BufReader<UnixStream>,
    host: i32,
    host_exe: PathBuf,
    status: Option<ExitStatus>,
}

impl Contained {
    /// Starts `host ARGS` under a warden (`exercises warden`, the binary
    /// `exe`), with `fds` handed to the host as descriptors 4, 5, ...
    pub fn spawn(exe: &Path, host: &Path, args: &[String], fds: Vec<OwnedFd>) -> anyhow::Result<Contained> {
        let (mine, theirs) = UnixStream::pair().context("socketpair")?;
        let mut cmd = Command::new(exe);
        cmd.arg("warden").arg("--").arg(host).args(args);
        cmd.env("RUST_BACKTRACE", "0");
        let mut from: Vec<RawFd> = vec![theirs.as_raw_fd()];
        from.extend(fds.iter().map(AsRawFd::as_raw_fd));
        // SAFETY: runs in the forked child before exec; fcntl(2) and dup2(2)
        // are async-signal-safe, and nothing here allocates or locks.
        unsafe {
            cmd.pre_exec(move || {
                // First out of the way (a source may sit on a target number),
                // then into place: control on 3, the host's on 4, 5, ...
                let mut high = [0 as RawFd; 17];
                for (i, &fd) in from.iter().enumerate().take(17) {
                    high[i] = nix::libc::fcntl(fd, nix::libc::F_DUPFD_CLOEXEC, 100);
                    if high[i] < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                for (i, &fd) in high.iter().enumerate().take(from.len().min(17)) {
                    if nix::libc::dup2(fd, CONTROL_FD + i as RawFd) < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        let warden = Proc::spawn_command(cmd)?;
        drop(theirs);
        drop(fds);
        let mut control = BufReader::new(mine);
        control
            .get_ref()
            .set_read_timeout(Some(common::lab::harness::DEADLINE))?;
        let mut line = String::new();
        control.read_line(&mut line).context("the warden's first line")?;
        let host_pid = match line.trim().split_once(' ') {
            Some(("pid", n)) => n.parse().context("the host's pid")?,
            _ => {
                return Err(anyhow!(
                    "the warden said {line:?}; stderr: {}",
                    warden.stderr_text()
                ));
            }
        };
        Ok(Contained {
            warden,
            control,
            host: host_pid,
            host_exe: std::fs::canonicalize(host).unwrap_or_else(|_| host.to_path_buf()),
            status: None,
        })
    }

    /// The host's pid (the student's program; not the warden's).
    pub fn pid(&self) -> i32 {
        self.host
    }

    /// The warden's pid: every process the host started is below it.
    pub fn warden_pid(&self) -> i32 {
        self.warden.pid()
    }

    /// Every live process below the warden: the host, its children, and
    /// whatever escaped them (orphans the warden adopted). Zombies included.
    pub fn family(&self) -> Vec<observer::ProcInfo> {
        let mut out = Vec::new();
        let mut todo = vec![self.warden.pid()];
        while let Some(p) = todo.pop() {
            for c in observer::children(p) {
                todo.push(c.pid);
                out.push(c);
            }
        }
        out
    }

    /// Processes below the warden that run another program than the host
    /// (they exec'd something): `(pid, program)`.
    pub fn other_programs(&self) -> Vec<(i32, PathBuf)> {
        self.family()
            .into_iter()
            .filter(|p| !p.is_zombie())
            .filter_map(|p| {
                let exe = std::fs::read_link(format!("/proc/{}/exe", p.pid)).ok()?;
                (exe != self.host_exe).then_some((p.pid, exe))
            })
            .collect()
    }

    /// Waits for the server's `listening on ADDR` line.
    pub fn listening(&self) -> anyhow::Result<SocketAddr> {
        let addr = self.warden.listening();
        self.note_programs();
        addr
    }

    pub fn wait_stderr(&self, pat: &str, timeout: Duration) -> anyhow::Result<String> {
        self.warden.wait_stderr(pat, timeout)
    }

    pub fn wait_stdout(&self, pat: &[u8], timeout: Duration) -> anyhow::Result<()> {
        self.warden.wait_stdout(pat, timeout)
    }

    pub fn stdout_bytes(&self) -> Vec<u8> {
        self.warden.stdout_bytes()
    }

    pub fn stderr_text(&self) -> String {
        self.warden.stderr_text()
    }

    pub fn write_stdin(&mut self, data: &[u8]) -> anyhow::Result<()> {
        self.warden.write_stdin(data)
    }

    pub fn feed_stdin(&mut self, data: Vec<u8>) -> std::thread::JoinHandle<std::io::Result<()>> {
        self.warden.feed_stdin(data)
    }

    pub fn close_stdin(&mut self) {
        self.warden.close_stdin()
    }

    /// Records (for [`incidents`]) every process below the warden that runs
    /// another program than the host. Called at each step a check takes
    /// with the program, and at the end: a program that exec'd something
    /// and then ended before the end is still seen.
    fn note_programs(&self) {
        for (pid, exe) in self.other_programs() {
            let line = format!("pid {pid} runs {}", exe.display());
            INCIDENTS.with(|i| {
                let mut i = i.borrow_mut();
                if !i.contains(&line) {
                    i.push(line);
                }
            });
        }
    }

    /// Sends `sig` to the host.
    pub fn signal(&self, sig: Signal) -> anyhow::Result<()> {
        self.note_programs();
        kill(Pid::from_raw(self.host), sig).with_context(|| format!("kill {sig} {}", self.host))
    }

    /// Waits up to `timeout` for the host to end; its status as the warden
    /// collected it.
    pub fn wait_exit(&mut self, timeout: Duration) -> anyhow::Result<ExitStatus> {
        if let Some(st) = self.status {
            return Ok(st);
        }
        self.note_programs();
        let end = common::lab::harness::Deadline::after(timeout);
        loop {
            let left = end.left();
            if left.is_zero() {
                return Err(anyhow!(
                    "timed out after {timeout:?} waiting for the program to exit{}; stderr so far:\n{}",
                    end.note(),
                    self.stderr_text()
                ));
            }
            self.control.get_ref().set_read_timeout(Some(left))?;
            let mut line = String::new();
            match self.control.read_line(&mut line) {
                Ok(0) => return Err(anyhow!("the warden ended before the program did")),
                Ok(_) => {
                    if let Some(raw) = line.trim().strip_prefix("exit ") {
                        let st = ExitStatus::from_raw(raw.parse().context("status")?);
                        self.status = Some(st);
                        // Its output pipes reach EOF once every holder has
                        // ended (a forked child may hold them): a bounded
                        // moment. 2 s, not 0.5: at load 50 the reader threads
                        // had not drained a dead client's last words in time
                        // (a report said "stderr:" and nothing after it).
                        self.warden.wait_eof(Duration::from_secs(2));
                        return Ok(st);
                    }
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Ends everything below the warden now and waits until the warden says
    /// it is done: returns how many processes it had to kill.
    pub fn shut_down(&mut self) -> anyhow::Result<usize> {
        let _ = self.control.get_ref().shutdown(std::net::Shutdown::Write);
        // Longer than the warden's own kill loop may take (10 s, plus a
        // busy machine's stall): a checker that gave up first would leave
        // a daemon in a session of its own, which the warden's group kill
        // below does not reach.
        let end = common::lab::harness::Deadline::after(Duration::from_secs(15));
        let mut line = String::new();
        loop {
            line.clear();
            let left = end.left();
            if left.is_zero() {
                return Err(anyhow!("the warden did not say it was done{}", end.note()));
            }
            self.control.get_ref().set_read_timeout(Some(left))?;
            match self.control.read_line(&mut line) {
                Ok(0) => return Err(anyhow!("the warden ended without saying it was done")),
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            if let Some(n) = line.trim().strip_prefix("clean ") {
                return Ok(n.parse().unwrap_or(0));
            }
        }
    }
}

thread_local! {
    /// What the programs this thread's check started did that no check
    /// allows: running another program than the host (see [`incidents`]).
    static INCIDENTS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Takes what was recorded on this thread since the last call: a process
/// below a warden that ran another program (an `exec` of the lab's own
/// server, say, would pass a check without the student's code doing the
/// work). `verify::run_check` fails the verdict on any.
pub fn incidents() -> Vec<String> {
    INCIDENTS.with(|i| std::mem::take(&mut *i.borrow_mut()))
}

impl Drop for Contained {
    fn drop(&mut self) {
        self.note_programs();
        let _ = self.shut_down();
        // The Proc's own drop kills the warden's group and reaps it.
    }
}

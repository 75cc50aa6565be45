//! Running lab programs as separate processes — for tests, demos and
//! exercise checks — so that nobody ever forks inside a test harness.
//!
//! - [`Proc::spawn`] starts a program in **its own process group**, with
//!   `PR_SET_PDEATHSIG` (it gets SIGKILL if the spawning thread dies) and
//!   stdin/stdout/stderr piped; two threads collect stdout and stderr.
//! - Dropping a [`Proc`] kills its whole group (the server *and* every child
//!   it forked) and reaps it — also when a test panics.
//! - [`kill_all_on_interrupt`] makes Ctrl-C / SIGTERM kill every live group
//!   before the demo dies, so nothing is left behind.
//! - Nothing here sleeps to wait for readiness: [`Proc::listening`] reads
//!   the server's `listening on ADDR` line; [`eventually`] polls /proc with
//!   a deadline.

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, kill, killpg, sigaction};
use nix::unistd::Pid;

use crate::lab::observer::{self, ProcInfo, TcpSock};

/// The default deadline for any one wait: generous for a loaded 2-core CI
/// machine, short enough that a stuck program fails the test quickly.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// Output collected from one pipe, with a condition variable to wait on.
#[derive(Default)]
struct Sink {
    state: Mutex<(Vec<u8>, bool)>, // (bytes so far, EOF seen)
    cv: Condvar,
}

impl Sink {
    fn collect(self: &Arc<Self>, mut pipe: impl Read + Send + 'static) {
        let me = Arc::clone(self);
        thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                let n = pipe.read(&mut buf).unwrap_or(0);
                let mut st = me.state.lock().unwrap_or_else(|p| p.into_inner());
                if n == 0 {
                    st.1 = true;
                } else {
                    st.0.extend_from_slice(&buf[..n]);
                }
                me.cv.notify_all();
                if n == 0 {
                    return;
                }
            }
        });
    }

    fn bytes(&self) -> Vec<u8> {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).0.clone()
    }

    /// Waits until `pred(bytes, eof)` gives Some, or the deadline passes.
    /// The error says why it stopped waiting, for the end of a message: the
    /// output ended, or the deadline passed (and how much longer than its
    /// timeout a busy machine made it).
    fn wait<T>(
        &self,
        timeout: Duration,
        mut pred: impl FnMut(&[u8], bool) -> Option<T>,
    ) -> Result<T, String> {
        let end = Deadline::after(timeout);
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(t) = pred(&st.0, st.1) {
                return Ok(t);
            }
            if st.1 {
                return Err(" (the output was closed)".into());
            }
            let left = end.left();
            if left.is_zero() {
                return Err(end.note());
            }
            st = self
                .cv
                .wait_timeout(st, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

/// Process groups alive right now, for [`kill_all_on_interrupt`].
static GROUPS: [AtomicI32; 64] = [const { AtomicI32::new(0) }; 64];

fn register(pgid: i32) {
    for slot in &GROUPS {
        if slot
            .compare_exchange(0, pgid, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return;
        }
    }
}

fn unregister(pgid: i32) {
    for slot in &GROUPS {
        let _ = slot.compare_exchange(pgid, 0, Ordering::SeqCst, Ordering::SeqCst);
    }
}

extern "C" fn on_interrupt(signo: nix::libc::c_int) {
    // Async-signal-safe: atomic loads, kill(2), sigaction(2), raise(2).
    for slot in &GROUPS {
        let pgid = slot.load(Ordering::SeqCst);
        if pgid > 0 {
            let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
        }
    }
    if let Ok(sig) = Signal::try_from(signo) {
        let dfl = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
        // SAFETY: restoring the default action installs no handler code.
        let _ = unsafe { sigaction(sig, &dfl) };
        let _ = nix::sys::signal::raise(sig);
    }
}

/// On SIGINT, SIGTERM or SIGHUP: SIGKILL every process group spawned through
/// [`Proc`] and still alive, then die of the same signal. Call it once at the
/// start of a demo; the spawned programs are in their own groups, so the
/// terminal's Ctrl-C would not reach them otherwise.
pub fn kill_all_on_interrupt() {
    let act = SigAction::new(
        SigHandler::Handler(on_interrupt),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for sig in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        // SAFETY: `on_interrupt` does only async-signal-safe work (see it).
        let _ = unsafe { sigaction(sig, &act) };
    }
}

/// The path of a lab program built next to the running executable: the same
/// directory for a demo in target/debug, the parent of `deps/` for a test.
///
/// `cargo run -p CRATE` builds only the binary it runs, so on a clean clone
/// the siblings a demo starts do not exist yet. When `name` is missing,
/// the lab's programs are built once, with the cargo that started us
/// (`$CARGO`, else `cargo` on PATH), into the same target directory and
/// profile; cargo's errors are shown if that build fails.
pub fn bin_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let mut dir = exe.parent().map(PathBuf::from).unwrap_or_default();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path = dir.join(name);
    if !path.exists() {
        build_lab_programs(&dir);
    }
    path
}

/// The crates whose binaries the demos and tests start. Not `exercises`:
/// a student's half-edited file must not stop a chapter's demo.
const LAB_CRATES: [&str; 3] = ["ch04-sockets", "ch05-echo", "ch05-sigchld"];

/// `cargo build -q --bins -p ch04-sockets -p ch05-echo -p ch05-sigchld` into
/// the target directory that holds `bin_dir` (`TARGET/PROFILE`), once per
/// process; later calls wait for the first one to finish.
fn build_lab_programs(bin_dir: &std::path::Path) {
    static BUILT: Mutex<bool> = Mutex::new(false);
    let mut built = BUILT.lock().unwrap_or_else(|p| p.into_inner());
    if *built {
        return;
    }
    *built = true;
    let (Some(profile), Some(target_dir)) = (bin_dir.file_name().and_then(|p| p.to_str()), bin_dir.parent())
    else {
        return;
    };
    // This crate sits at the workspace root's common/.
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "-q", "--bins", "--manifest-path", manifest]);
    for c in LAB_CRATES {
        cmd.args(["-p", c]);
    }
    cmd.arg("--target-dir").arg(target_dir);
    match profile {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    // stdout stays clean for the demo's output; cargo's errors go to stderr.
    cmd.stdin(Stdio::null()).stdout(Stdio::null());
    eprintln!(
        "{}",
        crate::lang::tr("building the lab's programs — first run only")
    );
    match cmd.status() {
        Ok(st) if st.success() => {}
        Ok(st) => eprintln!(
            "building the lab's programs failed ({}); see cargo's errors above",
            describe(st)
        ),
        Err(e) => eprintln!("cannot run cargo to build the lab's programs: {e}"),
    }
}

/// A running lab program in its own process group.
pub struct Proc {
    child: Child,
    name: String,
    stdin: Option<ChildStdin>,
    stdout: Arc<Sink>,
    stderr: Arc<Sink>,
    status: Option<ExitStatus>,
    /// The group was found empty after the leader was reaped: its number
    /// is free for the kernel to hand out again.
    group_gone: bool,
}

impl Proc {
    /// Starts `program` with `args` (see the module doc for what is set up).
    pub fn spawn<S: AsRef<OsStr>>(program: impl AsRef<OsStr>, args: &[S]) -> anyhow::Result<Proc> {
        let mut cmd = Command::new(program);
        cmd.args(args);
        Proc::spawn_command(cmd)
    }

    /// Starts a prepared `Command` (to set env, cwd, ...) the same way.
    pub fn spawn_command(mut cmd: Command) -> anyhow::Result<Proc> {
        let name = PathBuf::from(cmd.get_program())
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd.process_group(0);
        // If the spawner dies between fork and the child's prctl (Ctrl-C in
        // a demo, while the child waits for a CPU), PDEATHSIG is set too late
        // to fire, and the group is not registered yet: the child would run
        // on as an orphan. So the child checks that its parent is still the
        // spawner after setting it, and dies otherwise.
        let spawner = nix::unistd::getpid();
        // SAFETY: the closure runs in the forked child before exec and calls
        // only prctl(2), getppid(2) and kill(2), which are async-signal-safe;
        // it touches no locks and does not allocate.
        unsafe {
            cmd.pre_exec(move || {
                crate::error::sys(nix::sys::prctl::set_pdeathsig(Signal::SIGKILL))?;
                if nix::unistd::getppid() != spawner {
                    let _ = kill(nix::unistd::getpid(), Signal::SIGKILL);
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn().with_context(|| format!("cannot start {name}"))?;
        register(child.id() as i32);
        let stdout = Arc::new(Sink::default());
        let stderr = Arc::new(Sink::default());
        if let Some(p) = child.stdout.take() {
            stdout.collect(p);
        }
        if let Some(p) = child.stderr.take() {
            stderr.collect(p);
        }
        let stdin = child.stdin.take();
        Ok(Proc {
            child,
            name,
            stdin,
            stdout,
            stderr,
            status: None,
            group_gone: false,
        })
    }

    /// The program's pid (also its process-group id).
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// The file name of the program.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Waits for the `listening on ADDR` line a server prints first on
    /// stderr and returns ADDR.
    pub fn listening(&self) -> anyhow::Result<SocketAddr> {
        let line = self.wait_stderr("listening on ", DEADLINE)?;
        let addr = line
            .split("listening on ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .ok_or_else(|| anyhow!("no address in {line:?}"))?;
        addr.parse().with_context(|| format!("bad address in {line:?}"))
    }

    /// Waits for a stderr line containing `pat` (lines seen before count
    /// too) and returns it.
    pub fn wait_stderr(&self, pat: &str, timeout: Duration) -> anyhow::Result<String> {
        self.stderr
            .wait(timeout, |b, _| {
                String::from_utf8_lossy(b)
                    .lines()
                    .find(|l| l.contains(pat))
                    .map(str::to_owned)
            })
            .map_err(|why| {
                anyhow!(
                    "{}: no stderr line containing {pat:?} within {timeout:?}{why}; stderr so far:\n{}",
                    self.name,
                    self.stderr_text()
                )
            })
    }

    /// Waits until stdout contains `pat`.
    pub fn wait_stdout(&self, pat: &[u8], timeout: Duration) -> anyhow::Result<()> {
        self.stdout
            .wait(timeout, |b, _| {
                b.windows(pat.len().max(1)).any(|w| w == pat).then_some(())
            })
            .map_err(|why| {
                anyhow!(
                    "{}: stdout has no {:?} within {timeout:?}{why}; stdout so far: {:?}",
                    self.name,
                    String::from_utf8_lossy(pat),
                    String::from_utf8_lossy(&self.stdout_bytes())
                )
            })
    }

    /// Everything written to stdout so far.
    pub fn stdout_bytes(&self) -> Vec<u8> {
        self.stdout.bytes()
    }

    /// Everything written to stderr so far, as text.
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.bytes()).into_owned()
    }

    /// Writes to the program's stdin.
    pub fn write_stdin(&mut self, data: &[u8]) -> anyhow::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| anyhow!("stdin already closed"))?;
        stdin.write_all(data).context("write to stdin")?;
        stdin.flush().context("flush stdin")
    }

    /// Writes `data` to stdin from a helper thread, then closes stdin (EOF):
    /// the program may answer while its input is still being written.
    pub fn feed_stdin(&mut self, data: Vec<u8>) -> thread::JoinHandle<std::io::Result<()>> {
        let stdin = self.stdin.take();
        thread::spawn(move || match stdin {
            Some(mut s) => s.write_all(&data),
            None => Ok(()),
        })
    }

    /// Closes stdin: the program reads end of file.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Sends `sig` to the program itself.
    pub fn signal(&self, sig: Signal) -> anyhow::Result<()> {
        kill(Pid::from_raw(self.pid()), sig).with_context(|| format!("kill {sig} {}", self.pid()))
    }

    /// Waits up to `timeout` for the program to exit and reaps it.
    pub fn wait_exit(&mut self, timeout: Duration) -> anyhow::Result<ExitStatus> {
        if let Some(st) = self.status {
            return Ok(st);
        }
        let st = eventually(timeout, &format!("{} to exit", self.name), || {
            self.child.try_wait().ok().flatten()
        })
        .map_err(|e| anyhow!("{e}; stderr so far:\n{}", self.stderr_text()))?;
        self.status = Some(st);
        let gone = unregister_if_gone(self.pid());
        self.group_gone = gone;
        // The pipes reach EOF once every holder has exited; a forked child
        // may still hold them, so give them a bounded moment, not forever.
        // With no live member left in the group (gone, or zombies only: an
        // orphan init has not reaped yet) EOF is certain: the reader threads
        // get the whole deadline to collect the last bytes, since on a busy
        // machine they may wait longer than a moment for a CPU. (A check of
        // a program's error text saw no text; a page's pipeline, whose
        // client exited before reaping its forked half, showed no output.)
        let grace = if gone || !observer::group_alive(self.pid()) {
            timeout
        } else {
            Duration::from_millis(500)
        };
        let _ = self.stdout.wait(grace, |_, eof| eof.then_some(()));
        let _ = self.stderr.wait(grace, |_, eof| eof.then_some(()));
        Ok(st)
    }

    /// Waits up to `timeout` until both output pipes reach end of file (every
    /// process holding them has ended); true if they did.
    pub fn wait_eof(&self, timeout: Duration) -> bool {
        let end = Deadline::after(timeout);
        let out = self.stdout.wait(timeout, |_, eof| eof.then_some(()));
        let err = self.stderr.wait(end.left(), |_, eof| eof.then_some(()));
        out.is_ok() && err.is_ok()
    }

    /// Like [`Proc::wait_exit`], and fails unless the program exited with `code`.
    pub fn expect_exit(&mut self, code: i32, timeout: Duration) -> anyhow::Result<()> {
        let st = self.wait_exit(timeout)?;
        if st.code() != Some(code) {
            bail!(
                "{}: expected exit code {code}, got {}; stderr:\n{}",
                self.name,
                describe(st),
                self.stderr_text()
            );
        }
        Ok(())
    }
}

/// Whether the group is empty (then it is unregistered).
fn unregister_if_gone(pgid: i32) -> bool {
    // The leader is reaped, but its forked children may live on in the
    // group; keep it registered (and kill it on drop) unless it is empty.
    let gone = killpg(Pid::from_raw(pgid), None).is_err();
    if gone {
        unregister(pgid);
    }
    gone
}

/// "exit code 1" or "killed by signal 13 (SIGPIPE)" (in the current language:
/// "退出码 1").
pub fn describe(st: ExitStatus) -> String {
    match (st.code(), st.signal()) {
        (Some(c), _) => crate::lang::trf("exit code {}", &[&c]),
        (None, Some(s)) => match Signal::try_from(s) {
            Ok(sig) => crate::lang::trf("killed by signal {} ({})", &[&s, &sig]),
            Err(_) => crate::lang::trf("killed by signal {}", &[&s]),
        },
        _ => format!("{st:?}"),
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let pgid = self.pid();
        // The whole group: the program and every child it forked. Not once
        // the group is empty: its number may already lead another group
        // (pids wrap fast while suites fork thousands of children at once),
        // and that group is not ours to kill.
        if !self.group_gone {
            let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
        }
        if self.status.is_none() {
            let _ = self.child.wait();
        }
        unregister(pgid);
    }
}

/// A deadline that does not count the time this machine made runnable tasks
/// wait for a CPU. A wait of "5 s" on a 2-core machine beside a dozen busy
/// processes may give the program it waits for a few hundred milliseconds
/// of CPU; the verdict "it never answered" would then be the machine's
/// fault. So the deadline grows by the CPU stall measured while it runs —
/// Linux's pressure stall information, /proc/pressure/cpu `some total=`
/// (microseconds during which at least one runnable task waited) — or,
/// where the kernel has no PSI, by the load above the number of CPUs.
/// The credit is capped at 3× the timeout, so every wait still ends: on a
/// quiet machine it is the timeout itself, on a saturated one at most 4×.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    start: Instant,
    timeout: Duration,
    stall0: Option<u64>,
}

/// The cap of [`Deadline`]'s credit, as a multiple of its timeout.
const MAX_CREDIT: u32 = 3;

impl Deadline {
    /// A deadline `timeout` from now (plus the machine's CPU stall meanwhile).
    pub fn after(timeout: Duration) -> Deadline {
        Deadline {
            start: Instant::now(),
            timeout,
            stall0: cpu_stall_micros(),
        }
    }

    /// The extra time granted so far for CPU stall.
    pub fn credit(&self) -> Duration {
        let elapsed = self.start.elapsed();
        let stalled = match (self.stall0, cpu_stall_micros()) {
            (Some(a), Some(b)) => Duration::from_micros(b.saturating_sub(a)),
            _ => elapsed.mul_f64(overload()),
        };
        stalled.min(elapsed).min(self.timeout * MAX_CREDIT)
    }

    /// Time left (zero once passed).
    pub fn left(&self) -> Duration {
        (self.start + self.timeout + self.credit()).saturating_duration_since(Instant::now())
    }

    pub fn passed(&self) -> bool {
        self.left().is_zero()
    }

    /// The timeout it was made with.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// For the end of a "timed out" message: "" on a quiet machine, else
    /// how much longer than its timeout the deadline waited, and why.
    pub fn note(&self) -> String {
        let credit = self.credit();
        if credit >= Duration::from_millis(100) {
            crate::lang::trf(
                " (and {} s more: the machine kept runnable tasks waiting for a CPU)",
                &[&format!("{:.1}", credit.as_secs_f64())],
            )
        } else {
            String::new()
        }
    }
}

/// PSI's cumulative CPU stall ("some"), in microseconds; None without PSI.
fn cpu_stall_micros() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/pressure/cpu").ok()?;
    let some = s.lines().find(|l| l.starts_with("some "))?;
    some.split_whitespace()
        .find_map(|w| w.strip_prefix("total="))?
        .parse()
        .ok()
}

/// Without PSI: how far the 1-minute load exceeds the CPUs, as a fraction
/// of the time (0 on a machine with a CPU for every runnable task).
fn overload() -> f64 {
    let load: f64 = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    let cpus = thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    ((load - cpus) / load.max(1.0)).clamp(0.0, 1.0)
}

/// Calls `f` until it returns Some, polling with a short back-off, for at
/// most `timeout` (a [`Deadline`]: plus the machine's CPU stall meanwhile);
/// the error names `what` was awaited.
pub fn eventually<T>(timeout: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> anyhow::Result<T> {
    let end = Deadline::after(timeout);
    let mut pause = Duration::from_micros(200);
    loop {
        if let Some(t) = f() {
            return Ok(t);
        }
        if end.passed() {
            bail!(
                "{}",
                crate::lang::trf(
                    "timed out after {} waiting for {}{}",
                    &[&format!("{timeout:?}"), &crate::lang::tr_any(what), &end.note()],
                )
            );
        }
        thread::sleep(pause); // a poll interval, not a readiness guess
        pause = (pause * 2).min(Duration::from_millis(10));
    }
}

/// Waits until process `pid` is in `state` (e.g. 'T' after SIGSTOP, 'Z').
pub fn wait_state(pid: i32, state: char, timeout: Duration) -> anyhow::Result<()> {
    eventually(timeout, &format!("pid {pid} in state {state}"), || {
        (observer::state(pid) == Some(state)).then_some(())
    })
}

/// Waits until `pid` has exactly `n` zombie children; returns them.
pub fn wait_zombies(pid: i32, n: usize, timeout: Duration) -> anyhow::Result<Vec<ProcInfo>> {
    eventually(timeout, &format!("{n} zombie children of pid {pid}"), || {
        let z = observer::zombies(pid);
        (z.len() == n).then_some(z)
    })
    .map_err(|e| anyhow!("{e}; now:\n{}", observer::process_table(pid)))
}

/// Waits until `pid` has exactly `n` children in any state; returns them.
pub fn wait_children(pid: i32, n: usize, timeout: Duration) -> anyhow::Result<Vec<ProcInfo>> {
    eventually(timeout, &format!("{n} children of pid {pid}"), || {
        let c = observer::children(pid);
        (c.len() == n).then_some(c)
    })
    .map_err(|e| anyhow!("{e}; now:\n{}", observer::process_table(pid)))
}

/// Waits until a TCP socket on `port` matching `pred` is in `state`.
pub fn wait_tcp(
    port: u16,
    state: &str,
    timeout: Duration,
    pred: impl FnMut(&TcpSock) -> bool,
) -> anyhow::Result<TcpSock> {
    let what = format!("a {state} socket on port {port}");
    wait_sock(&what, port, state, timeout, || observer::tcp_sockets(port), pred)
}

/// [`wait_tcp`] among the sockets of server `pid` only
/// ([`observer::server_sockets`]): a TIME_WAIT of a connection that ended
/// before the server started, on a reused port, is never taken for its own.
pub fn wait_server_tcp(
    pid: i32,
    port: u16,
    state: &str,
    timeout: Duration,
    pred: impl FnMut(&TcpSock) -> bool,
) -> anyhow::Result<TcpSock> {
    let what = format!("a {state} socket of pid {pid} on port {port}");
    wait_sock(
        &what,
        port,
        state,
        timeout,
        || observer::server_sockets(port, pid),
        pred,
    )
}

/// The wait of [`wait_tcp`], over the sockets `read` returns; on timeout
/// the error shows every socket of `port`.
fn wait_sock(
    what: &str,
    port: u16,
    state: &str,
    timeout: Duration,
    read: impl Fn() -> Vec<TcpSock>,
    mut pred: impl FnMut(&TcpSock) -> bool,
) -> anyhow::Result<TcpSock> {
    eventually(timeout, what, || {
        read().into_iter().find(|t| t.state == state && pred(t))
    })
    .map_err(|e| {
        anyhow!(
            "{e}; now:\n{}",
            observer::format_sockets(&observer::tcp_sockets(port), &[])
        )
    })
}

/// Makes a port that carries `n` TIME_WAIT rows of earlier, finished
/// connections, and returns it — what a reused ephemeral port looks like on
/// a busy machine. Each row is the far end of a connection *from* that
/// port to a throwaway listener, closed by the listener's side first, so
/// the TIME_WAIT names the port as its remote port and nothing holds the
/// port itself: a server can bind it at once. Returns when the rows are
/// older than [`observer::PREDATES_SLACK`] by the kernel's own timers, so
/// that a server started next is measurably younger than them.
///
/// Another program's connection may take the port as its own meanwhile
/// (three suites at once churn through the ephemeral ports): its row then
/// stays, no server could bind the port, and a fresh port is tried — up to
/// three times.
pub fn foreign_time_waits(n: usize) -> anyhow::Result<u16> {
    let mut tries = 0;
    loop {
        tries += 1;
        match time_waits_on_a_fresh_port(n) {
            Err(e) if tries < 3 => crate::debug!("foreign_time_waits: {e:#}; another port"),
            r => return r,
        }
    }
}

fn time_waits_on_a_fresh_port(n: usize) -> anyhow::Result<u16> {
    use socket2::{Domain, SockAddr, Socket, Type};
    let any = SocketAddr::from(([127, 0, 0, 1], 0));
    let probe = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    probe.bind(&SockAddr::from(any))?;
    let port = probe.local_addr()?.as_socket().context("not IP")?.port();
    drop(probe);
    let here = SocketAddr::from(([127, 0, 0, 1], port));
    let mut remotes = Vec::new();
    for _ in 0..n {
        let l = Socket::new(Domain::IPV4, Type::STREAM, None)?;
        l.bind(&SockAddr::from(any))?;
        l.listen(1)?;
        let to = l.local_addr()?;
        let c = Socket::new(Domain::IPV4, Type::STREAM, None)?;
        c.set_reuse_address(true)?;
        c.bind(&SockAddr::from(here))
            .with_context(|| format!("bind {here}"))?;
        c.connect(&to)?;
        let (s, _) = l.accept()?;
        drop(s); // the listener's side closes first: its end will be TIME_WAIT
        let mut b = [std::mem::MaybeUninit::new(0u8); 1];
        while c.recv(&mut b)? != 0 {}
        drop(c); // the FIN back: LAST_ACK here, TIME_WAIT there
        remotes.push(to.as_socket().context("not IP")?);
    }
    eventually(
        DEADLINE,
        &format!("{n} TIME_WAIT rows naming port {port}"),
        || {
            let now = observer::since_boot()?;
            let rows = observer::tcp_sockets(port);
            let old = |t: &TcpSock| {
                t.state == "TIME_WAIT"
                    && remotes.contains(&t.local)
                    && t.waiting_since
                        .is_some_and(|w| w + 2 * observer::PREDATES_SLACK < now)
            };
            let only_them = rows.iter().all(|t| remotes.contains(&t.local));
            (only_them && rows.iter().filter(|t| old(t)).count() == n).then_some(port)
        },
    )
}

/// SIGSTOP `pid` and wait until /proc shows it stopped (`T`): from then on
/// its signals stay pending — the stop-the-parent method (docs: ch05-sigchld/experiment.md) that makes
/// SIGCHLD coalescing exact.
pub fn stop(pid: i32) -> anyhow::Result<()> {
    kill(Pid::from_raw(pid), Signal::SIGSTOP).context("SIGSTOP")?;
    wait_state(pid, 'T', DEADLINE)
}

/// SIGCONT `pid`.
pub fn cont(pid: i32) -> anyhow::Result<()> {
    kill(Pid::from_raw(pid), Signal::SIGCONT).context("SIGCONT")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Busy threads, more than the CPUs, make runnable tasks wait: the
    /// deadline's credit grows (never past the elapsed time, nor past 3×
    /// its timeout). Without the credit the deadline would pass at 200 ms.
    #[test]
    fn a_deadline_grows_while_the_cpus_are_oversubscribed() {
        if cpu_stall_micros().is_none() {
            // The load-average fallback moves over a minute, not 300 ms.
            return crate::lab::skip(
                "a_deadline_grows_while_the_cpus_are_oversubscribed",
                "no /proc/pressure/cpu (kernel without PSI)",
            );
        }
        let d = Deadline::after(Duration::from_millis(200));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let n = 3 * thread::available_parallelism().map_or(1, |n| n.get());
        let hogs: Vec<_> = (0..n)
            .map(|_| {
                let stop = stop.clone();
                thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::hint::spin_loop();
                    }
                })
            })
            .collect();
        let busy = Instant::now();
        while busy.elapsed() < Duration::from_millis(300) {
            std::hint::spin_loop();
        }
        let credit = d.credit();
        let left = d.left();
        stop.store(true, Ordering::Relaxed);
        for h in hogs {
            let _ = h.join();
        }
        assert!(credit > Duration::from_millis(50), "credit {credit:?}");
        assert!(credit <= d.start.elapsed() && credit <= Duration::from_millis(600));
        // The deadline moved past its 200 ms by the credit (how far the
        // kernel's stall count kept up with 300 ms of spinning varies).
        assert!(left + d.start.elapsed() >= Duration::from_millis(200) + credit - Duration::from_millis(50));
        assert!(d.note().contains("waiting for a CPU"), "{}", d.note());
    }
}

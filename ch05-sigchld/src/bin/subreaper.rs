//! A helper for the double-fork lesson and for the lab's own checks: runs
//! one program as a *child subreaper* (prctl PR_SET_CHILD_SUBREAPER), so
//! that every orphan among that program's descendants is adopted here —
//! not by PID 1 — where it can be seen and reaped.
//!
//! Run:        cargo run -p ch05-sigchld --bin subreaper -- \
//!                 target/debug/toupper_dfork --port 0
//! Talk to it: talk to the program it runs (nc 127.0.0.1 PORT).
//! Observe:    ps -o pid,ppid,stat,cmd --ppid <subreaper pid> → the program
//!             and, while they serve, its orphaned grandchildren; each one
//!             that ends is reported: "reaped orphan N (exit status 0)".
//!             When the program exits, whatever it left behind is listed
//!             ("left behind: ..."), killed and reaped; exit status 3 then.
//!
//! Why a separate program: a test that made *itself* a subreaper would
//! adopt the orphans of every test thread; a demo that did so would mix
//! them with its own children. Here the only children are the program and
//! its orphans, so waiting for any child (-1) is exact.

use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use common::LogArgs;
use common::lab::observer;
use common::wrapunix::{wait, waitpid};
use common::{notice, warning};
use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus};
use nix::unistd::Pid;

/// Runs PROGRAM as a child subreaper: orphans among its descendants are
/// adopted by this process, reported and reaped ("reaped orphan N"). When
/// PROGRAM ends, any descendant still running is reported ("left behind:
/// ..."), killed, and the exit status is 3; otherwise it is PROGRAM's.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// How long, after PROGRAM ends, its descendants may take to end too
    /// before they count as left behind.
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    grace_ms: u64,

    #[command(flatten)]
    log: LogArgs,

    /// The program to run, and its arguments.
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    program: Vec<String>,
}

fn main() -> ExitCode {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init(env!("CARGO_BIN_NAME"));
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            common::fatal!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn describe(status: WaitStatus) -> String {
    match status {
        WaitStatus::Exited(_, c) => format!("exit status {c}"),
        WaitStatus::Signaled(_, s, _) => format!("killed by {s}"),
        other => format!("{other:?}"),
    }
}

fn run(args: &Args) -> anyhow::Result<u8> {
    nix::sys::prctl::set_child_subreaper(true).context("prctl(PR_SET_CHILD_SUBREAPER)")?;
    let mut cmd = Command::new(&args.program[0]);
    cmd.args(&args.program[1..]);
    // SAFETY: runs in the forked child before exec and calls only prctl(2),
    // which is async-signal-safe: if the subreaper dies, so does PROGRAM
    // (its descendants are PROGRAM's business, or orphans of the next
    // subreaper up).
    unsafe {
        cmd.pre_exec(|| common::error::sys(nix::sys::prctl::set_pdeathsig(Signal::SIGKILL)));
    }
    let child = cmd
        .spawn()
        .with_context(|| format!("cannot start {}", args.program[0]))?;
    let main_pid = child.id() as i32;
    notice!("subreaper: started {} as pid {main_pid}", args.program[0]);

    // Reap whatever ends until the program itself does.
    let code = loop {
        let status = wait().context("wait")?;
        let Some(pid) = status.pid() else { continue };
        if pid.as_raw() == main_pid {
            notice!("{} (pid {main_pid}) ended: {}", args.program[0], describe(status));
            break match status {
                WaitStatus::Exited(_, c) => u8::try_from(c).unwrap_or(1),
                WaitStatus::Signaled(_, s, _) => 128u8.saturating_add(s as u8),
                _ => 1,
            };
        }
        notice!("reaped orphan {pid} ({})", describe(status));
    };

    // Then give the descendants a moment to end, reaping as they do.
    let end = Instant::now() + Duration::from_millis(args.grace_ms);
    let me = nix::unistd::getpid().as_raw();
    loop {
        match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => {}
            Ok(status) => {
                if let Some(pid) = status.pid() {
                    notice!("reaped orphan {pid} ({})", describe(status));
                }
                continue;
            }
            Err(e) if e.raw_os_error() == Some(Errno::ECHILD as i32) => {
                notice!("left behind: none");
                return Ok(code);
            }
            Err(e) => return Err(e).context("waitpid"),
        }
        if Instant::now() >= end {
            break;
        }
        std::thread::sleep(Duration::from_millis(5)); // a poll interval
    }
    let left: Vec<_> = observer::children(me)
        .into_iter()
        .filter(|p| !p.is_zombie())
        .collect();
    if left.is_empty() {
        while let Ok(status) = wait() {
            notice!(
                "reaped orphan {} ({})",
                status.pid().map_or(0, Pid::as_raw),
                describe(status)
            );
        }
        notice!("left behind: none");
        return Ok(code);
    }
    let list: Vec<String> = left
        .iter()
        .map(|p| format!("{} ({}, {})", p.pid, p.comm, p.state))
        .collect();
    warning!("left behind: {}", list.join(", "));
    for p in &left {
        let _ = kill(Pid::from_raw(p.pid), Signal::SIGKILL);
    }
    while wait().is_ok() {}
    Ok(3)
}

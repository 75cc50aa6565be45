//! Exercise 13's check: the server has every descriptor in use, so
//! accept(2) fails with EMFILE at once, client waiting or not (LAB.md). A
//! client connects (the kernel queues it). For a fixed window of 1 s the
//! check reads from /proc/PID/schedstat how long the server was runnable —
//! on a CPU or waiting in the run queue for one. A back-off sleeps nearly
//! all the window; a loop that retries at once is runnable all of it, on a
//! loaded machine as on an idle one (load only moves time from "on a CPU"
//! to "waiting for one": a CPU-time threshold would pass a spinner there).
//! Then SIGUSR1 frees a descriptor and the waiting client must be served.
//! Back in accept(), a signal (no SA_RESTART) interrupts it twice: EINTR is
//! retried and a new client served. Last the listener breaks for good
//! (ENOTSOCK): the server must end, not back off and retry for ever.

use std::time::{Duration, Instant};

use common::lang::{tr, trf};
use nix::sys::signal::Signal;

use crate::checks::{Target, connect, fail_or_gone, finish, roundtrip};
use crate::report::{Trace, Verdict};
use crate::rng::Rng;

/// How long the check watches the server with the client waiting.
pub const WINDOW: Duration = Duration::from_secs(1);
/// The longest a patient server may be runnable in [`WINDOW`]: a 50 ms
/// back-off wakes about 5 times (50, 100, 200, 400 ms ...), each for well
/// under a millisecond plus its wait for a CPU; a spinning loop is runnable
/// for the whole window.
pub const MAX_RUNNABLE: Duration = Duration::from_millis(500);

/// The most a patient server may wake in [`WINDOW`]: a back-off of 10 ms
/// or more, doubling or not, wakes at most 100 times.
pub const MAX_WAKEUPS: u64 = 100;

/// How many times `pid` gave up the CPU of its own accord (it slept or
/// blocked): `voluntary_ctxt_switches` in /proc/PID/status.
fn wakeups(pid: i32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))?
        .trim()
        .parse()
        .ok()
}

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let mut rng = Rng::new(target.seed);
    let (mut server, addr) = target.server(&mut t, &[])?;
    let pid = server.pid();
    let expected = tr("the server stays up and backs off: accept fails with EMFILE until a descriptor is freed");
    let mut a = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), expected))?;
    let before = runnable(pid);
    let woke_before = wakeups(pid);
    let lines_before = server.stderr_text().lines().count();
    let start = Instant::now();
    std::thread::sleep(WINDOW);
    let (after, took) = (runnable(pid), start.elapsed());
    let woke = wakeups(pid).zip(woke_before).map(|(a, b)| a.saturating_sub(b)).unwrap_or(0);
    // What it logged meanwhile counts as tries too (a full stderr pipe can
    // hold a logging spinner asleep while the machine is busy).
    let logged = server.stderr_text().lines().count().saturating_sub(lines_before) as u64;
    let woke = woke.max(logged);
    t.did(trf(
        "every descriptor of the server is in use (accept fails with EMFILE); a client connected (queued by the kernel); watched the server in /proc/{}/schedstat for {} s",
        &[&pid, &format!("{:.1}", took.as_secs_f64())],
    ));
    let (Some(before), Some(after)) = (before, after) else {
        return Err(fail_or_gone(&mut server, &t, tr("the server is gone").into(), expected));
    };
    if crate::observe::exited(pid) {
        return Err(fail_or_gone(&mut server, &t, tr("the server ended").into(), expected));
    }
    let (on_cpu, waiting) = (
        after.0.saturating_sub(before.0),
        after.1.saturating_sub(before.1),
    );
    let busy = on_cpu + waiting;
    if busy > MAX_RUNNABLE {
        return Err(t.fail(
            trf(
                "the server was runnable for {} s of {} s while the client waited ({} s on a CPU, {} s waiting for one): it spins — accept fails with EMFILE at once, every time it is asked",
                &[
                    &format!("{:.2}", busy.as_secs_f64()),
                    &format!("{:.1}", took.as_secs_f64()),
                    &format!("{:.2}", on_cpu.as_secs_f64()),
                    &format!("{:.2}", waiting.as_secs_f64()),
                ],
            ),
            trf(
                "runnable for at most {} ms: it sleeps a little between tries (a back-off)",
                &[&MAX_RUNNABLE.as_millis()],
            ),
        ));
    }
    // A loop that retries at once and logs each failure can spend the
    // window asleep — blocked writing to a full stderr pipe while the
    // machine is busy — yet it wakes for every try: count the wake-ups too.
    if woke > MAX_WAKEUPS {
        return Err(t.fail(
            trf(
                "the server woke {} times in {} s while the client waited: it retries at once, \
                 every time (it was runnable {} ms: the rest it sat blocked, e.g. writing its log)",
                &[&woke, &format!("{:.1}", took.as_secs_f64()), &busy.as_millis()],
            ),
            trf("at most {} wake-ups: it sleeps a little between tries (a back-off)", &[&MAX_WAKEUPS]),
        ));
    }
    t.did(trf("it was runnable for {} ms and woke {} times", &[&busy.as_millis(), &woke]));

    server.signal(Signal::SIGUSR1).map_err(|e| t.fail(e.to_string(), tr("the signal sent")))?;
    t.did(tr("freed one descriptor (SIGUSR1); the waiting client sent a line"));
    let line = rng.line(3, 40);
    roundtrip(&mut a, &line).map_err(|saw| {
        fail_or_gone(
            &mut server,
            &t,
            saw,
            tr("the waiting client is served within 5 s of a descriptor being freed"),
        )
    })?;
    finish(a).map_err(|saw| fail_or_gone(&mut server, &t, saw, tr("the end of the echo")))?;
    t.did(tr("the waiting client was served"));

    // Back in accept(), with a descriptor to spare: a signal (no SA_RESTART)
    // interrupts it twice — EINTR is retried, not returned.
    for _ in 0..2 {
        crate::observe::idle_in_accept(pid, crate::checks::STEP)
            .map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), expected))?;
        server.signal(Signal::SIGWINCH).map_err(|e| t.fail(e.to_string(), tr("the signal")))?;
        crate::checks::delivered(pid, nix::sys::signal::Signal::SIGWINCH)
        .map_err(|e| t.fail(e.to_string(), tr("the signal delivered")))?;
    }
    t.did(tr("interrupted the server's accept() twice with a signal (no SA_RESTART: EINTR)"));
    let mut b = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), expected))?;
    roundtrip(&mut b, &rng.line(3, 40))
        .map_err(|saw| fail_or_gone(&mut server, &t, saw, tr("a new client is served: EINTR is retried")))?;
    finish(b).map_err(|saw| fail_or_gone(&mut server, &t, saw, tr("the end of the echo")))?;
    t.did(tr("a new client was served"));
    crate::checks::broken_listener_ends_the_server(&mut server, &mut t)
}

/// How long `pid` has been on a CPU, and waiting in a run queue for one
/// (/proc/PID/schedstat: nanoseconds).
fn runnable(pid: i32) -> Option<(Duration, Duration)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/schedstat")).ok()?;
    let mut f = text.split_whitespace().map(|n| n.parse::<u64>().ok());
    Some((Duration::from_nanos(f.next()??), Duration::from_nanos(f.next()??)))
}

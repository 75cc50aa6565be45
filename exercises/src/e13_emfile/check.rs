//! Exercise 13's check: the server has every descriptor in use, so
//! accept(2) fails with EMFILE at once, client waiting or not (LAB.md). A
//! client connects (the kernel queues it). For a fixed window of 1 s the
//! check reads from /proc/PID/schedstat how long the server was runnable —
//! on a CPU or waiting in the run queue for one. A back-off sleeps nearly
//! all the window; a loop that retries at once is runnable all of it, on a
//! loaded machine as on an idle one (load only moves time from "on a CPU"
//! to "waiting for one": a CPU-time threshold would pass a spinner there).
//! A window in which the server was runnable but hardly on a CPU (the
//! machine gave it no turn) is watched again, up to [`MAX_WINDOWS`].
//! The shortage then lasts [`SHORTAGE`] in all, the check noting each time
//! the server wakes from its sleep to try again: no pause may be longer
//! than [`MAX_GAP`] (a back-off that doubles without a cap passes it).
//! Then SIGUSR1 frees a descriptor and the waiting client must be served.
//! Back in accept(), a signal (no SA_RESTART) interrupts it twice: EINTR is
//! retried and a new client served. Then the listener breaks for good
//! (ENOTSOCK): the server must end, not back off and retry for ever. Last,
//! a second server runs out of the system's descriptors instead: accept
//! fails with ENFILE (host.rs, `--enfile`), which is a shortage too — it
//! must back off the same way and serve its client once SIGUSR1 ends it.

use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use common::lang::tr;
use crate::checks::{Target, connect, fail_or_gone, finish, roundtrip};
use crate::report::{Failure, Trace, Verdict};
use crate::rng::Rng;

/// How long the check watches the server with the client waiting.
pub const WINDOW: Duration = Duration::from_secs(1);
/// The longest a patient server may be runnable in [`WINDOW`]: a 50 ms
/// back-off wakes about 5 times (50, 100, 200, 400 ms ...), each for well
/// under a millisecond plus its wait for a CPU; a spinning loop is runnable
/// for the whole window.
pub const MAX_RUNNABLE: Duration = Duration::from_millis(500);

/// On a busy machine a patient server is runnable longer — after each
/// wake-up it waits for a CPU (the stress runs measured 0.74 s of 2.8 s at
/// load 54 on 2 cores) — but only in short stretches, one per wake-up. A
/// spinner is runnable without sleeping: its runnable time per wake-up is
/// the whole window. So past [`MAX_RUNNABLE`] the check also asks for more
/// than this much runnable time per wake-up before it calls it spinning.
pub const MAX_RUNNABLE_PER_WAKEUP: Duration = Duration::from_millis(250);

/// Less CPU than this in a window where the server looked like a spinner
/// (runnable long, waking seldom) means the machine gave it almost no turn:
/// a spinner gets its share of the CPUs whenever it is runnable (at load 50
/// on 2 cores, 4 % of 500 ms is 20 ms), but a patient server that woke once
/// and then waited in the run queue for the rest of the window gets none.
/// Seen once under `.ci/stress` (load 35): 1.19 s runnable, 0.00 s of it on
/// a CPU, 2 wake-ups. Such a window proves nothing either way: the check
/// watches another one, up to [`MAX_WINDOWS`].
pub const MIN_CPU_TO_JUDGE: Duration = Duration::from_millis(20);

/// The most windows the check watches while each is too starved to judge;
/// the last is judged whatever it shows.
pub const MAX_WINDOWS: u32 = 4;

/// What one [`WINDOW`] of schedstat says about the server.
#[derive(Debug, PartialEq, Eq)]
pub enum Window {
    /// It slept most of the window, or woke often enough to explain the
    /// time it was runnable: a back-off.
    Patient,
    /// Runnable most of the window, seldom asleep, and it ran on a CPU.
    Spins,
    /// Looked like a spinner but hardly ran: the machine, not the server,
    /// decided this window. Watch another.
    Starved,
}

/// Judges one window: `on_cpu` and `waiting` are the schedstat deltas,
/// `woke` the wake-ups; `last`: no more windows will be watched.
pub fn judge(on_cpu: Duration, waiting: Duration, woke: u64, last: bool) -> Window {
    let busy = on_cpu + waiting;
    let per_wakeup = busy / u32::try_from(woke.max(1)).unwrap_or(u32::MAX);
    if busy <= MAX_RUNNABLE || per_wakeup <= MAX_RUNNABLE_PER_WAKEUP {
        Window::Patient
    } else if on_cpu < MIN_CPU_TO_JUDGE && !last {
        Window::Starved
    } else {
        Window::Spins
    }
}

/// The most a patient server may wake in [`WINDOW`]: a back-off of 10 ms
/// or more, doubling or not, wakes at most 100 times; a spinner that logs
/// each try writes hundreds of lines for every time its stderr pipe (64 KiB)
/// is drained, however busy the machine.
pub const MAX_WAKEUPS: u64 = 250;

/// How long the first shortage lasts at least (and until the check has
/// seen [`MIN_TRIES`] tries).
pub const SHORTAGE: Duration = Duration::from_millis(6500);

/// The tries the check must see during the first shortage before it ends
/// it (unless [`MAX_SHORTAGE`] comes first). A time alone is not enough: a
/// back-off that doubles without a cap from 300 ms sleeps 0.3, 0.6, 1.2,
/// 2.4 s — all under [`MAX_GAP`] — and its 4.8 s sleep begins 4.5 s in; on
/// a loaded machine every wake-up also waits for a CPU, so any uncapped
/// back-off's long sleep starts later than its numbers say (under
/// `.ci/stress` one from 50 ms passed a 6.5 s watch twice). Tries are
/// certain: twelve tries of a doubling back-off span eleven doublings, so
/// the last sleep is 2048 times the first — over [`MAX_GAP`] for any
/// first sleep of 1.25 ms or more, whenever it began and however late
/// each wake-up ran. A capped one (1 s) makes twelve tries in about 12 s.
pub const MIN_TRIES: u32 = 12;

/// The longest the server may sleep between two tries during a shortage:
/// its back-off is capped (the hint says 1 s); the rest is a loaded
/// machine's margin (waiting for a CPU after the sleep, and for the check's
/// own next look).
pub const MAX_GAP: Duration = Duration::from_millis(2500);

/// The longest a shortage is watched: to see [`MIN_TRIES`] tries, or
/// when the check had to watch longer (see [`watch_longer`]). A back-off
/// whose tries are over a second apart (the hint's cap is 1 s) is still
/// watched this long, and passes if it never sleeps past [`MAX_GAP`].
pub const MAX_SHORTAGE: Duration = Duration::from_secs(20);

/// Is the first shortage watched long enough, after `watched` with
/// `tries` seen? Until [`MIN_TRIES`] are seen, and at least `long`; never
/// past [`MAX_SHORTAGE`].
pub fn seen_enough(watched: Duration, long: Duration, tries: u32, min_tries: u32) -> bool {
    watched >= MAX_SHORTAGE || (watched >= long && tries >= min_tries)
}

/// Did the check miss whether the sleep that just ended was too long? It
/// knows the server was asleep for at least `seen` (from the wake-up it
/// noticed before to its last look that found no new one) and at most
/// `maybe` (to this look). The check is a thread like any other: kept off
/// the CPU past [`MAX_GAP`] into a sleep (seen once under .ci/stress, at
/// load 35: an uncapped back-off's 3.2 s sleep passed unseen), it cannot
/// tell. Then it watches longer: a back-off without a cap sleeps longer
/// still next time, and a capped one passes the longer watch as well.
pub fn watch_longer(seen: Duration, maybe: Duration) -> bool {
    seen <= MAX_GAP && maybe > MAX_GAP
}

/// What a stretch of `gap` in which the server did not try accept says,
/// with `on_cpu` and `waiting` its runnable time in it (schedstat), and
/// `asleep_now`: its state was S (sleeping) as the stretch was read.
///
/// schedstat adds a wait for a CPU to `waiting` only when the wait ends
/// (the task gets the CPU): a server woken from its sleep and still in the
/// run queue shows none of that wait yet. Seen under `.ci/stress` (load
/// 39): `blind-alt-correct`, capped at 1 s, called asleep for 2.9 s. So a
/// stretch is a sleep only while the server is seen asleep: in state S
/// with no voluntary switch since its last try, it has not run since it
/// went to sleep (it cannot sleep again without a switch).
#[derive(Debug, PartialEq, Eq)]
pub enum Gap {
    /// Nothing yet: no longer than [`MAX_GAP`], or runnable and waiting for
    /// a CPU the machine did not give it (after a 1 s sleep, a capped
    /// back-off under load can wait over a second more: that is not its
    /// sleep, and it tries the moment it runs).
    Open,
    /// Asleep longer than [`MAX_GAP`] (the time it was runnable taken
    /// out), and asleep still: a back-off without a cap.
    NoCap(Duration),
    /// It ran on a CPU for [`MIN_CPU_TO_JUDGE`] or more without once going
    /// back to sleep: a try takes well under a millisecond, so it spins.
    Spins,
}

/// Judges a stretch without a try (see [`Gap`]).
pub fn judge_gap(gap: Duration, on_cpu: Duration, waiting: Duration, asleep_now: bool) -> Gap {
    let asleep = gap.saturating_sub(on_cpu + waiting);
    if gap <= MAX_GAP {
        Gap::Open
    } else if asleep_now && asleep > MAX_GAP {
        Gap::NoCap(asleep)
    } else if on_cpu >= MIN_CPU_TO_JUDGE {
        Gap::Spins
    } else {
        Gap::Open
    }
}

/// How often the check looks at the server's wake-ups.
const TICK: Duration = Duration::from_millis(50);

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
    let a = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), expected))?;
    t.did(tr("every descriptor of the server is in use (accept fails with EMFILE); a client connected (queued by the kernel)"));
    shortage(&mut server, &mut t, "EMFILE", (SHORTAGE, MIN_TRIES), expected)?;

    free_one(&mut server, &mut t, a, &rng.line(3, 40))?;

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
    finish(b).map_err(|saw| fail_or_gone(&mut server, &t, saw, tr("a new client is served: EINTR is retried")))?;
    t.did(tr("a new client was served"));
    crate::checks::broken_listener_ends_the_server(&mut server, &mut t)?;
    drop(server);

    // The system's table full instead of the process's: ENFILE.
    let expected = tr("the server stays up and backs off: accept fails with ENFILE (the system's file table is full) until a descriptor is freed");
    let (mut server, addr) = target.server(&mut t, &["--enfile".to_string()])?;
    t.did(tr("a second server: the system's file table is full (accept fails with ENFILE)"));
    let c = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), expected))?;
    t.did(tr("a client connected (queued by the kernel)"));
    shortage(&mut server, &mut t, "ENFILE", (WINDOW, 0), expected)?;
    free_one(&mut server, &mut t, c, &rng.line(3, 40))?;
    Ok(())
}

/// Ends the shortage (SIGUSR1): the client waiting all along, `client`,
/// must then be served — `line` echoed.
fn free_one(
    server: &mut crate::checks::Proc,
    t: &mut Trace,
    mut client: std::net::TcpStream,
    line: &[u8],
) -> Result<(), Failure> {
    server.signal(Signal::SIGUSR1).map_err(|e| t.fail(e.to_string(), tr("the signal sent")))?;
    t.did(tr("freed one descriptor (SIGUSR1); the waiting client sent a line"));
    roundtrip(&mut client, line).map_err(|saw| {
        fail_or_gone(
            server,
            t,
            saw,
            tr("the waiting client is served within 5 s of a descriptor being freed"),
        )
    })?;
    finish(client).map_err(|saw| fail_or_gone(server, t, saw, tr("the end of the echo")))?;
    t.did(tr("the waiting client was served"));
    Ok(())
}

/// Watches the server while accept fails with `errno` and a client waits,
/// for at least `long` and until it has seen `min_tries` tries (see
/// [`seen_enough`]): in the first [`WINDOW`] it must be runnable at most
/// [`MAX_RUNNABLE`] and wake at most [`MAX_WAKEUPS`] times; all along it
/// must not end, nor sleep longer than [`MAX_GAP`] between two tries.
fn shortage(
    server: &mut crate::checks::Proc,
    t: &mut Trace,
    errno: &str,
    (long, min_tries): (Duration, u32),
    expected: &str,
) -> Result<(), Failure> {
    let pid = server.pid();
    let before = crate::observe::runnable(pid);
    let woke_before = wakeups(pid);
    let lines_before = server.stderr_text().lines().count();
    let start = Instant::now();
    // The wake-up count last seen; the earliest and the latest the try
    // that changed it can have been (a read of /proc is an instant within
    // the read: the try came after the last read that missed it began, and
    // before the read that saw it ended); the time runnable then.
    let (mut last, mut since, mut busy_then) = (woke_before, (start, start), before);
    let (mut longest, mut tries) = (Duration::ZERO, 0);
    let mut measured = false;
    // The window being watched: what was read when it began, and when.
    let (mut at_start, mut window_start, mut windows) = ((before, woke_before, lines_before), start, 0);
    // When the last read began, and how long the check watches (longer
    // after a read that came too late to tell a sleep's length: see
    // watch_longer).
    let (mut read_before, mut until) = (start, long);
    loop {
        std::thread::sleep(TICK);
        if crate::observe::exited(pid) {
            return Err(fail_or_gone(server, t, common::tr_fmt!("the server ended while accept failed with {errno}", errno), expected));
        }
        if !measured && window_start.elapsed() >= WINDOW {
            windows += 1;
            measured = window(server, t, errno, expected, at_start, window_start, windows >= MAX_WINDOWS)?;
            if !measured {
                at_start = (crate::observe::runnable(pid), wakeups(pid), server.stderr_text().lines().count());
                window_start = Instant::now();
            }
        }
        // Runnable time and state are read before the count: taken when a
        // try is seen, the runnable time is no later than that try, so the
        // time runnable since can only be overstated, never the time
        // asleep; and a server seen asleep with no switch read after it
        // was asleep since its last try.
        let read = Instant::now();
        let busy_now = crate::observe::runnable(pid);
        let asleep_now = common::lab::observer::state(pid) == Some('S');
        let now = wakeups(pid);
        let read_end = Instant::now();
        if now != last {
            let (seen, maybe) = (read_before.saturating_duration_since(since.1), read_end.saturating_duration_since(since.0));
            if watch_longer(seen, maybe) && until < MAX_SHORTAGE {
                until = (start.elapsed() + 2 * MAX_GAP).clamp(until, MAX_SHORTAGE);
                t.did(common::tr_fmt!(
                    "the check could not look while the server slept (between {seen} and {maybe} s): watching until {until} s",
                    seen = format!("{:.1}", seen.as_secs_f64()),
                    maybe = format!("{:.1}", maybe.as_secs_f64()),
                    until = format!("{:.1}", until.as_secs_f64())
                ));
            }
            longest = longest.max(maybe);
            tries += 1;
            (last, since, busy_then) = (now, (read_before, read_end), busy_now);
        } else {
            // No voluntary switch since the last try: asleep all along,
            // runnable and waiting for a CPU, or running without a pause.
            let gap = read.saturating_duration_since(since.1);
            let (on_cpu, waiting) = crate::observe::runnable(pid)
                .zip(busy_then)
                .map(|(a, b)| (a.0.saturating_sub(b.0), a.1.saturating_sub(b.1)))
                .unwrap_or_default();
            match judge_gap(gap, on_cpu, waiting, asleep_now) {
                Gap::Open => {}
                Gap::Spins => {
                    return Err(t.fail(
                        common::tr_fmt!("the server was runnable for {busy} s of the last {gap} s while the client waited: it spins — accept fails with {errno} at once, every time it is asked", busy = format!("{:.2}", (on_cpu + waiting).as_secs_f64()), gap = format!("{:.1}", gap.as_secs_f64()), errno),
                        tr("it sleeps a little between tries (a back-off)"),
                    ));
                }
                Gap::NoCap(asleep) => {
                    return Err(t.fail(
                        common::tr_fmt!("the server slept {gap} s without trying accept again ({at} s into the shortage, the client \
                             waiting): a client waits that long after a descriptor is freed — its back-off has no cap", gap = format!("{:.1}", asleep.as_secs_f64()), at = format!("{:.1}", read.saturating_duration_since(start).as_secs_f64())),
                        common::tr_fmt!("a back-off with a cap: at most about a second between tries ({max} s allowed)", max = format!("{:.1}", MAX_GAP.as_secs_f64())),
                    ));
                }
            }
        }
        read_before = read;
        if measured && start.elapsed() >= until && seen_enough(start.elapsed(), long, tries, min_tries) {
            break;
        }
    }
    if long > WINDOW {
        t.did(common::tr_fmt!("the shortage lasted {lasted} s; the server tried accept {tries} times, its longest sleep between two tries about {longest} s", lasted = format!("{:.1}", start.elapsed().as_secs_f64()), tries, longest = format!("{:.1}", longest.max(since.0.elapsed()).as_secs_f64())));
    }
    Ok(())
}

/// A [`WINDOW`] of a shortage, from `start`, with what was read then
/// (`at_start`: runnable, wake-ups, lines logged): runnable at most
/// [`MAX_RUNNABLE`], at most [`MAX_WAKEUPS`] wake-ups. Ok(false): too
/// starved to judge ([`Window::Starved`]), unless it is the `last`.
fn window(
    server: &mut crate::checks::Proc,
    t: &mut Trace,
    errno: &str,
    expected: &str,
    at_start: (Option<(Duration, Duration)>, Option<u64>, usize),
    start: Instant,
    last: bool,
) -> Result<bool, Failure> {
    let pid = server.pid();
    let (before, woke_before, lines_before) = at_start;
    let (after, took) = (crate::observe::runnable(pid), start.elapsed());
    let woke = wakeups(pid).zip(woke_before).map(|(a, b)| a.saturating_sub(b)).unwrap_or(0);
    // What it logged meanwhile counts as tries too (a full stderr pipe can
    // hold a logging spinner asleep while the machine is busy).
    let logged = server.stderr_text().lines().count().saturating_sub(lines_before) as u64;
    let woke = woke.max(logged);
    t.did(common::tr_fmt!("watched the server in /proc/{pid}/schedstat for {took} s", pid, took = format!("{:.1}", took.as_secs_f64())));
    let (Some(before), Some(after)) = (before, after) else {
        return Err(fail_or_gone(server, t, tr("the server is gone").into(), expected));
    };
    let (on_cpu, waiting) = (
        after.0.saturating_sub(before.0),
        after.1.saturating_sub(before.1),
    );
    let busy = on_cpu + waiting;
    let verdict = judge(on_cpu, waiting, woke, last);
    if verdict == Window::Starved {
        t.did(common::tr_fmt!(
            "it was runnable for {busy} s but on a CPU for only {cpu} s: the machine gave it no turn, which says nothing; watching again",
            busy = format!("{:.2}", busy.as_secs_f64()),
            cpu = format!("{:.2}", on_cpu.as_secs_f64())
        ));
        return Ok(false);
    }
    if verdict == Window::Spins {
        return Err(t.fail(
            common::tr_fmt!(
                "the server was runnable for {busy} s of {took} s while the client waited ({cpu} s on a CPU, {wait} s waiting for one), and slept only {woke} times: it spins — accept fails with {errno} at once, every time it is asked",
                busy = format!("{:.2}", busy.as_secs_f64()),
                took = format!("{:.1}", took.as_secs_f64()),
                cpu = format!("{:.2}", on_cpu.as_secs_f64()),
                wait = format!("{:.2}", waiting.as_secs_f64()),
                woke,
                errno
            ),
            common::tr_fmt!("runnable for at most {ms} ms: it sleeps a little between tries (a back-off)", ms = MAX_RUNNABLE.as_millis()),
        ));
    }
    // A loop that retries at once and logs each failure can spend the
    // window asleep — blocked writing to a full stderr pipe while the
    // machine is busy — yet it wakes for every try: count the wake-ups too.
    if woke > MAX_WAKEUPS {
        return Err(t.fail(
            common::tr_fmt!("the server woke {woke} times in {took} s while the client waited: it retries at once, \
                 every time (it was runnable {ms} ms: the rest it sat blocked, e.g. writing its log)", woke, took = format!("{:.1}", took.as_secs_f64()), ms = busy.as_millis()),
            common::tr_fmt!("at most {MAX_WAKEUPS} wake-ups: it sleeps a little between tries (a back-off)", MAX_WAKEUPS),
        ));
    }
    t.did(common::tr_fmt!("it was runnable for {ms} ms and woke {woke} times", ms = busy.as_millis(), woke));
    Ok(true)
}

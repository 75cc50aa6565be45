//! Exercise 14's check: clients A1, A2 and A3 are being served by children;
//! client B has come and gone (its child reaped by the SIGCHLD handler).
//! The server gets SIGTERM. Within 5 s /proc/net/tcp must show its listener
//! gone (new clients refused) while the server itself lives on, asleep,
//! waiting for the children — for a 1 s window it must be runnable at most
//! half of it (/proc/PID/schedstat: a waitpid(WNOHANG) loop spins); each A
//! is still echoed. The A's leave one at
//! a time: after each of the first two the server must still be there,
//! waiting; when the last leaves, it must exit 0 within 5 s.

use std::time::{Duration, Instant};

use common::lab::harness::{describe, eventually};
use common::lab::observer;
use nix::sys::signal::Signal;

use common::lang::tr;
use crate::checks::{STEP, Target, connect, fail_or_gone, finish, roundtrip};
use crate::report::{Trace, Verdict};
use crate::rng::Rng;

/// How long the check watches the draining server.
pub const WINDOW: Duration = Duration::from_secs(1);
/// The longest a draining server may be runnable in [`WINDOW`] (on a CPU or
/// waiting for one): a blocking wait() sleeps all of it; a loop that asks
/// again at once is runnable all of it, on a loaded machine as on an idle one.
pub const MAX_RUNNABLE: Duration = Duration::from_millis(500);

/// The most CPU a draining server may use in [`WINDOW`]: a blocking wait()
/// is not woken in it (every child still serves its client) and uses
/// none; a loop that asks again at once gets its share of the CPUs
/// whatever the load (at load 50 on 2 cores, 40 ms of a second). Runnable
/// time alone misses a spinner on a loaded machine: schedstat adds a wait
/// for a CPU only when the wait ends, and under `.ci/stress` (load 34)
/// `blind-wnohang-spin` showed 435 ms runnable in 1.3 s.
pub const MAX_CPU: Duration = Duration::from_millis(10);

/// Does a window with `on_cpu` and `waiting` (schedstat deltas) show a
/// server that asks again at once instead of sleeping in wait()?
pub fn spins(on_cpu: Duration, waiting: Duration) -> bool {
    on_cpu >= MAX_CPU || on_cpu + waiting > MAX_RUNNABLE
}

enum AfterTerm {
    Exited,
    Closed,
}

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let mut rng = Rng::new(target.seed);
    let (mut server, addr) = target.server(&mut t, &[])?;
    let pid = server.pid();
    const STAYING: usize = 3;
    let mut stay = Vec::new();
    for i in 1..=STAYING {
        let mut a =
            connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect A{i}: {e}"), tr("a connection")))?;
        roundtrip(&mut a, &rng.line(3, 40)).map_err(|saw| fail_or_gone(&mut server, &t, saw, tr("the echo")))?;
        stay.push(a);
    }
    t.did(common::tr_fmt!("clients A1..A{STAYING} connected and got an echo (a child serves each)", STAYING));
    let mut b = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), tr("a connection")))?;
    roundtrip(&mut b, &rng.line(3, 40)).map_err(|saw| fail_or_gone(&mut server, &t, saw, tr("the echo")))?;
    finish(b).map_err(|saw| fail_or_gone(&mut server, &t, saw, tr("the end of B's echo")))?;
    // Seen twice in a row, with the children looked at on both sides of
    // the server's state: under .ci/stress (load 19) a server that quits on
    // the EINTR of B's SIGCHLD was once taken for waiting, and the check
    // went on to report something else (its exit at SIGTERM).
    let three_kids = || {
        let kids = observer::children(pid);
        kids.len() == STAYING && kids.iter().all(|k| !k.is_zombie())
    };
    let mut streak = 0;
    eventually(STEP, common::lang::n_("B's child reaped and the server waiting"), || {
        let waiting = three_kids() && crate::observe::all_threads_asleep(pid) == Some(true) && three_kids();
        streak = if waiting { streak + 1 } else { 0 };
        (streak >= 2).then_some(())
    })
    .map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), tr("the A's children left, the server waiting")))?;
    t.did(tr("client B came and went (its child ended and was reaped by the SIGCHLD handler); the server waits"));

    server.signal(Signal::SIGTERM).map_err(|e| t.fail(e.to_string(), tr("the signal sent")))?;
    t.did(tr("sent the server SIGTERM"));
    let listens = || {
        observer::tcp_sockets(addr.port())
            .iter()
            .any(|s| s.local == addr && s.state == "LISTEN")
    };
    let after = eventually(STEP, common::lang::n_("the listener to close"), || {
        if crate::observe::exited(pid) {
            Some(AfterTerm::Exited)
        } else if !listens() {
            Some(AfterTerm::Closed)
        } else {
            None
        }
    });
    let drain = tr("the server closes its listener (new clients are refused), waits until every child has ended, then exits 0");
    let exited_early = |server: &mut crate::checks::Proc, t: &Trace| {
        let st = server.wait_exit(STEP).map(describe).unwrap_or_default();
        t.fail(
            common::tr_fmt!("the server exited at once ({st}) while the A's were still being served: their children live on without it\nthe server's stderr ends with:\n{tail}", st, tail = crate::report::tail(&server.stderr_text(), 2)),
            drain,
        )
    };
    match after {
        Err(_) => {
            return Err(fail_or_gone(
                &mut server,
                &t,
                common::tr_fmt!("the server is still listening {s} s after SIGTERM: new clients can still connect", s = STEP.as_secs()),
                drain,
            ));
        }
        Ok(AfterTerm::Exited) => return Err(exited_early(&mut server, &t)),
        Ok(AfterTerm::Closed) => {}
    }
    // The listener closes as an exiting process's descriptors do: tell a
    // server that drains (asleep, waiting for its child) from one that is
    // on its way out.
    let asleep = eventually(STEP, common::lang::n_("the server to exit or to wait"), || {
        if crate::observe::exited(pid) {
            Some(false)
        } else {
            (crate::observe::all_threads_asleep(pid) == Some(true)).then_some(true)
        }
    });
    match asleep {
        Ok(true) => {}
        Ok(false) => return Err(exited_early(&mut server, &t)),
        Err(e) => return Err(fail_or_gone(&mut server, &t, e.to_string(), drain)),
    }
    t.did(tr("/proc/net/tcp showed the listener closed; the server lives on, waiting"));
    // Waiting is sleeping. A loop of waitpid(WNOHANG) looks asleep in /proc
    // too — the kernel marks it so while it looks at the children, at every
    // call — but it is runnable all along: measure that, over a fixed window.
    let before = crate::observe::runnable(pid);
    let start = Instant::now();
    std::thread::sleep(WINDOW);
    let (after, took) = (crate::observe::runnable(pid), start.elapsed());
    if let (Some(b), Some(a)) = (before, after) {
        let (on_cpu, waiting) = (a.0.saturating_sub(b.0), a.1.saturating_sub(b.1));
        let busy = on_cpu + waiting;
        if spins(on_cpu, waiting) {
            return Err(t.fail(
                common::tr_fmt!("the server was runnable for {busy} s of {took} s ({cpu} s of it on a CPU) while it waited for its children: it spins \
                     (it asks again at once, e.g. waitpid with WNOHANG in a loop; a blocked wait() uses no CPU)", busy = format!("{:.2}", busy.as_secs_f64()), took = format!("{:.1}", took.as_secs_f64()), cpu = format!("{:.3}", on_cpu.as_secs_f64())),
                tr("it sleeps until a child ends: a blocking wait()"),
            ));
        }
        t.did(common::tr_fmt!("watched it in /proc/{pid}/schedstat for {took} s: runnable {ms} ms", pid, took = format!("{:.1}", took.as_secs_f64()), ms = busy.as_millis()));
    }

    for a in &mut stay {
        roundtrip(a, &rng.line(3, 40)).map_err(|saw| {
            fail_or_gone(&mut server, &t, saw, tr("each child still serves its client while the server drains"))
        })?;
    }
    t.did(tr("each A still got an echo"));
    let total = stay.len();
    for (i, a) in stay.into_iter().enumerate() {
        let left = total - i - 1;
        finish(a).map_err(|saw| fail_or_gone(&mut server, &t, saw, tr("the end of the echo")))?;
        if left == 0 {
            t.did(common::tr_fmt!("A{n} closed, the last one (its child ends)", n = i + 1));
            break;
        }
        eventually(STEP, common::lang::n_("that child to end"), || {
            (crate::observe::exited(pid) || observer::children(pid).iter().filter(|k| !k.is_zombie()).count() <= left)
                .then_some(())
        })
        .map_err(|e| t.fail(e.to_string(), tr("the child ends when its client leaves")))?;
        let waiting = eventually(STEP, common::lang::n_("the server to wait again or exit"), || {
            if crate::observe::exited(pid) {
                Some(false)
            } else {
                (crate::observe::all_threads_asleep(pid) == Some(true)).then_some(true)
            }
        });
        // The server that exits after one child can still be seen asleep
        // in wait() a moment after that child ended (woken, not yet run):
        // its exit may come only as the signal below is sent.
        let left_early = |server: &mut crate::checks::Proc, t: &Trace| {
            let st = server.wait_exit(STEP).map(describe).unwrap_or_default();
            t.fail(
                common::tr_fmt!("A{n} left and the server exited ({st}) while {left} client(s) were still being served", n = i + 1, st, left),
                tr("the server waits until EVERY child has ended (wait() says ECHILD), not just one"),
            )
        };
        match waiting {
            Ok(true) => {}
            Ok(false) => return Err(left_early(&mut server, &t)),
            // Neither asleep nor gone: it never went back to wait.
            Err(e) => {
                return Err(fail_or_gone(
                    &mut server,
                    &t,
                    e.to_string(),
                    tr("the server waits until EVERY child has ended (wait() says ECHILD), not just one"),
                ));
            }
        }
        t.did(common::tr_fmt!("A{n} closed; the server still waits for {left} more", n = i + 1, left));
        if i == 0 {
            // The wait is interrupted too (a handler without SA_RESTART):
            // EINTR is not "no child left".
            for _ in 0..2 {
                if let Err(e) = server.signal(Signal::SIGUSR1) {
                    return Err(if crate::observe::exited(pid) {
                        left_early(&mut server, &t)
                    } else {
                        t.fail(e.to_string(), tr("the signal"))
                    });
                }
                let still = eventually(STEP, common::lang::n_("the server to wait again or exit"), || {
                    if crate::observe::exited(pid) {
                        Some(false)
                    } else {
                        (observer::signal_view(pid, Signal::SIGUSR1).is_some_and(|v| !v.pending)
                            && crate::observe::all_threads_asleep(pid) == Some(true))
                        .then_some(true)
                    }
                });
                if !matches!(still, Ok(true)) {
                    let st = server.wait_exit(STEP).map(describe).unwrap_or_default();
                    return Err(t.fail(
                        common::tr_fmt!("a signal interrupted the server's wait and it exited ({st}) while {left} client(s) were still being served", st, left),
                        tr("EINTR from wait() means \"a signal came\", not \"no child left\" (that is ECHILD): wait again"),
                    ));
                }
            }
            t.did(tr("interrupted the server's wait twice with a signal (no SA_RESTART: EINTR); it waits on"));
        }
    }
    let st = server.wait_exit(STEP).map_err(|_| {
        t.fail(
            common::tr_fmt!("the server still runs {s} s after its last client left", s = STEP.as_secs()),
            tr("it exits 0 once no child is left (wait() says ECHILD)"),
        )
    })?;
    if st.code() != Some(0) {
        return Err(t.fail(
            common::tr_fmt!("the server ended ({status}); its last words on stderr:\n{tail}", status = describe(st), tail = crate::report::tail(&server.stderr_text(), 3)),
            tr("exit code 0: a drain is a normal end"),
        ));
    }
    Ok(())
}

//! Exercise 14's check: clients A1, A2 and A3 are being served by children;
//! client B has come and gone (its child reaped by the SIGCHLD handler).
//! The server gets SIGTERM. Within 5 s /proc/net/tcp must show its listener
//! gone (new clients refused) while the server itself lives on, asleep,
//! waiting for the children; each A is still echoed. The A's leave one at
//! a time: after each of the first two the server must still be there,
//! waiting; when the last leaves, it must exit 0 within 5 s.

use common::lab::harness::{describe, eventually};
use common::lab::observer;
use common::lang::{tr, trf};
use nix::sys::signal::Signal;

use crate::checks::{STEP, Target, connect, fail_or_gone, finish, roundtrip};
use crate::report::{Trace, Verdict};
use crate::rng::Rng;

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
    t.did(trf("clients A1..A{} connected and got an echo (a child serves each)", &[&STAYING]));
    let mut b = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), tr("a connection")))?;
    roundtrip(&mut b, &rng.line(3, 40)).map_err(|saw| fail_or_gone(&mut server, &t, saw, tr("the echo")))?;
    finish(b).map_err(|saw| fail_or_gone(&mut server, &t, saw, tr("the end of B's echo")))?;
    eventually(STEP, common::lang::n_("B's child reaped and the server waiting"), || {
        let kids = observer::children(pid);
        (kids.len() == STAYING
            && kids.iter().all(|k| !k.is_zombie())
            && crate::observe::all_threads_asleep(pid) == Some(true))
        .then_some(())
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
    let drain =
        tr("the server closes its listener (new clients are refused), waits until every child has ended, then exits 0");
    let exited_early = |server: &mut crate::checks::Proc, t: &Trace| {
        let st = server.wait_exit(STEP).map(describe).unwrap_or_default();
        t.fail(
            trf(
                "the server exited at once ({}) while the A's were still being served: their children live on without it\nthe server's stderr ends with:\n{}",
                &[&st, &crate::report::tail(&server.stderr_text(), 2)],
            ),
            drain,
        )
    };
    match after {
        Err(_) => {
            return Err(fail_or_gone(
                &mut server,
                &t,
                trf(
                    "the server is still listening {} s after SIGTERM: new clients can still connect",
                    &[&STEP.as_secs()],
                ),
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
            t.did(trf("A{} closed, the last one (its child ends)", &[&(i + 1)]));
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
        if !matches!(waiting, Ok(true)) {
            let st = server.wait_exit(STEP).map(describe).unwrap_or_default();
            return Err(t.fail(
                trf(
                    "A{} left and the server exited ({}) while {} client(s) were still being served",
                    &[&(i + 1), &st, &left],
                ),
                tr("the server waits until EVERY child has ended (wait() says ECHILD), not just one"),
            ));
        }
        t.did(trf("A{} closed; the server still waits for {} more", &[&(i + 1), &left]));
        if i == 0 {
            // The wait is interrupted too (a handler without SA_RESTART):
            // EINTR is not "no child left".
            for _ in 0..2 {
                server
                    .signal(Signal::SIGUSR1)
                    .map_err(|e| t.fail(e.to_string(), tr("the signal")))?;
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
                        trf(
                            "a signal interrupted the server's wait and it exited ({}) while {} client(s) were still being served",
                            &[&st, &left],
                        ),
                        tr("EINTR from wait() means \"a signal came\", not \"no child left\" (that is ECHILD): wait again"),
                    ));
                }
            }
            t.did(tr("interrupted the server's wait twice with a signal (no SA_RESTART: EINTR); it waits on"));
        }
    }
    let st = server.wait_exit(STEP).map_err(|_| {
        t.fail(
            trf("the server still runs {} s after its last client left", &[&STEP.as_secs()]),
            tr("it exits 0 once no child is left (wait() says ECHILD)"),
        )
    })?;
    if st.code() != Some(0) {
        return Err(t.fail(
            trf(
                "the server ended ({}); its last words on stderr:\n{}",
                &[&describe(st), &crate::report::tail(&server.stderr_text(), 3)],
            ),
            tr("exit code 0: a drain is a normal end"),
        ));
    }
    Ok(())
}

//! Exercise 14's check: client A is being served by a child; client B has
//! come and gone (its child reaped by the SIGCHLD handler). The server
//! gets SIGTERM. Within 5 s /proc/net/tcp must show its listener gone (new
//! clients refused) while the server itself lives on, asleep, waiting for
//! A's child; A is still echoed. When A leaves, the server must exit 0
//! within 5 s.

use common::lab::harness::{describe, eventually};
use common::lab::observer;
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
    let mut a = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), "a connection"))?;
    roundtrip(&mut a, &rng.line(3, 40)).map_err(|saw| fail_or_gone(&mut server, &t, saw, "the echo"))?;
    t.did("client A connected and got an echo (a child serves it)");
    let mut b = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), "a connection"))?;
    roundtrip(&mut b, &rng.line(3, 40)).map_err(|saw| fail_or_gone(&mut server, &t, saw, "the echo"))?;
    finish(b).map_err(|saw| fail_or_gone(&mut server, &t, saw, "the end of B's echo"))?;
    eventually(STEP, "B's child reaped and the server waiting", || {
        let kids = observer::children(pid);
        (kids.len() == 1 && !kids[0].is_zombie() && crate::observe::all_threads_asleep(pid) == Some(true))
            .then_some(())
    })
    .map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), "one child left (A's), the server waiting"))?;
    t.did("client B came and went (its child ended and was reaped by the SIGCHLD handler); the server waits");

    server.signal(Signal::SIGTERM).map_err(|e| t.fail(e.to_string(), "the signal sent"))?;
    t.did("sent the server SIGTERM");
    let listens = || {
        observer::tcp_sockets(addr.port())
            .iter()
            .any(|s| s.local == addr && s.state == "LISTEN")
    };
    let after = eventually(STEP, "the listener to close", || {
        if crate::observe::exited(pid) {
            Some(AfterTerm::Exited)
        } else if !listens() {
            Some(AfterTerm::Closed)
        } else {
            None
        }
    });
    let drain = "the server closes its listener (new clients are refused), waits for A's child, then exits 0";
    let exited_early = |server: &mut crate::checks::Proc, t: &Trace| {
        let st = server.wait_exit(STEP).map(describe).unwrap_or_default();
        t.fail(
            format!(
                "the server exited at once ({st}) while client A was still being served: its child lives on without it\nthe server's stderr ends with:\n{}",
                crate::report::tail(&server.stderr_text(), 2)
            ),
            drain,
        )
    };
    match after {
        Err(_) => {
            return Err(fail_or_gone(
                &mut server,
                &t,
                format!(
                    "the server is still listening {} s after SIGTERM: new clients can still connect",
                    STEP.as_secs()
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
    let asleep = eventually(STEP, "the server to exit or to wait", || {
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
    t.did("/proc/net/tcp showed the listener closed; the server lives on, waiting");

    roundtrip(&mut a, &rng.line(3, 40)).map_err(|saw| {
        fail_or_gone(&mut server, &t, saw, "A's child still serves A while the server drains")
    })?;
    t.did("A still got an echo");
    finish(a).map_err(|saw| fail_or_gone(&mut server, &t, saw, "the end of A's echo"))?;
    t.did("client A closed (its child ends)");
    let st = server.wait_exit(STEP).map_err(|_| {
        t.fail(
            format!(
                "the server still runs {} s after its last client left",
                STEP.as_secs()
            ),
            "it exits 0 once no child is left (wait() says ECHILD)",
        )
    })?;
    if st.code() != Some(0) {
        return Err(t.fail(
            format!(
                "the server ended ({}); its last words on stderr:\n{}",
                describe(st),
                crate::report::tail(&server.stderr_text(), 3)
            ),
            "exit code 0: a drain is a normal end",
        ));
    }
    Ok(())
}

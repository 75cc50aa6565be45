//! Exercise 5's check: the server waits in accept(); a client leaves, its
//! child ends, SIGCHLD (no SA_RESTART) interrupts accept. Twice. Then the
//! server must still answer a new client.

use common::lab::harness::eventually;
use common::lab::observer;

use crate::checks::{STEP, Target, connect, fail_or_gone, roundtrip};
use crate::observe::{exited, idle_in_accept};
use crate::report::{Trace, Verdict};
use crate::rng::Rng;

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let mut rng = Rng::new(target.seed);
    let (mut server, addr) = target.server(&mut t, &[])?;
    let pid = server.pid();
    let expected =
        "the server keeps accepting: accept() interrupted by a signal (EINTR) is simply called again";
    for round in 1..=3 {
        idle_in_accept(pid, STEP).map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), expected))?;
        let mut c =
            connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), expected))?;
        let line = rng.line(3, 40);
        roundtrip(&mut c, &line).map_err(|saw| fail_or_gone(&mut server, &t, saw, expected))?;
        if round == 3 {
            t.did("connected a third time and echoed a line");
            return Ok(());
        }
        idle_in_accept(pid, STEP).map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), expected))?;
        t.did(format!(
            "client {round} connected and echoed a line; the server went back to accept()"
        ));
        drop(c);
        t.did(format!(
            "client {round} closed: its server child ended, and SIGCHLD interrupted the parent's accept()"
        ));
        eventually(STEP, "the child to be reaped", || {
            (exited(pid) || observer::children(pid).is_empty()).then_some(())
        })
        .map_err(|e| t.fail(e.to_string(), "the child reaped by the handler"))?;
        if exited(pid) {
            return Err(fail_or_gone(
                &mut server,
                &t,
                "the server has exited".into(),
                expected,
            ));
        }
    }
    Ok(())
}

//! Exercise 5's check: the server waits in accept(); a client leaves, its
//! child ends, SIGCHLD (no SA_RESTART) interrupts accept. Six clients leave
//! one at a time while the server sleeps in one and the same accept()
//! call — more interruptions than any count of retries a loop might
//! hard-code. Then the server must still answer a new client.

use common::lab::harness::eventually;
use common::lab::observer;
use common::lang::{tr, trf};

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
        tr("the server keeps accepting: accept() interrupted by a signal (EINTR) is simply called again — every time");
    // Six clients, then they leave one by one while the server waits in ONE
    // call of accept(): six interruptions of the same call, more than any
    // count of retries a loop might hard-code.
    const CLIENTS: usize = 6;
    let mut clients = Vec::new();
    for i in 1..=CLIENTS {
        idle_in_accept(pid, STEP).map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), expected))?;
        let mut c = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect {i}: {e}"), expected))?;
        let line = rng.line(3, 40);
        roundtrip(&mut c, &line).map_err(|saw| fail_or_gone(&mut server, &t, saw, expected))?;
        clients.push(c);
    }
    t.did(trf("{} clients connected and echoed a line each", &[&CLIENTS]));
    for (i, c) in clients.into_iter().enumerate() {
        idle_in_accept(pid, STEP).map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), expected))?;
        let before = observer::children(pid).len();
        drop(c);
        eventually(STEP, common::lang::n_("the child to be reaped"), || {
            (exited(pid) || observer::children(pid).len() < before).then_some(())
        })
        .map_err(|e| t.fail(e.to_string(), tr("the child reaped by the handler")))?;
        if exited(pid) {
            return Err(fail_or_gone(&mut server, &t, tr("the server has exited").into(), expected));
        }
        if i == 0 {
            t.did(tr(
                "then, one at a time, each client closed while the server slept in accept(): its child ended and SIGCHLD interrupted that accept() call (without SA_RESTART)",
            ));
        }
    }
    t.did(trf("{} interruptions of the same accept() call", &[&CLIENTS]));
    idle_in_accept(pid, STEP).map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), expected))?;
    let mut c = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), expected))?;
    let line = rng.line(3, 40);
    roundtrip(&mut c, &line).map_err(|saw| fail_or_gone(&mut server, &t, saw, expected))?;
    t.did(tr("a new client connected and was served"));
    drop(c);
    crate::checks::broken_listener_ends_the_server(&mut server, &mut t)
}

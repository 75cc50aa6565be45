//! Exercise 6's check: while the iterative server is busy with client A,
//! client B connects and resets (RST) before the server accepts it; then A
//! sends half a line and resets. A new client C must still be served. Then
//! client D sends two lines and closes without reading (EPIPE on the second
//! echo), the server's accept() is interrupted twice by a signal (EINTR),
//! and client E must be served. Last, the listener breaks for good
//! (ENOTSOCK): the server must end with that error, not retry for ever.

use common::lab::harness::eventually;
use common::lab::observer;
use common::lang::tr;

use crate::checks::{STEP, Target, connect, fail_or_gone, finish, reset, roundtrip};
use crate::report::{Trace, Verdict};
use crate::rng::Rng;

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let mut rng = Rng::new(target.seed);
    let (mut server, addr) = target.server(&mut t, &[])?;
    let expected = tr("the server serves client C: one client's RST ends that client, not the server");
    let mut a =
        connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), expected))?;
    let line = rng.line(3, 40);
    t.did(tr("client A connected and sent a line"));
    roundtrip(&mut a, &line).map_err(|saw| fail_or_gone(&mut server, &t, saw, tr("the echo")))?;
    t.did(tr("A got its echo (the server, iterative, is now busy with A)"));

    let b = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect B: {e}"), expected))?;
    let b_addr = b.local_addr().map_err(|e| t.fail(e.to_string(), tr("an address")))?;
    reset(b);
    eventually(STEP, common::lang::n_("B's connection to be reset"), || {
        (!observer::tcp_sockets(addr.port())
            .iter()
            .any(|s| s.remote == b_addr))
        .then_some(())
    })
    .map_err(|e| t.fail(e.to_string(), tr("the RST processed")))?;
    t.did(tr("client B connected and aborted (RST) before the server accepted it"));

    let a_addr = a.local_addr().map_err(|e| t.fail(e.to_string(), tr("an address")))?;
    let half = rng.line(5, 40);
    std::io::Write::write_all(&mut a, &half[..half.len() - 1]).map_err(|e| t.fail(e.to_string(), tr("sent")))?;
    eventually(STEP, common::lang::n_("the server to read A's half line"), || {
        observer::tcp_sockets(addr.port())
            .iter()
            .any(|s| s.remote == a_addr && s.recv_q == 0)
            .then_some(())
    })
    .map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), tr("the server reads A's bytes")))?;
    reset(a);
    t.did(tr("client A sent half a line (no newline), then aborted (RST)"));

    let mut c =
        connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect C: {e}"), expected))?;
    let line = rng.line(3, 40);
    t.did(tr("client C connected and sent a line"));
    roundtrip(&mut c, &line).map_err(|saw| fail_or_gone(&mut server, &t, saw, expected))?;
    finish(c).map_err(|saw| fail_or_gone(&mut server, &t, saw, expected))?;

    // D sends two lines and closes (FIN) before the server reads them — the
    // server is stopped meanwhile, so its end is in CLOSE_WAIT when it
    // starts: the first echo draws D's RST, and an RST in CLOSE_WAIT makes
    // the second write fail with EPIPE — another error of one client's.
    let pid = server.pid();
    common::lab::harness::stop(pid).map_err(|e| t.fail(e.to_string(), tr("the server stopped")))?;
    let mut d = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect D: {e}"), expected))?;
    let d_addr = d.local_addr().map_err(|e| t.fail(e.to_string(), tr("an address")))?;
    std::io::Write::write_all(&mut d, b"first\nsecond\n").map_err(|e| t.fail(e.to_string(), tr("sent")))?;
    drop(d);
    eventually(STEP, common::lang::n_("D's connection in CLOSE_WAIT on the server's side"), || {
        observer::tcp_sockets(addr.port())
            .iter()
            .any(|s| s.remote == d_addr && s.state == "CLOSE_WAIT")
            .then_some(())
    })
    .map_err(|e| t.fail(e.to_string(), tr("the FIN received")))?;
    common::lab::harness::cont(pid).map_err(|e| t.fail(e.to_string(), "SIGCONT"))?;
    t.did(tr("while the server was stopped, client D sent two lines and closed (FIN); then the server went on: its echoes draw D's RST, then EPIPE"));

    // Signals interrupt accept(2) (a handler without SA_RESTART): twice.
    for _ in 0..2 {
        crate::observe::idle_in_accept(pid, STEP).map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), expected))?;
        server.signal(nix::sys::signal::Signal::SIGUSR1).map_err(|e| t.fail(e.to_string(), tr("the signal")))?;
        crate::checks::delivered(pid, nix::sys::signal::Signal::SIGUSR1)
        .map_err(|e| t.fail(e.to_string(), tr("the signal delivered")))?;
    }
    t.did(tr("interrupted the server's accept() twice with a signal (no SA_RESTART: EINTR)"));
    let mut e = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect E: {e}"), expected))?;
    roundtrip(&mut e, &rng.line(3, 40)).map_err(|saw| {
        fail_or_gone(&mut server, &t, saw, tr("the server serves client E: neither EPIPE nor EINTR ends it"))
    })?;
    finish(e).map_err(|saw| fail_or_gone(&mut server, &t, saw, expected))?;
    t.did(tr("client E was served"));
    crate::checks::broken_listener_ends_the_server(&mut server, &mut t)
}

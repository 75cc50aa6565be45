//! Exercise 6's check: while the iterative server is busy with client A,
//! client B connects and resets (RST) before the server accepts it; then A
//! sends half a line and resets. A new client C must still be served.

use common::lab::harness::eventually;
use common::lab::observer;

use crate::checks::{STEP, Target, connect, fail_or_gone, reset, roundtrip};
use crate::report::{Trace, Verdict};
use crate::rng::Rng;

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let mut rng = Rng::new(target.seed);
    let (mut server, addr) = target.server(&mut t, &[])?;
    let expected = "the server serves client C: one client's RST ends that client, not the server";
    let mut a =
        connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), expected))?;
    let line = rng.line(3, 40);
    t.did("client A connected and sent a line");
    roundtrip(&mut a, &line).map_err(|saw| fail_or_gone(&mut server, &t, saw, "the echo"))?;
    t.did("A got its echo (the server, iterative, is now busy with A)");

    let b = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect B: {e}"), expected))?;
    let b_addr = b.local_addr().map_err(|e| t.fail(e.to_string(), "an address"))?;
    reset(b);
    eventually(STEP, "B's connection to be reset", || {
        (!observer::tcp_sockets(addr.port())
            .iter()
            .any(|s| s.remote == b_addr))
        .then_some(())
    })
    .map_err(|e| t.fail(e.to_string(), "the RST processed"))?;
    t.did("client B connected and aborted (RST) before the server accepted it");

    let a_addr = a.local_addr().map_err(|e| t.fail(e.to_string(), "an address"))?;
    let half = rng.line(5, 40);
    std::io::Write::write_all(&mut a, &half[..half.len() - 1]).map_err(|e| t.fail(e.to_string(), "sent"))?;
    eventually(STEP, "the server to read A's half line", || {
        observer::tcp_sockets(addr.port())
            .iter()
            .any(|s| s.remote == a_addr && s.recv_q == 0)
            .then_some(())
    })
    .map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), "the server reads A's bytes"))?;
    reset(a);
    t.did("client A sent half a line (no newline), then aborted (RST)");

    let mut c =
        connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect C: {e}"), expected))?;
    let line = rng.line(3, 40);
    t.did("client C connected and sent a line");
    roundtrip(&mut c, &line).map_err(|saw| fail_or_gone(&mut server, &t, saw, expected))?;
    Ok(())
}

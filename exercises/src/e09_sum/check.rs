//! Exercise 9's check: a big-endian client (the portable protocol, whatever
//! the host's order) sends the fixed pairs of [`CASES`], one connection;
//! some requests in two pieces, the second sent only after the server has
//! read the first (and, the first time, after two signals interrupted its
//! read).

use std::io::Write;

use common::lab::harness::eventually;
use common::lab::observer;
use common::lang::{tr, trf};

use crate::checks::{STEP, Target, connect, fail_or_gone, finish, read_exact};
use crate::report::{Trace, Verdict};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(" ")
}

/// The requests, each `(a, b, bytes sent first)`: small and negative
/// numbers, a pair whose native (little-endian) sum differs from the
/// big-endian one, numbers wider than 32 bits (a 4-byte `long` loses them),
/// the overflow boundaries (the sum wraps, as two's complement does), and
/// requests split at 1, 8 and 15 bytes.
const CASES: &[(i64, i64, usize)] = &[
    (2, 3, 16),
    (207, 50, 1),
    (-1000, 1, 16),
    (1 << 40, 1 << 41, 16),
    (-5, -7, 8),
    (0x0102_0304_0506_0708, 0x10, 16),
    (i64::MAX, 1, 16),
    (i64::MIN, -1, 15),
    (-6_371_308_095_988_664_734, -763, 16),
];

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let (mut server, addr) = target.server(&mut t, &[])?;
    let mut c =
        connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), tr("a connection")))?;
    let _ = c.set_nodelay(true);
    let me = c.local_addr().map_err(|e| t.fail(e.to_string(), tr("an address")))?;
    t.did(tr("connected"));
    for (k, &(a, b, split)) in CASES.iter().enumerate() {
        let mut req = a.to_be_bytes().to_vec();
        req.extend_from_slice(&b.to_be_bytes());
        let send = |c: &mut std::net::TcpStream, part: &[u8]| c.write_all(part);
        send(&mut c, &req[..split]).map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), tr("sent")))?;
        if split < 16 {
            eventually(STEP, common::lang::n_("the server to read the first piece"), || {
                observer::tcp_sockets(addr.port())
                    .iter()
                    .any(|s| s.remote == me && s.recv_q == 0)
                    .then_some(())
            })
            .map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), tr("the server reads")))?;
            if k == FIRST_SPLIT {
                interrupt_twice(&mut server, &t)?;
                t.did(tr("while the server waited for the rest, interrupted its read twice (SIGUSR1, no SA_RESTART: EINTR)"));
            }
            send(&mut c, &req[split..]).map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), tr("sent")))?;
            t.did(trf(
                "request {}: a = {}, b = {}, sent as {} bytes, then (once the server had read them) {} more",
                &[&(k + 1), &a, &b, &split, &(16 - split)],
            ));
        } else {
            t.did(trf(
                "request {}: a = {}, b = {}, 16 bytes big-endian: {}",
                &[&(k + 1), &a, &b, &hex(&req)],
            ));
        }
        let want = a.wrapping_add(b);
        let reply = read_exact(&mut c, 8).map_err(|saw| {
            fail_or_gone(
                &mut server,
                &t,
                saw,
                &trf("an 8-byte reply: {}, big-endian", &[&want]),
            )
        })?;
        let arr: [u8; 8] = reply[..].try_into().unwrap_or_default();
        if i64::from_be_bytes(arr) != want {
            return Err(t.fail(
                trf(
                    "the reply {} — as big-endian, {}",
                    &[&hex(&reply), &i64::from_be_bytes(arr)],
                ),
                trf("{} = {} (a + b, big-endian)", &[&want, &hex(&want.to_be_bytes())]),
            ));
        }
    }
    t.did(trf("{} requests answered right; half-closed", &[&CASES.len()]));
    finish(c).map_err(|saw| t.fail(saw, tr("the server closes after the client's end of file")))?;
    said(&mut server, &t, me, " done", tr("Ok(()) at end of file between requests"))?;

    // End of file in the middle of a request: 7 bytes, then FIN. That is
    // not a clean end: the function returns an error (and the server goes
    // on with the next client).
    let mut d = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), tr("a connection")))?;
    let d_me = d.local_addr().map_err(|e| t.fail(e.to_string(), tr("an address")))?;
    d.write_all(&[0, 0, 0, 0, 0, 0, 0]).map_err(|e| t.fail(e.to_string(), tr("sent")))?;
    finish(d).map_err(|saw| fail_or_gone(&mut server, &t, saw, tr("the server closes")))?;
    t.did(tr("a second client sent 7 bytes of a request, then end of file (FIN)"));
    said(
        &mut server,
        &t,
        d_me,
        " WARNING ",
        tr("an error: end of file in the middle of a request is a truncated request, not the end of a session"),
    )?;
    let mut e = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), tr("a connection")))?;
    e.write_all(&[0u8, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2]).map_err(|e| t.fail(e.to_string(), tr("sent")))?;
    let reply = read_exact(&mut e, 8).map_err(|saw| fail_or_gone(&mut server, &t, saw, tr("the next client served")))?;
    if reply != 3i64.to_be_bytes() {
        return Err(t.fail(trf("the reply {}", &[&hex(&reply)]), tr("3, big-endian")));
    }
    t.did(tr("a third client got 1 + 2 = 3"));
    Ok(())
}

/// The request during which the check interrupts the server's read.
const FIRST_SPLIT: usize = 4;

/// Interrupts `server`'s read twice with SIGUSR1 (its handler has no
/// SA_RESTART), each time once it sleeps in read(2) again.
fn interrupt_twice(server: &mut crate::checks::Proc, t: &Trace) -> Result<(), crate::report::Failure> {
    let pid = server.pid();
    const READS: [i64; 4] = [
        nix::libc::SYS_read,
        nix::libc::SYS_recvfrom,
        nix::libc::SYS_readv,
        nix::libc::SYS_recvmsg,
    ];
    for _ in 0..2 {
        eventually(STEP, common::lang::n_("the server to sleep in read(2)"), || {
            observer::blocked_in(pid, &READS).then_some(())
        })
        .map_err(|e| fail_or_gone(server, t, e.to_string(), tr("the server waits for the rest of the request")))?;
        server
            .signal(nix::sys::signal::Signal::SIGUSR1)
            .map_err(|e| t.fail(e.to_string(), tr("the signal")))?;
        crate::checks::delivered(pid, nix::sys::signal::Signal::SIGUSR1)
        .map_err(|e| t.fail(e.to_string(), tr("the signal delivered")))?;
    }
    Ok(())
}

/// Waits for the server's log line about client `who` and expects `word`
/// in it (" done": the function returned Ok; " WARNING ": an error).
fn said(
    server: &mut crate::checks::Proc,
    t: &Trace,
    who: std::net::SocketAddr,
    word: &str,
    expected: &str,
) -> Result<(), crate::report::Failure> {
    let tag = format!("client {who}:");
    let line = server
        .wait_stderr(&tag, STEP)
        .map_err(|_| fail_or_gone(server, t, trf("the function did not return for {}", &[&who]), expected))?;
    if line.contains(word) {
        Ok(())
    } else {
        Err(t.fail(trf("for {} the server logged: {}", &[&who, &line]), expected))
    }
}

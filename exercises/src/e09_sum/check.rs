//! Exercise 9's check: a big-endian client (the portable protocol, whatever
//! the host's order) sends random pairs; some requests in two pieces, the
//! second sent only after the server has read the first.

use std::io::Write;

use common::lab::harness::eventually;
use common::lab::observer;

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
        connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), "a connection"))?;
    let _ = c.set_nodelay(true);
    let me = c.local_addr().map_err(|e| t.fail(e.to_string(), "an address"))?;
    t.did("connected");
    for (k, &(a, b, split)) in CASES.iter().enumerate() {
        let mut req = a.to_be_bytes().to_vec();
        req.extend_from_slice(&b.to_be_bytes());
        let send = |c: &mut std::net::TcpStream, part: &[u8]| c.write_all(part);
        send(&mut c, &req[..split]).map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), "sent"))?;
        if split < 16 {
            eventually(STEP, "the server to read the first piece", || {
                observer::tcp_sockets(addr.port())
                    .iter()
                    .any(|s| s.remote == me && s.recv_q == 0)
                    .then_some(())
            })
            .map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), "the server reads"))?;
            send(&mut c, &req[split..]).map_err(|e| fail_or_gone(&mut server, &t, e.to_string(), "sent"))?;
            t.did(format!(
                "request {}: a = {a}, b = {b}, sent as {split} bytes, then (once the server had read them) {} more",
                k + 1,
                16 - split
            ));
        } else {
            t.did(format!(
                "request {}: a = {a}, b = {b}, 16 bytes big-endian: {}",
                k + 1,
                hex(&req)
            ));
        }
        let want = a.wrapping_add(b);
        let reply = read_exact(&mut c, 8).map_err(|saw| {
            fail_or_gone(
                &mut server,
                &t,
                saw,
                &format!("an 8-byte reply: {want}, big-endian"),
            )
        })?;
        let arr: [u8; 8] = reply[..].try_into().unwrap_or_default();
        if i64::from_be_bytes(arr) != want {
            return Err(t.fail(
                format!(
                    "the reply {} — as big-endian, {}",
                    hex(&reply),
                    i64::from_be_bytes(arr)
                ),
                format!("{want} = {} (a + b, big-endian)", hex(&want.to_be_bytes())),
            ));
        }
    }
    t.did("12 requests answered right; half-closed");
    finish(c).map_err(|saw| t.fail(saw, "the server closes after the client's end of file"))?;
    Ok(())
}

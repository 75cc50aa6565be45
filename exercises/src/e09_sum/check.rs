//! Exercise 9's check: a big-endian client (the portable protocol, whatever
//! the host's order) sends random pairs; some requests in two pieces, the
//! second sent only after the server has read the first.

use std::io::Write;

use common::lab::harness::eventually;
use common::lab::observer;

use crate::checks::{STEP, Target, connect, fail_or_gone, finish, read_exact};
use crate::report::{Trace, Verdict};
use crate::rng::Rng;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(" ")
}

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let mut rng = Rng::new(target.seed);
    let (mut server, addr) = target.server(&mut t, &[])?;
    let mut c =
        connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), "a connection"))?;
    let _ = c.set_nodelay(true);
    let me = c.local_addr().map_err(|e| t.fail(e.to_string(), "an address"))?;
    t.did("connected");
    for k in 0..12 {
        let num = |rng: &mut Rng| match rng.below(3) {
            0 => rng.below(2000) as i64 - 1000,
            1 => rng.next_u64() as i64,
            _ => (rng.next_u64() as i64) >> rng.below(60),
        };
        let (a, b) = (num(&mut rng), num(&mut rng));
        let mut req = a.to_be_bytes().to_vec();
        req.extend_from_slice(&b.to_be_bytes());
        let split = if k % 3 == 1 { rng.range(1, 15) } else { 16 };
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

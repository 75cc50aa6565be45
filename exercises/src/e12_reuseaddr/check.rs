//! Exercise 12's check: a daytime server serves one client and closes
//! first, leaving a TIME_WAIT on its port (/proc/net/tcp shows it). The
//! server is stopped (SIGTERM) and started again on the same port, while
//! that TIME_WAIT lasts (60 s): it must bind, listen and serve.

use std::io::Read;

use common::lab::harness::{describe, eventually};
use common::lab::observer;
use nix::sys::signal::Signal;

use crate::checks::{STEP, Target, connect, fail_or_gone, listening};
use crate::report::{Trace, Verdict};

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let (mut first, addr) = target.server(&mut t, &[])?;
    let daytime = |t: &Trace, server: &mut crate::checks::Proc, which: &str| {
        let mut s = connect(addr).map_err(|e| fail_or_gone(server, t, format!("connect: {e}"), "a connection"))?;
        let mut got = String::new();
        s.read_to_string(&mut got)
            .map_err(|e| fail_or_gone(server, t, format!("{which}: read: {e}"), "the time, then end of file"))?;
        if got.split_whitespace().count() != 5 {
            return Err(t.fail(format!("{which} got {got:?}"), "the time, as ctime(3) writes it"));
        }
        Ok(())
    };
    daytime(&t, &mut first, "the client")?;
    t.did("a client got the time; the server closed first");
    eventually(STEP, "a TIME_WAIT on the server's port", || {
        observer::tcp_sockets(addr.port())
            .iter()
            .any(|s| s.local == addr && s.state == "TIME_WAIT")
            .then_some(())
    })
    .map_err(|e| t.fail(e.to_string(), "the server's end in TIME_WAIT (the server closed first)"))?;
    t.did(format!("/proc/net/tcp showed the connection in TIME_WAIT on {addr}"));

    first.signal(Signal::SIGTERM).map_err(|e| t.fail(e.to_string(), "the server stops"))?;
    let st = first
        .wait_exit(STEP)
        .map_err(|_| t.fail("the server did not stop on SIGTERM", "the server stops"))?;
    t.did(format!("stopped the server with SIGTERM ({})", describe(st)));

    let port = addr.port().to_string();
    let mut second = target.spawn(&t, &["--port".into(), port.clone()])?;
    t.did(format!(
        "started it again with --port {port}, while the TIME_WAIT lasts (60 s)"
    ));
    let expected = format!(
        "the server listens on port {port} again at once (SO_REUSEADDR, set before bind, on the old listener and the new one)"
    );
    let again = listening(&mut second, &t).map_err(|mut f| {
        f.expected = expected.clone();
        f
    })?;
    if again.port() != addr.port() {
        return Err(t.fail(format!("it listens on {again}"), expected));
    }
    daytime(&t, &mut second, "a client of the restarted server")?;
    Ok(())
}

//! Exercise 11's check: the check is the server. The client sends line 1
//! and gets its echo; line 2 is not UTF-8 and its echo comes in two pieces
//! (the second once the client sleeps waiting for it); then the server side
//! closes the connection (a killed server child: its kernel sends the FIN),
//! and once /proc shows the client's socket in CLOSE_WAIT the user types
//! line 3. The client must end
//! with an error naming the premature termination — not exit 0, not panic,
//! not go on writing into the server's RST (EPIPE, UNP 5.13).

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};


use common::lab::harness::{describe, eventually};
use common::lang::{tr, trf};

use crate::checks::Proc;
use common::lab::observer;
use nix::libc;

use crate::checks::{STEP, Target, read_exact, show};
use crate::report::{Failure, Trace, Verdict, tail};

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| t.fail(e.to_string(), tr("a listener")))?;
    let port = listener.local_addr().map_err(|e| t.fail(e.to_string(), tr("an address")))?.port();
    let mut client = target.spawn(&t, &["--port".into(), port.to_string()])?;
    t.did(trf("listened on 127.0.0.1:{} and started the client with --port {}", &[&port, &port]));
    let (mut conn, cli) = accept(&listener, &mut client, &t)?;
    t.did(tr("accepted the client's connection"));

    let line1 = b"hello from line 1\n";
    write_stdin(&mut client, &t, line1)?;
    t.did(tr("typed line 1 on the client's stdin"));
    let got = read_exact(&mut conn, line1.len()).map_err(|saw| ended(&mut client, &t, saw, tr("line 1 arrives at the server")))?;
    if got != line1 {
        return Err(t.fail(trf("the server got {}", &[&format!("{:?}", show(&got))]), tr("line 1, as typed")));
    }
    conn.write_all(&got).map_err(|e| t.fail(e.to_string(), tr("the echo sent")))?;
    client
        .wait_stdout(line1, STEP)
        .map_err(|_| {
            ended(
                &mut client,
                &t,
                tr("line 1's echo never reached stdout").into(),
                tr("the echo written to `out`"),
            )
        })?;
    t.did(tr("the server echoed it; the client printed the echo"));

    // Line 2: bytes that are not UTF-8 (a line is bytes, not text), echoed
    // in two pieces — the second only once the client sleeps waiting for
    // it: one read(2) is not one line.
    let line2: &[u8] = b"bytes \xff\xfe\x00 not UTF-8, echoed in two pieces\n";
    write_stdin(&mut client, &t, line2)?;
    let got = read_exact(&mut conn, line2.len()).map_err(|saw| ended(&mut client, &t, saw, tr("line 2 arrives at the server")))?;
    if got != line2 {
        return Err(t.fail(trf("the server got {}", &[&format!("{:?}", show(&got))]), tr("line 2, as typed (every byte)")));
    }
    conn.write_all(&got[..10]).map_err(|e| t.fail(e.to_string(), tr("the echo sent")))?;
    let pid = client.pid();
    eventually(STEP, common::lang::n_("the client to wait for the rest of the echo"), || {
        (crate::observe::exited(pid) || crate::observe::all_threads_asleep(pid) == Some(true)).then_some(())
    })
    .map_err(|e| t.fail(e.to_string(), tr("the client waits")))?;
    conn.write_all(&got[10..]).map_err(|e| t.fail(e.to_string(), tr("the echo sent")))?;
    let both: Vec<u8> = [&line1[..], line2].concat();
    client.wait_stdout(&both, STEP).map_err(|_| {
        let out = show(&client.stdout_bytes());
        ended(
            &mut client,
            &t,
            trf("stdout has {}", &[&format!("{out:?}")]),
            tr("line 2's whole echo — every byte, in one line — written to `out` after line 1's"),
        )
    })?;
    t.did(tr("typed line 2 (not UTF-8); the server echoed it in two pieces; the client printed the whole line"));

    drop(conn);
    eventually(STEP, common::lang::n_("the client's socket in CLOSE_WAIT"), || {
        state_of(port, cli).filter(|s| *s == "CLOSE_WAIT").map(|_| ())
    })
    .map_err(|e| t.fail(e.to_string(), tr("the FIN arrives")))?;
    t.did(tr("the server side closed the connection (as a killed server child does: FIN); /proc showed the client's socket in CLOSE_WAIT"));

    let expected = tr("the client ends with an error that says \"server terminated prematurely\" \
                       (its read returned 0 while it waited for an echo)");
    write_stdin(&mut client, &t, b"and line 3\n")?;
    t.did(tr("typed line 3"));
    // Either the client ends, or it has met the server's RST (its socket is
    // gone from /proc) and sleeps in read(2) on stdin: it went on.
    let went_on = eventually(STEP, common::lang::n_("the client to end or to wait for more input"), || {
        if crate::observe::exited(client.pid()) {
            Some(false)
        } else {
            let read = [libc::SYS_read];
            (state_of(port, cli).is_none()
                && observer::blocked_in(client.pid(), &read)
                && observer::blocked_in(client.pid(), &read))
            .then_some(true)
        }
    })
    .map_err(|e| {
        t.fail(
            format!(
                "{}\n{e:#}",
                trf("the client neither ended nor waited for input within {} s", &[&STEP.as_secs()])
            ),
            expected,
        )
    })?;
    if went_on {
        t.did(tr("the client did not end: its socket was reset (the server's RST answered line 3) and it waits for input; typed line 4"));
        write_stdin(&mut client, &t, b"line 4\n").ok();
    }
    let st = client
        .wait_exit(STEP)
        .map_err(|_| t.fail(trf("the client still runs {} s after line 4", &[&STEP.as_secs()]), expected))?;
    let err = client.stderr_text();
    let last = tail(&err, 2);
    if st.success() {
        return Err(t.fail(
            trf(
                "the client exited 0 as if all were well: line 3 got no echo and nobody was told\nstderr: {}",
                &[&last],
            ),
            expected,
        ));
    }
    if went_on || !err.contains("server terminated prematurely") {
        let why = if went_on {
            tr("it went on after the server's FIN (read returned 0 and the loop continued); ")
        } else {
            ""
        };
        return Err(t.fail(
            trf(
                "{}the client ended ({}); its last words on stderr:\n{}",
                &[&why, &describe(st), &last],
            ),
            expected,
        ));
    }
    Ok(())
}

/// The state of the client's end of the connection (`cli` is its address).
fn state_of(port: u16, cli: SocketAddr) -> Option<&'static str> {
    observer::tcp_sockets(port)
        .into_iter()
        .find(|s| s.local == cli)
        .map(|s| s.state)
}

fn accept(l: &TcpListener, client: &mut Proc, t: &Trace) -> Result<(TcpStream, SocketAddr), Failure> {
    l.set_nonblocking(true).map_err(|e| t.fail(e.to_string(), tr("a listener")))?;
    let r = eventually(STEP, common::lang::n_("the client to connect"), || l.accept().ok());
    let (c, a) = r.map_err(|_| ended(client, t, tr("no connection").into(), tr("the client connects")))?;
    c.set_nonblocking(false).map_err(|e| t.fail(e.to_string(), tr("a socket")))?;
    c.set_read_timeout(Some(STEP)).map_err(|e| t.fail(e.to_string(), tr("a socket")))?;
    Ok((c, a))
}

fn write_stdin(p: &mut Proc, t: &Trace, data: &[u8]) -> Result<(), Failure> {
    p.write_stdin(data).map_err(|e| {
        ended(
            p,
            t,
            trf("writing its stdin: {}", &[&format!("{e:#}")]),
            tr("the client reads its stdin"),
        )
    })
}

/// A failure that adds how the client ended, if it did.
fn ended(p: &mut Proc, t: &Trace, saw: String, expected: &str) -> Failure {
    match crate::checks::gone(p) {
        Some(why) => t.fail(format!("{saw}\n{why}"), expected),
        None => t.fail(saw, expected),
    }
}


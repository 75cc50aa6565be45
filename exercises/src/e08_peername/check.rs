//! Exercise 8's check: two clients, each from a random address in 127/8
//! (all of it is loopback on Linux), so the log line cannot be a constant
//! and the server's own address (127.0.0.1) cannot pass for the client's.

use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};

use common::lab::harness::eventually;
use common::lang::{tr, trf};
use socket2::{Domain, SockAddr, Socket, Type};

use crate::checks::{STEP, Target, fail_or_gone};
use crate::report::{Trace, Verdict};
use crate::rng::Rng;

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let mut rng = Rng::new(target.seed);
    let (mut server, addr) = target.server(&mut t, &[])?;
    for i in 1..=2 {
        let ip = Ipv4Addr::new(
            127,
            rng.range(1, 254) as u8,
            rng.range(0, 255) as u8,
            rng.range(2, 254) as u8,
        );
        let s =
            Socket::new(Domain::IPV4, Type::STREAM, None).map_err(|e| t.fail(e.to_string(), tr("a socket")))?;
        s.bind(&SockAddr::from(SocketAddr::from((ip, 0))))
            .map_err(|e| t.fail(format!("bind {ip}: {e}"), tr("a client address")))?;
        s.connect_timeout(&SockAddr::from(addr), STEP)
            .map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), tr("a connection")))?;
        let me = s
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .ok_or_else(|| t.fail(tr("no address"), tr("one")))?;
        let mut c = TcpStream::from(s);
        let _ = c.set_read_timeout(Some(STEP));
        let mut got = Vec::new();
        let r = c.read_to_end(&mut got);
        t.did(trf("client {} connected from {} and read until end of file", &[&i, &me]));
        // Exactly one line: ctime's five fields and one "\r\n" (the time
        // handed to the function already ends in it).
        let text = String::from_utf8_lossy(&got);
        let one_line = text.matches("\r\n").count() == 1 && text.split_whitespace().count() == 5;
        if r.is_err() || !got.ends_with(b"\r\n") || !one_line {
            return Err(fail_or_gone(
                &mut server,
                &t,
                trf(
                    "it read {} ({})",
                    &[
                        &format!("{:?}", String::from_utf8_lossy(&got)),
                        &r.err().map_or("EOF".into(), |e| e.to_string()),
                    ],
                ),
                tr("the daytime line exactly as handed to your function (it already ends in \\r\\n), then end of file"),
            ));
        }
        let want = format!("connection from {}, port {}", me.ip(), me.port());
        let line = eventually(STEP, common::lang::n_("the log line"), || {
            let out = String::from_utf8_lossy(&server.stdout_bytes()).into_owned();
            out.lines()
                .nth(i - 1)
                .filter(|_| out.ends_with('\n'))
                .map(str::to_owned)
        })
        .map_err(|_| fail_or_gone(&mut server, &t, tr("no line on stdout").into(), &want))?;
        if line.trim() != want {
            let swapped = format!("port {}", me.port().swap_bytes());
            let why = if line.trim().ends_with(&swapped) {
                tr("\n(the port's two bytes are swapped: it was converted from network byte order twice)")
            } else {
                ""
            };
            return Err(t.fail(
                trf("the server logged: {}{}", &[&line, &why]),
                trf(
                    "{}\n(the client's address, as accept() returned it; getsockname names the server itself)",
                    &[&want],
                ),
            ));
        }
        t.did(trf("read the server's log line: {}", &[&line]));
    }
    drop(server);

    // IPv6 too: a server on ::1 and a client from ::1 (a client's address
    // is whatever accept() returned, of any family).
    let mut t6 = t.clone();
    let mut server = target.spawn(&t6, &["--host".into(), "::1".into(), "--port".into(), "0".into()])?;
    let addr = crate::checks::listening(&mut server, &t6)?;
    t6.did(trf("started a second server on {} (IPv6)", &[&addr]));
    let mut c = std::net::TcpStream::connect_timeout(&addr, STEP)
        .map_err(|e| fail_or_gone(&mut server, &t6, format!("connect: {e}"), tr("a connection")))?;
    let me = c.local_addr().map_err(|e| t6.fail(e.to_string(), tr("an address")))?;
    let _ = c.set_read_timeout(Some(STEP));
    let mut got = Vec::new();
    let _ = c.read_to_end(&mut got);
    let want = format!("connection from {}, port {}", me.ip(), me.port());
    let line = eventually(STEP, common::lang::n_("the log line"), || {
        let out = String::from_utf8_lossy(&server.stdout_bytes()).into_owned();
        out.lines().next().filter(|_| out.ends_with('\n')).map(str::to_owned)
    })
    .map_err(|_| fail_or_gone(&mut server, &t6, tr("no line on stdout").into(), &want))?;
    if line.trim() != want {
        return Err(t6.fail(
            trf("the server logged: {}{}", &[&line, &""]),
            trf("{} (an IPv6 client: ::1)", &[&want]),
        ));
    }
    Ok(())
}

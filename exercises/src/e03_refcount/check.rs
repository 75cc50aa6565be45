//! Exercise 3's check: after fork, parent and child name the connection by
//! the same number (the kernel's own fd table agrees); once the parent is
//! back in accept it no longer holds the connection, and the connection
//! still works; when the client finishes, the end of file comes back.

use common::lab::harness::eventually;
use common::lab::observer;
use common::lang::{tr, trf};

use crate::checks::{STEP, Target, connect, fail_or_gone, finish, roundtrip};
use crate::observe::{NotIdle, idle_or_waiting};
use crate::report::{Trace, Verdict};
use crate::rng::Rng;

fn number_after(out: &str, prefix: &str) -> Option<i32> {
    out.lines()
        .filter(|_| out.ends_with('\n'))
        .find_map(|l| l.trim().strip_prefix(prefix))
        .and_then(|n| n.trim().parse().ok())
}

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let mut rng = Rng::new(target.seed);
    let (mut server, addr) = target.server(&mut t, &["--seed".into(), target.seed.to_string()])?;
    let mut c =
        connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), tr("a connection")))?;
    let me = c.local_addr().map_err(|e| t.fail(e.to_string(), tr("an address")))?;
    t.did(trf("connected from {}", &[&me]));

    let pid = server.pid();
    let printed = eventually(STEP, common::lang::n_("both lines"), || {
        if crate::observe::exited(pid) {
            return Some(None); // no use waiting
        }
        let out = String::from_utf8_lossy(&server.stdout_bytes()).into_owned();
        let parent = number_after(&out, "parent: connfd =")?;
        Some(Some((parent, number_after(&out, "child: connfd =")?)))
    })
    .ok()
    .flatten()
    .ok_or(());
    let (parent_n, child_n) = printed.map_err(|_| {
        let out = String::from_utf8_lossy(&server.stdout_bytes()).into_owned();
        fail_or_gone(
            &mut server,
            &t,
            trf("stdout so far: {}", &[&format!("{out:?}")]),
            tr("two lines on stdout: `parent: connfd = N` and `child: connfd = N`"),
        )
    })?;
    t.did(trf(
        "read `parent: connfd = {}` and `child: connfd = {}`",
        &[&parent_n, &child_n],
    ));

    // The connection as the kernel sees it, and who holds it.
    let sock = observer::tcp_sockets(addr.port())
        .into_iter()
        .find(|s| s.local == addr && s.remote == me)
        .ok_or_else(|| {
            t.fail(
                tr("the server's side of the connection is not in /proc/net/tcp"),
                tr("it is"),
            )
        })?;
    let held = |pid: i32| {
        observer::socket_fds(pid)
            .into_iter()
            .find(|&(_, inode)| inode == sock.inode)
            .map(|(fd, _)| fd)
    };
    let child = observer::children(server.pid())
        .into_iter()
        .find_map(|c| held(c.pid).map(|fd| (c.pid, fd)));
    let Some((child_pid, real_fd)) = child else {
        // No child holds it: it may have ended already. Does the connection work?
        let line = rng.line(5, 60);
        let saw = match roundtrip(&mut c, &line) {
            Err(e) => trf("no child holds the connection any more, and sending a line: {}", &[&e]),
            Ok(()) => tr("the connection echoes, but no child of the server holds it").into(),
        };
        let table = observer::process_table(server.pid());
        return Err(fail_or_gone(
            &mut server,
            &t,
            format!("{saw}\n{table}"),
            tr("a child serves the connection; the parent's close() removes one reference of two, \
                so the connection stays up (shutdown() would end it for both)"),
        ));
    };
    t.did(trf(
        "found the child (pid {}) holding the connection as fd {} (/proc/{}/fd)",
        &[&child_pid, &real_fd, &child_pid],
    ));
    if parent_n != real_fd || child_n != real_fd {
        return Err(t.fail(
            trf("the lines say parent {}, child {}", &[&parent_n, &child_n]),
            trf("both lines print the real number, {}: fork copies the descriptor table", &[&real_fd]),
        ));
    }

    match idle_or_waiting(server.pid(), STEP) {
        Ok(()) => {}
        Err(NotIdle::InWait) => {
            return Err(t.fail(
                trf(
                    "the server (parent) sleeps in wait4(): it waits for the child serving this client, \
                     so no other client is served until this one leaves\n{}",
                    &[&common::lab::observer::process_table(server.pid())],
                ),
                tr("the parent closes its copy and returns to accept() at once (its children are reaped \
                    by a SIGCHLD handler, not waited for here)"),
            ));
        }
        Err(NotIdle::Other(e)) => {
            return Err(fail_or_gone(&mut server, &t, e.to_string(), tr("the server back in accept()")));
        }
    }
    t.did(tr("waited until the server (parent) was back in accept()"));
    if let Some(fd) = held(server.pid()) {
        return Err(t.fail(
            trf(
                "the server (parent, pid {}) still holds the connection, as fd {}",
                &[&server.pid(), &fd],
            ),
            tr("the parent has closed its copy: when the child finishes, the last reference goes and \
                the FIN goes out (UNP 4.8); a copy left open keeps the connection — and the client — hanging"),
        ));
    }

    let line = rng.line(5, 60);
    roundtrip(&mut c, &line).map_err(|saw| {
        fail_or_gone(
            &mut server,
            &t,
            trf("after the parent's close: {}", &[&saw]),
            tr("the echo still works: close() removed one reference of two; the child's keeps the connection up"),
        )
    })?;
    t.did(tr("sent a line through the connection and read its echo"));
    finish(c).map_err(|saw| {
        t.fail(
            saw,
            tr("end of file: the child exits, its close drops the last reference, and the FIN goes out"),
        )
    })?;
    Ok(())
}

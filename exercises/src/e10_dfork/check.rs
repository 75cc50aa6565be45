//! Exercise 10's check. The server runs under the check's warden, a child
//! subreaper: orphans are adopted by it (not by PID 1, which reaps late
//! here) and reaped at once. Three clients; each must be served by
//! a process the subreaper adopted — a grandchild of the server whose
//! parent has exited — and afterwards the server must have no zombie.

use std::time::Duration;

use common::lab::harness::eventually;
use common::lang::{tr, trf};

use crate::checks::Proc;
use common::lab::observer::{self, ProcInfo};

use crate::checks::{STEP, Target, connect, finish, roundtrip};
use crate::observe::{exited, idle_in_accept};
use crate::report::{Failure, Trace, Verdict, tail};
use crate::rng::Rng;

/// If the server has exited: the failure, with its last words. `patience`:
/// how long to give it (a client can see a dying server's RST before /proc
/// shows it gone).
fn died(p: &mut Proc, server: i32, t: &Trace, patience: Duration) -> Option<Failure> {
    eventually(patience, common::lang::n_("exit"), || exited(server).then_some(())).ok()?;
    let _ = p.wait_exit(STEP);
    Some(t.fail(
        trf("the server exited; its last words on stderr:\n{}", &[&tail(&p.stderr_text(), 3)]),
        tr("the server keeps serving: waitpid for the middle child succeeds at once"),
    ))
}

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let mut rng = Rng::new(target.seed);
    // Every check's program runs under a warden, a child subreaper (see
    // crate::warden): the grandchildren are adopted by it.
    let (mut p, addr) = target.server(&mut t, &[])?;
    let reaper = p.warden_pid();
    let server = p.pid();
    t.did(trf(
        "(it runs under the check's warden, pid {}, a child subreaper: orphans are adopted by it)",
        &[&reaper],
    ));

    for i in 1..=3 {
        let mut c = connect(addr).map_err(|e| t.fail(format!("connect: {e}"), tr("a connection")))?;
        let me = c.local_addr().map_err(|e| t.fail(e.to_string(), tr("an address")))?;
        let text = rng.line(3, 40);
        if let Err(saw) = roundtrip(&mut c, &text) {
            let half = Duration::from_millis(500);
            return Err(died(&mut p, server, &t, half).unwrap_or_else(|| t.fail(saw, tr("the echo"))));
        }
        t.did(trf("client {} connected and echoed a line", &[&i]));
        let inode = observer::tcp_sockets(addr.port())
            .into_iter()
            .find(|s| s.local == addr && s.remote == me)
            .map(|s| s.inode)
            .ok_or_else(|| t.fail(tr("the connection is not in /proc/net/tcp"), tr("it is")))?;
        let holder = |pid: i32| observer::socket_fds(pid).iter().any(|&(_, n)| n == inode);
        let family = || -> Vec<ProcInfo> {
            let mut v = observer::children(reaper);
            for c in observer::children(server) {
                v.extend(observer::children(c.pid));
                v.push(c);
            }
            v.into_iter()
                .filter(|p| p.pid != server && !p.is_zombie())
                .collect()
        };
        let adopted = eventually(STEP / 2, common::lang::n_("the serving process to be adopted"), || {
            if exited(server) {
                return Some(None); // no use waiting
            }
            family()
                .into_iter()
                .find(|p| holder(p.pid) && p.ppid == reaper)
                .map(Some)
        })
        .ok()
        .flatten()
        .ok_or(());
        if adopted.is_err() {
            if let Some(f) = died(&mut p, server, &t, Duration::ZERO) {
                return Err(f);
            }
            let who = family().into_iter().find(|p| holder(p.pid));
            return Err(t.fail(
                match who {
                    Some(w) if w.ppid == server => trf(
                        "pid {} serves the client and is a child of the server: no double fork",
                        &[&w.pid],
                    ),
                    Some(w) => trf("pid {} serves the client; its parent {} is still alive", &[&w.pid, &w.ppid]),
                    None => tr("no process of the server's family holds the connection").into(),
                },
                tr("a grandchild serves the client and its parent (the middle child) has exited, so the subreaper adopted it"),
            ));
        }
        finish(c).map_err(|saw| t.fail(saw, tr("end of file after the client's")))?;
        if let Some(f) = died(&mut p, server, &t, Duration::ZERO) {
            return Err(f);
        }
    }
    t.did(tr("checked each was served by a grandchild the subreaper had adopted"));
    idle_in_accept(server, STEP).map_err(|e| {
        died(&mut p, server, &t, Duration::ZERO).unwrap_or_else(|| t.fail(e.to_string(), "accept"))
    })?;
    t.did(tr("waited until the server was back in accept()"));
    let z = observer::zombies(server);
    if !z.is_empty() {
        let pids: Vec<String> = z.iter().map(|p| p.pid.to_string()).collect();
        return Err(t.fail(
            trf(
                "{} zombie children of the server: pids {}\n{}",
                &[&z.len(), &pids.join(" "), &observer::process_table(server)],
            ),
            tr("0 zombies: the server waits for each middle child (which exits at once); the grandchildren are reaped by their adopter"),
        ));
    }
    Ok(())
}

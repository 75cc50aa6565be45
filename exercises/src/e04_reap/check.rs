//! Exercise 4's check, with the stop-the-parent method: eight children end
//! while the server is stopped — six when their clients close, two killed
//! by SIGKILL — so their SIGCHLDs are pending together and are delivered
//! as one when it resumes. One wait() per signal leaves exactly 7 zombies,
//! the waitpid loop exactly 0 — every run. (Eight, not the book's five: a
//! loop that reaps a fixed number of times must not pass.)
//!
//! A ninth client stays connected throughout: its child is alive while the
//! others end, so a handler that blocks (wait() or waitpid without WNOHANG
//! in a loop) sleeps in wait4(2) for it and the server never returns to
//! accept(). A tenth client, after the handler, must then be served, and
//! the ninth still is. Last, the errno probe (SIGUSR2: errno set, then
//! SIGCHLD raised with no child left): errno must be as it was.

use common::lab::harness::{cont, stop, wait_children, wait_zombies};
use common::lab::observer;
use common::lang::{tr, trf};

use crate::checks::{STEP, Target, connect, fail_or_gone, roundtrip};
use crate::observe::{NotIdle, idle_or_waiting};
use crate::report::{Trace, Verdict};

pub const CLIENTS: usize = 8;
/// Of the children that end, how many the check kills (SIGKILL) instead.
pub const KILLED: usize = 2;

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let (mut server, addr) = target.server(&mut t, &[])?;
    let pid = server.pid();
    let mut clients = Vec::new();
    for i in 0..=CLIENTS {
        let mut c = connect(addr)
            .map_err(|e| fail_or_gone(&mut server, &t, format!("connect {}: {e}", i + 1), tr("a connection")))?;
        let line = format!("line from client {}\n", i + 1);
        roundtrip(&mut c, line.as_bytes()).map_err(|saw| fail_or_gone(&mut server, &t, saw, tr("the echo")))?;
        clients.push(c);
    }
    let mut live = clients.pop().expect("one more client than end");
    t.did(trf("opened {} connections and echoed a line on each", &[&(CLIENTS + 1)]));
    wait_children(pid, CLIENTS + 1, STEP)
        .map_err(|e| t.fail(e.to_string(), trf("{} children", &[&(CLIENTS + 1)])))?;
    stop(pid).map_err(|e| t.fail(e.to_string(), tr("the server stopped")))?;
    t.did(tr("stopped the server (SIGSTOP, until /proc showed T)"));
    for c in clients.iter().take(KILLED) {
        let child = c
            .local_addr()
            .ok()
            .and_then(|me| crate::checks::child_serving(pid, addr, me))
            .ok_or_else(|| t.fail(observer::process_table(pid), tr("a child serving each client")))?;
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(child), nix::sys::signal::Signal::SIGKILL);
    }
    drop(clients);
    t.did(trf(
        "killed {} children (SIGKILL) and closed the other {} connections together (one more stays open: its child is alive)",
        &[&KILLED, &(CLIENTS - KILLED)],
    ));
    wait_zombies(pid, CLIENTS, STEP).map_err(|e| t.fail(e.to_string(), trf("{} children ended", &[&CLIENTS])))?;
    t.did(trf(
        "waited until the {} children had ended ({} zombies: the server cannot reap while stopped)",
        &[&CLIENTS, &CLIENTS],
    ));
    cont(pid).map_err(|e| t.fail(e.to_string(), "SIGCONT"))?;
    t.did(tr("resumed the server (SIGCONT): the pending SIGCHLD is delivered once"));
    match idle_or_waiting(pid, STEP) {
        Ok(()) => {}
        Err(NotIdle::InWait) => {
            return Err(t.fail(
                trf(
                    "the server hangs: it sleeps in wait4() inside its SIGCHLD handler, waiting for the child \
                     that still serves client {}, so it never returns to accept() and no new client is served\n{}",
                    &[&(CLIENTS + 1), &observer::process_table(pid)],
                ),
                tr("the handler reaps the children that have ended and returns at once \
                    (WNOHANG: a child still serving a client is not waited for)"),
            ));
        }
        Err(NotIdle::Other(e)) => {
            return Err(fail_or_gone(
                &mut server,
                &t,
                format!("{e}\n{}", observer::process_table(pid)),
                tr("the handler returns and the server waits in accept() again (a handler must never block)"),
            ));
        }
    }
    t.did(tr("waited until the handler had run and the server was back in accept()"));
    let z = observer::zombies(pid);
    if !z.is_empty() {
        let pids: Vec<String> = z.iter().map(|p| p.pid.to_string()).collect();
        return Err(t.fail(
            trf(
                "{} zombie children of the server: pids {}\n{}",
                &[&z.len(), &pids.join(" "), &observer::process_table(pid)],
            ),
            tr("0 zombies: every child that has ended is reaped, though only one SIGCHLD arrived"),
        ));
    }
    let (newest, stayed) = (CLIENTS + 2, CLIENTS + 1);
    let mut fresh = connect(addr)
        .map_err(|e| fail_or_gone(&mut server, &t, format!("connect {newest}: {e}"), tr("a connection")))?;
    roundtrip(&mut fresh, b"a new client\n")
        .map_err(|saw| fail_or_gone(&mut server, &t, trf("client {}: {}", &[&newest, &saw]), tr("a new client is served")))?;
    roundtrip(&mut live, b"still there\n").map_err(|saw| {
        fail_or_gone(&mut server, &t, trf("client {}: {}", &[&stayed, &saw]), tr("the live client is still served"))
    })?;
    t.did(tr("a new client was served, and the one that stayed connected still is"));
    drop(fresh);
    drop(live);
    crate::observe::idle_in_accept(pid, STEP)
        .and_then(|()| {
            common::lab::harness::eventually(STEP, common::lang::n_("the last children reaped"), || {
                (observer::children(pid).is_empty() && observer::idle_in_accept(pid)).then_some(())
            })
        })
        .map_err(|e| fail_or_gone(&mut server, &t, format!("{e}\n{}", observer::process_table(pid)), tr("every child reaped")))?;
    t.did(tr("both clients left; their children were reaped"));
    server.signal(nix::sys::signal::Signal::SIGUSR2).map_err(|e| t.fail(e.to_string(), tr("the probe")))?;
    let back = common::lab::harness::eventually(STEP, common::lang::n_("the probe to run"), || {
        if crate::observe::exited(pid) {
            Some(false)
        } else {
            server.stderr_text().contains("errno probe:").then_some(true)
        }
    });
    if !matches!(back, Ok(true)) {
        return Err(fail_or_gone(
            &mut server,
            &t,
            tr("after the errno probe (errno set, SIGCHLD raised with no child left: waitpid fails with ECHILD)").into(),
            tr("errno is as it was after the handler returns: a handler saves errno first and restores it (SavedErrno)"),
        ));
    }
    t.did(tr("asked for the errno probe: errno set, SIGCHLD raised with no child left — errno was kept"));
    Ok(())
}

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
            .map_err(|e| fail_or_gone(&mut server, &t, format!("connect {}: {e}", i + 1), "a connection"))?;
        let line = format!("line from client {}\n", i + 1);
        roundtrip(&mut c, line.as_bytes()).map_err(|saw| fail_or_gone(&mut server, &t, saw, "the echo"))?;
        clients.push(c);
    }
    let mut live = clients.pop().expect("one more client than end");
    t.did(format!(
        "opened {} connections and echoed a line on each",
        CLIENTS + 1
    ));
    wait_children(pid, CLIENTS + 1, STEP)
        .map_err(|e| t.fail(e.to_string(), format!("{} children", CLIENTS + 1)))?;
    stop(pid).map_err(|e| t.fail(e.to_string(), "the server stopped"))?;
    t.did("stopped the server (SIGSTOP, until /proc showed T)");
    for c in clients.iter().take(KILLED) {
        let child = c
            .local_addr()
            .ok()
            .and_then(|me| crate::checks::child_serving(pid, addr, me))
            .ok_or_else(|| t.fail(observer::process_table(pid), "a child serving each client"))?;
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(child), nix::sys::signal::Signal::SIGKILL);
    }
    drop(clients);
    t.did(format!(
        "killed {KILLED} children (SIGKILL) and closed the other {} connections together (one more stays open: its child is alive)",
        CLIENTS - KILLED
    ));
    wait_zombies(pid, CLIENTS, STEP).map_err(|e| t.fail(e.to_string(), format!("{CLIENTS} children ended")))?;
    t.did(format!(
        "waited until the {CLIENTS} children had ended ({CLIENTS} zombies: the server cannot reap while stopped)"
    ));
    cont(pid).map_err(|e| t.fail(e.to_string(), "SIGCONT"))?;
    t.did("resumed the server (SIGCONT): the pending SIGCHLD is delivered once");
    match idle_or_waiting(pid, STEP) {
        Ok(()) => {}
        Err(NotIdle::InWait) => {
            return Err(t.fail(
                format!(
                    "the server hangs: it sleeps in wait4() inside its SIGCHLD handler, waiting for the child \
                     that still serves client {}, so it never returns to accept() and no new client is served\n{}",
                    CLIENTS + 1,
                    observer::process_table(pid)
                ),
                "the handler reaps the children that have ended and returns at once \
                 (WNOHANG: a child still serving a client is not waited for)",
            ));
        }
        Err(NotIdle::Other(e)) => {
            return Err(fail_or_gone(
                &mut server,
                &t,
                format!("{e}\n{}", observer::process_table(pid)),
                "the handler returns and the server waits in accept() again (a handler must never block)",
            ));
        }
    }
    t.did("waited until the handler had run and the server was back in accept()");
    let z = observer::zombies(pid);
    if !z.is_empty() {
        let pids: Vec<String> = z.iter().map(|p| p.pid.to_string()).collect();
        return Err(t.fail(
            format!(
                "{} zombie children of the server: pids {}\n{}",
                z.len(),
                pids.join(" "),
                observer::process_table(pid)
            ),
            "0 zombies: every child that has ended is reaped, though only one SIGCHLD arrived",
        ));
    }
    let (newest, stayed) = (CLIENTS + 2, CLIENTS + 1);
    let mut fresh = connect(addr)
        .map_err(|e| fail_or_gone(&mut server, &t, format!("connect {newest}: {e}"), "a connection"))?;
    roundtrip(&mut fresh, b"a new client\n")
        .map_err(|saw| fail_or_gone(&mut server, &t, format!("client {newest}: {saw}"), "a new client is served"))?;
    roundtrip(&mut live, b"still there\n").map_err(|saw| {
        fail_or_gone(&mut server, &t, format!("client {stayed}: {saw}"), "the live client is still served")
    })?;
    t.did("a new client was served, and the one that stayed connected still is");
    drop(fresh);
    drop(live);
    crate::observe::idle_in_accept(pid, STEP)
        .and_then(|()| {
            common::lab::harness::eventually(STEP, "the last children reaped", || {
                (observer::children(pid).is_empty() && observer::idle_in_accept(pid)).then_some(())
            })
        })
        .map_err(|e| fail_or_gone(&mut server, &t, format!("{e}\n{}", observer::process_table(pid)), "every child reaped"))?;
    t.did("both clients left; their children were reaped");
    server.signal(nix::sys::signal::Signal::SIGUSR2).map_err(|e| t.fail(e.to_string(), "the probe"))?;
    let back = common::lab::harness::eventually(STEP, "the probe to run", || {
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
            "after the errno probe (errno set, SIGCHLD raised with no child left: waitpid fails with ECHILD)".into(),
            "errno is as it was after the handler returns: a handler saves errno first and restores it (SavedErrno)",
        ));
    }
    t.did("asked for the errno probe: errno set, SIGCHLD raised with no child left — errno was kept");
    Ok(())
}

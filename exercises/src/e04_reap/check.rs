//! Exercise 4's check, with the stop-the-parent method (LAB.md): five
//! children end while the server is stopped, so their SIGCHLDs are pending
//! together and are delivered as one when it resumes. One wait() per signal
//! leaves exactly 4 zombies, the waitpid loop exactly 0 — every run.

use common::lab::harness::{cont, stop, wait_children, wait_zombies};
use common::lab::observer;

use crate::checks::{STEP, Target, connect, fail_or_gone, roundtrip};
use crate::observe::idle_in_accept;
use crate::report::{Trace, Verdict};
use crate::rng::Rng;

pub const CLIENTS: usize = 5;

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let mut rng = Rng::new(target.seed);
    let (mut server, addr) = target.server(&mut t, &[])?;
    let pid = server.pid();
    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        let mut c = connect(addr)
            .map_err(|e| fail_or_gone(&mut server, &t, format!("connect {}: {e}", i + 1), "a connection"))?;
        let line = rng.line(3, 40);
        roundtrip(&mut c, &line).map_err(|saw| fail_or_gone(&mut server, &t, saw, "the echo"))?;
        clients.push(c);
    }
    t.did(format!("opened {CLIENTS} connections and echoed a line on each"));
    wait_children(pid, CLIENTS, STEP).map_err(|e| t.fail(e.to_string(), format!("{CLIENTS} children")))?;
    stop(pid).map_err(|e| t.fail(e.to_string(), "the server stopped"))?;
    t.did("stopped the server (SIGSTOP, until /proc showed T)");
    drop(clients);
    t.did(format!("closed the {CLIENTS} connections together"));
    wait_zombies(pid, CLIENTS, STEP)
        .map_err(|e| t.fail(e.to_string(), format!("{CLIENTS} children ended")))?;
    t.did(format!("waited until the {CLIENTS} children had ended ({CLIENTS} zombies: the server cannot reap while stopped)"));
    cont(pid).map_err(|e| t.fail(e.to_string(), "SIGCONT"))?;
    t.did("resumed the server (SIGCONT): the pending SIGCHLD is delivered once");
    idle_in_accept(pid, STEP).map_err(|e| {
        fail_or_gone(
            &mut server,
            &t,
            format!("{e}\n{}", observer::process_table(pid)),
            "the handler returns and the server waits in accept() again (a handler must never block)",
        )
    })?;
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
    Ok(())
}

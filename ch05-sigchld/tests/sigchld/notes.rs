//! The notes' servers (seeds 003 and 004): echo_mpserv's failed accept,
//! toupper_dfork's orphans.

use ch05_sigchld::experiment::{self, Adoption, adoption};
use common::lab::harness::{DEADLINE, Proc, eventually};
use common::lab::observer;

use crate::support::bin;

/// Runs `bin` with at most 4 descriptors (0–2 and the listener), so that
/// accept fails with EMFILE — at once, client or not: Linux takes the new
/// descriptor before it waits for a connection. Returns (the server's
/// children, whether it is still alive) once the failure is logged.
fn after_emfile(bin: &str) -> (usize, bool) {
    let script = r#"ulimit -n 4 && exec "$0" --port 0"#;
    let server = Proc::spawn("sh", &["-c", script, bin]).unwrap();
    let addr = server.listening().unwrap();
    let _client = experiment::connect(addr).ok(); // refused if it died already
    server
        .wait_stderr("accept error: Too many open files", DEADLINE)
        .unwrap();
    let children = observer::children(server.pid()).len();
    // Alive: it goes back to accept and fails again (echo_mpserv backs off
    // 100 ms in between). Dead: gone, or a zombie its spawner has not reaped.
    let alive = eventually(DEADLINE, "a second accept error, or the server's end", || {
        let errors = server
            .stderr_text()
            .matches("accept error: Too many open files")
            .count();
        if errors >= 2 {
            Some(true)
        } else {
            matches!(observer::state(server.pid()), None | Some('Z')).then_some(false)
        }
    })
    .unwrap();
    (children, alive)
}

#[test]
fn a_failed_accept_neither_forks_nor_kills_echo_mpserv() {
    assert_eq!(after_emfile(bin!("echo_mpserv")), (0, true));
    // The book's servers treat any accept error but EINTR as fatal
    // (err_sys): the same check fails on tcpserv04.
    assert_eq!(after_emfile(bin!("tcpserv04")), (0, false));
}

/// The double-fork lesson as a check: while the clients are served, the
/// server has no child and the workers are the subreaper's; afterwards the
/// subreaper has reaped them all and no zombie is left under the server.
fn adopted_and_reaped(r: &Adoption, clients: usize) -> Result<(), String> {
    let ok = r.server_children.is_empty()
        && r.adopted.len() == clients
        && r.adopted.iter().all(|p| p.ppid == r.subreaper)
        && r.reaped.len() == clients
        && r.zombies_after == 0;
    if ok {
        Ok(())
    } else {
        Err(format!(
            "server children {:?}, adopted {:?}, reaped {:?}, zombies after {}\n{}",
            r.server_children, r.adopted, r.reaped, r.zombies_after, r.table
        ))
    }
}

#[test]
fn double_fork_orphans_are_adopted_by_the_subreaper() {
    let r = adoption(bin!("toupper_dfork"), &[], 3).unwrap();
    adopted_and_reaped(&r, 3).unwrap();
    // A single fork without SIGCHLD handling fails the same check: the
    // children stay the server's, then its zombies.
    let r = adoption(bin!("toupper_fork"), &["--no-ignore"], 3).unwrap();
    let err = adopted_and_reaped(&r, 3).unwrap_err();
    assert_eq!((r.server_children.len(), r.zombies_after), (3, 3), "{err}");
}

#[test]
fn the_to_upper_service_answers_in_upper_case_until_quit() {
    let (server, addr) = experiment::start_server(bin!("toupper_dfork"), &[]).unwrap();
    let s = experiment::connect(addr).unwrap();
    assert_eq!(
        experiment::round_trip(&s, b"hello, World\n").unwrap(),
        b"HELLO, WORLD\n"
    );
    common::writen::writen(&s, b"quit\n").unwrap();
    let mut rest = Vec::new();
    common::readline::Rline::new(&s).readline(&mut rest).unwrap();
    assert!(rest.is_empty(), "quit closes the connection, got {rest:?}");
    server.wait_stderr("client sent quit", DEADLINE).unwrap();
}

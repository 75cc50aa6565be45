//! UNP 5.9: a SIGCHLD handler interrupts accept. Without SA_RESTART the
//! book's tcpserv02 dies with EINTR; with it, or with tcpserv03's loop, the
//! server lives on; std::net hides EINTR altogether.

use ch05_sigchld::experiment::{FirstChild, first_child_ends};

use crate::support::bin;

fn after_first_child(bin: &str, args: &[&str]) -> FirstChild {
    first_child_ends(bin, args).unwrap_or_else(|e| panic!("{bin} {args:?}: {e:#}"))
}

fn died_of_eintr(r: &FirstChild) -> bool {
    matches!(r, FirstChild::Died { status, line }
        if status == "exit code 1" && line.ends_with("accept error: Interrupted system call"))
}

fn survived(r: &FirstChild) -> bool {
    matches!(r, FirstChild::Served { echo } if echo == "still there?")
}

#[test]
fn tcpserv02_without_sa_restart_dies_of_eintr() {
    let r = after_first_child(bin!("tcpserv02"), &["--sigchld", "intr"]);
    assert!(died_of_eintr(&r), "{r:?}");
    assert!(!survived(&r), "{r:?}");
}

#[test]
fn sa_restart_or_an_eintr_loop_keeps_the_server_alive() {
    for (bin, args) in [
        (bin!("tcpserv02"), &[][..]),
        (bin!("tcpserv03"), &["--sigchld", "intr"][..]),
        (bin!("tcpserv04"), &["--sigchld", "intr"][..]),
    ] {
        let r = after_first_child(bin, args);
        assert!(survived(&r), "{bin} {args:?}: {r:?}");
        assert!(!died_of_eintr(&r), "{bin} {args:?}: {r:?}");
    }
}

#[test]
fn std_accept_hides_eintr() {
    // The same handler without SA_RESTART that kills tcpserv02 above: std's
    // TcpListener::accept retries EINTR, so the lesson cannot be seen.
    let r = after_first_child(bin!("tcpserv02_std"), &["--sigchld", "intr"]);
    assert!(survived(&r), "{r:?}");
}

//! UNP 5.8–5.10: how many zombies each server version leaves after
//! tcpcli04's five connections end at once.

use ch05_sigchld::experiment::{self, five_clients};
use common::lab::observer;

use crate::support::bin;

/// The count of zombies a server leaves after tcpcli04, made exact by
/// stopping the server while its five children exit (one merged SIGCHLD).
fn zombies_after_five(bin: &str, args: &[&str]) -> usize {
    let r = five_clients(bin, args, true).unwrap_or_else(|e| panic!("{bin} {args:?}: {e:#}"));
    r.zombies
}

#[test]
fn zero_zombies_holds_only_for_the_waitpid_loop() {
    // The check "no zombie after five clients", on each version: it fails on
    // tcpserv01 (no handler) and tcpserv03 (one wait per signal) with exact
    // counts, and passes on tcpserv04.
    let counts = [
        // ch05-echo's tcpserv01, by name: found beside the test binaries
        // (built by bin_path if a `cargo test -p ch05-sigchld` lacks it).
        ("tcpserv01", zombies_after_five("tcpserv01", &[])),
        ("tcpserv03", zombies_after_five(bin!("tcpserv03"), &[])),
        ("tcpserv04", zombies_after_five(bin!("tcpserv04"), &[])),
        (
            "tcpserv04 --sigchld intr",
            zombies_after_five(bin!("tcpserv04"), &["--sigchld", "intr"]),
        ),
    ];
    let got: Vec<usize> = counts.iter().map(|c| c.1).collect();
    assert_eq!(got, [5, 4, 0, 0], "expected 5, 4, 0, 0 zombies; got {counts:?}");
}

#[test]
fn tcpserv03_reaps_exactly_one_per_merged_signal() {
    let r = five_clients(bin!("tcpserv03"), &["--sigchld", "intr"], true).unwrap();
    assert_eq!(r.zombies, 4, "\n{}", r.table);
    assert_eq!(r.terminated(1), 1, "one handler run, one wait:\n{}", r.table);
    // tcpserv04's single handler run reaps all five.
    let r = five_clients(bin!("tcpserv04"), &[], true).unwrap();
    assert_eq!((r.terminated(5), r.zombies), (5, 0), "\n{}", r.table);
}

#[test]
fn echo_mpserv_leaves_no_zombie() {
    // The same exact check that tcpserv03 fails (4) above.
    assert_eq!(zombies_after_five(bin!("echo_mpserv"), &[]), 0);
}

#[test]
fn sig_ign_lets_the_kernel_reap_and_keeps_no_status() {
    // SIG_IGN: no zombie even while the server is stopped, and after the
    // five have ended a sixth accept finds nothing to collect (ECHILD).
    // Without SIG_IGN (--no-ignore) the same checks fail: five zombies, and
    // waitpid returns one of them.
    fn run(args: &[&str]) -> (usize, String) {
        let r = five_clients(bin!("toupper_fork"), args, true).unwrap();
        let line = r.sixth_waitpid_line().unwrap();
        (r.zombies, line)
    }
    let (zombies, line) = run(&[]);
    assert_eq!(zombies, 0);
    assert!(line.ends_with("No child processes"), "{line}");
    let (zombies, line) = run(&["--no-ignore"]);
    assert_eq!(zombies, 5);
    assert!(line.contains("Exited("), "{line}");
}

#[test]
fn tcpserv04_has_no_zombie_after_300_churns() {
    // Unstopped, as a busy server runs. (tcpserv03 usually fails this too,
    // but by chance: the exact failing case is the stopped run above.)
    let (server, addr) = experiment::start_server(bin!("tcpserv04"), &["-q"]).unwrap();
    experiment::churn(addr, 300, false).unwrap();
    experiment::wait_settled(server.pid(), addr).unwrap();
    assert_eq!(
        observer::zombies(server.pid()).len(),
        0,
        "\n{}",
        observer::process_table(server.pid())
    );
}

//! The guided experiment (`cargo run -p ch05-sigchld`): it shows the exact
//! counts, and it leaves nothing running — after a full run and after
//! Ctrl-C in the middle. "Nothing left" is checked by running the demo under
//! the `subreaper` helper: every orphan the demo leaves is adopted there,
//! and the helper lists what still runs once the demo has ended.

use common::lab::harness::{DEADLINE, Proc};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::support::bin;

fn under_subreaper(args: &[&str]) -> Proc {
    let demo = bin!("sigchld_demo");
    let mut all = vec!["--grace-ms", "3000", demo];
    all.extend_from_slice(args);
    Proc::spawn(bin!("subreaper"), &all).unwrap()
}

#[test]
fn the_demo_shows_5_4_0_and_leaves_nothing_behind() {
    let mut p = under_subreaper(&[]);
    p.expect_exit(0, DEADLINE).unwrap();
    let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    for want in [
        "=> tcpserv01: 5 zombies",
        "=> tcpserv03: 4 zombies",
        "=> tcpserv04: 0 zombies",
        "accept error: Interrupted system call",
        "=> toupper_fork: 0 zombies",
        "No child processes",
        "3 workers were adopted",
        "=> toupper_dfork: 0 zombies",
    ] {
        assert!(out.contains(want), "no {want:?} in:\n{out}");
    }
    let err = p.stderr_text();
    assert!(err.contains("left behind: none"), "{err}");
}

#[test]
fn ctrl_c_mid_run_leaves_nothing_behind() {
    let mut p = under_subreaper(&["--step", "zombies"]);
    // Mid-run: a server is stopped with five zombie children right now.
    p.wait_stdout(b"server stopped, five children ended", DEADLINE)
        .unwrap();
    let line = p.wait_stderr("as pid ", DEADLINE).unwrap();
    let pid: i32 = line.rsplit(' ').next().unwrap().parse().unwrap();
    kill(Pid::from_raw(pid), Signal::SIGINT).unwrap();
    p.expect_exit(130, DEADLINE).unwrap(); // the demo died of SIGINT (128 + 2)
    let err = p.stderr_text();
    assert!(err.contains("ended: killed by SIGINT"), "{err}");
    assert!(err.contains("left behind: none"), "{err}");
}

#[test]
fn the_subreaper_check_can_fail() {
    // A program that leaves a process running: sh starts a sleeper in the
    // background and exits. The helper must report it.
    let mut p = Proc::spawn(
        bin!("subreaper"),
        &["--grace-ms", "100", "sh", "-c", "sleep 30 & exit 0"],
    )
    .unwrap();
    p.expect_exit(3, DEADLINE).unwrap();
    let err = p.stderr_text();
    assert!(err.contains("left behind: ") && err.contains("(sleep, "), "{err}");
}

#[test]
fn bad_input_is_one_clear_line() {
    let mut p = Proc::spawn(bin!("sigchld_demo"), &["--step", "bogus"]).unwrap();
    p.expect_exit(2, DEADLINE).unwrap();
    assert!(
        p.stderr_text().contains("invalid value 'bogus' for '--step"),
        "{}",
        p.stderr_text()
    );

    let mut p = Proc::spawn(bin!("tcpserv04"), &["--port", "65536"]).unwrap();
    p.expect_exit(2, DEADLINE).unwrap();
    assert!(
        p.stderr_text().contains("invalid value '65536'"),
        "{}",
        p.stderr_text()
    );

    let mut p = Proc::spawn(bin!("tcpserv02"), &["--sigchld", "maybe"]).unwrap();
    p.expect_exit(2, DEADLINE).unwrap();

    let mut p = Proc::spawn(bin!("tcpserv04"), &["--host", "1.2.3", "--port", "0"]).unwrap();
    p.expect_exit(1, DEADLINE).unwrap();
    let err = p.stderr_text();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("invalid host '1.2.3'"), "{err}");
}

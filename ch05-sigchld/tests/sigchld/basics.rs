//! TCPIP ch.10's process basics: fork, zombie, wait, waitpid, signal.

use std::time::Duration;

use ch05_sigchld::experiment;
use common::lab::harness::{DEADLINE, Proc, eventually, wait_state};
use common::lab::observer;
use nix::sys::signal::Signal;

use crate::support::bin;

fn spawn(bin: &str, args: &[&str]) -> Proc {
    Proc::spawn(bin, args).unwrap()
}

fn stdout(p: &Proc) -> String {
    String::from_utf8_lossy(&p.stdout_bytes()).into_owned()
}

#[test]
fn fork_returns_twice_with_copied_variables() {
    let mut p = spawn(bin!("fork"), &[]);
    p.expect_exit(0, DEADLINE).unwrap();
    let out = stdout(&p);
    assert!(
        out.contains("Child Proc:  pid") && out.contains("fork() returned 0 → [13, 27]"),
        "{out}"
    );
    assert!(
        out.contains("Parent Proc: pid") && out.contains("→ [9, 23]"),
        "{out}"
    );
}

/// Once the program says it is sleeping and its children have ended, how
/// many of them are zombies?
fn zombies_while_sleeping(p: &Proc) -> usize {
    p.wait_stdout(b"sleeping", DEADLINE).unwrap();
    experiment::wait_children_ended(p.pid()).unwrap();
    observer::zombies(p.pid()).len()
}

#[test]
fn a_child_is_a_zombie_until_its_parent_waits() {
    let mut z = spawn(bin!("zombie"), &[]);
    assert_eq!(
        zombies_while_sleeping(&z),
        1,
        "\n{}",
        observer::process_table(z.pid())
    );
    z.close_stdin(); // ends the sleep: the parent calls wait()
    z.wait_stdout(b"the zombie is gone", DEADLINE).unwrap();
    z.expect_exit(0, DEADLINE).unwrap();
    // wait.c's parent has waited before it sleeps: the same check gives 0.
    let w = spawn(bin!("wait"), &[]);
    assert_eq!(zombies_while_sleeping(&w), 0);
    let out = stdout(&w);
    assert!(out.contains("WIFEXITED true, WEXITSTATUS 3"), "{out}");
    assert!(out.contains("WIFEXITED true, WEXITSTATUS 7"), "{out}");
}

#[test]
fn wnohang_returns_zero_while_the_child_runs() {
    let mut p = spawn(bin!("waitpid"), &["--every", "0.01"]);
    p.wait_stdout(b"waitpid returned 0", DEADLINE).unwrap();
    let kids = observer::children(p.pid());
    assert!(
        kids.len() == 1 && !kids[0].is_zombie(),
        "the child runs: {kids:?}"
    );
    p.close_stdin(); // the child's sleep ends: it exits with 24
    p.wait_stdout(b"sent 24", DEADLINE).unwrap();
    p.expect_exit(0, DEADLINE).unwrap();
}

#[test]
fn a_signal_cuts_the_sleep_short() {
    // SIGINT three times: each ends one sleep(100) at once.
    let mut p = spawn(bin!("signal"), &["--alarm", "1000"]);
    let count = |p: &Proc, pat: &str, n: usize| {
        eventually(DEADLINE, pat, || {
            (stdout(p).matches(pat).count() >= n).then_some(())
        })
        .unwrap()
    };
    for i in 1..=3 {
        count(&p, "wait...", i);
        // In sleep(100), not just before it: a signal that came earlier
        // would leave the next sleep to run its 100 s.
        wait_state(p.pid(), 'S', DEADLINE).unwrap();
        p.signal(Signal::SIGINT).unwrap();
        count(&p, "CTRL+C pressed", i);
    }
    p.expect_exit(0, DEADLINE).unwrap();
    assert_eq!(stdout(&p).matches("CTRL+C pressed").count(), 3, "{}", stdout(&p));
}

#[test]
fn sigaction_handler_cuts_each_sleep_short() {
    // The same loop as `signal`, with the handler installed by sigaction(2):
    // three SIGALRMs (sent now, not waited for) end the three sleep(100)s.
    let mut p = spawn(bin!("sigaction"), &[]);
    for i in 1..=3 {
        eventually(DEADLINE, "wait...", || {
            (stdout(&p).matches("wait...").count() >= i).then_some(())
        })
        .unwrap();
        wait_state(p.pid(), 'S', DEADLINE).unwrap(); // inside sleep(100)
        p.signal(Signal::SIGALRM).unwrap();
        eventually(DEADLINE, "Time out!", || {
            (stdout(&p).matches("Time out!").count() >= i).then_some(())
        })
        .unwrap();
    }
    p.expect_exit(0, DEADLINE).unwrap();
}

#[test]
fn a_reaping_handler_leaves_no_zombie_while_the_parent_runs() {
    // remove_zombie's children exit at once (--secs 0) while the parent is
    // busy in its own loop; its SIGCHLD handler reaps both, with their
    // exit statuses. The same check gave 1 zombie for `zombie` above.
    let p = spawn(bin!("remove_zombie"), &["--secs", "0"]);
    p.wait_stdout(b"wait...", DEADLINE).unwrap();
    p.wait_stderr("Child send: 12", DEADLINE).unwrap();
    p.wait_stderr("Child send: 24", DEADLINE).unwrap();
    experiment::wait_children_ended(p.pid()).unwrap();
    assert_eq!(
        observer::children(p.pid()).len(),
        0,
        "both children reaped while the parent still runs:\n{}",
        observer::process_table(p.pid())
    );
    assert!(
        observer::state(p.pid()).is_some_and(|s| s != 'Z'),
        "the parent is still running"
    );
}

#[test]
fn the_parent_waits_past_its_five_rounds_for_a_late_child() {
    // The C's parent loops 5 times and returns: a child that ends later
    // (on a busy machine, after the fifth round) is never reaped by it, and
    // only one "Removed" line shows. Made certain here: the first child is
    // stopped (SIGSTOP) until the parent has begun a sixth round.
    let mut p = spawn(bin!("remove_zombie"), &["--secs", "4"]);
    let first: i32 = p
        .wait_stdout(b"Child proc id: ", DEADLINE)
        .map(|()| stdout(&p))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Child proc id: ")?.trim().parse().ok())
        .unwrap();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(first), Signal::SIGSTOP).unwrap();
    wait_state(first, 'T', DEADLINE).unwrap(); // stopped inside its 4 s sleep
    // A sixth round, or the parent's end (a zombie until this test reaps it).
    let went_on = eventually(Duration::from_secs(20), "a sixth \"wait...\" or the end", || {
        if stdout(&p).matches("wait...").count() >= 6 {
            Some(true)
        } else {
            (observer::state(p.pid()) == Some('Z')).then_some(false)
        }
    })
    .unwrap();
    assert!(
        went_on,
        "the parent ended its loop with a child not reaped; stdout:\n{}",
        stdout(&p)
    );
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(first), Signal::SIGCONT).unwrap();
    p.wait_stderr("Child send: 12", DEADLINE).unwrap();
    p.expect_exit(0, DEADLINE).unwrap();
    assert_eq!(p.stderr_text().matches("Removed proc id").count(), 2);
}

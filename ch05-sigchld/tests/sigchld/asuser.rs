//! A classroom server of many users (issue 18 §3): the guided demos and
//! observe give the same verdicts when a student — an unprivileged user —
//! runs them, and observe says so when it cannot see another user's fds.
//!
//! The student is a numeric uid of its own with no passwd entry (setpriv
//! takes one), not `nobody`: other suites run their servers as `nobody`
//! under RLIMIT_NPROC, which counts every process of that user, so a demo
//! run as `nobody` beside them would exhaust their limit. Needs root (to
//! switch users) and setpriv, and the built programs executable by others;
//! otherwise the test says why it skips.

use common::lab::harness::{DEADLINE, Proc, bin_path, eventually};
use common::lab::{observer, skip};

use crate::support::bin;

/// The student: an unprivileged uid (and gid) that no other test uses.
const STUDENT: u32 = 64_318;

/// `program args` run as [`STUDENT`], to its end; (exit code, stdout, stderr).
fn as_student(program: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let uid = format!("--reuid={STUDENT}");
    let gid = format!("--regid={STUDENT}");
    let mut all = vec![uid.as_str(), gid.as_str(), "--clear-groups", program];
    all.extend_from_slice(args);
    let mut p = Proc::spawn("setpriv", &all).unwrap();
    let st = p.wait_exit(DEADLINE).unwrap();
    let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    (st.code(), out, p.stderr_text())
}

/// Why this test cannot run here, if it cannot.
fn unavailable() -> Option<String> {
    if !nix::unistd::geteuid().is_root() {
        return Some("not root: switching to another user needs CAP_SETUID".into());
    }
    if Proc::spawn("setpriv", &["--version"]).is_err() {
        return Some("no setpriv (util-linux) to switch users".into());
    }
    let demo = bin!("sigchld_demo");
    let (code, _, err) = as_student(demo, &["--version"]);
    if code != Some(0) {
        return Some(format!(
            "uid {STUDENT} cannot run {demo} (every directory of the path needs o+x): {}",
            err.trim()
        ));
    }
    None
}

/// The demo's verdict lines (`=> ...`), less the one that differs from
/// run to run by design (tcpserv03 without stop-the-parent: a race).
fn verdicts(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.contains("=> ") && !l.contains("unstopped"))
        .map(|l| l.trim().to_owned())
        .collect()
}

#[test]
fn a_student_gets_the_demos_verdicts_and_observes_their_own_server() {
    const NAME: &str = "a_student_gets_the_demos_verdicts_and_observes_their_own_server";
    if let Some(why) = unavailable() {
        return skip(NAME, &why);
    }
    // The demo as root first: it builds any sibling program still missing,
    // which the student could not (the target directory is root's).
    let mut root_run = Proc::spawn(bin!("sigchld_demo"), &[] as &[&str]).unwrap();
    root_run.expect_exit(0, DEADLINE).unwrap();
    let want = verdicts(&String::from_utf8_lossy(&root_run.stdout_bytes()));
    assert!(want.len() >= 8, "the demo's verdicts as root: {want:#?}");
    let (code, out, err) = as_student(bin!("sigchld_demo"), &[]);
    assert_eq!(
        code,
        Some(0),
        "the demo as uid {STUDENT}: stderr:\n{err}\nstdout:\n{out}"
    );
    assert_eq!(verdicts(&out), want, "the same verdicts as uid {STUDENT}:\n{out}");

    // The other guided demos as the student: the same states and zombie.
    for (demo, wants) in [
        (
            "session",
            &[
                "ESTABLISHED",
                "CLOSE_WAIT",
                "FIN_WAIT_2",
                "TIME_WAIT",
                "<defunct>",
            ][..],
        ),
        (
            "tour",
            &["LISTEN", "ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT_2", "TIME_WAIT"][..],
        ),
    ] {
        let path = bin_path(demo);
        let (code, out, err) = as_student(&path.to_string_lossy(), &[]);
        assert_eq!(code, Some(0), "{demo} as uid {STUDENT}: stderr:\n{err}");
        for w in wants {
            assert!(out.contains(w), "{demo} as uid {STUDENT} should show {w}:\n{out}");
        }
    }

    // The student's own server, observed by the student: its sockets are
    // tied to it (HELD BY pid/fd), as root sees them.
    let uid = format!("--reuid={STUDENT}");
    let gid = format!("--regid={STUDENT}");
    let serv01 = bin_path("tcpserv01");
    let serv01 = serv01.to_string_lossy();
    let serv = Proc::spawn(
        "setpriv",
        &[&uid, &gid, "--clear-groups", &*serv01, "--port", "0"],
    )
    .unwrap();
    let port = serv.listening().unwrap().port().to_string();
    let held = format!("pid {}/fd 3", serv.pid());
    let observe = bin_path("observe");
    let observe = observe.to_string_lossy();
    let (code, mine, err) = as_student(&observe, &["--once", "--port", &port]);
    assert_eq!(code, Some(0), "{err}");
    assert!(mine.contains("LISTEN") && mine.contains(&held), "{mine}");

    // Root's server, observed by the student by pid: the tree is visible,
    // the descriptors are not — observe says so and why, instead of
    // "(no TCP socket to show)". Shown failing on the old observe, which
    // printed exactly that.
    let (rs, _) = {
        let s = Proc::spawn(&*serv01, &["--port", "0"]).unwrap();
        let a = s.listening().unwrap();
        (s, a)
    };
    eventually(DEADLINE, "root's server in accept", || {
        observer::idle_in_accept(rs.pid()).then_some(())
    })
    .unwrap();
    let (code, theirs, err) = as_student(&observe, &["--once", "--pid", &rs.pid().to_string()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!theirs.contains("(no TCP socket to show)"), "{theirs}");
    for want in [
        format!("cannot see the descriptors of pid {}", rs.pid()),
        "Permission denied".to_owned(),
        format!("you are uid {STUDENT}"),
        "--port".to_owned(),
    ] {
        assert!(
            theirs.contains(&want),
            "observe --pid as uid {STUDENT} should say {want:?}:\n{theirs}"
        );
    }
}

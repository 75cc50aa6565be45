//! UNP 5.14–5.16: host crash, reboot, shutdown and keepalive, in a private
//! network namespace. Each experiment runs as its own `hostcrash` process so
//! the slow ones (1.5 s, 3 s) run in parallel. Where no namespace can be
//! made, each test says why through `common::lab::skip` and returns: a
//! visible, counted skip, never a silent pass.

use common::lab::harness::{DEADLINE, Proc};
use common::lab::skip;

/// Runs `hostcrash SCENARIO`; returns its `outcome ...:` lines as
/// (name, text, seconds), or None (with the reason printed) if skipped.
fn outcomes(scenario: &str) -> Option<Vec<(String, String, f64)>> {
    let mut p = Proc::spawn(env!("CARGO_BIN_EXE_hostcrash"), &[scenario]).unwrap();
    let st = p.wait_exit(DEADLINE).unwrap();
    let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    if st.code() == Some(77) {
        skip(&format!("hostcrash {scenario}"), out.trim()); // its "SKIP: <reason>" line
        return None;
    }
    assert_eq!(
        st.code(),
        Some(0),
        "hostcrash {scenario}:\n{out}\n{}",
        p.stderr_text()
    );
    let mut v = Vec::new();
    for l in out.lines().filter_map(|l| l.strip_prefix("outcome ")) {
        let (name, rest) = l.split_once(": ").unwrap();
        let (text, secs) = match rest.rsplit_once(" after ") {
            Some((t, s)) => (t, s.trim_end_matches(" s").parse().unwrap()),
            None => (rest, 0.0),
        };
        v.push((name.to_owned(), text.to_owned(), secs));
    }
    Some(v)
}

fn only(scenario: &str) -> Option<(String, f64)> {
    let v = outcomes(scenario)?;
    assert_eq!(v.len(), 1, "{v:?}");
    Some((v[0].1.clone(), v[0].2))
}

#[test]
fn a_crashed_host_is_retransmitted_to_until_the_user_timeout_then_etimedout() {
    let Some((what, secs)) = only("crash") else { return };
    assert!(
        what.contains("ETIMEDOUT") || what.contains("EHOSTUNREACH"),
        "crash: {what}"
    );
    // TCP_USER_TIMEOUT is 1.5 s: not at once (an RST would be), not later.
    assert!((1.3..4.0).contains(&secs), "crash: after {secs} s");
}

#[test]
fn a_rebooted_host_answers_rst_so_the_read_gets_econnreset_at_once() {
    let Some((what, secs)) = only("reboot") else {
        return;
    };
    assert!(what.contains("ECONNRESET"), "reboot: {what}");
    assert!(secs < 1.0, "reboot: after {secs} s");
}

#[test]
fn a_host_shutdown_kills_the_server_so_its_fin_makes_the_next_read_return_0() {
    let Some((what, secs)) = only("shutdown") else {
        return;
    };
    assert_eq!(what, "read returned 0 (EOF)");
    assert!(secs < 1.0, "shutdown: after {secs} s");
}

#[test]
fn keepalive_finds_the_crashed_peer_of_an_idle_connection_and_nothing_else_does() {
    let Some(v) = outcomes("keepalive") else { return };
    let (with, without) = (&v[0], &v[1]);
    assert_eq!(with.0, "keepalive");
    assert!(with.1.contains("ETIMEDOUT"), "{with:?}");
    // idle 1 s + 2 probes 1 s apart: ~3 s.
    assert!((2.5..5.0).contains(&with.2), "{with:?}");
    assert_eq!(
        (without.0.as_str(), without.1.as_str()),
        ("no-keepalive", "ESTABLISHED")
    );
}

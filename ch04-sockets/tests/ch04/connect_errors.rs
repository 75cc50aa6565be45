//! connect_errors: each errno, and how long it took. The three cases run in
//! separate test functions, so the ~1 s ETIMEDOUT case overlaps the others.

use common::lab::harness::Proc;

use common::lab::skip;

use crate::support::{WAIT, result};

fn run(case: &str) -> String {
    let mut p = Proc::spawn(env!("CARGO_BIN_EXE_connect_errors"), &["--case", case]).unwrap();
    p.expect_exit(0, WAIT).unwrap();
    String::from_utf8_lossy(&p.stdout_bytes()).into_owned()
}

/// Checks a `result: CASE ERRNO MS ms` line: the errno, and the time in
/// [min_ms, max_ms].
fn judge(words: &[&str], errno: &str, min_ms: f64, max_ms: f64) -> Result<f64, String> {
    let ms: f64 = words.get(1).and_then(|w| w.parse().ok()).ok_or("no time")?;
    if words.first() != Some(&errno) {
        return Err(format!("errno {:?}, want {errno}", words.first()));
    }
    if !(min_ms..=max_ms).contains(&ms) {
        return Err(format!("took {ms} ms, want {min_ms}..{max_ms}"));
    }
    Ok(ms)
}

#[test]
fn refused_is_immediate() {
    let out = run("refused");
    judge(&result(&out, "refused"), "ECONNREFUSED", 0.0, 100.0).unwrap();
}

#[test]
fn unanswered_syn_times_out_after_the_user_timeout() {
    let out = run("timeout");
    let words = result(&out, "timeout");
    // TCP_USER_TIMEOUT 1000 ms: the SYN retransmit timer fires at 1 s.
    judge(&words, "ETIMEDOUT", 900.0, 3000.0).unwrap();
    // The check tells the two cases apart: this one is neither immediate
    // nor a refusal.
    assert!(judge(&words, "ECONNREFUSED", 0.0, 100.0).is_err());
    assert!(judge(&words, "ETIMEDOUT", 0.0, 100.0).is_err());
}

#[test]
fn no_route_in_a_private_network_namespace() {
    let out = run("netns");
    if let Some(line) = out.lines().find(|l| l.starts_with("SKIP: netns")) {
        skip("no_route_in_a_private_network_namespace", line);
        return;
    }
    judge(&result(&out, "netunreach"), "ENETUNREACH", 0.0, 100.0).unwrap();
    if let Some(line) = out.lines().find(|l| l.starts_with("SKIP: hostunreach")) {
        skip("no_route_in_a_private_network_namespace", line);
        return;
    }
    judge(&result(&out, "hostunreach"), "EHOSTUNREACH", 0.0, 100.0).unwrap();
}

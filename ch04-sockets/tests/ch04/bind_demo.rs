//! bind_demo: port 0, the wildcard, EADDRINUSE, EACCES below 1024, and
//! SO_REUSEADDR over TIME_WAIT (needed on both sockets on Linux).

use common::lab::harness::Proc;

use common::lab::skip;

use crate::support::{WAIT, result};

fn run(args: &[&str]) -> String {
    let mut p = Proc::spawn(env!("CARGO_BIN_EXE_bind_demo"), args).unwrap();
    p.expect_exit(0, WAIT).unwrap();
    String::from_utf8_lossy(&p.stdout_bytes()).into_owned()
}

#[test]
fn port_zero_wildcard_and_in_use() {
    let out = run(&["--case", "all"]);
    let e = result(&out, "ephemeral");
    let (port, lo, hi): (u16, u16, u16) = (
        e[0].parse().unwrap(),
        e[1].parse().unwrap(),
        e[2].parse().unwrap(),
    );
    assert!((lo..=hi).contains(&port), "{port} outside {lo}-{hi}");
    assert_eq!(e[3], "inside");

    let w = result(&out, "wildcard");
    assert!(
        w[0].starts_with("0.0.0.0:"),
        "the listener keeps the wildcard: {w:?}"
    );
    assert!(
        w[1].starts_with("127.0.0.1:"),
        "the connection gets the real address: {w:?}"
    );
    assert_eq!(w[0].split(':').nth(1), w[1].split(':').nth(1), "same port");
    assert_eq!(w[2], "EADDRINUSE", "127.0.0.1:P collides with 0.0.0.0:P");

    assert_eq!(result(&out, "inuse"), ["EADDRINUSE"]);
}

#[test]
fn rebind_over_time_wait_needs_reuseaddr_on_both() {
    let out = run(&["--case", "timewait"]);
    let outcome = |old: &str, new: &str| {
        let key = format!("timewait old={old} new={new}");
        let w = result(&out, &key);
        assert_eq!(w[0], "time_wait=1", "{key}: a TIME_WAIT must be there: {w:?}");
        w[1].to_string()
    };
    assert_eq!(outcome("off", "off"), "EADDRINUSE");
    assert_eq!(outcome("off", "on"), "EADDRINUSE");
    assert_eq!(outcome("on", "off"), "EADDRINUSE");
    assert_eq!(outcome("on", "on"), "OK");
}

#[test]
fn privileged_port_needs_privilege() {
    // Inside `unshare -r` we are "root" of a new user namespace only, with
    // no CAP_NET_BIND_SERVICE in the machine's network namespace: what an
    // ordinary user gets, even when the tests run as root.
    let bin = env!("CARGO_BIN_EXE_bind_demo");
    let mut p = match Proc::spawn("unshare", &["-r", bin, "--case", "privileged"]) {
        Ok(p) => p,
        Err(e) => {
            return skip(
                "privileged_port_needs_privilege",
                &format!("cannot run unshare: {e}"),
            );
        }
    };
    let st = p.wait_exit(WAIT).unwrap();
    let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    if !st.success() || !out.contains("result: privileged") {
        return skip(
            "privileged_port_needs_privilege",
            &format!(
                "no unprivileged user namespace (unshare -r failed): {}",
                p.stderr_text()
            ),
        );
    }
    assert_eq!(result(&out, "privileged"), ["EACCES"]);
}

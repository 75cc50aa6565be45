//! What the ch05-echo tests share: the paths of tcpserv01 and tcpcli01
//! (known at compile time), a server on an ephemeral port, a client, and
//! the check that a program rejects bad input cleanly.

use common::lab::harness::{DEADLINE, Proc};

pub const SERV01: &str = env!("CARGO_BIN_EXE_tcpserv01");
pub const CLI01: &str = env!("CARGO_BIN_EXE_tcpcli01");

/// A tcpserv01 on an ephemeral loopback port.
pub fn server() -> (Proc, u16) {
    let s = Proc::spawn(SERV01, &["--port", "0"]).unwrap();
    let port = s.listening().unwrap().port();
    let first = s.stderr_text();
    assert!(
        first
            .lines()
            .next()
            .unwrap_or("")
            .contains("listening on 127.0.0.1:"),
        "the first stderr line must name the bound address, got:\n{first}"
    );
    (s, port)
}

pub fn client(port: u16) -> Proc {
    Proc::spawn(CLI01, &["127.0.0.1", "--port", &port.to_string()]).unwrap()
}

/// An echo_mpclient copying raw stdin (`--batch`) to a server on `port`,
/// with `more` switches.
pub fn mpclient_batch(port: u16, more: &[&str]) -> Proc {
    let p = port.to_string();
    let mut args = vec!["127.0.0.1", "--port", &p, "--batch"];
    args.extend_from_slice(more);
    Proc::spawn(env!("CARGO_BIN_EXE_echo_mpclient"), &args).unwrap()
}

/// Runs `bin args` and asserts: exit `code`, and `needle` in a single-line
/// stderr without any panic text.
pub fn rejects(bin: &str, args: &[&str], code: i32, needle: &str) {
    let mut p = Proc::spawn(bin, args).unwrap();
    p.close_stdin();
    p.expect_exit(code, DEADLINE).unwrap();
    let err = p.stderr_text();
    assert!(
        err.contains(needle),
        "{bin} {args:?}: expected {needle:?} in stderr:\n{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "a panic:\n{err}"
    );
    if code == 1 {
        assert_eq!(err.lines().count(), 1, "one line naming the problem, got:\n{err}");
    }
}

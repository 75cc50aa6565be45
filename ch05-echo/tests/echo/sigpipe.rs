//! UNP 5.13: tcpcli11 writes to a socket that has received an RST.

use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

use common::lab::harness::{DEADLINE, Proc, describe, wait_children, wait_server_tcp};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::support::server;

const CLI11: &str = env!("CARGO_BIN_EXE_tcpcli11");

/// tcpcli11 `flags`: one line echoes, the server's child is killed, a
/// second line is typed. Returns how the client ended and its stderr.
fn second_line_after_the_child_is_killed(flags: &[&str]) -> (ExitStatus, String) {
    let (s, port) = server();
    let port_s = port.to_string();
    let mut args = vec!["127.0.0.1", "--port", &port_s, "--pause-ms", "100"];
    args.extend_from_slice(flags);
    let mut c = Proc::spawn(CLI11, &args).unwrap();
    c.write_stdin(b"one\n").unwrap();
    c.wait_stdout(b"one\n", DEADLINE).unwrap();
    let child = wait_children(s.pid(), 1, DEADLINE).unwrap()[0].pid;
    kill(Pid::from_raw(child), Signal::SIGKILL).unwrap();
    // The child's FIN has reached the client: its end is in CLOSE_WAIT.
    wait_server_tcp(s.pid(), port, "CLOSE_WAIT", DEADLINE, |t| t.remote.port() == port).unwrap();
    c.write_stdin(b"two\n").unwrap();
    let st = c.wait_exit(DEADLINE).unwrap();
    assert_eq!(c.stdout_bytes(), b"one\n", "nothing echoed after the child died");
    (st, c.stderr_text())
}

#[test]
fn with_the_default_action_restored_the_second_write_kills_the_client_by_sigpipe() {
    let (st, err) = second_line_after_the_child_is_killed(&[]);
    assert_eq!(
        st.signal(),
        Some(13),
        "expected death by SIGPIPE, got {}; stderr:\n{err}",
        describe(st)
    );
    // Line two: its first write returned, its second never did.
    assert_eq!(err.matches("sent 1 byte").count(), 2, "stderr:\n{err}");
    assert_eq!(err.matches("more bytes").count(), 1, "stderr:\n{err}");
}

#[test]
fn with_rusts_sig_ign_the_second_write_fails_with_epipe() {
    let (st, err) = second_line_after_the_child_is_killed(&["--rust-default"]);
    assert_eq!(st.signal(), None, "no signal: {}", describe(st));
    assert_eq!(st.code(), Some(1), "{}; stderr:\n{err}", describe(st));
    assert!(err.contains("writen error: Broken pipe"), "stderr:\n{err}");
}

#[test]
fn std_tcpstream_sends_with_msg_nosignal_so_even_sig_dfl_gives_epipe() {
    let (st, err) = second_line_after_the_child_is_killed(&["--std-write"]);
    assert_eq!(st.signal(), None, "no signal: {}", describe(st));
    assert_eq!(st.code(), Some(1), "{}; stderr:\n{err}", describe(st));
    assert!(err.contains("writen error: Broken pipe"), "stderr:\n{err}");
}

#[test]
fn input_ending_without_a_newline_ends_the_client_as_str_cli_does() {
    // `printf abc | tcpcli11`: the last line has no '\n'. Without the
    // half-close the server's child waits for the newline and the client
    // for the echo, for ever (the deadline below catches that).
    let (_s, port) = server();
    let port_s = port.to_string();
    let mut c = Proc::spawn(CLI11, &["127.0.0.1", "--port", &port_s, "--pause-ms", "10"]).unwrap();
    c.write_stdin(b"one\nabc").unwrap();
    c.close_stdin();
    c.expect_exit(0, DEADLINE).unwrap();
    assert_eq!(String::from_utf8_lossy(&c.stdout_bytes()), "one\nabc");
}

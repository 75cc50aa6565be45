//! tcpserv01 and tcpcli01 (UNP 5.2–5.7, 5.12): the echo is byte-exact, one
//! child per client, a zombie per finished client, and bad input is
//! rejected with one clear line.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;

use common::lab::harness::{DEADLINE, wait_children, wait_server_tcp, wait_zombies};
use common::lab::observer;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::support::{CLI01, SERV01, client, rejects, server};

#[test]
fn a_thousand_lines_of_any_bytes_come_back_byte_exact() {
    let (_s, port) = server();
    let mut input = Vec::new();
    for i in 0..1000u32 {
        match i % 10 {
            0 => {}                                                       // an empty line
            3 => input.extend_from_slice(&[0, 0xff, 0xfe, b'a', 0]),      // NUL, non-UTF-8
            7 if i == 7 => input.extend(std::iter::repeat_n(b'L', 4096)), // a 4 KiB line
            _ => input.extend_from_slice(format!("line {i} é ü").as_bytes()),
        }
        input.push(b'\n');
    }
    let mut c = client(port);
    let writer = c.feed_stdin(input.clone());
    c.expect_exit(0, DEADLINE).unwrap();
    writer.join().unwrap().unwrap();
    let out = c.stdout_bytes();
    assert_eq!(
        out.len(),
        input.len(),
        "byte count: expected {}, got {}",
        input.len(),
        out.len()
    );
    assert!(out == input, "the echo differs from the input");
}

#[test]
fn a_final_line_without_newline_is_echoed_too() {
    let (_s, port) = server();
    let mut c = client(port);
    c.feed_stdin(b"first\nno newline at the end".to_vec());
    c.expect_exit(0, DEADLINE).unwrap();
    assert_eq!(c.stdout_bytes(), b"first\nno newline at the end");
}

/// The client ports of the connections each child of `server` serves.
fn ports_served_by(server_pid: i32, port: u16) -> Vec<(i32, u16)> {
    let socks = observer::server_sockets(port, server_pid);
    let mut out = Vec::new();
    for child in observer::children(server_pid) {
        for (_, inode) in observer::socket_fds(child.pid) {
            if let Some(t) = socks
                .iter()
                .find(|t| t.inode == inode && t.state == "ESTABLISHED")
            {
                out.push((child.pid, t.remote.port()));
            }
        }
    }
    out
}

#[test]
fn two_clients_at_once_are_served_by_two_different_children() {
    let (s, port) = server();
    let mut a = client(port);
    let mut b = client(port);
    a.write_stdin(b"from a\n").unwrap();
    b.write_stdin(b"from b\n").unwrap();
    a.wait_stdout(b"from a\n", DEADLINE).unwrap();
    b.wait_stdout(b"from b\n", DEADLINE).unwrap();
    let kids = wait_children(s.pid(), 2, DEADLINE).unwrap();
    assert!(
        kids.iter().all(|k| !k.is_zombie()),
        "both children serve: {kids:?}"
    );
    // Each child holds exactly one connection, and they are the two clients'.
    let served = ports_served_by(s.pid(), port);
    let pids: BTreeSet<i32> = served.iter().map(|&(p, _)| p).collect();
    let client_ports: BTreeSet<u16> = observer::server_sockets(port, s.pid())
        .iter()
        .filter(|t| t.local.port() != port && t.state == "ESTABLISHED")
        .map(|t| t.local.port())
        .collect();
    let served_ports: BTreeSet<u16> = served.iter().map(|&(_, p)| p).collect();
    assert_eq!(pids.len(), 2, "two children, one connection each: {served:?}");
    assert_eq!(
        served_ports, client_ports,
        "children serve exactly the clients' connections"
    );
}

#[test]
fn a_finished_client_leaves_its_child_as_a_zombie() {
    let (s, port) = server();
    let mut c = client(port);
    c.write_stdin(b"hello\n").unwrap();
    c.wait_stdout(b"hello\n", DEADLINE).unwrap();
    // While the client is connected its child is alive: no zombie yet.
    let kids = wait_children(s.pid(), 1, DEADLINE).unwrap();
    assert!(
        !kids[0].is_zombie(),
        "child must be serving, not a zombie: {kids:?}"
    );
    assert!(observer::zombies(s.pid()).is_empty());
    c.close_stdin(); // EOF: the client exits, its FIN ends the child
    c.expect_exit(0, DEADLINE).unwrap();
    let z = wait_zombies(s.pid(), 1, DEADLINE).unwrap();
    assert_eq!(
        z[0].pid, kids[0].pid,
        "the zombie is the child that served the client"
    );
    assert_eq!(z[0].state, 'Z');
}

#[test]
fn killing_the_child_makes_the_client_report_server_terminated_prematurely() {
    let (s, port) = server();
    let mut c = client(port);
    c.write_stdin(b"one\n").unwrap();
    c.wait_stdout(b"one\n", DEADLINE).unwrap();
    let child = wait_children(s.pid(), 1, DEADLINE).unwrap()[0].pid;
    kill(Pid::from_raw(child), Signal::SIGKILL).unwrap();
    // The child's FIN: its end goes to FIN_WAIT_2, the client's to CLOSE_WAIT.
    wait_server_tcp(s.pid(), port, "FIN_WAIT_2", DEADLINE, |t| t.local.port() == port).unwrap();
    wait_server_tcp(s.pid(), port, "CLOSE_WAIT", DEADLINE, |t| t.remote.port() == port).unwrap();
    c.write_stdin(b"two\n").unwrap(); // the client does not know yet
    c.expect_exit(1, DEADLINE).unwrap();
    let err = c.stderr_text();
    assert!(
        err.contains("str_cli: server terminated prematurely"),
        "stderr:\n{err}"
    );
    assert_eq!(c.stdout_bytes(), b"one\n", "nothing echoed after the child died");
}

#[test]
fn a_raw_socket_client_gets_its_bytes_back() {
    let (_s, port) = server();
    let mut sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.set_read_timeout(Some(DEADLINE)).unwrap();
    sock.write_all(b"no newline, \x00 and \xff").unwrap();
    let mut got = vec![0u8; 19];
    sock.read_exact(&mut got).unwrap();
    assert_eq!(got, b"no newline, \x00 and \xff");
}

#[test]
fn bad_ports_are_usage_errors() {
    rejects(SERV01, &["--port", "abc"], 2, "invalid value 'abc'");
    rejects(SERV01, &["--port", "70000"], 2, "invalid value '70000'");
    rejects(CLI01, &["127.0.0.1", "--port", "-1"], 2, "error:");
    rejects(SERV01, &["--no-such-flag"], 2, "unexpected argument");
}

#[test]
fn bad_hosts_are_named() {
    rejects(CLI01, &["300.1.1.1"], 1, "invalid host '300.1.1.1'");
    rejects(CLI01, &["no such host"], 1, "invalid host");
    rejects(
        CLI01,
        &["no.such.host.invalid"],
        1,
        "cannot resolve host 'no.such.host.invalid'",
    );
    rejects(SERV01, &["--host", "1.2.3.4.5", "--port", "0"], 1, "invalid host");
}

#[test]
fn no_server_listening_is_connection_refused() {
    // A port that was free a moment ago: bind to 0, learn it, release it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    rejects(
        CLI01,
        &["127.0.0.1", "--port", &port.to_string()],
        1,
        "connect error: Connection refused",
    );
}

#[test]
fn a_port_in_use_is_address_already_in_use() {
    let (_s, port) = server();
    rejects(
        SERV01,
        &["--port", &port.to_string()],
        1,
        "bind error: Address already in use",
    );
}

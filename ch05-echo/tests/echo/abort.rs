//! UNP 5.11: a connection aborted (RST) before the server calls accept.

use std::time::Duration;

use common::lab::harness::{DEADLINE, cont, stop, wait_zombies};
use socket2::{Domain, SockAddr, Socket, Type};

use crate::support::{client, server};

/// Holds tcpserv01 stopped (SIGSTOP, state T) so it cannot call accept; a
/// client connects and closes — with SO_LINGER 0 (RST) if `reset`, else
/// normally (FIN); the server resumes. Returns the server's stderr once the
/// child that got the dead connection has ended, after checking that the
/// server still serves a new client.
fn server_log_after_a_client_closes_before_accept(reset: bool) -> String {
    let (s, port) = server();
    stop(s.pid()).unwrap();
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    // The kernel completes the handshake while the process is stopped.
    sock.connect(&SockAddr::from(std::net::SocketAddr::from((
        [127, 0, 0, 1],
        port,
    ))))
    .unwrap();
    if reset {
        sock.set_linger(Some(Duration::ZERO)).unwrap(); // close sends RST
    }
    drop(sock);
    cont(s.pid()).unwrap();
    // accept returns the dead connection: a child is forked and ends.
    wait_zombies(s.pid(), 1, DEADLINE).unwrap();
    let mut c = client(port);
    c.write_stdin(b"still here?\n").unwrap();
    c.wait_stdout(b"still here?\n", DEADLINE).unwrap();
    c.close_stdin();
    c.expect_exit(0, DEADLINE).unwrap();
    s.stderr_text()
}

#[test]
fn a_client_reset_before_accept_is_accepted_and_its_child_reads_econnreset() {
    let log = server_log_after_a_client_closes_before_accept(true);
    assert!(
        log.contains("str_echo: read error: Connection reset by peer"),
        "server stderr:\n{log}"
    );
    assert!(!log.contains("accept error"), "accept did not fail:\n{log}");
}

#[test]
fn a_client_that_closes_normally_before_accept_gives_its_child_a_plain_eof() {
    let log = server_log_after_a_client_closes_before_accept(false);
    assert!(log.contains("connection from"), "the child was forked:\n{log}");
    assert!(!log.contains("read error"), "a FIN is not an error:\n{log}");
}

//! Half-close (TCPIP ch.10, UNP 6.6): echo_mpclient's writer ends with
//! shutdown(SHUT_WR) and every byte comes back; with close() instead, no FIN
//! leaves the client and the reader waits in vain.

use std::time::Instant;

use common::lab::harness::{DEADLINE, Proc, wait_zombies};
use common::lab::observer;

use crate::support::server;

const MPCLI: &str = env!("CARGO_BIN_EXE_echo_mpclient");

/// `n` bytes of mixed data: runs of pseudo-random binary (NUL, 0xff, no
/// newlines for a long while), text lines, and "q\n" lines (data in batch
/// mode, not a command).
fn mixed(n: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(n);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while v.len() < n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        match x % 4 {
            0 => v.extend_from_slice(b"a line of text\n"),
            1 => v.extend_from_slice(b"q\n"),
            _ => v.extend_from_slice(&x.to_le_bytes()),
        }
    }
    v.truncate(n);
    v
}

fn mpclient(port: u16, flags: &[&str]) -> Proc {
    let port = port.to_string();
    let mut args = vec!["127.0.0.1", "--port", &port];
    args.extend_from_slice(flags);
    Proc::spawn(MPCLI, &args).unwrap()
}

#[test]
fn shutdown_write_brings_back_32_mib_of_binary_data_byte_exact() {
    let (_s, port) = server();
    let input = mixed(32 << 20);
    let t0 = Instant::now();
    let mut c = mpclient(port, &["--batch"]);
    let feeder = c.feed_stdin(input.clone());
    c.expect_exit(0, DEADLINE).unwrap();
    feeder.join().unwrap().unwrap();
    let out = c.stdout_bytes();
    eprintln!(
        "32 MiB through echo_mpclient + tcpserv01 (debug build): {:?}",
        t0.elapsed()
    );
    assert_eq!(out.len(), input.len(), "byte count");
    assert!(out == input, "the echo differs from the input");
}

#[test]
fn in_line_mode_q_ends_the_input_and_the_echoes_before_it_still_arrive() {
    let (_s, port) = server();
    let mut c = mpclient(port, &[]);
    c.feed_stdin(b"one\ntwo\nq\nnever sent\n".to_vec());
    c.expect_exit(0, DEADLINE).unwrap();
    assert_eq!(c.stdout_bytes(), b"one\ntwo\n");
}

#[test]
fn close_instead_of_shutdown_sends_no_fin_so_the_reader_times_out() {
    let (s, port) = server();
    let input = mixed(1 << 20);
    let mut c = mpclient(port, &["--batch", "--close", "--timeout-ms", "1500"]);
    c.feed_stdin(input.clone());
    // The writer has finished (a zombie: its parent is still reading) ...
    wait_zombies(c.pid(), 1, DEADLINE).unwrap();
    c.wait_stdout(&input[input.len() - 64..], DEADLINE).unwrap();
    // ... yet the server's end saw no FIN: still ESTABLISHED, not CLOSE_WAIT.
    // (The client's 1.5 s timeout leaves time to look before it exits.)
    let child = observer::children(s.pid())[0].pid;
    let conn = observer::server_sockets(port, s.pid())
        .into_iter()
        .find(|t| t.local.port() == port && observer::holders(t.inode, &[child]) == [child])
        .expect("the server child's socket");
    assert_eq!(conn.state, "ESTABLISHED", "no FIN reached the server");
    c.expect_exit(1, DEADLINE).unwrap();
    let err = c.stderr_text();
    assert!(err.contains("read error: Try again"), "stderr:\n{err}");
    // Nothing was lost: only the end of the stream never came.
    assert!(c.stdout_bytes() == input, "every echo arrived");
}

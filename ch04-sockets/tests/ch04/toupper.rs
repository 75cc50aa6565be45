//! toupper_iter + toupper_cli: an iterative server makes the second client
//! wait for the first to quit. Checked without sleeping: B's line is seen
//! sitting in the Recv-Q of a connection no process has accepted, while A
//! still gets answers; then A quits and B's answer arrives.

use std::io::{BufRead as _, BufReader, ErrorKind, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use common::lab::harness::{Proc, eventually};
use common::lab::observer;
use nix::sys::signal::Signal;

use common::lab::skip;

use crate::support::WAIT;

fn ask(s: &mut BufReader<TcpStream>, line: &str) -> String {
    s.get_mut().write_all(line.as_bytes()).unwrap();
    let mut reply = String::new();
    s.read_line(&mut reply).unwrap();
    reply
}

#[derive(Debug, PartialEq)]
enum Second {
    /// B's line waited, unread, in a connection nobody had accepted, while
    /// A was served; B's answer came after A quit.
    WaitedForFirst,
    /// B got an answer while A was still connected.
    AnsweredAtOnce,
}

/// Is `pid` a single-threaded process asleep in read(2)? Then it cannot
/// accept anybody until its read returns: /proc/PID/syscall shows the
/// number of the call a sleeping task is in, /proc/PID/status its threads.
fn single_thread_blocked_in_read(pid: i32) -> bool {
    let one_thread = observer::signal_view(pid, Signal::SIGCHLD).is_some_and(|v| v.threads == 1);
    one_thread && observer::blocked_in(pid, &[nix::libc::SYS_read])
}

/// Client A connects and is answered; client B connects and sends a line.
/// Which happens: B is answered while A is connected, or B is certainly
/// stuck — its line (7 bytes) sits in the Recv-Q of a server-side socket no
/// descriptor of `server_pid` holds, while the server, single-threaded, is
/// asleep reading A's connection?
fn second_client(addr: SocketAddr, server_pid: i32) -> Second {
    let mut a = BufReader::new(TcpStream::connect(addr).unwrap());
    assert_eq!(ask(&mut a, "hello\n"), "HELLO\n");

    let mut b = TcpStream::connect(addr).unwrap();
    let b_port = b.local_addr().unwrap().port();
    b.write_all(b"second\n").unwrap();
    b.set_nonblocking(true).unwrap();
    let stuck_or_answered = |b: &mut TcpStream| -> Option<bool> {
        let mut buf = [0u8; 64];
        match b.read(&mut buf) {
            Ok(n) if n > 0 => return Some(false), // answered
            Err(e) if e.kind() != ErrorKind::WouldBlock => panic!("B: {e}"),
            _ => {}
        }
        let theirs = common::lab::observer::tcp_sockets_at(addr)
            .into_iter()
            .find(|t| t.local.port() == addr.port() && t.remote.port() == b_port)?;
        let held = observer::socket_fds(server_pid)
            .iter()
            .any(|&(_, i)| i == theirs.inode);
        (theirs.recv_q == 7 && !held && single_thread_blocked_in_read(server_pid)).then_some(true)
    };
    let what = "B answered, or B's line queued while the server reads A";
    if !eventually(WAIT, what, || stuck_or_answered(&mut b)).unwrap() {
        return Second::AnsweredAtOnce;
    }
    // The server is alive and busy with A: A is answered, and B is still
    // where it was.
    assert_eq!(ask(&mut a, "again\n"), "AGAIN\n");
    if !eventually(WAIT, what, || stuck_or_answered(&mut b)).unwrap() {
        return Second::AnsweredAtOnce;
    }
    // A quits: now B's answer comes, within the deadline.
    a.get_mut().write_all(b"quit\n").unwrap();
    b.set_nonblocking(false).unwrap();
    b.set_read_timeout(Some(WAIT)).unwrap();
    let mut reply = String::new();
    BufReader::new(&mut b).read_line(&mut reply).unwrap();
    assert_eq!(reply, "SECOND\n");
    Second::WaitedForFirst
}

#[test]
fn second_client_waits_for_the_first_to_quit() {
    let srv = Proc::spawn(env!("CARGO_BIN_EXE_toupper_iter"), &["--port", "0"]).unwrap();
    let addr = srv.listening().unwrap();
    assert_eq!(second_client(addr, srv.pid()), Second::WaitedForFirst);
    srv.wait_stderr("client sent quit", WAIT).unwrap();
}

/// The same check on a concurrent server (a thread per client, here in the
/// test): B is answered at once, so the check really tells them apart.
#[test]
fn the_check_fails_on_a_concurrent_server() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming().take(2) {
            let conn = conn.unwrap();
            std::thread::spawn(move || {
                let mut w = conn.try_clone().unwrap();
                for line in BufReader::new(conn).lines() {
                    let line = line.unwrap_or_default();
                    if line.trim() == "quit"
                        || w.write_all(format!("{}\n", line.to_uppercase()).as_bytes())
                            .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    let me = std::process::id() as i32;
    assert_eq!(second_client(addr, me), Second::AnsweredAtOnce);
}

#[test]
fn client_upper_cases_and_quits() {
    let srv = Proc::spawn(env!("CARGO_BIN_EXE_toupper_iter"), &["--port", "0"]).unwrap();
    let port = srv.listening().unwrap().port().to_string();
    let mut cli = Proc::spawn(env!("CARGO_BIN_EXE_toupper_cli"), &["127.0.0.1", "--port", &port]).unwrap();
    let _ = cli.feed_stdin(b"hello, world\nMixed Case 123\nquit\n".to_vec());
    cli.expect_exit(0, WAIT).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&cli.stdout_bytes()),
        "HELLO, WORLD\nMIXED CASE 123\n"
    );
    cli.wait_stderr("session ended by quit", WAIT).unwrap();
    srv.wait_stderr("client sent quit", WAIT).unwrap();
}

#[test]
fn client_that_forgets_htons_misses_the_server() {
    let srv = Proc::spawn(env!("CARGO_BIN_EXE_toupper_iter"), &["--port", "0"]).unwrap();
    let port = srv.listening().unwrap().port();
    if ch04_sockets::forgot_byte_order(port) == port {
        return skip(
            "client_that_forgets_htons_misses_the_server",
            &format!("port {port} reads the same in both byte orders"),
        );
    }
    let p = port.to_string();
    let mut bad = Proc::spawn(
        env!("CARGO_BIN_EXE_toupper_cli"),
        &["127.0.0.1", "--port", &p, "--forget-htons"],
    )
    .unwrap();
    bad.close_stdin();
    let st = bad.wait_exit(WAIT).unwrap();
    assert_eq!(st.code(), Some(1), "{}", bad.stderr_text());
    assert!(
        bad.stderr_text().contains("connect error:"),
        "{}",
        bad.stderr_text()
    );
    // The right client, same port, same server: connects and ends cleanly.
    let mut good = Proc::spawn(env!("CARGO_BIN_EXE_toupper_cli"), &["127.0.0.1", "--port", &p]).unwrap();
    let _ = good.feed_stdin(b"ok\n".to_vec());
    good.expect_exit(0, WAIT).unwrap();
    assert_eq!(String::from_utf8_lossy(&good.stdout_bytes()), "OK\n");
}

#[test]
fn server_survives_a_client_that_resets() {
    let srv = Proc::spawn(env!("CARGO_BIN_EXE_toupper_iter"), &["--port", "0"]).unwrap();
    let addr = srv.listening().unwrap();
    {
        let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        s.connect(&addr.into()).unwrap();
        s.send(b"half a line").unwrap();
        s.set_linger(Some(Duration::ZERO)).unwrap(); // close sends RST
    }
    srv.wait_stderr("Connection reset by peer", WAIT).unwrap();
    let mut c = BufReader::new(TcpStream::connect(addr).unwrap());
    assert_eq!(ask(&mut c, "still there?\n"), "STILL THERE?\n");
}

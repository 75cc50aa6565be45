//! UNP 5.18: passing text, native binary structs, and a portable binary
//! format between client and server.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};

use common::lab::harness::{DEADLINE, Proc, wait_children};

/// A server `bin` on an ephemeral port.
fn serve(bin: &str) -> (Proc, u16) {
    let s = Proc::spawn(bin, &["--port", "0"]).unwrap();
    let port = s.listening().unwrap().port();
    (s, port)
}

/// Runs client `bin` with `flags` against `port`, feeds `input`; returns
/// (exit code, stdout, stderr).
fn ask(bin: &str, port: u16, flags: &[&str], input: &str) -> (Option<i32>, String, String) {
    let port = port.to_string();
    let mut args = vec!["127.0.0.1", "--port", &port];
    args.extend_from_slice(flags);
    let mut c = Proc::spawn(bin, &args).unwrap();
    c.feed_stdin(input.as_bytes().to_vec());
    let st = c.wait_exit(DEADLINE).unwrap();
    let out = String::from_utf8_lossy(&c.stdout_bytes()).into_owned();
    (st.code(), out, c.stderr_text())
}

const SERV08: &str = env!("CARGO_BIN_EXE_tcpserv08");
const CLI08: &str = env!("CARGO_BIN_EXE_tcpcli08");
const SERV09: &str = env!("CARGO_BIN_EXE_tcpserv09");
const CLI09: &str = env!("CARGO_BIN_EXE_tcpcli09");
const SERV09N: &str = env!("CARGO_BIN_EXE_tcpserv09net");
const CLI09N: &str = env!("CARGO_BIN_EXE_tcpcli09net");

#[test]
fn text_sums_and_input_errors() {
    let (_s, port) = serve(SERV08);
    let long_line = "7".repeat(5000); // > MAXLINE: two pieces, two answers
    let input = format!(
        "11 22\n-11 -44\n  5\t6  \none two\n1\n1 2 3\n9223372036854775807 1\n\
         99999999999999999999 1\n{long_line}\n\n"
    );
    let (code, out, err) = ask(CLI08, port, &[], &input);
    assert_eq!(code, Some(0), "{err}");
    let want = "33\n-55\n11\ninput error\ninput error\ninput error\ninput error\n\
                input error\ninput error\ninput error\ninput error\n";
    assert_eq!(
        out, want,
        "the reply to each line (the 5000-byte line is two pieces)"
    );
}

#[test]
fn the_text_server_survives_silence_garbage_and_aborts() {
    let (s, port) = serve(SERV08);
    let silent = TcpStream::connect(("127.0.0.1", port)).unwrap(); // sends nothing
    let mut junk = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let bytes: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    junk.write_all(&bytes).unwrap();
    junk.shutdown(Shutdown::Write).unwrap();
    let mut replies = String::new();
    junk.read_to_string(&mut replies).unwrap();
    assert!(
        !replies.is_empty() && replies.lines().all(|l| l == "input error"),
        "{replies:?}"
    );
    drop(silent);
    // A client that resets mid-line: its child reads ECONNRESET and exits.
    let abort = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    abort
        .connect(&std::net::SocketAddr::from(([127, 0, 0, 1], port)).into())
        .unwrap();
    abort.send(b"1 2").unwrap();
    abort.set_linger(Some(std::time::Duration::ZERO)).unwrap();
    drop(abort);
    s.wait_stderr("readline error: Connection reset by peer", DEADLINE)
        .unwrap();
    let (code, out, _) = ask(CLI08, port, &[], "1 1\n");
    assert_eq!((code, out.as_str()), (Some(0), "2\n"));
    assert!(!s.stderr_text().contains("panicked"), "{}", s.stderr_text());
}

#[test]
fn native_binary_works_between_identical_hosts() {
    let (_s, port) = serve(SERV09);
    let (code, out, err) = ask(CLI09, port, &[], "1 2\n-22 -77\nx y\n");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "3\n-99\ninvalid input: x y\n");
}

#[test]
fn native_binary_gives_a_peer_with_the_other_byte_order_wrong_sums() {
    let (_s, port) = serve(SERV09);
    let (code, out, err) = ask(CLI09, port, &["--peer-order", "big"], "1 2\n-22 -77\n");
    assert_eq!(code, Some(0), "{err}");
    // 1 + 2 survives the double swap (no carry crosses a byte); -22 + -77
    // does not: the server adds the byte-swapped values.
    assert_eq!(out, "3\n-72057594037928034\n");
}

#[test]
fn native_binary_leaves_a_server_waiting_for_a_4_byte_long_peers_missing_bytes() {
    let (s, port) = serve(SERV09);
    let (code, out, err) = ask(CLI09, port, &["--long", "4", "--timeout-ms", "300"], "1 2\n");
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(out, "", "no sum came back");
    assert!(err.contains("str_cli: no reply in time"), "{err}");
    // The server child had read 8 of its 16 bytes when the client gave up.
    s.wait_stderr("short message: 8 of 16 bytes", DEADLINE).unwrap();
}

#[test]
fn the_portable_format_gives_every_peer_the_right_sum() {
    let (_s, port) = serve(SERV09N);
    for flags in [
        &[][..],
        &["--peer-order", "big"],
        &["--long", "4"],
        &["--peer-order", "big", "--long", "4"],
    ] {
        let (code, out, err) = ask(CLI09N, port, flags, "1 2\n-22 -77\n");
        assert_eq!(code, Some(0), "{flags:?}: {err}");
        assert_eq!(out, "3\n-99\n", "{flags:?}");
    }
    let (_, out, _) = ask(CLI09N, port, &[], "9223372036854775807 1\n-5 5\n");
    assert_eq!(
        out, "server error: overflow\n0\n",
        "overflow is an error, not a wrapped sum"
    );
}

/// Sends raw bytes to tcpserv09net, half-closes, returns every reply byte.
fn raw(port: u16, bytes: &[u8]) -> Vec<u8> {
    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
    c.set_read_timeout(Some(DEADLINE)).unwrap();
    c.write_all(bytes).unwrap();
    c.shutdown(Shutdown::Write).unwrap();
    let mut got = Vec::new();
    c.read_to_end(&mut got).unwrap();
    got
}

#[test]
fn the_portable_server_names_bad_lengths_and_short_messages_and_survives() {
    use ch05_echo::sum::{NetReply, net_request};
    let (s, port) = serve(SERV09N);
    // A wrong length is answered, skipped, and the next frame still works.
    let mut frames = 8u32.to_be_bytes().to_vec();
    frames.extend_from_slice(&[0; 8]);
    frames.extend(net_request(40, 2));
    let mut want = NetReply::BadLength(8).encode().to_vec();
    want.extend(NetReply::Sum(42).encode());
    assert_eq!(raw(port, &frames), want);
    // Cut short: 16 announced, 5 sent, then EOF: no reply, a log line.
    let mut short = 16u32.to_be_bytes().to_vec();
    short.extend_from_slice(&[1, 2, 3, 4, 5]);
    assert_eq!(raw(port, &short), b"");
    s.wait_stderr("short message: 5 of 16 bytes", DEADLINE).unwrap();
    // Absurdly long: answered, then that client is dropped.
    assert_eq!(
        raw(port, &u32::MAX.to_be_bytes()),
        NetReply::BadLength(u32::MAX).encode()
    );
    // The server still serves.
    let (_, out, _) = ask(CLI09N, port, &[], "2 2\n");
    assert_eq!(out, "4\n");
    wait_children(s.pid(), 4, DEADLINE).unwrap();
}

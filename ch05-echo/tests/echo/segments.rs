//! The segments ch.5 names, captured on loopback while tcpserv01 and its
//! clients run (common::lab::packets; skipped visibly without CAP_NET_RAW):
//! a session's handshake, data and FIN/ACK both ways (UNP 5.6–5.7); the
//! killed child's FIN, the client's data, then the RST (UNP 5.12–5.13);
//! the half-closing client's FIN while the server's data continue
//! (TCPIP ch.10, UNP 6.6); a client's RST before accept, and nothing from
//! the server's end after it (UNP 5.11); tcpcli11's one byte, the RST, and no
//! byte of its second write (UNP 5.13); the session demo's --packets and
//! --pcap.

use common::lab::harness::{DEADLINE, Proc, wait_children};
use common::lab::packets::{self, ACK, FIN, PSH, RST, SYN, Segment, find, ladder};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::support::{client, mpclient_batch, server};

/// Has `port`'s connection ended both ways: a FIN from each end and the ACK
/// of the last? (A FIN sent again — TCP retransmits one that is not
/// acknowledged in time, seen under load — counts once.)
fn closed_both_ways(s: &[Segment]) -> bool {
    let mut fins: Vec<&Segment> = Vec::new();
    for x in s.iter().filter(|x| x.has(FIN)) {
        if !fins.iter().any(|f| f.src == x.src) {
            fins.push(x);
        }
    }
    fins.len() == 2
        && s.iter()
            .any(|x| x.dst == fins[1].src && x.ack == fins[1].next_seq())
}

/// The segments of `port` once it has closed both ways, and their ladder.
fn closed(cap: &packets::Capture, port: u16) -> (Vec<Segment>, String) {
    let segs = cap
        .wait_for(
            port,
            DEADLINE,
            "FIN both ways, both acknowledged",
            closed_both_ways,
        )
        .unwrap();
    let text = ladder(&segs, port);
    (segs, text)
}

/// A capture of a tcpserv01's port, and a tcpcli01 whose `line` has come
/// back; None (after a visible SKIP) without CAP_NET_RAW.
fn echoed(test: &str, line: &[u8]) -> Option<(packets::Capture, Proc, u16, Proc)> {
    let cap = packets::capture_for(test)?;
    let (s, port) = server();
    cap.watch(port);
    let mut c = client(port);
    c.write_stdin(line).unwrap();
    c.wait_stdout(line, DEADLINE).unwrap();
    Some((cap, s, port, c))
}

#[test]
fn a_session_is_handshake_data_and_fin_ack_both_ways() {
    let test = "a_session_is_handshake_data_and_fin_ack_both_ways";
    let Some((cap, _s, port, mut c)) = echoed(test, b"hello\n") else {
        return;
    };
    c.close_stdin(); // EOF: the client returns from main, its close() sends the FIN
    c.expect_exit(0, DEADLINE).unwrap();
    let (segs, text) = closed(&cap, port);
    eprintln!("{text}");
    // Fig 2.5: three-way handshake.
    assert!(segs[0].to(port) && segs[0].flags == SYN, "{text}");
    assert!(
        segs[1].from(port) && segs[1].has(SYN) && segs[1].has(ACK),
        "{text}"
    );
    assert!(segs[2].to(port) && segs[2].flags == ACK, "{text}");
    // The line and its echo.
    let line = find(&segs, 3, |s| s.to(port) && s.len == 6 && s.has(PSH)).expect(&text);
    let echo = find(&segs, line, |s| s.from(port) && s.len == 6).expect(&text);
    // 5.7: the client's FIN first, acknowledged; then the server child's.
    let cfin = find(&segs, echo, |s| s.has(FIN)).expect(&text);
    assert!(segs[cfin].to(port), "the client closes first:\n{text}");
    // (A FIN the client sent again, unacknowledged in time, is not the next.)
    let sfin = find(&segs, cfin + 1, |s| s.has(FIN) && s.src != segs[cfin].src).expect(&text);
    assert!(segs[sfin].from(port), "then the server's child:\n{text}");
    assert!(
        find(&segs, cfin, |s| s.from(port) && s.ack == segs[cfin].next_seq()).is_some_and(|i| i <= sfin),
        "the server TCP acknowledges the client's FIN (at the latest with its own):\n{text}"
    );
    assert!(
        !segs.iter().any(|s| s.has(RST)),
        "no RST in a clean session:\n{text}"
    );
}

#[test]
fn a_killed_child_sends_fin_then_the_clients_data_draws_rst() {
    let test = "a_killed_child_sends_fin_then_the_clients_data_draws_rst";
    let Some((cap, s, port, mut c)) = echoed(test, b"one\n") else {
        return;
    };
    let child = wait_children(s.pid(), 1, DEADLINE).unwrap()[0].pid;
    kill(Pid::from_raw(child), Signal::SIGKILL).unwrap();
    // 5.12: the kernel closes the dead child's socket: a FIN to the client.
    cap.wait_for(port, DEADLINE, "the killed child's FIN", |s| {
        s.iter().any(|x| x.from(port) && x.has(FIN))
    })
    .unwrap();
    c.write_stdin(b"two\n").unwrap();
    let segs = cap
        .wait_for(port, DEADLINE, "the RST", |s| {
            s.iter().any(|x| x.from(port) && x.has(RST))
        })
        .unwrap();
    c.wait_exit(DEADLINE).unwrap();
    let text = ladder(&segs, port);
    eprintln!("{text}");
    let fin = find(&segs, 0, |s| s.from(port) && s.has(FIN)).unwrap();
    let data = find(&segs, fin, |s| s.to(port) && s.len == 4).expect(&text);
    let rst = find(&segs, 0, |s| s.from(port) && s.has(RST)).unwrap();
    assert!(
        fin < data && data < rst,
        "FIN, then the client's \"two\", then RST:\n{text}"
    );
    assert_eq!(segs[rst].seq, segs[data].ack, "the RST answers the data:\n{text}");
    assert!(
        !segs[..data].iter().any(|s| s.to(port) && s.has(FIN)),
        "the client had not closed: it was blocked reading stdin:\n{text}"
    );
    assert!(
        c.stderr_text().contains("server terminated prematurely"),
        "{}",
        c.stderr_text()
    );
}

#[test]
fn the_half_closing_clients_fin_goes_out_while_the_echoes_keep_coming() {
    let Some(cap) =
        packets::capture_for("the_half_closing_clients_fin_goes_out_while_the_echoes_keep_coming")
    else {
        return;
    };
    let (s, port) = server();
    cap.watch(port);
    let mut c = mpclient_batch(port, &[]);
    // The child is held (SIGSTOP) until the client's FIN is out, so its
    // echo comes after that FIN on every run. Unheld, a busy machine can
    // let the child echo the last byte before the client gets to call
    // shutdown — all the data before the FIN (seen at load 30). 32 KiB fit
    // in the buffers on the way, so the held child blocks nobody's FIN.
    let child = wait_children(s.pid(), 1, DEADLINE).unwrap()[0].pid;
    common::lab::harness::stop(child).unwrap();
    let input = vec![b'x'; 32 << 10];
    let feeder = c.feed_stdin(input.clone());
    cap.wait_for(port, DEADLINE, "the client's FIN", |x| {
        x.iter().any(|s| s.has(FIN) && s.to(port))
    })
    .unwrap();
    common::lab::harness::cont(child).unwrap();
    c.expect_exit(0, DEADLINE).unwrap();
    feeder.join().unwrap().unwrap();
    assert_eq!(c.stdout_bytes().len(), input.len());
    let (segs, text) = closed(&cap, port);
    let cfin = find(&segs, 0, |s| s.has(FIN)).unwrap();
    assert!(
        segs[cfin].to(port),
        "the client's FIN comes first (shutdown SHUT_WR):\n{text}"
    );
    let after: usize = segs[cfin..].iter().filter(|s| s.from(port)).map(|s| s.len).sum();
    assert!(
        after > 0,
        "the server's data must continue after the client's FIN:\n{text}"
    );
    let sfin = find(&segs, cfin + 1, |s| s.has(FIN) && s.from(port)).unwrap();
    assert!(
        !segs[sfin + 1..].iter().any(|s| s.from(port) && s.len > 0),
        "the server's FIN comes with or after its last data:\n{text}"
    );
    assert!(!segs.iter().any(|s| s.has(RST)), "{text}");
    eprintln!("{} bytes echoed after the client's FIN", after);
}

/// The text of step `n` of the session demo's output (up to the next step).
fn demo_step(out: &str, n: u32) -> &str {
    let start = out
        .find(&format!("\n== {n}. "))
        .unwrap_or_else(|| panic!("no step {n}:\n{out}"));
    let rest = &out[start + 1..];
    rest.find("\n== ").map_or(rest, |e| &rest[..e])
}

#[test]
fn the_session_demo_prints_each_steps_segments_and_a_pcap_tcpdump_reads() {
    let test = "the_session_demo_prints_each_steps_segments_and_a_pcap_tcpdump_reads";
    if let Err(e) = packets::Capture::start() {
        return common::lab::skip(test, &packets::why_not(&e));
    }
    let pcap = std::env::temp_dir().join(format!("unp-session-{}.pcap", std::process::id()));
    let path = pcap.to_str().unwrap();
    let mut d = Proc::spawn(env!("CARGO_BIN_EXE_session"), &["--packets", "--pcap", path]).unwrap();
    d.expect_exit(0, DEADLINE).unwrap();
    let out = String::from_utf8_lossy(&d.stdout_bytes()).into_owned();
    let has = |n: u32, arrow: &str| {
        demo_step(&out, n)
            .lines()
            .any(|l| l.starts_with("  segments │") && l.contains(arrow))
    };
    assert!(
        has(2, "-SYN---") && has(2, "-SYN-ACK-") && has(2, "-ACK---"),
        "the handshake in step 2:\n{out}"
    );
    assert!(
        has(3, "-PSH-ACK------>") && has(3, "<------PSH-ACK-"),
        "the line and its echo in step 3:\n{out}"
    );
    assert!(
        has(4, "-FIN-ACK------>") && !has(4, "<------FIN"),
        "only the client's FIN in step 4:\n{out}"
    );
    assert!(has(5, "<------FIN-ACK-"), "the child's FIN in step 5:\n{out}");
    let dump = std::process::Command::new("tcpdump")
        .args(["-nn", "-r", path])
        .output();
    let _ = std::fs::remove_file(&pcap);
    match dump {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            assert_eq!(text.matches("Flags [F.]").count(), 2, "{text}");
        }
        Ok(o) => common::lab::skip(
            test,
            &format!("tcpdump: {}", String::from_utf8_lossy(&o.stderr).trim()),
        ),
        Err(e) => common::lab::skip(test, &format!("tcpdump not runnable ({e}): pcap not checked")),
    }
}

/// 5.11: tcpserv01 held stopped (it cannot call accept); a client connects
/// and closes with SO_LINGER 0 (`reset`) or normally; the server resumes
/// and its child gets the dead connection. Returns the segments of that
/// client's connection and their ladder.
pub(crate) fn aborted_before_accept(test: &str, reset: bool) -> Option<(Vec<Segment>, String, u16)> {
    use socket2::{Domain, SockAddr, Socket, Type};
    let cap = packets::capture_for(test)?;
    let (s, port) = server();
    cap.watch(port);
    common::lab::harness::stop(s.pid()).unwrap();
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    sock.connect(&SockAddr::from(std::net::SocketAddr::from((
        [127, 0, 0, 1],
        port,
    ))))
    .unwrap();
    let me = sock.local_addr().unwrap().as_socket().unwrap();
    if reset {
        sock.set_linger(Some(std::time::Duration::ZERO)).unwrap();
    }
    drop(sock);
    common::lab::harness::cont(s.pid()).unwrap();
    common::lab::harness::wait_zombies(s.pid(), 1, DEADLINE).unwrap();
    // The child has read the end (or the error) and exited; its close is
    // the last thing the server's end can send.
    let mine = |x: &Segment| x.src == me || x.dst == me;
    let segs = cap
        .wait_for(port, DEADLINE, "the client's close", |s| {
            s.iter().any(|x| x.src == me && (x.has(RST) || x.has(FIN)))
        })
        .unwrap();
    let segs: Vec<Segment> = segs.into_iter().filter(mine).collect();
    let text = ladder(&segs, port);
    Some((segs, text, port))
}

#[test]
fn a_client_reset_before_accept_sends_rst_and_the_server_end_sends_nothing() {
    let test = "a_client_reset_before_accept_sends_rst_and_the_server_end_sends_nothing";
    let Some((segs, text, _)) = aborted_before_accept(test, true) else {
        return;
    };
    let kinds: Vec<String> = segs.iter().map(|s| s.label()).collect();
    assert_eq!(
        kinds[..3],
        ["SYN", "SYN-ACK", "ACK"],
        "the kernel completes the handshake:\n{text}"
    );
    let rst = find(&segs, 3, |s| s.has(RST)).expect(&text);
    assert_eq!(segs[rst].src, segs[0].src, "the RST is the client's:\n{text}");
    assert!(
        !segs.iter().any(|s| s.has(FIN)),
        "an abort, not a close: no FIN:\n{text}"
    );
    assert_eq!(
        rst + 1,
        segs.len(),
        "after the RST the server's end sends nothing:\n{text}"
    );
}

#[test]
fn tcpcli11s_first_byte_draws_rst_and_its_second_write_never_reaches_the_wire() {
    use std::os::unix::process::ExitStatusExt;
    let test = "tcpcli11s_first_byte_draws_rst_and_its_second_write_never_reaches_the_wire";
    let Some(cap) = packets::capture_for(test) else {
        return;
    };
    let (s, port) = server();
    cap.watch(port);
    let p = port.to_string();
    let cli11 = env!("CARGO_BIN_EXE_tcpcli11");
    let mut c = Proc::spawn(cli11, &["127.0.0.1", "--port", &p, "--pause-ms", "100"]).unwrap();
    c.write_stdin(b"one\n").unwrap();
    c.wait_stdout(b"one\n", DEADLINE).unwrap();
    let child = wait_children(s.pid(), 1, DEADLINE).unwrap()[0].pid;
    kill(Pid::from_raw(child), Signal::SIGKILL).unwrap();
    cap.wait_for(port, DEADLINE, "the killed child's FIN", |s| {
        s.iter().any(|x| x.from(port) && x.has(FIN))
    })
    .unwrap();
    c.write_stdin(b"two\n").unwrap();
    let st = c.wait_exit(DEADLINE).unwrap();
    let segs = cap
        .wait_for(port, DEADLINE, "the RST", |s| {
            s.iter().any(|x| x.from(port) && x.has(RST))
        })
        .unwrap();
    let text = ladder(&segs, port);
    let fin = find(&segs, 0, |s| s.from(port) && s.has(FIN)).unwrap();
    let first = find(&segs, fin, |s| s.to(port) && s.len > 0).expect(&text);
    assert_eq!(segs[first].len, 1, "the first write: one byte:\n{text}");
    let rst = find(&segs, first, |s| s.from(port) && s.has(RST)).expect(&text);
    assert!(
        !segs[rst..].iter().any(|s| s.to(port) && s.len > 0),
        "the second write raised SIGPIPE: none of its bytes were sent:\n{text}"
    );
    assert_eq!(st.signal(), Some(13), "killed by SIGPIPE: {}", c.stderr_text());
}

//! The segments ch.4 names, captured on loopback while the lesson's own
//! programs run (common::lab::packets; skipped visibly without
//! CAP_NET_RAW): a SYN to a port with no listener is answered by RST
//! (UNP 4.3); the parent's close() after fork sends no FIN, the shutdown()
//! does (UNP 4.8–4.9).

use common::lab::harness::Proc;
use common::lab::packets::{self, ACK, FIN, RST, SYN, find, ladder};

use crate::support::{WAIT, after, step};

/// Red on a wrong program: connect_errors whose port holder also called
/// listen() (handshake, FIN, then an RST at exit: 5 segments, not 2).
#[test]
fn refused_port_answers_the_syn_with_rst() {
    let Some(cap) = packets::capture_for("refused_port_answers_the_syn_with_rst") else {
        return;
    };
    let mut p = Proc::spawn(env!("CARGO_BIN_EXE_connect_errors"), &["--case", "refused"]).unwrap();
    // Its exit status last: the segments say more about a wrong program.
    let status = p.wait_exit(WAIT).unwrap();
    let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    let port: u16 = after(&out, "bind(.., 127.0.0.1:")
        .trim_end_matches(')')
        .parse()
        .unwrap_or_else(|e| panic!("{e}: no port in\n{out}"));
    let segs = cap
        .wait_for(port, WAIT, "an RST from the refused port", |s| {
            s.iter().any(|x| x.has(RST))
        })
        .unwrap();
    let text = ladder(&segs, port);
    assert_eq!(segs.len(), 2, "one SYN, one RST, nothing else:\n{text}");
    let (syn, rst) = (&segs[0], &segs[1]);
    assert!(
        syn.to(port) && syn.flags == SYN,
        "first the client's SYN:\n{text}"
    );
    assert!(
        rst.from(port) && rst.has(RST) && rst.has(ACK),
        "then the RST:\n{text}"
    );
    assert_eq!(rst.ack, syn.next_seq(), "the RST acknowledges the SYN:\n{text}");
    assert!(status.success(), "connect_errors: {status}\n{out}");
}

#[test]
fn parent_close_sends_no_fin_shutdown_does() {
    let Some(cap) = packets::capture_for("parent_close_sends_no_fin_shutdown_does") else {
        return;
    };
    let mut p = Proc::spawn(env!("CARGO_BIN_EXE_fork_refcount"), &["--pause"]).unwrap();
    let s1 = step(&p, 1);
    let port: u16 = after(&s1, "listening on 127.0.0.1:").parse().unwrap();
    for n in 2..=4 {
        p.write_stdin(b"\n").unwrap();
        step(&p, n);
    }
    // Step 4: the parent has closed connfd, the child echoed "hello".
    let segs = cap
        .wait_for(port, WAIT, "the child's echo", |s| {
            s.iter().any(|x| x.from(port) && x.len > 0)
        })
        .unwrap();
    let text = ladder(&segs, port);
    assert!(
        !segs.iter().any(|s| s.has(FIN) || s.has(RST)),
        "close() in the parent must send no FIN (the child still holds the socket):\n{text}"
    );
    p.write_stdin(b"\n").unwrap();
    step(&p, 5);
    // The second connection (its SYN is the last one): the parent's
    // shutdown() sends the server's FIN first, while the child still holds
    // the socket; the client acknowledges it. (The first connection ends in
    // this step too, client first: it is not the one asserted.)
    let segs = cap
        .wait_for(port, WAIT, "a FIN acknowledged on the second connection", |s| {
            let Some(syn) = s.iter().rev().find(|x| x.to(port) && x.flags == SYN) else {
                return false;
            };
            let fin = s
                .iter()
                .find(|x| x.has(FIN) && (x.src == syn.src || x.dst == syn.src));
            fin.is_some_and(|f| s.iter().any(|x| x.dst == f.src && x.ack == f.next_seq()))
        })
        .unwrap();
    let text = ladder(&segs, port);
    let syn = find(&segs, 0, |s| s.to(port) && s.flags == SYN).unwrap();
    let second = segs.iter().rposition(|s| s.to(port) && s.flags == SYN).unwrap();
    assert!(second > syn, "two connections:\n{text}");
    let client = segs[second].src;
    let fin = find(&segs, second, |s| {
        s.has(FIN) && (s.src == client || s.dst == client)
    })
    .unwrap();
    assert!(
        segs[fin].from(port),
        "shutdown() in the parent sends the first FIN:\n{text}"
    );
    assert!(
        find(&segs, fin, |s| s.src == client
            && s.has(ACK)
            && s.ack == segs[fin].next_seq())
        .is_some(),
        "the client's TCP acknowledges it:\n{text}"
    );
    p.write_stdin(b"\n").unwrap();
    p.expect_exit(0, WAIT).unwrap();
}

/// Red on a wrong program: backlog that shuts its listener down while the
/// clients wait (the queued connection and each retransmitted SYN get RST).
#[test]
fn a_full_accept_queue_drops_the_syn_which_is_retransmitted_and_never_reset() {
    let test = "a_full_accept_queue_drops_the_syn_which_is_retransmitted_and_never_reset";
    let Some(cap) = packets::capture_for(test) else {
        return;
    };
    // backlog 0: Linux queues 1 connection; 2 more clients find it full.
    let p = Proc::spawn(
        env!("CARGO_BIN_EXE_backlog"),
        &["--backlog", "0", "--extra", "2", "--pause"],
    )
    .unwrap();
    let text = step(&p, 1);
    let port: u16 = after(&text, ") on ").trim_end_matches(';').parse().unwrap();
    let syns_from = |s: &[packets::Segment], c: std::net::SocketAddr| {
        s.iter()
            .filter(|x| x.src == c && x.to(port) && x.flags == SYN)
            .count()
    };
    // The client's first retransmit comes after ~1 s (the initial RTO).
    let segs = cap
        .wait_for(port, WAIT, "a SYN sent again", |s| {
            s.iter().any(|x| x.to(port) && syns_from(s, x.src) >= 2)
        })
        .unwrap();
    let text = ladder(&segs, port);
    let waiting = segs
        .iter()
        .find(|x| x.to(port) && syns_from(&segs, x.src) >= 2)
        .unwrap()
        .src;
    assert!(
        !segs.iter().any(|s| s.dst == waiting && s.from(port)),
        "the listener answers the queued-out client's SYN with nothing:\n{text}"
    );
    assert!(
        !segs.iter().any(|s| s.has(RST)),
        "no RST while the queue is full (4.5):\n{text}"
    );
    let first = find(&segs, 0, |s| s.src == waiting).unwrap();
    let again = find(&segs, first + 1, |s| s.src == waiting).unwrap();
    assert_eq!(
        segs[first].seq, segs[again].seq,
        "the same SYN, sent again:\n{text}"
    );
}

/// The `  segments │` lines of `out` between the heading that starts with
/// `from` and the next heading (`== `).
fn ladder_lines<'a>(out: &'a str, from: &str) -> Vec<&'a str> {
    out.lines()
        .skip_while(|l| !l.starts_with(from))
        .skip(1)
        .take_while(|l| !l.starts_with("== "))
        .filter(|l| l.starts_with("  segments │"))
        .collect()
}

#[test]
fn the_demos_print_their_own_segments_with_packets() {
    let test = "the_demos_print_their_own_segments_with_packets";
    if let Err(e) = packets::Capture::start_unthreaded() {
        return common::lab::skip(test, &packets::why_not(&e));
    }
    // connect_errors: the refused port's SYN and RST; the full queue's
    // filler handshake, then a SYN nobody answers.
    let mut p = Proc::spawn(
        env!("CARGO_BIN_EXE_connect_errors"),
        &["--case", "refused", "--packets"],
    )
    .unwrap();
    p.expect_exit(0, WAIT).unwrap();
    let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    let lines = ladder_lines(&out, "== ECONNREFUSED");
    assert_eq!(lines.len(), 3, "a heading, the SYN, the RST:\n{out}");
    assert!(lines[1].contains("-SYN---------->"), "{out}");
    assert!(lines[2].contains("<------RST-ACK-"), "{out}");
    // fork_refcount: nothing at the parent's close (Fig 4.17); the
    // shutdown's FIN from the server's side before the client's.
    let mut p = Proc::spawn(env!("CARGO_BIN_EXE_fork_refcount"), &["--packets"]).unwrap();
    p.expect_exit(0, WAIT).unwrap();
    let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    let handshake = ladder_lines(&out, "== Fig 4.14");
    assert_eq!(handshake.len(), 4, "a heading and the handshake:\n{out}");
    assert!(
        ladder_lines(&out, "== Fig 4.17").is_empty(),
        "close() in the parent sends nothing:\n{out}"
    );
    let shut = ladder_lines(&out, "== shutdown()");
    let second = shut.iter().rposition(|l| l.contains("-SYN---")).expect(&out);
    let fin = shut
        .iter()
        .skip(second)
        .position(|l| l.contains("FIN"))
        .expect(&out);
    assert!(
        shut[second + fin].contains("<------FIN-ACK-"),
        "on the second connection the server's end sends the first FIN:\n{out}"
    );
}

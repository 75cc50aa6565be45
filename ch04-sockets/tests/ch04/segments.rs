//! The segments ch.4 names, captured on loopback while the lesson's own
//! programs run (common::lab::packets; skipped visibly without
//! CAP_NET_RAW): a SYN to a port with no listener is answered by RST
//! (UNP 4.3); the parent's close() after fork sends no FIN, the shutdown()
//! does (UNP 4.8–4.9).

use common::lab::harness::Proc;
use common::lab::packets::{self, ACK, FIN, RST, SYN, find, ladder};

use crate::support::{WAIT, after, step};

#[test]
fn refused_port_answers_the_syn_with_rst() {
    let Some(cap) = packets::capture_for("refused_port_answers_the_syn_with_rst") else {
        return;
    };
    let mut p = Proc::spawn(env!("CARGO_BIN_EXE_connect_errors"), &["--case", "refused"]).unwrap();
    p.expect_exit(0, WAIT).unwrap();
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
    assert!(syn.to(port) && syn.flags == SYN, "first the client's SYN:\n{text}");
    assert!(rst.from(port) && rst.has(RST) && rst.has(ACK), "then the RST:\n{text}");
    assert_eq!(rst.ack, syn.seq.wrapping_add(1), "the RST acknowledges the SYN:\n{text}");
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
    let segs = cap
        .wait_for(port, WAIT, "the server's FIN after shutdown()", |s| {
            s.iter().any(|x| x.from(port) && x.has(FIN))
        })
        .unwrap();
    let text = ladder(&segs, port);
    let fin = find(&segs, 0, |s| s.from(port) && s.has(FIN)).unwrap();
    assert!(
        find(&segs, fin, |s| s.to(port) && s.has(ACK) && s.ack == segs[fin].seq.wrapping_add(1)).is_some(),
        "the client's TCP acknowledges the FIN:\n{text}"
    );
    p.write_stdin(b"\n").unwrap();
    p.expect_exit(0, WAIT).unwrap();
}

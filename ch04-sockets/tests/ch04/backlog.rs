//! backlog: a listener that never accepts queues exactly backlog+1
//! connections on Linux; the other clients stay in SYN_SENT (their SYN was
//! dropped: no RST, no error); after one accept, one gets in at its SYN
//! retransmit.

use common::lab::harness::{Proc, eventually};

use crate::support::{WAIT, after, at, check_table, step, step_within};

/// Runs `backlog --backlog N --extra 2 --pause` and checks both steps;
/// returns how many clients completed before any accept, per /proc.
fn established_before_accept(backlog: u32) -> usize {
    let b = backlog.to_string();
    let mut p = Proc::spawn(
        env!("CARGO_BIN_EXE_backlog"),
        &["--backlog", &b, "--extra", "2", "--pause"],
    )
    .unwrap();
    let text = step(&p, 1);
    let port: u16 = after(&text, ") on ").trim_end_matches(';').parse().unwrap();
    let socks = common::lab::observer::server_sockets_at(at(port), p.pid());
    check_table(&text, &socks, &[("me", p.pid())]).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let clients = |st: &str| {
        socks
            .iter()
            .filter(|t| t.state == st && t.local.port() != port)
            .count()
    };
    let listener = socks.iter().find(|t| t.state == "LISTEN").unwrap();
    let done = clients("ESTABLISHED");
    assert_eq!(
        clients("SYN_SENT") + done,
        3 + backlog as usize,
        "{text}
/proc now: {socks:#?}"
    );
    assert_eq!(
        listener.recv_q as usize, done,
        "the accept queue holds the completed ones"
    );
    // No RST: no client has a pending error.
    let line = format!(
        "result: established={done} syn_sent={} listener_recv_q={done} errors=0",
        clients("SYN_SENT")
    );
    assert!(text.contains(&line), "want {line:?} in:\n{text}");

    p.write_stdin(b"\n").unwrap();
    // The demo waits for the clients' next SYN retransmit: 1, 3, 7, 15, 31
    // or 63 s after the first (later under load).
    let text = step_within(&p, 2, std::time::Duration::from_secs(70));
    assert!(text.contains("got in after"), "{text}");
    let more = eventually(WAIT, "one more client to connect", || {
        let s = common::lab::observer::server_sockets_at(at(port), p.pid());
        let n = s
            .iter()
            .filter(|t| t.state == "ESTABLISHED" && t.local.port() != port)
            .count();
        (n > done).then_some(n)
    });
    assert!(more.is_ok(), "{text}");
    p.write_stdin(b"\n").unwrap();
    p.expect_exit(0, WAIT).unwrap();
    done
}

#[test]
fn backlog_2_queues_3() {
    assert_eq!(established_before_accept(2), 3);
}

#[test]
fn backlog_0_queues_1() {
    // The same check with another backlog gives another count: the count
    // follows listen's argument (backlog+1), it is not a constant.
    assert_eq!(established_before_accept(0), 1);
}

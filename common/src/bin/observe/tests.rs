//! The unit tests of observe's parts: the lines, notes, colours and clock.

use std::time::{Duration, SystemTime};

use common::lab::observer::{ProcInfo, TcpSock, TreeRow};

use crate::changes::{changes, first_lines};
use crate::live::paint;
use crate::snapshot::{Frame, ProcRow, SockRow, clock, snapshot};

fn sock(local: &str, remote: &str, state: &'static str, inode: u64) -> TcpSock {
    TcpSock {
        local: local.parse().unwrap(),
        remote: remote.parse().unwrap(),
        state,
        recv_q: 0,
        send_q: 0,
        inode,
        waiting_since: None,
    }
}

fn proc_row(role: &'static str, pid: i32, state: char) -> ProcRow {
    ProcRow {
        role,
        row: TreeRow {
            depth: usize::from(role != "server"),
            info: ProcInfo {
                pid,
                ppid: 1,
                state,
                comm: "tcpserv01".into(),
            },
            command: "tcpserv01".into(),
        },
    }
}

fn frame(procs: Vec<ProcRow>, socks: Vec<SockRow>) -> Frame {
    Frame {
        at: SystemTime::UNIX_EPOCH,
        procs,
        socks,
        older: 0,
        hidden_fds: Vec::new(),
    }
}

#[test]
fn changes_read_as_the_lab_writes_them() {
    let est = sock("127.0.0.1:9877", "127.0.0.1:51234", "ESTABLISHED", 7);
    let mut cw = sock("127.0.0.1:9877", "127.0.0.1:51234", "CLOSE_WAIT", 7);
    cw.recv_q = 1;
    let a = frame(
        vec![
            proc_row("server", 10, 'S'),
            proc_row("child", 11, 'S'),
            proc_row("child", 12, 'Z'),
        ],
        vec![SockRow {
            sock: est,
            owners: vec![(11, 4, None)],
        }],
    );
    let b = frame(
        vec![proc_row("server", 10, 'S'), proc_row("child", 11, 'Z')],
        vec![
            SockRow {
                sock: cw,
                owners: vec![],
            },
            SockRow {
                sock: sock("127.0.0.1:51236", "127.0.0.1:9877", "TIME_WAIT", 0),
                owners: vec![],
            },
        ],
    );
    let lines: Vec<String> = changes(&a, &b).into_iter().map(|c| c.text).collect();
    assert_eq!(
        lines,
        [
            "child 11 S → Z",
            "child 12 Z → gone (reaped)",
            "127.0.0.1:9877 ↔ 127.0.0.1:51234 ESTABLISHED → CLOSE_WAIT; Recv-Q 0 → 1; \
             held by pid 11/fd 4 → ?",
            "127.0.0.1:51236 ↔ 127.0.0.1:9877 new TIME_WAIT; held by (kernel only)",
        ]
    );
    assert!(changes(&b, &b).is_empty());
}

#[test]
fn older_rows_are_counted_in_one_line_per_note() {
    let mut f = frame(
        vec![proc_row("server", 10, 'S')],
        vec![SockRow {
            sock: sock("127.0.0.1:9877", "0.0.0.0:0", "LISTEN", 5),
            owners: vec![(10, 3, None)],
        }],
    );
    f.older = 5;
    let once = snapshot(&f);
    assert!(
        once.ends_with(
            "pid 10/fd 3\n\n5 older rows on this port not shown: TIME_WAIT of connections that ended\n\
                        before this server started (a reused port; /proc/net/tcp's timer dates them).\n"
        ),
        "{once}"
    );
    let follow = first_lines(&f);
    assert_eq!(
        follow.last().map(String::as_str),
        Some(
            "5 older rows on this port not shown: TIME_WAIT of connections that ended \
             before this server started (a reused port; /proc/net/tcp's timer dates them)."
        )
    );
    f.older = 0;
    assert!(!snapshot(&f).contains("older"), "no note without older rows");
}

#[test]
fn a_live_frame_colours_marked_rows_only() {
    let painted = paint("  header\n+ new\n* changed\n- gone\n  same\n");
    assert_eq!(
        painted,
        "  header\n\x1b[32m+ new\x1b[0m\n\x1b[1;33m* changed\x1b[0m\n\x1b[31;9m- gone\x1b[0m\n  same\n"
    );
}

#[test]
fn the_clock_is_utc_with_milliseconds() {
    let t = SystemTime::UNIX_EPOCH + Duration::from_millis(86_400_000 + 3_723_045);
    assert_eq!(clock(t), "01:02:03.045");
}

#[test]
fn segments_come_before_the_look_that_saw_their_states_and_later_ones_after() {
    use crate::packets::{Rung, in_order};
    let t = |ms: u64| SystemTime::UNIX_EPOCH + Duration::from_millis(ms);
    let rung = |ms: u64, text: &str| Rung {
        time: t(ms),
        text: text.into(),
    };
    let lines = in_order(
        vec![
            rung(100, "c -FIN-> s"),
            rung(150, "c <-ACK- s"),
            rung(260, "c <-FIN- s"),
        ],
        t(200),
        &["s ↔ c ESTABLISHED → CLOSE_WAIT".to_string()],
    );
    assert_eq!(
        lines,
        [
            "00:00:00.100 c -FIN-> s",
            "00:00:00.150 c <-ACK- s",
            "00:00:00.200 s ↔ c ESTABLISHED → CLOSE_WAIT",
            "00:00:00.260 c <-FIN- s",
        ]
    );
}

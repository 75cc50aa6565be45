//! tour: each printed table is what /proc says at that moment (the program
//! is paused with --pause while we look), and the states follow the book.

use common::lab::harness::Proc;

use crate::support::{WAIT, after, at, check_table, printed_states, sorted, step};

/// The states UNP 4.2–4.10 predicts after each of tour's nine steps
/// (None: the step prints no table).
const BOOK: [Option<&[&str]>; 9] = [
    Some(&[]),                                       // socket
    Some(&[]),                                       // bind
    Some(&["LISTEN"]),                               // listen
    Some(&["LISTEN", "ESTABLISHED", "ESTABLISHED"]), // connect
    Some(&["LISTEN", "ESTABLISHED", "ESTABLISHED"]), // accept
    None,                                            // getsockname / getpeername
    Some(&["LISTEN", "FIN_WAIT_2", "CLOSE_WAIT"]),   // close(connfd), read = 0
    Some(&["LISTEN", "TIME_WAIT"]),                  // shutdown(sockfd, SHUT_WR)
    Some(&["TIME_WAIT"]),                            // close, close
];

#[test]
fn tour_prints_what_proc_says_at_every_step() {
    tour_on(0);
}

#[test]
fn on_a_reused_port_the_tour_shows_only_its_own_sockets() {
    // Issue 18: the port carries 5 TIME_WAIT rows of earlier, unrelated
    // connections (remote port = this port), as a reused ephemeral port
    // can. They predate the tour: no step may print or count them. Shown
    // failing with observer::predates always false: step 3 printed
    // LISTEN + 5 TIME_WAIT, not the book's LISTEN.
    let port = common::lab::harness::foreign_time_waits(5).unwrap();
    tour_on(port);
}

/// Runs `tour --pause --port PORT` and checks every step against the book
/// and against /proc (the tour's own sockets: observer::server_sockets_at).
fn tour_on(port_arg: u16) {
    let port_arg = port_arg.to_string();
    let mut p = Proc::spawn(env!("CARGO_BIN_EXE_tour"), &["--pause", "--port", &port_arg]).unwrap();
    let pid = p.pid();
    let mut port = 0u16;
    let mut texts = Vec::new();
    let mut snapshots = Vec::new();
    for (i, book) in BOOK.iter().enumerate() {
        let n = i as u32 + 1;
        let text = step(&p, n);
        if n == 2 {
            port = after(&text, "getsockname(3) = 127.0.0.1:").parse().unwrap();
        }
        let now = if port == 0 {
            Vec::new()
        } else {
            common::lab::observer::server_sockets_at(at(port), pid)
        };
        if let Some(want) = book {
            assert_eq!(
                printed_states(&text),
                sorted(want),
                "step {n}: not the book's states:\n{text}"
            );
            check_table(&text, &now, &[("tour", pid)]).unwrap_or_else(|e| panic!("step {n}: {e}\n{text}"));
        }
        if n == 6 {
            // connfd has the listener's port; the client's local address is
            // connfd's peer, and accept's cliaddr.
            assert_eq!(after(&text, "getsockname(5) = 127.0.0.1:"), port.to_string());
            let client = after(&text, "getsockname(4) = ");
            assert_eq!(after(&text, "getpeername(5) = "), client);
        }
        texts.push(text);
        snapshots.push(now);
        p.write_stdin(b"\n").unwrap();
    }
    p.expect_exit(0, WAIT).unwrap();

    // The listening socket is not the connected one: after accept, fd 3
    // (listenfd) is the LISTEN socket and fd 5 (connfd) an ESTABLISHED one.
    let accept = &texts[4];
    assert!(
        accept.contains("LISTEN            0      0  tour:listenfd=3"),
        "{accept}"
    );
    assert!(
        accept.contains("ESTABLISHED       0      0  tour:connfd=5"),
        "{accept}"
    );
    // Before accept the server's end is in the accept queue: no descriptor.
    assert!(
        texts[3].contains("LISTEN            1      0  tour:listenfd=3"),
        "{}",
        texts[3]
    );
    assert!(texts[3].contains("(kernel only)"), "{}", texts[3]);
}

#[test]
fn the_check_fails_on_a_stale_transcript() {
    // The same comparison, fed the table of one step and the /proc view of
    // the next, must fail wherever the state changed in between.
    // `--step`, the older spelling of `--pause`, still works.
    let mut p = Proc::spawn(env!("CARGO_BIN_EXE_tour"), &["--step"]).unwrap();
    let pid = p.pid();
    let _ = step(&p, 1);
    p.write_stdin(b"\n").unwrap();
    let text2 = step(&p, 2);
    let port: u16 = after(&text2, "getsockname(3) = 127.0.0.1:").parse().unwrap();
    p.write_stdin(b"\n").unwrap();
    let _ = step(&p, 3);
    p.write_stdin(b"\n").unwrap();
    let connect = step(&p, 4); // printed: LISTEN + 2 ESTABLISHED
    p.write_stdin(b"\n").unwrap();
    for n in 5..=6 {
        let _ = step(&p, n);
        p.write_stdin(b"\n").unwrap();
    }
    let _ = step(&p, 7); // paused after close(connfd)
    let now = common::lab::observer::server_sockets_at(at(port), pid); // FIN_WAIT_2 / CLOSE_WAIT now
    let err = check_table(&connect, &now, &[("tour", pid)]).expect_err("a stale table must not pass");
    assert!(err.contains("printed sockets"), "{err}");
}

//! fork_refcount: after fork the child holds the same descriptor numbers
//! for the same sockets; the parent's close() leaves the connection to the
//! child; the parent's shutdown() ends it for everybody. Each printed table
//! is compared with /proc while the program waits (--pause).

use std::collections::BTreeSet;

use common::lab::harness::Proc;
use common::lab::observer;

use crate::support::{WAIT, after, at, check_table, printed_states, sorted, step};

fn pid(text: &str, key: &str) -> i32 {
    after(text, key)
        .trim_end_matches([':', ')', ';'])
        .parse()
        .unwrap()
}

/// The (fd, inode) pairs of `pid` that are TCP sockets on `port`.
fn tcp_fds(pid: i32, port: u16) -> BTreeSet<(i32, u64)> {
    let tcp: Vec<u64> = common::lab::observer::tcp_sockets_at(at(port))
        .iter()
        .map(|t| t.inode)
        .collect();
    observer::socket_fds(pid)
        .into_iter()
        .filter(|(_, i)| tcp.contains(i))
        .collect()
}

/// Did the client read end of file in this part of the output?
fn client_saw_eof(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with("client: read(") && l.contains(") = 0: end of file"))
}

#[test]
fn fork_shares_descriptors_close_keeps_shutdown_ends() {
    let mut p = Proc::spawn(env!("CARGO_BIN_EXE_fork_refcount"), &["--pause"]).unwrap();
    let parent = p.pid();
    let s1 = step(&p, 1);
    let port: u16 = after(&s1, "listening on 127.0.0.1:").parse().unwrap();
    let client = pid(&s1, "client pid ");
    let who = |child: i32| vec![("parent", parent), ("child", child), ("client", client)];

    // Fig 4.14: the connection is complete and queued, nobody holds it.
    assert_eq!(
        printed_states(&s1),
        sorted(&["LISTEN", "ESTABLISHED", "ESTABLISHED"])
    );
    check_table(
        &s1,
        &common::lab::observer::server_sockets_at(at(port), parent),
        &who(0),
    )
    .unwrap_or_else(|e| panic!("{e}\n{s1}"));
    assert!(s1.contains("(kernel only)"), "{s1}");
    p.write_stdin(b"\n").unwrap();

    // Fig 4.15: accept gave the parent connfd.
    let s2 = step(&p, 2);
    check_table(
        &s2,
        &common::lab::observer::server_sockets_at(at(port), parent),
        &who(0),
    )
    .unwrap_or_else(|e| panic!("{e}\n{s2}"));
    assert!(s2.contains("parent:connfd=5"), "{s2}");
    p.write_stdin(b"\n").unwrap();

    // Fig 4.16: the child has the same fd numbers for the same sockets.
    let s3 = step(&p, 3);
    let child = pid(&s3, "the child (pid ");
    let (pf, cf) = (tcp_fds(parent, port), tcp_fds(child, port));
    assert_eq!(pf.len(), 2, "listenfd and connfd: {pf:?}");
    assert_eq!(pf, cf, "parent and child must hold the same (fd, socket) pairs");
    check_table(
        &s3,
        &common::lab::observer::server_sockets_at(at(port), parent),
        &who(child),
    )
    .unwrap_or_else(|e| panic!("{e}\n{s3}"));
    assert!(s3.contains("parent:connfd=5, child:connfd=5"), "{s3}");
    p.write_stdin(b"\n").unwrap();

    // Fig 4.17: each closed what it does not need; the connection lives on
    // in the child, and the client talks to it.
    let s4 = step(&p, 4);
    check_table(
        &s4,
        &common::lab::observer::server_sockets_at(at(port), parent),
        &who(child),
    )
    .unwrap_or_else(|e| panic!("{e}\n{s4}"));
    assert!(
        s4.contains(&format!("got back \"child {child} echoes: hello\"")),
        "{s4}"
    );
    assert!(s4.contains("result: close client=reply"), "{s4}");
    assert!(
        !client_saw_eof(&s4),
        "close() in the parent must not end the connection:\n{s4}"
    );
    p.write_stdin(b"\n").unwrap();

    // shutdown(): the client and the second child both read end of file.
    let s5 = step(&p, 5);
    let child2 = pid(&s5, "fork() = ");
    assert!(client_saw_eof(&s5), "shutdown() must end the connection:\n{s5}");
    assert!(s5.contains(&format!("child {child2}: read() = 0")), "{s5}");
    assert!(s5.contains("result: shutdown client=eof"), "{s5}");
    let last = s5.rsplit("waitpid(").next().unwrap();
    assert_eq!(
        printed_states(last),
        sorted(&["LISTEN", "TIME_WAIT", "FIN_WAIT_2", "CLOSE_WAIT"])
    );
    check_table(
        last,
        &common::lab::observer::server_sockets_at(at(port), parent),
        &who(child2),
    )
    .unwrap_or_else(|e| panic!("{e}\n{s5}"));
    p.write_stdin(b"\n").unwrap();
    p.expect_exit(0, WAIT).unwrap();
}

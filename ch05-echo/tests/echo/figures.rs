//! The ladder figures of the ch.5 pages (docs/src/figures/ladder-*.svg and
//! their .zh-CN.svg twins), drawn from a fresh capture of the lesson's own
//! programs (common::lab::packets, common::lab::ladder_svg): a session
//! (UNP 5.6–5.7), a reset before accept (5.11), a killed server child
//! (5.12–5.13), a half-close (TCPIP ch.10, UNP 6.6). Each test fails when
//! the committed figure is not what today's capture draws. Regenerate with:
//!
//!     UNP_BLESS=1 cargo test -p ch05-echo --test echo figures
//!
//! Each scenario waits for every segment before its next action (an ACK
//! before the next write, the FIN's ACK before the child may close), so
//! the segments and their order are the same in every run; only what is
//! stable is drawn (no times, no ports, seq/ack relative).

use std::path::PathBuf;

use common::lab::harness::{DEADLINE, cont, stop, wait_children};
use common::lab::ladder_svg::{Figure, Lang, Note, Side, Text, svg};
use common::lab::packets::{self, ACK, FIN, RST, Segment};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::support::{client, mpclient_batch, server};

fn figures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/src/figures")
}

/// Writes (UNP_BLESS=1) or checks `ladder-<name>.svg` and its Chinese twin.
fn bless_or_check(name: &str, segs: &[Segment], port: u16, fig: &Figure) {
    let mut stale = Vec::new();
    for (lang, suffix) in [(Lang::En, "svg"), (Lang::ZhCn, "zh-CN.svg")] {
        let path = figures_dir().join(format!("ladder-{name}.{suffix}"));
        let want = svg(segs, port, fig, lang);
        if std::env::var_os("UNP_BLESS").is_some() {
            std::fs::write(&path, &want).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:?} not what today's capture draws; regenerate with \
         UNP_BLESS=1 cargo test -p ch05-echo --test echo figures\nthe capture:\n{}",
        packets::ladder(segs, port)
    );
}

/// Has the last segment with payload from `port`'s side (`from_server`)
/// been acknowledged?
fn data_acked(s: &[Segment], port: u16, from_server: bool) -> bool {
    s.iter()
        .rfind(|x| x.len > 0 && x.from(port) == from_server)
        .is_some_and(|d| {
            s.iter()
                .any(|a| a.dst == d.src && a.has(ACK) && a.ack == d.next_seq())
        })
}

/// Has the FIN of `port`'s side (`from_server`) been acknowledged?
fn fin_acked(s: &[Segment], port: u16, from_server: bool) -> bool {
    s.iter()
        .filter(|f| f.has(FIN) && f.from(port) == from_server)
        .any(|f| s.iter().any(|a| a.dst == f.src && a.ack == f.next_seq()))
}

/// A note beside `side`'s column before segment `before`.
fn note(before: usize, side: Side, en: &'static str, zh: &'static str) -> Note {
    Note {
        before,
        side,
        text: Text { en, zh },
    }
}

const CLIENT01: Text = Text {
    en: "client (tcpcli01)",
    zh: "客户端（tcpcli01）",
};
const CHILD01: Text = Text {
    en: "server child (tcpserv01)",
    zh: "服务器子进程（tcpserv01）",
};

#[test]
fn figure_session() {
    let Some(cap) = packets::capture_for("figure_session") else {
        return;
    };
    let (s, port) = server();
    cap.watch(port);
    let mut c = client(port);
    let child = wait_children(s.pid(), 1, DEADLINE).unwrap()[0].pid;
    c.write_stdin(b"hello, world\n").unwrap();
    c.wait_stdout(b"hello, world\n", DEADLINE).unwrap();
    cap.wait_for(port, DEADLINE, "the echo's ACK", |x| data_acked(x, port, true))
        .unwrap();
    stop(child).unwrap(); // its FIN waits until the client's has been acknowledged
    c.close_stdin();
    c.expect_exit(0, DEADLINE).unwrap();
    cap.wait_for(port, DEADLINE, "the client's FIN acknowledged", |x| {
        fin_acked(x, port, false)
    })
    .unwrap();
    cont(child).unwrap();
    let segs = cap
        .wait_for(port, DEADLINE, "the child's FIN acknowledged", |x| {
            fin_acked(x, port, true)
        })
        .unwrap();
    let fin = segs.iter().position(|x| x.has(FIN)).unwrap();
    let sfin = segs.iter().rposition(|x| x.has(FIN)).unwrap();
    let data = segs.iter().position(|x| x.len > 0).unwrap();
    let fig = Figure {
        title: Text {
            en: "An echo session, captured (UNP 5.6–5.7, Fig 2.5): handshake, one line, the close",
            zh: "捕获到的一次回射会话（UNP 5.6–5.7，图 2.5）：三路握手、一行数据、终止",
        },
        client: CLIENT01,
        server: CHILD01,
        notes: vec![
            note(data, Side::Client, "a line typed: writen", "键入一行：writen"),
            note(
                fin,
                Side::Client,
                "EOF (Ctrl-D):\nexit closes the socket",
                "EOF（Ctrl-D）：\nexit 关闭套接字",
            ),
            note(
                sfin,
                Side::Server,
                "read returns 0:\nthe child exits",
                "read 返回 0：\n子进程终止",
            ),
        ],
    };
    bless_or_check("session", &segs, port, &fig);
}

#[test]
fn figure_abort() {
    // The capture of the abort test (segments.rs): a stopped server, a
    // client that connects and resets with SO_LINGER 0.
    let Some((segs, _, port)) = crate::segments::aborted_before_accept("figure_abort", true) else {
        return;
    };
    let rst = segs.iter().position(|x| x.has(RST)).unwrap();
    let fig = Figure {
        title: Text {
            en: "Connection aborted before accept, captured (UNP 5.11)",
            zh: "捕获到的 accept 之前中止的连接（UNP 5.11）",
        },
        client: Text {
            en: "client (SO_LINGER 0)",
            zh: "客户端（SO_LINGER 0）",
        },
        server: Text {
            en: "server (tcpserv01)",
            zh: "服务器（tcpserv01）",
        },
        notes: vec![
            note(
                0,
                Side::Server,
                "stopped (SIGSTOP):\nnot in accept",
                "已停止（SIGSTOP）：\n不在 accept 中",
            ),
            note(
                rst,
                Side::Client,
                "close with SO_LINGER 0",
                "设置 SO_LINGER 0 后 close",
            ),
            note(
                segs.len(),
                Side::Server,
                "continued: accept returns it;\nthe child's read: ECONNRESET",
                "继续运行：accept 返回它；\n子进程的 read：ECONNRESET",
            ),
        ],
    };
    bless_or_check("abort", &segs, port, &fig);
}

#[test]
fn figure_server_killed() {
    let Some(cap) = packets::capture_for("figure_server_killed") else {
        return;
    };
    let (s, port) = server();
    cap.watch(port);
    let mut c = client(port);
    c.write_stdin(b"one\n").unwrap();
    c.wait_stdout(b"one\n", DEADLINE).unwrap();
    cap.wait_for(port, DEADLINE, "the echo's ACK", |x| data_acked(x, port, true))
        .unwrap();
    let child = wait_children(s.pid(), 1, DEADLINE).unwrap()[0].pid;
    kill(Pid::from_raw(child), Signal::SIGKILL).unwrap();
    cap.wait_for(port, DEADLINE, "the killed child's FIN acknowledged", |x| {
        fin_acked(x, port, true)
    })
    .unwrap();
    c.write_stdin(b"two\n").unwrap();
    c.wait_exit(DEADLINE).unwrap();
    let segs = cap
        .wait_for(port, DEADLINE, "the RST", |x| {
            x.iter().any(|a| a.from(port) && a.has(RST))
        })
        .unwrap();
    let fin = segs.iter().position(|x| x.has(FIN)).unwrap();
    let two = segs.iter().rposition(|x| x.to(port) && x.len > 0).unwrap();
    let fig = Figure {
        title: Text {
            en: "Server child killed, captured (UNP 5.12–5.13): FIN, the client's data, RST",
            zh: "捕获到的服务器子进程被杀死（UNP 5.12–5.13）：FIN、客户端的数据、RST",
        },
        client: CLIENT01,
        server: CHILD01,
        notes: vec![
            note(
                fin,
                Side::Server,
                "kill -9: the kernel\ncloses the child's socket",
                "kill -9：内核关闭\n子进程的套接字",
            ),
            note(
                two,
                Side::Client,
                "blocked in fgets, sees nothing;\nthe next line: writen",
                "阻塞在 fgets 中，什么也没看到；\n下一行：writen",
            ),
            note(
                segs.len(),
                Side::Client,
                "readline returns 0: \"server\nterminated prematurely\"",
                "readline 返回 0：\"server\nterminated prematurely\"",
            ),
        ],
    };
    bless_or_check("server-killed", &segs, port, &fig);
}

#[test]
fn figure_halfclose() {
    let Some(cap) = packets::capture_for("figure_halfclose") else {
        return;
    };
    let (s, port) = server();
    cap.watch(port);
    // --packets: the client prints its own ladder too (asserted below).
    let mut c = mpclient_batch(port, &["--packets"]);
    let child = wait_children(s.pid(), 1, DEADLINE).unwrap()[0].pid;
    stop(child).unwrap(); // the echo waits until the client's FIN is out
    c.write_stdin(b"hello, world\n").unwrap();
    c.close_stdin();
    cap.wait_for(port, DEADLINE, "the client's FIN acknowledged", |x| {
        fin_acked(x, port, false)
    })
    .unwrap();
    cont(child).unwrap();
    c.expect_exit(0, DEADLINE).unwrap();
    assert_eq!(c.stdout_bytes(), b"hello, world\n");
    let segs = cap
        .wait_for(port, DEADLINE, "the child's FIN acknowledged", |x| {
            fin_acked(x, port, true)
        })
        .unwrap();
    let fin = segs.iter().position(|x| x.has(FIN)).unwrap();
    let echo = segs.iter().position(|x| x.from(port) && x.len > 0).unwrap();
    let sfin = segs.iter().rposition(|x| x.has(FIN)).unwrap();
    let data = segs.iter().position(|x| x.len > 0).unwrap();
    let fig = Figure {
        title: Text {
            en: "Half-close, captured (TCPIP ch.10, UNP 6.6): FIN one way, the echo still comes back",
            zh: "捕获到的半关闭（TCPIP 第 10 章，UNP 6.6）：一个方向 FIN，回射的数据仍然返回",
        },
        client: Text {
            en: "client (echo_mpclient)",
            zh: "客户端（echo_mpclient）",
        },
        server: CHILD01,
        notes: vec![
            note(
                data,
                Side::Server,
                "the child is held\nstopped (SIGSTOP)",
                "子进程被暂停\n（SIGSTOP）",
            ),
            note(data, Side::Client, "writer: one line", "写进程：一行"),
            note(
                fin,
                Side::Client,
                "EOF: shutdown(SHUT_WR)",
                "EOF：shutdown(SHUT_WR)",
            ),
            note(
                echo,
                Side::Server,
                "continued (SIGCONT):\nreads the line, echoes it",
                "继续运行（SIGCONT）：\n读到这一行并回射",
            ),
            note(
                sfin,
                Side::Server,
                "read returns 0:\nthe child exits",
                "read 返回 0：\n子进程终止",
            ),
            note(
                segs.len(),
                Side::Client,
                "reader: every byte,\nthen read returns 0",
                "读进程：每个字节都到了，\n然后 read 返回 0",
            ),
        ],
    };
    // echo_mpclient --packets printed the same connection on stderr: its
    // FIN, then the echo coming back.
    let err = c.stderr_text();
    let at = |arrow: &str| {
        err.lines()
            .position(|l| l.starts_with("  segments │") && l.contains(arrow))
    };
    let (fin, back) = (at("-FIN-ACK------>"), at("<------PSH-ACK-"));
    assert!(
        fin.is_some() && back.is_some() && fin < back,
        "echo_mpclient --packets: the client's FIN, then the echo:\n{err}"
    );
    bless_or_check("halfclose", &segs, port, &fig);
}

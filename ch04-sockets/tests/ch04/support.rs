//! Helpers shared by the ch04 tests.

use std::collections::BTreeSet;
use std::time::Duration;

use ch04_sockets::{Row, parse_table};
use common::lab::harness::Proc;
use common::lab::observer::{self, TcpSock};

/// The deadline for one program's output or exit.
pub const WAIT: Duration = common::lab::harness::DEADLINE;

/// Waits until the program (run with --pause) has finished step `n`, and
/// returns what it printed for that step alone.
pub fn step(p: &Proc, n: u32) -> String {
    step_within(p, n, WAIT)
}

/// [`step`], for a step that may take up to `timeout` (a wait for the
/// kernel's next SYN retransmit: up to 33 s).
pub fn step_within(p: &Proc, n: u32, timeout: Duration) -> String {
    let marker = format!("--- step {n} (Enter: next) ---");
    p.wait_stdout(marker.as_bytes(), timeout).unwrap();
    let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    let end = out.find(&marker).unwrap();
    let start = if n == 1 {
        0
    } else {
        let prev = format!("--- step {} (Enter: next) ---", n - 1);
        out.find(&prev).map_or(0, |i| i + prev.len())
    };
    out[start..end].to_string()
}

/// 127.0.0.1:`port`, where every server in these tests listens.
pub fn at(port: u16) -> std::net::SocketAddr {
    std::net::SocketAddr::from(([127, 0, 0, 1], port))
}

/// The value after `key` on the first line containing it, up to a space.
pub fn after<'a>(text: &'a str, key: &str) -> &'a str {
    let i = text.find(key).unwrap_or_else(|| panic!("no {key:?} in:\n{text}")) + key.len();
    text[i..].split_whitespace().next().unwrap_or("")
}

type Key = (std::net::SocketAddr, std::net::SocketAddr, String);

fn keys_of_rows(rows: &[Row]) -> BTreeSet<Key> {
    rows.iter()
        .map(|r| (r.local, r.remote, r.state.clone()))
        .collect()
}

fn keys_of_proc(socks: &[TcpSock]) -> BTreeSet<Key> {
    socks
        .iter()
        .map(|t| (t.local, t.remote, t.state.to_string()))
        .collect()
}

/// Compares the table printed in `text` with `socks` (what /proc said):
/// the same sockets in the same states, and each HELD BY entry
/// `who:name=fd` true of process `who` (from `pids`) — and complete: no
/// process in `pids` holds the socket under a descriptor not listed.
pub fn check_table(text: &str, socks: &[TcpSock], pids: &[(&str, i32)]) -> Result<(), String> {
    let rows = parse_table(text);
    let (printed, real) = (keys_of_rows(&rows), keys_of_proc(socks));
    if printed != real {
        return Err(format!("printed sockets {printed:?}\n  but /proc has {real:?}"));
    }
    for row in &rows {
        let Some(sock) = socks
            .iter()
            .find(|t| t.local == row.local && t.remote == row.remote && t.state == row.state)
        else {
            continue;
        };
        let mut want: BTreeSet<String> = BTreeSet::new();
        for &(who, pid) in pids {
            for (fd, inode) in observer::socket_fds(pid) {
                if inode == sock.inode {
                    want.insert(format!("{who}:{fd}"));
                }
            }
        }
        let got: BTreeSet<String> = row
            .held
            .iter()
            .map(|h| {
                let (who, rest) = h.split_once(':').unwrap_or((h, ""));
                let fd = rest.rsplit('=').next().unwrap_or("");
                format!("{who}:{fd}")
            })
            .collect();
        if got != want {
            return Err(format!(
                "socket {} -> {} {}: printed as held by {got:?}, /proc says {want:?}",
                row.local, row.remote, row.state
            ));
        }
    }
    Ok(())
}

/// The printed table's states, sorted.
pub fn printed_states(text: &str) -> Vec<String> {
    let mut v: Vec<String> = parse_table(text).into_iter().map(|r| r.state).collect();
    v.sort();
    v
}

/// `want` as sorted owned strings, to compare with [`printed_states`].
pub fn sorted(want: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// The `result: KEY ...` line's words after KEY.
pub fn result<'a>(out: &'a str, key: &str) -> Vec<&'a str> {
    let prefix = format!("result: {key} ");
    let line = out
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} line in:\n{out}"));
    line[prefix.len()..].split_whitespace().collect()
}

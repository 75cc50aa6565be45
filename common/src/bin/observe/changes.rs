//! What changed between two looks, one line each, as `--follow` prints
//! them and the live view lists them.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;

use common::lab::observer::TcpSock;

use crate::snapshot::{Frame, Key, ProcRow, SockRow, key, notes};

/// A row of a frame, by identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum RowKey {
    Proc(i32),
    Sock(SocketAddr, SocketAddr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    New,
    Changed,
    Gone,
}

/// One change between two frames, and its line for --follow.
pub(crate) struct Change {
    pub(crate) key: RowKey,
    pub(crate) kind: Kind,
    pub(crate) text: String,
}

pub(crate) fn conn(t: &TcpSock) -> String {
    format!("{} ↔ {}", t.local, t.remote)
}

pub(crate) fn queues(t: &TcpSock) -> String {
    let mut s = String::new();
    if t.recv_q != 0 {
        s.push_str(&format!("; Recv-Q {}", t.recv_q));
    }
    if t.send_q != 0 {
        s.push_str(&format!("; Send-Q {}", t.send_q));
    }
    s
}

pub(crate) fn proc_line(p: &ProcRow, verb: &str) -> String {
    let i = &p.row.info;
    let z = if i.is_zombie() { " <defunct>" } else { "" };
    format!("{} {} {verb}{} {}{z}", p.role, i.pid, i.state, p.row.command)
}

pub(crate) fn sock_line(r: &SockRow, verb: &str) -> String {
    format!(
        "{} {verb}{}{}; held by {}",
        conn(&r.sock),
        r.sock.state,
        queues(&r.sock),
        r.held_text()
    )
}

/// The first lines of --follow: every row as it is.
pub(crate) fn first_lines(f: &Frame) -> Vec<String> {
    let mut v: Vec<String> = f.procs.iter().map(|p| proc_line(p, "")).collect();
    v.extend(f.socks.iter().map(|r| sock_line(r, "")));
    if v.is_empty() {
        v.push("nothing yet: no process, no socket".into());
    }
    v.extend(notes(f).iter().map(|n| n.replace('\n', " ")));
    v
}

/// What changed from `a` to `b`, processes first, each in table order.
pub(crate) fn changes(a: &Frame, b: &Frame) -> Vec<Change> {
    let mut v = Vec::new();
    let old: HashMap<i32, &ProcRow> = a.procs.iter().map(|p| (p.row.info.pid, p)).collect();
    let new: HashSet<i32> = b.procs.iter().map(|p| p.row.info.pid).collect();
    for p in &b.procs {
        let i = &p.row.info;
        let key = RowKey::Proc(i.pid);
        match old.get(&i.pid) {
            None => v.push(Change {
                key,
                kind: Kind::New,
                text: proc_line(p, "new "),
            }),
            Some(o) if o.row.info.state != i.state => v.push(Change {
                key,
                kind: Kind::Changed,
                text: format!("{} {} {} → {}", p.role, i.pid, o.row.info.state, i.state),
            }),
            Some(_) => {}
        }
    }
    for o in a.procs.iter().filter(|o| !new.contains(&o.row.info.pid)) {
        let i = &o.row.info;
        let how = if i.is_zombie() { " (reaped)" } else { "" };
        v.push(Change {
            key: RowKey::Proc(i.pid),
            kind: Kind::Gone,
            text: format!("{} {} {} → gone{how}", o.role, i.pid, i.state),
        });
    }

    let old: HashMap<Key, &SockRow> = a.socks.iter().map(|r| (key(&r.sock), r)).collect();
    let new: HashSet<Key> = b.socks.iter().map(|r| key(&r.sock)).collect();
    for r in &b.socks {
        let (t, k) = (&r.sock, key(&r.sock));
        let rk = RowKey::Sock(k.0, k.1);
        let Some(o) = old.get(&k) else {
            v.push(Change {
                key: rk,
                kind: Kind::New,
                text: sock_line(r, "new "),
            });
            continue;
        };
        let mut parts = Vec::new();
        if o.sock.state != t.state {
            parts.push(format!("{} → {}", o.sock.state, t.state));
        }
        if o.sock.recv_q != t.recv_q {
            parts.push(format!("Recv-Q {} → {}", o.sock.recv_q, t.recv_q));
        }
        if o.sock.send_q != t.send_q {
            parts.push(format!("Send-Q {} → {}", o.sock.send_q, t.send_q));
        }
        // Holders by pid and fd: a client's name is gone once it has exited.
        let pid_fd = |r: &SockRow| r.owners.iter().map(|&(p, f, _)| (p, f)).collect::<Vec<_>>();
        if pid_fd(o) != pid_fd(r) || o.held().is_empty() != r.held().is_empty() {
            parts.push(format!("held by {} → {}", o.held_text(), r.held_text()));
        }
        if !parts.is_empty() {
            v.push(Change {
                key: rk,
                kind: Kind::Changed,
                text: format!("{} {}", conn(t), parts.join("; ")),
            });
        }
    }
    for o in a.socks.iter().filter(|o| !new.contains(&key(&o.sock))) {
        let k = key(&o.sock);
        v.push(Change {
            key: RowKey::Sock(k.0, k.1),
            kind: Kind::Gone,
            text: format!("{} {} → gone", conn(&o.sock), o.sock.state),
        });
    }
    v
}

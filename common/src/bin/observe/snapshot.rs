//! One look at /proc: the rows it found (processes, sockets and who holds
//! them), the notes on rows it could not place, and the two tables that
//! `--once` prints.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::SystemTime;

use common::lab::observer::{self, TcpSock, TreeRow, Unreadable};

/// A connection's identity: (local, remote).
pub(crate) type Key = (SocketAddr, SocketAddr);

pub(crate) fn key(t: &TcpSock) -> Key {
    (t.local, t.remote)
}

/// One process of the tree, with what the lab calls it.
#[derive(Debug, Clone)]
pub(crate) struct ProcRow {
    /// "server", "child", "grandchild", or "process" (a root that listens on nothing).
    pub(crate) role: &'static str,
    pub(crate) row: TreeRow,
}

/// One socket and who holds it.
#[derive(Debug, Clone)]
pub(crate) struct SockRow {
    pub(crate) sock: TcpSock,
    /// (pid, fd, the command name when the pid is outside the tree: a client).
    pub(crate) owners: Vec<(i32, i32, Option<String>)>,
}

impl SockRow {
    /// The HELD BY column: empty for "(kernel only)".
    pub(crate) fn held(&self) -> Vec<String> {
        if self.owners.is_empty() && self.sock.inode != 0 {
            // Held, but by no process we may read: another user's, or one
            // that closed it between the two reads.
            return vec!["?".into()];
        }
        self.owners
            .iter()
            .map(|(pid, fd, name)| match name {
                Some(n) => format!("pid {pid}/fd {fd} {n}"),
                None => format!("pid {pid}/fd {fd}"),
            })
            .collect()
    }

    pub(crate) fn held_text(&self) -> String {
        let h = self.held();
        if h.is_empty() {
            "(kernel only)".into()
        } else {
            h.join(" + ")
        }
    }
}

/// What /proc said at one moment.
pub(crate) struct Frame {
    /// When the look ended.
    pub(crate) at: SystemTime,
    pub(crate) procs: Vec<ProcRow>,
    pub(crate) socks: Vec<SockRow>,
    /// Rows on the port left out: connections that ended before this
    /// server started (observer::predates).
    pub(crate) older: usize,
    /// Processes of the tree whose /proc/PID/fd this user may not read.
    pub(crate) hidden_fds: Vec<Unreadable>,
}

/// What a frame says under its socket table about rows it could not place:
/// another user's processes, and a reused port's older rows; one paragraph
/// each, its lines broken for a terminal (--follow joins them).
pub(crate) fn notes(f: &Frame) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(u) = f.hidden_fds.first() {
        let me = nix::unistd::Uid::effective();
        let me = nix::unistd::User::from_uid(me)
            .ok()
            .flatten()
            .map_or(format!("uid {me}"), |u| format!("{}, uid {me}", u.name));
        let pids: Vec<String> = f.hidden_fds.iter().map(|u| u.pid.to_string()).collect();
        v.push(format!(
            "cannot see the descriptors of pid {} ({}): /proc/{}/fd: {}.\n\
             The kernel shows a process's fds only to its own user and root, so no\n\
             socket can be tied to it; you are {me}. Run observe as that user (or\n\
             root), or give --port to list the port's sockets without their holders.",
            pids.join(", "),
            u.owner,
            u.pid,
            u.why
        ));
    } else if f.socks.iter().any(|r| r.held() == ["?"]) {
        v.push(
            "? = held by a process whose descriptors you cannot read: another user's\n\
             (the kernel shows /proc/PID/fd only to its own user and root)."
                .into(),
        );
    }
    if f.older > 0 {
        v.push(format!(
            "{} older row{} on this port not shown: TIME_WAIT of connections that ended\n\
             before this server started (a reused port; /proc/net/tcp's timer dates them).",
            f.older,
            if f.older == 1 { "" } else { "s" }
        ));
    }
    v
}

/// `HH:MM:SS.mmm`, UTC, as the lab's log lines write the time.
pub(crate) fn clock(t: SystemTime) -> String {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let s = d.as_secs() % 86_400;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        d.subsec_millis()
    )
}

/// The two tables of one frame, as `--once` prints them, and its notes.
pub(crate) fn snapshot(f: &Frame) -> String {
    let notes: String = notes(f).iter().map(|n| format!("{n}\n")).collect();
    let socks = if f.socks.is_empty() && !f.hidden_fds.is_empty() {
        String::new() // the note says why there is nothing to show
    } else {
        sock_table(&f.socks, None)
    };
    let sep = if notes.is_empty() || socks.is_empty() {
        ""
    } else {
        "\n"
    };
    format!("{}\n{socks}{sep}{notes}", proc_table(&f.procs, None))
}

/// The process table; with `marks`, each line starts with a marker column.
pub(crate) fn proc_table(rows: &[ProcRow], marks: Option<&dyn Fn(usize) -> &'static str>) -> String {
    if rows.is_empty() && marks.is_none() {
        return "(no process to show)\n".into();
    }
    let tree: Vec<TreeRow> = rows.iter().map(|r| r.row.clone()).collect();
    with_marks(&observer::format_tree(&tree), marks)
}

/// The socket table (observer's format, HELD BY filled in).
pub(crate) fn sock_table(rows: &[SockRow], marks: Option<&dyn Fn(usize) -> &'static str>) -> String {
    if rows.is_empty() && marks.is_none() {
        return "(no TCP socket to show)\n".into();
    }
    let held: HashMap<Key, Vec<String>> = rows.iter().map(|r| (key(&r.sock), r.held())).collect();
    let held_by = |t: &TcpSock| held.get(&key(t)).cloned().unwrap_or_default();
    let socks: Vec<TcpSock> = rows.iter().map(|r| r.sock.clone()).collect();
    with_marks(&observer::format_sockets_by(&socks, 0, Some(&held_by)), marks)
}

/// Prefixes each row of a table (not its header) with `marks(row index)`.
pub(crate) fn with_marks(table: &str, marks: Option<&dyn Fn(usize) -> &'static str>) -> String {
    let Some(marks) = marks else {
        return table.to_string();
    };
    let mut s = String::new();
    for (i, line) in table.lines().enumerate() {
        let m = if i == 0 { "  " } else { marks(i - 1) };
        s.push_str(m);
        s.push_str(line);
        s.push('\n');
    }
    s
}

//! What is watched (a port, a pid, the tree grown from it) and one look at
//! /proc that turns it into a [`Frame`].

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Duration, SystemTime};

use common::lab::observer::{self, TcpSock};

use crate::snapshot::{Frame, Key, ProcRow, SockRow, clock, key};

/// What is being watched, and what earlier looks taught about it.
pub(crate) struct Watch {
    pub(crate) pid: Option<i32>,
    /// The ports watched: --port, and every port the tree has listened on.
    pub(crate) ports: BTreeSet<u16>,
    /// Every pid seen in the tree, kept while it lives (an orphan stays).
    pub(crate) members: BTreeSet<i32>,
    pub(crate) roles: HashMap<i32, &'static str>,
    /// Connections the tree held once, kept while they exist.
    pub(crate) held: HashSet<Key>,
    /// When the server started (time since boot): rows of connections
    /// that ended before are not its own. Kept after the server is gone.
    pub(crate) since: Option<Duration>,
}

impl Watch {
    pub(crate) fn new(pid: Option<i32>, port: Option<u16>) -> Watch {
        Watch {
            pid,
            ports: port.into_iter().collect(),
            members: pid.into_iter().collect(),
            roles: HashMap::new(),
            held: HashSet::new(),
            since: None,
        }
    }

    pub(crate) fn title(&self, f: &Frame) -> String {
        let ports: Vec<String> = self.ports.iter().map(u16::to_string).collect();
        let what = match (self.pid, ports.len()) {
            (None, _) => format!("port {}", ports.join(", ")),
            (Some(pid), 0) => format!("pid {pid}"),
            (Some(pid), 1) => format!("pid {pid}, port {}", ports[0]),
            (Some(pid), _) => format!("pid {pid}, ports {}", ports.join(", ")),
        };
        format!("observe: {what} at {} UTC\n", clock(f.at))
    }

    /// One look at /proc: the processes, the sockets, who holds what.
    pub(crate) fn look(&mut self) -> Frame {
        // Sockets first, then their holders, then the processes: a socket
        // accepted and handed to a new child between two reads is then
        // seen with its holder, and the holder in the tree. A server in
        // another network namespace (a netns demo) is seen in its own.
        // Holders first (inode → pid/fd); then the sockets, picked by port
        // and by the inodes the tree holds; holders again if a socket came
        // between the two reads (accepted, handed to a new child); the
        // processes last, so that every holder is in the process list. A
        // server in another network namespace (a netns demo) is read there.
        let mut owners = observer::socket_owners();
        let tree_inodes: HashSet<u64> = owners
            .iter()
            .filter(|(_, v)| v.iter().any(|(pid, _)| self.members.contains(pid)))
            .map(|(&inode, _)| inode)
            .collect();
        let mut pick: Vec<u16> = self.ports.iter().copied().collect();
        pick.extend(self.held.iter().map(|k| k.0.port()));
        let netns = self.pid.filter(|&p| observer::process(p).is_some());
        let mut socks = observer::tcp_matching(netns, &pick, &tree_inodes);
        // A listener of the tree on a port not watched yet (--pid's first
        // look): watch its port too, and pick again.
        let more: Vec<u16> = socks
            .iter()
            .filter(|t| t.state == "LISTEN" && tree_inodes.contains(&t.inode))
            .map(|t| t.local.port())
            .filter(|p| !pick.contains(p))
            .collect();
        if !more.is_empty() {
            pick.extend(more);
            socks = observer::tcp_matching(netns, &pick, &tree_inodes);
        }
        if socks
            .iter()
            .any(|t| t.inode != 0 && !owners.contains_key(&t.inode))
        {
            owners = observer::socket_owners();
        }
        let all = observer::all_processes();
        let alive = |pid: i32| all.binary_search_by_key(&pid, |p| p.pid).is_ok();
        let held_by = |t: &TcpSock| -> &[(i32, i32)] {
            match t.inode {
                0 => &[],
                i => owners.get(&i).map_or(&[], Vec::as_slice),
            }
        };

        // The server: --pid, or whoever holds a socket on a watched port.
        let mut candidates: BTreeSet<i32> = self.members.iter().copied().filter(|&p| alive(p)).collect();
        if self.pid.is_none() {
            for t in socks.iter().filter(|t| self.ports.contains(&t.local.port())) {
                candidates.extend(held_by(t).iter().map(|&(pid, _)| pid));
            }
        }
        let ppid: HashMap<i32, i32> = all.iter().map(|p| (p.pid, p.ppid)).collect();
        let roots: Vec<i32> = candidates
            .iter()
            .copied()
            .filter(|&c| !observer::has_ancestor_in(c, &candidates, &ppid))
            .collect();
        let tree = observer::tree(&all, &roots);
        let in_tree: HashSet<i32> = tree.iter().map(|r| r.info.pid).collect();
        // The server's start: the earliest of the roots (the fewest rows
        // are then judged older than it).
        if let Some(t) = roots.iter().filter_map(|&r| observer::started(r)).min() {
            self.since = Some(t);
        }
        let hidden_fds: Vec<observer::Unreadable> = tree
            .iter()
            .filter_map(|r| observer::unreadable(r.info.pid))
            .collect();
        self.members = in_tree.iter().copied().collect();
        self.roles.retain(|pid, _| in_tree.contains(pid));

        let listening: HashSet<i32> = socks
            .iter()
            .filter(|t| t.state == "LISTEN")
            .flat_map(|t| held_by(t).iter().map(|&(pid, _)| pid))
            .filter(|pid| in_tree.contains(pid))
            .collect();
        for t in socks.iter().filter(|t| t.state == "LISTEN") {
            if held_by(t).iter().any(|(pid, _)| in_tree.contains(pid)) {
                self.ports.insert(t.local.port());
            }
        }

        let procs: Vec<ProcRow> = tree
            .into_iter()
            .map(|row| {
                let pid = row.info.pid;
                let role = match (row.depth, self.roles.get(&pid)) {
                    (_, Some(&r)) if r == "child" || r == "grandchild" => r,
                    (0, _) if listening.contains(&pid) => "server",
                    (0, _) => "process",
                    (1, _) => "child",
                    _ => "grandchild",
                };
                self.roles.insert(pid, role);
                ProcRow { role, row }
            })
            .collect();

        let tree_holds = |t: &TcpSock| held_by(t).iter().any(|(pid, _)| in_tree.contains(pid));
        let comm = |pid: i32| all.iter().find(|p| p.pid == pid).map(|p| p.comm.clone());
        let mut held = HashSet::new();
        let mut rows = Vec::new();
        let mut older = 0;
        for t in socks {
            let on_port = self.ports.contains(&t.local.port()) || self.ports.contains(&t.remote.port());
            let ours = tree_holds(&t) || self.held.contains(&key(&t));
            if ours {
                held.insert(key(&t));
            }
            if on_port && !ours && self.since.is_some_and(|s| observer::predates(&t, s)) {
                older += 1; // a reused port's leftover: not this server's
                continue;
            }
            if on_port || ours {
                let owners = held_by(&t)
                    .iter()
                    .map(|&(pid, fd)| (pid, fd, (!in_tree.contains(&pid)).then(|| comm(pid)).flatten()))
                    .collect();
                rows.push(SockRow { sock: t, owners });
            }
        }
        self.held = held;
        Frame {
            // Stamped when the look is over: every state it read was true
            // by then, so a segment that caused one is dated earlier
            // (--packets prints it first).
            at: SystemTime::now(),
            procs,
            socks: rows,
            older,
            hidden_fds,
        }
    }
}

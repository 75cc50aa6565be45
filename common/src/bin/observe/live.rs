//! The live view: a frame redrawn in place, rows that changed marked and
//! coloured, rows that are gone kept (struck) for a moment.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use crate::changes::{Change, Kind, RowKey};
use crate::packets::{Rung, in_order};
use crate::snapshot::{Frame, Key, ProcRow, SockRow, key, notes, proc_table, sock_table};

/// How long a live frame keeps a change highlighted (and a row that is
/// gone, struck): one frame of 0.2 s is too short for an eye.
pub(crate) const HOLD: Duration = Duration::from_secs(1);

/// How many recent changes a live frame lists under the tables (twice as
/// many lines with --packets: the segments come between them).
pub(crate) const RECENT: usize = 8;

/// How many TIME_WAIT rows that did not just change a live frame shows.
pub(crate) const MAX_TIME_WAIT: usize = 8;

/// What the live view remembers between frames: recent changes and rows
/// that are gone but still shown, struck, for [`HOLD`].
#[derive(Default)]
pub(crate) struct Live {
    pub(crate) marks: HashMap<RowKey, (Instant, Kind)>,
    pub(crate) gone_procs: Vec<(Instant, ProcRow)>,
    pub(crate) gone_socks: Vec<(Instant, SockRow)>,
    pub(crate) recent: VecDeque<String>,
    /// --packets: segments are listed with the changes.
    pub(crate) packets: bool,
}

impl Live {
    /// Remembers a look's changes, and the segments that came with it
    /// (--packets), in time order.
    pub(crate) fn note(&mut self, cur: &Frame, prev: Option<&Frame>, news: Vec<Change>, rungs: Vec<Rung>) {
        let now = Instant::now();
        let texts: Vec<String> = news.iter().map(|c| c.text.clone()).collect();
        for c in news {
            if let Some(p) = prev.filter(|_| c.kind == Kind::Gone) {
                match c.key {
                    RowKey::Proc(pid) => self.gone_procs.extend(
                        p.procs
                            .iter()
                            .filter(|r| r.row.info.pid == pid)
                            .map(|r| (now, r.clone())),
                    ),
                    RowKey::Sock(l, r) => self.gone_socks.extend(
                        p.socks
                            .iter()
                            .filter(|s| key(&s.sock) == (l, r))
                            .map(|s| (now, s.clone())),
                    ),
                }
            }
            self.marks.insert(c.key, (now, c.kind));
        }
        self.recent.extend(in_order(rungs, cur.at, &texts));
        let keep = if self.packets { 2 * RECENT } else { RECENT };
        while self.recent.len() > keep {
            self.recent.pop_front();
        }
        let fresh = |t: &Instant| now.duration_since(*t) < HOLD;
        self.marks.retain(|_, (t, _)| fresh(t));
        // A row that came back (a pid reused, a port reused) is no ghost.
        let pids: HashSet<i32> = cur.procs.iter().map(|p| p.row.info.pid).collect();
        let keys: HashSet<Key> = cur.socks.iter().map(|r| key(&r.sock)).collect();
        self.gone_procs
            .retain(|(t, r)| fresh(t) && !pids.contains(&r.row.info.pid));
        self.gone_socks
            .retain(|(t, r)| fresh(t) && !keys.contains(&key(&r.sock)));
    }

    pub(crate) fn render(&self, title: &str, f: &Frame, interval: u64, color: bool) -> String {
        let mark = |k: RowKey| -> &'static str {
            match self.marks.get(&k) {
                Some((_, Kind::New)) => "+ ",
                Some((_, Kind::Changed)) => "* ",
                Some((_, Kind::Gone)) => "- ",
                None => "  ",
            }
        };
        let mut procs: Vec<ProcRow> = f.procs.clone();
        procs.extend(self.gone_procs.iter().map(|(_, r)| r.clone()));
        // After a benchmark a port has thousands of TIME_WAIT rows: a live
        // frame keeps the ones that just changed and a few more, so that it
        // still fits a terminal (--once and --follow list every row).
        let mut hidden = 0;
        let mut shown_tw = 0;
        let mut socks: Vec<SockRow> = Vec::new();
        for r in &f.socks {
            let k = key(&r.sock);
            if r.sock.state == "TIME_WAIT" && !self.marks.contains_key(&RowKey::Sock(k.0, k.1)) {
                shown_tw += 1;
                if shown_tw > MAX_TIME_WAIT {
                    hidden += 1;
                    continue;
                }
            }
            socks.push(r.clone());
        }
        let n_live_socks = socks.len();
        socks.extend(self.gone_socks.iter().map(|(_, r)| r.clone()));
        let n_live_procs = f.procs.len();
        let pmark = |i: usize| {
            if i >= n_live_procs {
                "- "
            } else {
                mark(RowKey::Proc(procs[i].row.info.pid))
            }
        };
        let smark = |i: usize| {
            if i >= n_live_socks {
                "- "
            } else {
                let k = key(&socks[i].sock);
                mark(RowKey::Sock(k.0, k.1))
            }
        };
        let mut s = format!(
            "{}  every {interval} ms; Ctrl-C quits; + new, * changed, - gone\n\n",
            title.trim_end()
        );
        s.push_str(&proc_table(&procs, Some(&pmark)));
        if procs.is_empty() {
            s.push_str("  (no process to show)\n");
        }
        s.push('\n');
        s.push_str(&sock_table(&socks, Some(&smark)));
        if socks.is_empty() && f.hidden_fds.is_empty() {
            s.push_str("  (no TCP socket to show)\n");
        }
        if hidden > 0 {
            s.push_str(&format!(
                "  … and {hidden} more in TIME_WAIT (--once lists them all)\n"
            ));
        }
        for l in notes(f).iter().flat_map(|n| n.lines()) {
            s.push_str("  ");
            s.push_str(l);
            s.push('\n');
        }
        s.push_str("\nrecent changes:\n");
        for l in &self.recent {
            s.push_str("  ");
            s.push_str(l);
            s.push('\n');
        }
        if color { paint(&s) } else { s }
    }
}

/// Colours the marked rows of a frame: green new, bold yellow changed, red
/// and struck gone. Plain ANSI, no terminal library.
pub(crate) fn paint(frame: &str) -> String {
    let mut s = String::new();
    for line in frame.lines() {
        let sgr = match line.get(..2) {
            Some("+ ") => "\x1b[32m",
            Some("* ") => "\x1b[1;33m",
            Some("- ") => "\x1b[31;9m",
            _ => "",
        };
        if sgr.is_empty() {
            s.push_str(line);
        } else {
            s.push_str(sgr);
            s.push_str(line);
            s.push_str("\x1b[0m");
        }
        s.push('\n');
    }
    s
}

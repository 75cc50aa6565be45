//! Printing what the kernel says, step by step, for the guided demos.

use common::lab::harness::Proc;
use common::lab::observer;
use common::tr_println;

/// Prints a numbered heading: `title` in the current language (when it was
/// marked with `n_` where it is written).
pub fn step(title: &str) {
    println!("\n== {}", common::lang::tr_any(title));
}

/// Prints the processes (each of `pids` and its children, zombies marked)
/// and every TCP socket of `port` with the pid holding it — the server's
/// own: `pids[0]` is the server, and rows of connections that ended before
/// it started (a reused port's TIME_WAITs) are left out
/// ([`observer::server_sockets`]).
pub fn show(pids: &[i32], port: u16) {
    let mut rows = Vec::new();
    for &pid in pids {
        rows.extend(observer::process(pid));
        rows.extend(observer::children(pid));
    }
    rows.dedup_by_key(|p| p.pid);
    let mut holders: Vec<i32> = rows.iter().map(|p| p.pid).collect();
    holders.sort_unstable();
    holders.dedup();
    print!("{}", observer::format_processes(&rows));
    print!(
        "{}",
        observer::format_sockets(&observer::server_sockets(port, pids[0]), &holders)
    );
}

/// Prints the stderr lines `p` wrote since the last call (`seen` counts the
/// lines already printed), indented, prefixed with the program's name.
pub fn new_log_lines(p: &Proc, seen: &mut usize) {
    let text = p.stderr_text();
    let lines: Vec<&str> = text.lines().collect();
    for l in lines.iter().skip(*seen) {
        tr_println!("  {name} stderr │ {l}", name = p.name(), l);
    }
    *seen = lines.len();
}

/// `--packets` / `--pcap FILE` of a guided demo: the port's TCP segments,
/// captured on loopback (common::lab::packets, needs CAP_NET_RAW) and
/// printed as a ladder after each step, or saved for tcpdump / Wireshark.
pub struct Segments {
    cap: Option<common::lab::packets::Capture>,
    port: u16,
    shown: usize,
    print: bool,
}

impl Segments {
    /// Starts a capture if `print` or `pcap` asks for one; says visibly why
    /// not (and goes on without it) when this process may not capture.
    pub fn start(print: bool, pcap: bool) -> Segments {
        let cap = if print || pcap {
            match common::lab::packets::Capture::start() {
                Ok(c) => Some(c),
                Err(e) => {
                    tr_println!("(no segments: {why})", why = common::lab::packets::why_not(&e));
                    None
                }
            }
        } else {
            None
        };
        Segments {
            cap,
            port: 0,
            shown: 0,
            print,
        }
    }

    /// Keeps only `port`'s segments from now on.
    pub fn watch(&mut self, port: u16) {
        self.port = port;
        if let Some(c) = &self.cap {
            c.watch(port);
        }
    }

    /// Waits (with a deadline) until the segments so far satisfy `done`
    /// (the capture thread may lag behind /proc), then prints the new ones
    /// as ladder lines.
    pub fn show(&mut self, done: impl FnMut(&[common::lab::packets::Segment]) -> bool) {
        let (Some(c), true) = (&self.cap, self.print) else {
            return;
        };
        let all = c
            .wait_for(
                self.port,
                common::lab::harness::DEADLINE,
                "the step's segments",
                done,
            )
            .unwrap_or_else(|_| c.segments(self.port));
        let text = common::lab::packets::ladder(&all, self.port);
        let mut lines = text.lines();
        let head = lines.next().unwrap_or("");
        if self.shown == 0 {
            tr_println!("  segments │ {head}", head);
        }
        for l in lines.skip(self.shown) {
            tr_println!("  segments │ {l}", l);
        }
        self.shown = all.len();
    }

    /// Writes the capture to `path` as a pcap file (tcpdump -r, Wireshark).
    pub fn save(&self, path: &std::path::Path) -> anyhow::Result<()> {
        use anyhow::Context;
        let Some(c) = &self.cap else { return Ok(()) };
        let f = std::fs::File::create(path).with_context(|| format!("create {}", path.display()))?;
        common::lab::packets::write_pcap(std::io::BufWriter::new(f), &c.frames())?;
        tr_println!(
            "{n} segments written to {p} (read it: tcpdump -nn -r {p})",
            n = c.segments(self.port).len(),
            p = path.display()
        );
        Ok(())
    }
}

//! `--packets` and `--pcap`: the TCP segments of the watched ports, read
//! from an AF_PACKET capture of `lo` (common::lab::packets), drawn as
//! ladder lines in time order with the changes, and written as pcap.
//!
//! Order: a look is stamped when it ends ([`Frame::at`]); before its lines
//! are printed, the capture is asked to catch up to that moment (every
//! frame the kernel handed it before has been read). A segment reaches a
//! packet socket before TCP processes it, so the FIN that made a
//! CLOSE_WAIT is dated before the look that saw CLOSE_WAIT, and printed
//! first. Times are the kernel's (SO_TIMESTAMPNS), not the reader's.
//!
//! [`Frame::at`]: crate::snapshot::Frame

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, bail};
use common::lab::packets::{self, Capture, Ladder, Segment};

use crate::snapshot::clock;
use crate::watch::Watch;

/// How long a look waits for the capture to catch up before printing
/// anyway: a capture thread starved on a busy machine must not stop the
/// view (its lines may then come a look late).
const CATCH_UP: Duration = Duration::from_secs(1);

/// A running capture and where its segments go.
pub(crate) struct Segments {
    cap: Capture,
    /// Print ladder lines (`--packets`); without it only `--pcap` writes.
    print: bool,
    pcap: Option<(PathBuf, BufWriter<File>)>,
    rungs: Ladder,
    /// The port handed to the capture's own filter, once one is known.
    filtered: Option<u16>,
}

/// One ladder line and the segment's time.
pub(crate) struct Rung {
    pub(crate) time: SystemTime,
    pub(crate) text: String,
}

impl Segments {
    /// Starts a capture if `--packets` or `--pcap` asks for one. Without
    /// CAP_NET_RAW it is an error that says what is missing: the segments
    /// were asked for, and a view without them would pass for one with
    /// none.
    pub(crate) fn start(print: bool, pcap: Option<&Path>) -> anyhow::Result<Option<Segments>> {
        if !print && pcap.is_none() {
            return Ok(None);
        }
        let flag = if print { "--packets" } else { "--pcap" };
        let cap = match Capture::start() {
            Ok(c) => c,
            Err(e) => bail!("{flag}: {}", packets::why_not(&e)),
        };
        let pcap = match pcap {
            None => None,
            Some(p) => {
                let f = File::create(p).with_context(|| format!("--pcap: create {}", p.display()))?;
                let mut w = BufWriter::new(f);
                packets::write_pcap_header(&mut w)
                    .and_then(|()| w.flush())
                    .with_context(|| format!("--pcap: write {}", p.display()))?;
                Some((p.to_path_buf(), w))
            }
        };
        Ok(Some(Segments {
            cap,
            print,
            pcap,
            rungs: Ladder::default(),
            filtered: None,
        }))
    }

    /// The first line of the ladder: its column heads, over the columns of
    /// [`Ladder::line`] (client 21 wide, the arrow 15, server 21).
    pub(crate) fn header(&self) -> Option<String> {
        self.print
            .then(|| format!("{:<37} {:<21} seq ack len", "segments: client", "server"))
    }

    /// The segments of what `watch` watches, up to the end of the look at
    /// `until` (and any that came since), as ladder lines; each also
    /// written to the pcap file, which is flushed before the lines are
    /// printed.
    pub(crate) fn take(&mut self, until: SystemTime, watch: &Watch) -> anyhow::Result<Vec<Rung>> {
        if self.filtered.is_none() && watch.ports.len() == 1 {
            // One port: let the capture keep whole frames of it only.
            let p = *watch.ports.first().unwrap_or(&0);
            self.cap.watch(p);
            self.filtered = Some(p);
        }
        self.cap.caught_up_to(until, CATCH_UP);
        let mut frames = self.cap.drain();
        frames.retain(|f| packets::parse(f).is_some_and(|s| ours(&s, watch)));
        if let Some((path, w)) = &mut self.pcap {
            packets::write_pcap_records(&mut *w, &frames)
                .and_then(|()| w.flush())
                .with_context(|| format!("--pcap: write {}", path.display()))?;
        }
        if !self.print {
            return Ok(Vec::new());
        }
        Ok(frames
            .iter()
            .filter_map(packets::parse)
            .map(|s| Rung {
                time: s.time,
                text: self.rungs.line(&s, to_server(&s, watch)),
            })
            .collect())
    }
}

/// Is `s` on a watched port, or on a connection the tree holds?
fn ours(s: &Segment, w: &Watch) -> bool {
    w.ports.contains(&s.src.port())
        || w.ports.contains(&s.dst.port())
        || w.held.contains(&(s.src, s.dst))
        || w.held.contains(&(s.dst, s.src))
}

/// Does `s` go from the client (left column) to the server (right)? The
/// server is the end on a watched port; on a connection the tree made
/// itself, the end with the lower port (an ephemeral port is high).
fn to_server(s: &Segment, w: &Watch) -> bool {
    match (w.ports.contains(&s.src.port()), w.ports.contains(&s.dst.port())) {
        (false, true) => true,
        (true, false) => false,
        _ => s.dst.port() < s.src.port(),
    }
}

/// `rungs` and `changes` (all read at `at`) as one list of `HH:MM:SS.mmm
/// text` lines in time order: the segments up to `at` first, then the
/// changes, then segments that came after the look.
pub(crate) fn in_order(rungs: Vec<Rung>, at: SystemTime, changes: &[String]) -> Vec<String> {
    let (before, after): (Vec<Rung>, Vec<Rung>) = rungs.into_iter().partition(|r| r.time <= at);
    let line = |r: &Rung| format!("{} {}", clock(r.time), r.text);
    let stamp = clock(at);
    before
        .iter()
        .map(line)
        .chain(changes.iter().map(|c| format!("{stamp} {c}")))
        .chain(after.iter().map(line))
        .collect()
}

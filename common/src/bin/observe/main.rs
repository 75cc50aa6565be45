//! The third terminal — a server's processes and its TCP sockets, side by
//! side, read from /proc every 0.2 s: what the book shows with `ps` and
//! `netstat -a` typed by hand (UNP §5.6–5.7, 5.9–5.10), with what changed
//! since the last look highlighted.
//!
//! Run:        cargo run -p common --bin observe -- --port 9877
//!             cargo run -p common --bin observe -- --pid <server pid>
//! Beside:     terminal 1: cargo run -p ch05-echo --bin tcpserv01
//!             terminal 2: cargo run -p ch05-echo --bin tcpcli01 -- 127.0.0.1
//!             terminal 3: this program
//! Observe:    the server's process tree (PID, PPID, state; zombies marked
//!             `<defunct> ← zombie`) and every TCP socket of its port: local
//!             and remote address, state (TIME_WAIT, the book's names),
//!             Recv-Q, Send-Q and the pid/fd holding it. Sockets no process
//!             holds stay listed, "(kernel only)": TIME_WAIT, a zombie's last
//!             connection, one still waiting in the accept queue.
//! Modes:      live (the default) redraws the terminal, changes highlighted;
//!             --once prints one snapshot, for scripts and tests;
//!             --follow prints one timestamped line (UTC) per change, e.g.
//!             `12:00:01.234 child 4242 S → Z` — to paste into a report.
//! Works for any program, the book's C servers too, IPv4 and IPv6, as an
//! ordinary user: /proc/net/tcp is readable by anyone; HELD BY needs
//! /proc/PID/fd, so a socket of another user's process shows "?", and a
//! line under the table says why.
//! Only the server's own rows: a TIME_WAIT whose wait began before the
//! server started (a reused port; /proc/net/tcp's timer dates it) is left
//! out and counted under the table (observer::predates).
//! Ends at once when stdout's reader goes away (`--follow | head -1`), with
//! status 0; any other failed write (`> /dev/full`) exits 1.
//! With --port, the server is whoever holds a socket on that local port, and
//! everything it forked; with --pid, that process and its descendants, and
//! the ports it listens on. A child orphaned by its server's death stays.
//! Segments:   --packets adds the port's TCP segments, one ladder line each
//!             (time, client ─FLAGS→ server, relative seq and ack, payload
//!             length), in time order with the changes: the client's FIN
//!             comes before the CLOSE_WAIT it causes. --pcap FILE writes them
//!             for `tcpdump -r FILE` or Wireshark. Both need CAP_NET_RAW
//!             (root, or a private network namespace: `unshare -rn`); without
//!             it observe says so and exits 1.
//!
//! The parts, each in its file: [`watch`] looks at /proc and keeps what
//! earlier looks taught; [`snapshot`] is one look and its tables (`--once`);
//! [`changes`] what moved between two looks (`--follow`); [`live`] the
//! redrawn view; [`packets`] the segments (`--packets`, `--pcap`); [`out`]
//! stdout and its reader going away.

mod changes;
mod live;
mod out;
mod packets;
mod snapshot;
#[cfg(test)]
mod tests;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Parser;
use common::SERV_PORT;
use common::lab::observer;

use changes::{changes, first_lines};
use live::Live;
use out::{Out, stdout_closed, written};
use packets::{Segments, in_order};
use snapshot::{Frame, snapshot};
use watch::Watch;

/// The lab's third terminal: a server's process tree and the TCP sockets of
/// its port, side by side, refreshed every 0.2 s, changes highlighted
/// (UNP §5.6–5.7's `ps` and `netstat -a`, read from /proc).
///
/// Beside a server:
///   terminal 1: cargo run -p ch05-echo --bin tcpserv01
///   terminal 2: cargo run -p ch05-echo --bin tcpcli01 -- 127.0.0.1
///   terminal 3: cargo run -p common --bin observe -- --port 9877
/// or, for a server you know by pid (a C server too): observe --pid PID.
/// --follow writes lines such as
///   12:00:01.234 child 4242 S → Z
///   12:00:01.234 127.0.0.1:9877 ↔ 127.0.0.1:51234 ESTABLISHED → CLOSE_WAIT
/// and with --packets (root, or inside `unshare -rn`) the segments too:
///   12:00:01.230 127.0.0.1:51234       -FIN-ACK------> 127.0.0.1:9877        7 7 0
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// The server's port (9877, SERV_PORT, unless --pid is given).
    #[arg(short, long, value_parser = clap::value_parser!(u16).range(1..))]
    port: Option<u16>,

    /// Watch this process, its descendants and the ports it listens on.
    #[arg(long, value_parser = clap::value_parser!(i32).range(1..))]
    pid: Option<i32>,

    /// Print one snapshot and exit.
    #[arg(long, conflicts_with = "follow")]
    once: bool,

    /// Print one timestamped line per change instead of redrawing.
    #[arg(long)]
    follow: bool,

    /// Also print the port's TCP segments, in time order with the changes (CAP_NET_RAW).
    #[arg(long, conflicts_with = "once")]
    packets: bool,

    /// Write the port's TCP segments to FILE as pcap (tcpdump -r FILE).
    #[arg(long, value_name = "FILE", conflicts_with = "once")]
    pcap: Option<PathBuf>,

    /// Milliseconds between two looks at /proc.
    #[arg(long, value_name = "MS", default_value_t = 200,
          value_parser = clap::value_parser!(u64).range(10..=60_000))]
    interval: u64,
}

fn main() -> ExitCode {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    common::log::init(env!("CARGO_BIN_NAME"), 0, false);
    common::exit_code(run(args))
}

fn run(args: Args) -> anyhow::Result<()> {
    if let Some(pid) = args.pid.filter(|&p| observer::process(p).is_none()) {
        bail!("no process with pid {pid} (ps -e lists the pids; a server prints its own in its log lines)");
    }
    let mut watch = Watch::new(args.pid, args.port.or(args.pid.is_none().then_some(SERV_PORT)));
    let tick = Duration::from_millis(args.interval);
    let mut out = Out::new(!args.once && !args.follow);
    let mut segs = Segments::start(args.packets, args.pcap.as_deref())?;
    let mut live = Live {
        packets: args.packets,
        ..Live::default()
    };
    let mut prev: Option<Frame> = None;
    let mut next = Instant::now();
    if !args.once {
        // A look can take a while on a busy machine (/proc/net/tcp with
        // tens of thousands of rows, a niced process): a thread waits on
        // stdout meanwhile, so a reader that goes away ends observe at once,
        // not after the look.
        std::thread::spawn(|| {
            loop {
                match stdout_closed(Duration::from_secs(24 * 3600 * 365)) {
                    Ok(true) => std::process::exit(0),
                    Ok(false) => {} // a signal: wait on
                    Err(_) => return,
                }
            }
        });
    }
    if let Some(h) = segs.as_ref().and_then(Segments::header).filter(|_| args.follow) {
        // The ladder's column heads, once, before any segment.
        written(out.put(&format!(
            "{} {h}\n",
            snapshot::clock(std::time::SystemTime::now())
        )))?;
    }
    loop {
        let cur = watch.look();
        let rungs = match &mut segs {
            Some(s) => s.take(cur.at, &watch)?,
            None => Vec::new(),
        };
        let wrote = if args.once {
            let r = out.put(&format!("{}{}", watch.title(&cur), snapshot(&cur)));
            return written(r);
        } else if args.follow {
            let lines = match &prev {
                None => first_lines(&cur),
                Some(p) => changes(p, &cur).into_iter().map(|c| c.text).collect(),
            };
            in_order(rungs, cur.at, &lines)
                .iter()
                .try_for_each(|l| out.put(&format!("{l}\n")))
        } else {
            let news = prev.as_ref().map(|p| changes(p, &cur)).unwrap_or_default();
            let redraw = prev.is_none() || !news.is_empty() || !rungs.is_empty() || out.tty;
            live.note(&cur, prev.as_ref(), news, rungs);
            if redraw {
                out.frame(&live.render(&watch.title(&cur), &cur, args.interval, out.color))
            } else {
                Ok(())
            }
        };
        if wrote.is_err() {
            return written(wrote);
        }
        prev = Some(cur);
        // The pace of the view, not a wait for readiness; the wait ends
        // early when the reader of stdout goes away.
        next += tick;
        let now = Instant::now();
        match next.checked_duration_since(now) {
            Some(d) => {
                if stdout_closed(d)? {
                    return Ok(()); // `observe --follow | head -1`: done at once
                }
            }
            None => next = now,
        }
    }
}

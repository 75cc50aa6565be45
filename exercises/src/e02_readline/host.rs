//! Exercise 2's bench: two socketpairs, each fed by its own writer thread
//! with random lines in random chunk sizes — including an empty line, a
//! line of exactly MAXLINE bytes, longer lines, NUL and non-UTF-8 bytes, and
//! a final line with no newline. One `Rline` per descriptor; the bench reads
//! a line from A, then from B, alternately, and compares each with what the
//! rules of the exercise say it must be. It also counts its read(2) calls.

use std::io;
use std::os::fd::AsFd;
use std::process::ExitCode;
use std::thread;

use clap::Parser;
use common::MAXLINE;
use socket2::{Domain, Socket, Type};

use crate::hosts::{parse, verdict_fail, verdict_ok};
use crate::rng::Rng;

/// What the bench needs from any variant's `Rline`.
pub trait Lines {
    fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize>;
}

impl<F: AsFd> Lines for crate::student::e02_readline::Rline<F> {
    fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
        crate::student::e02_readline::Rline::readline(self, line)
    }
}

#[cfg(feature = "solutions")]
impl<F: AsFd> Lines for super::stub::Rline<F> {
    fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
        super::stub::Rline::readline(self, line)
    }
}

/// Makes a variant's reader for one descriptor.
pub type Make = fn(Socket) -> Box<dyn Lines>;

crate::hosts::variants!(Make,
    student: |fd| Box::new(crate::student::e02_readline::Rline::new(fd)),
    stub: |fd| Box::new(super::stub::Rline::new(fd)),
    solution: |fd| Box::new(super::solution::Rline::new(fd)),
    wrong: {
        "shared-buffer" => |fd| Box::new(super::wrong::shared_buffer(fd)), says "on B, for line 1 of";
        "maxline-minus-one" => |fd| Box::new(super::wrong::maxline_minus_one(fd)), says "4095 bytes with no '\\n'";
        "byte-at-a-time" => |fd| Box::new(super::wrong::byte_at_a_time(fd)), says "read(2) calls";
    }
);

#[derive(Parser)]
struct Args {
    /// Seed for the lines and the writers' chunk sizes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let make = pick(variant)?;
    let a: Args = parse("readline", args);
    Some(bench(make, a.seed).unwrap_or_else(|e| {
        eprintln!("readline bench: {e:#}");
        ExitCode::from(3)
    }))
}

/// One stream: a few short lines first (they arrive together, in one
/// chunk), then a shuffle of the cases that matter, then a final partial
/// line. Line contents avoid '\n' but include NUL and 0xFF.
fn stream(rng: &mut Rng) -> (Vec<u8>, usize) {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let body = |n: usize, rng: &mut Rng| -> Vec<u8> {
        let mut v: Vec<u8> = rng
            .bytes(n)
            .into_iter()
            .map(|b| if b == b'\n' { 0 } else { b })
            .collect();
        v.push(b'\n');
        v
    };
    let mut special = vec![
        0,
        MAXLINE - 1,
        MAXLINE,
        MAXLINE + 1,
        2 * MAXLINE + rng.range(1, 99),
    ];
    for _ in 0..30 {
        special.push(rng.range(1, 300));
    }
    // shuffle
    for i in (1..special.len()).rev() {
        special.swap(i, rng.range(0, i));
    }
    let first: Vec<Vec<u8>> = (0..3).map(|_| rng.line(1, 40)).collect();
    let first_len = first.iter().map(Vec::len).sum();
    lines.extend(first);
    for n in special {
        lines.push(body(n, rng));
    }
    let mut tail = body(rng.range(1, 100), rng);
    tail.pop(); // the final line has no newline
    lines.push(tail);
    (lines.concat(), first_len)
}

/// The lines a correct readline returns for `s`, in order.
pub fn expected_lines(s: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let window = &rest[..rest.len().min(MAXLINE)];
        let n = match window.iter().position(|&b| b == b'\n') {
            Some(i) => i + 1,
            None => window.len(),
        };
        out.push(&rest[..n]);
        rest = &rest[n..];
    }
    out
}

fn feed(w: Socket, data: Vec<u8>, from: usize, mut rng: Rng) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut pos = from;
        while pos < data.len() {
            let n = rng.range(512, 8192).min(data.len() - pos);
            if common::writen::writen(&w, &data[pos..pos + n]).is_err() {
                return;
            }
            pos += n;
        }
        let _ = w.shutdown(std::net::Shutdown::Write);
    })
}

/// read(2) calls made so far by the calling thread (/proc/thread-self/io).
fn reads_so_far() -> u64 {
    std::fs::read_to_string("/proc/thread-self/io")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("syscr:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0)
}

fn bench(make: Make, seed: u64) -> anyhow::Result<ExitCode> {
    let mut rng = Rng::new(seed);
    let (sa, sb) = (stream(&mut rng), stream(&mut rng));
    let total = sa.0.len() + sb.0.len();
    let did = format!(
        "fed two sockets with {} and {} bytes of random lines (an empty line, one of exactly MAXLINE = {MAXLINE} \
         bytes, longer ones, NUL bytes, a last line without '\\n'), then read a line from A, one from B, \
         alternately, each through its own Rline",
        sa.0.len(),
        sb.0.len()
    );
    let (aw, ar) = Socket::pair(Domain::UNIX, Type::STREAM, None)?;
    let (bw, br) = Socket::pair(Domain::UNIX, Type::STREAM, None)?;
    // The first short lines go in one chunk, before anyone reads: the first
    // read(2) on A returns several lines at once.
    common::writen::writen(&aw, &sa.0[..sa.1])?;
    common::writen::writen(&bw, &sb.0[..sb.1])?;
    let wa = feed(aw, sa.0.clone(), sa.1, Rng::new(rng.next_u64()));
    let wb = feed(bw, sb.0.clone(), sb.1, Rng::new(rng.next_u64()));

    let want = [expected_lines(&sa.0), expected_lines(&sb.0)];
    let mut readers = [make(ar), make(br)];
    let mut next = [0usize, 0];
    let mut done = [false, false];
    let mut line = Vec::new();
    let before = reads_so_far();
    let mut problem = None;
    'outer: while !(done[0] && done[1]) {
        for k in 0..2 {
            if done[k] {
                continue;
            }
            let name = ["A", "B"][k];
            let i = next[k];
            let n = match readers[k].readline(&mut line) {
                Ok(n) => n,
                Err(e) => {
                    problem = Some((
                        format!(
                            "readline on {name} (line {}) returned an error: {}",
                            i + 1,
                            common::error::strerror(&e)
                        ),
                        "Ok(length) for each line, then Ok(0) at end of file".to_string(),
                    ));
                    break 'outer;
                }
            };
            if n != line.len() {
                problem = Some((
                    format!(
                        "readline on {name} returned {n} but put {} bytes in the line",
                        line.len()
                    ),
                    "the returned length equals the line's length".into(),
                ));
                break 'outer;
            }
            let expect: &[u8] = want[k].get(i).copied().unwrap_or(&[]);
            if line != expect {
                problem = Some((
                    describe_mismatch(name, i, &line, expect, want[k].len()),
                    rule(expect),
                ));
                break 'outer;
            }
            if n == 0 {
                done[k] = true;
            } else {
                next[k] += 1;
            }
        }
    }
    let reads = reads_so_far().saturating_sub(before);
    drop(readers); // unblocks a writer still writing (EPIPE)
    let _ = (wa.join(), wb.join());
    if let Some((saw, expected)) = problem {
        return Ok(verdict_fail(&did, &saw, &expected));
    }
    if reads > (total / 64) as u64 {
        return Ok(verdict_fail(
            &did,
            &format!("every line was right, but reading {total} bytes took {reads} read(2) calls"),
            "a buffered readline: one read(2) fills the buffer with up to MAXLINE bytes, and lines are \
             taken from the buffer (the book's Fig 3.17 reads one byte per call — 'painfully slow')",
        ));
    }
    Ok(verdict_ok(&format!("{total} bytes, {reads} reads")))
}

fn describe_mismatch(name: &str, i: usize, got: &[u8], want: &[u8], lines: usize) -> String {
    let what = |b: &[u8]| -> String {
        if b.is_empty() {
            return "nothing (0 = end of file)".into();
        }
        let nl = if b.ends_with(b"\n") {
            "ending in '\\n'"
        } else {
            "with no '\\n'"
        };
        format!(
            "{} bytes {nl}, starting {:?}",
            b.len(),
            String::from_utf8_lossy(&b[..b.len().min(20)])
        )
    };
    let which = if i >= lines {
        format!("after its {lines} lines")
    } else {
        format!("for line {} of {lines}", i + 1)
    };
    format!(
        "on {name}, {which}, readline returned {}\nexpected {}",
        what(got),
        what(want)
    )
}

fn rule(want: &[u8]) -> String {
    if want.is_empty() {
        "0 at end of file, once every byte has been returned".into()
    } else if want.len() == MAXLINE && !want.ends_with(b"\n") {
        "a line with no '\\n' in MAXLINE bytes comes back as exactly MAXLINE bytes (no NUL slot in Rust)"
            .into()
    } else if want.len() == MAXLINE {
        "a line of exactly MAXLINE bytes, '\\n' included, comes back whole".into()
    } else if !want.ends_with(b"\n") {
        "the final partial line (no '\\n' before end of file) is returned, not dropped".into()
    } else {
        "each descriptor's own bytes, up to and including the next '\\n' (one buffer per descriptor)".into()
    }
}

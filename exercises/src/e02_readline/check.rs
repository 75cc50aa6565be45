//! Exercise 2's check. It writes random lines into two sockets in random
//! pieces — an empty line, lines of MAXLINE − 1, MAXLINE and MAXLINE + 1
//! bytes, longer ones, NUL and non-UTF-8 bytes, and a last line with no
//! newline — and hands their other ends to the program, which reads a line
//! from A, then from B, alternately, each through its own `Rline`, and
//! reports each result. Twice during the run the check holds back its next
//! piece until the program sleeps in read(2), and interrupts that read with
//! SIGUSR1 twice (no SA_RESTART: EINTR, to be retried). The check compares
//! every result with what the rules of the exercise say it must be, and
//! counts the program's read(2) calls itself (/proc/PID/io, `syscr`).

use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::thread;

use common::MAXLINE;
use common::lang::{tr, trf};
use socket2::{Domain, Socket, Type};

use crate::checks::{STEP, Target, gone};
use crate::report::{Trace, Verdict};
use crate::rng::Rng;

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let mut rng = Rng::new(target.seed);
    let (sa, sb) = (stream(&mut rng), stream(&mut rng));
    let total = sa.0.len() + sb.0.len();
    t.did(trf(
        "fed two sockets with {} and {} bytes of random lines (an empty line, lines of MAXLINE − 1, MAXLINE = {} \
         and MAXLINE + 1 bytes, longer ones, NUL bytes, a last line without '\\n'), in pieces of 1 byte to 8 KB; \
         your program read a line from A, one from B, alternately, each through its own Rline",
        &[&sa.0.len(), &sb.0.len(), &MAXLINE],
    ));
    let pair = || Socket::pair(Domain::UNIX, Type::STREAM, None).map_err(|e| t.fail(e.to_string(), tr("a socket pair")));
    let (aw, ar) = pair()?;
    let (bw, br) = pair()?;
    let (out_r, out_w) = UnixStream::pair().map_err(|e| t.fail(e.to_string(), tr("a socket pair")))?;
    // The first short lines go in one piece, before anyone reads: the first
    // read(2) on A returns several lines at once.
    let _ = common::writen::writen(&aw, &sa.0[..sa.1]);
    let _ = common::writen::writen(&bw, &sb.0[..sb.1]);
    let fds = vec![OwnedFd::from(ar), OwnedFd::from(br), OwnedFd::from(out_w)];
    let first = crate::warden::FIRST_PASSED_FD;
    let args = vec!["--fds".into(), format!("{},{},{}", first, first + 1, first + 2)];
    let mut p = target.spawn_with_fds(&t, &args, fds)?;
    let pid = p.pid();
    let wa = feed(aw, sa.0.clone(), sa.1, Rng::new(rng.next_u64()), pid);
    let wb = feed(bw, sb.0.clone(), sb.1, Rng::new(rng.next_u64()), pid);
    let want = [expected_lines(&sa.0), expected_lines(&sb.0)];
    let mut next = [0usize, 0];
    let mut done = [false, false];
    // Woken every 250 ms to look at the deadline (STEP, longer on a busy machine).
    let _ = out_r.set_read_timeout(Some(std::time::Duration::from_millis(250)));
    let mut out = io::BufReader::new(crate::checks::Patient::new(out_r, STEP));
    let mut problem = None;
    while !(done[0] && done[1]) && problem.is_none() {
        let frame = match read_frame(&mut out) {
            Ok(f) => f,
            Err(e) => {
                let why = gone(&mut p).unwrap_or_else(|| trf("no result within {} s ({})", &[&STEP.as_secs(), &e]));
                problem = Some((
                    why,
                    tr("a result for every call until both descriptors reach end of file").to_string(),
                ));
                break;
            }
        };
        let (k, result) = frame;
        let name = ["A", "B"][k];
        let i = next[k];
        match result {
            Err(msg) => {
                problem = Some((
                    trf("readline on {} (line {}) returned an error: {}", &[&name, &(i + 1), &msg]),
                    tr("Ok(length) for each line, then Ok(0) at end of file").to_string(),
                ));
            }
            Ok((n, line)) => {
                let expect: &[u8] = want[k].get(i).copied().unwrap_or(&[]);
                if n != line.len() {
                    problem = Some((
                        trf("readline on {} returned {} but put {} bytes in the line", &[&name, &n, &line.len()]),
                        tr("the returned length equals the line's length").into(),
                    ));
                } else if line != expect {
                    problem = Some((describe_mismatch(name, i, &line, expect, want[k].len()), rule(expect)));
                } else if n == 0 {
                    done[k] = true;
                } else {
                    next[k] += 1;
                }
            }
        }
    }
    // Counted by the check, from outside: the program's read(2) calls.
    let reads = syscr(p.pid());
    p.close_stdin();
    let _ = p.wait_exit(STEP);
    drop(out);
    let _ = (wa.join(), wb.join());
    if let Some((saw, expected)) = problem {
        return Err(t.fail(saw, expected));
    }
    match reads {
        Some(reads) if reads > (total / 64) as u64 => Err(t.fail(
            trf("every line was right, but reading {} bytes took {} read(2) calls", &[&total, &reads]),
            tr("a buffered readline: one read(2) fills the buffer with up to MAXLINE bytes, and lines are \
                taken from the buffer (the book's Fig 3.17 reads one byte per call — 'painfully slow')"),
        )),
        Some(_) => Ok(()),
        None => Err(t.fail(
            tr("the program ended before the check could count its read(2) calls"),
            tr("the program waits until the check has looked"),
        )),
    }
}

/// One result the program reported: (reader, Ok((n, line)) or Err(text)).
type Frame = (usize, Result<(usize, Vec<u8>), String>);

fn read_frame(r: &mut impl io::BufRead) -> io::Result<Frame> {
    let mut head = [0u8; 2];
    r.read_exact(&mut head)?;
    let k = usize::from(head[0] & 1);
    if head[1] == 1 {
        let mut msg = Vec::new();
        r.read_until(b'\n', &mut msg)?;
        return Ok((k, Err(String::from_utf8_lossy(&msg).trim_end().to_string())));
    }
    let mut nums = [0u8; 16];
    r.read_exact(&mut nums)?;
    let n = u64::from_be_bytes(nums[..8].try_into().unwrap_or_default()) as usize;
    let len = u64::from_be_bytes(nums[8..].try_into().unwrap_or_default()) as usize;
    if len > 64 * MAXLINE {
        return Err(io::Error::other(format!("a line of {len} bytes reported")));
    }
    let mut line = vec![0u8; len];
    r.read_exact(&mut line)?;
    Ok((k, Ok((n, line))))
}

/// `syscr` of /proc/PID/io: the read-like system calls `pid` has made.
fn syscr(pid: i32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/io"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("syscr:"))?
        .trim()
        .parse()
        .ok()
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

/// The system calls a reader may sleep in.
const READS: [i64; 5] = [
    nix::libc::SYS_read,
    nix::libc::SYS_readv,
    nix::libc::SYS_recvfrom,
    nix::libc::SYS_recvmsg,
    nix::libc::SYS_pread64,
];

/// Waits until `pid` sleeps in a read, then interrupts it with SIGUSR1
/// (its handler has no SA_RESTART: read(2) fails with EINTR) — twice, each
/// time once the signal has been delivered and the reader sleeps again.
/// Returns how many signals it sent.
fn interrupt_read(pid: i32) -> usize {
    use common::lab::harness::eventually;
    use common::lab::observer;
    let mut sent = 0;
    for _ in 0..2 {
        let asleep = eventually(STEP, common::lang::n_("the reader to sleep in read(2)"), || {
            if crate::observe::exited(pid) {
                return Some(false); // nothing left to interrupt
            }
            observer::blocked_in(pid, &READS).then_some(true)
        });
        if !matches!(asleep, Ok(true)) || nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGUSR1).is_err() {
            break;
        }
        sent += 1;
        let _ = crate::checks::delivered(pid, nix::sys::signal::Signal::SIGUSR1);
    }
    sent
}

/// Writes `data[from..]` into `w` in pieces; before the 4th piece it holds
/// back until the program sleeps in read(2) and interrupts that read twice.
fn feed(w: Socket, data: Vec<u8>, from: usize, mut rng: Rng, pid: i32) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut pos = from;
        let mut piece = 0;
        while pos < data.len() {
            piece += 1;
            if piece == 4 {
                interrupt_read(pid);
            }
            // Pieces of every size: one byte (a line in many reads) to 8 KB
            // (several lines in one read).
            let n = if rng.range(0, 4) == 0 { rng.range(1, 16) } else { rng.range(512, 8192) }.min(data.len() - pos);
            if common::writen::writen(&w, &data[pos..pos + n]).is_err() {
                return;
            }
            pos += n;
        }
        let _ = w.shutdown(std::net::Shutdown::Write);
    })
}

fn describe_mismatch(name: &str, i: usize, got: &[u8], want: &[u8], lines: usize) -> String {
    let what = |b: &[u8]| -> String {
        if b.is_empty() {
            return tr("nothing (0 = end of file)").into();
        }
        let nl = if b.ends_with(b"\n") {
            tr("ending in '\\n'")
        } else {
            tr("with no '\\n'")
        };
        trf(
            "{} bytes {}, starting {}",
            &[&b.len(), &nl, &format!("{:?}", String::from_utf8_lossy(&b[..b.len().min(20)]))],
        )
    };
    let which = if i >= lines {
        trf("after its {} lines", &[&lines])
    } else {
        trf("for line {} of {}", &[&(i + 1), &lines])
    };
    trf(
        "on {}, {}, readline returned {}\nexpected {}",
        &[&name, &which, &what(got), &what(want)],
    )
}

fn rule(want: &[u8]) -> String {
    if want.is_empty() {
        tr("0 at end of file, once every byte has been returned").into()
    } else if want.len() == MAXLINE && !want.ends_with(b"\n") {
        tr("a line with no '\\n' in MAXLINE bytes comes back as exactly MAXLINE bytes (no NUL slot in Rust)").into()
    } else if want.len() == MAXLINE {
        tr("a line of exactly MAXLINE bytes, '\\n' included, comes back whole").into()
    } else if !want.ends_with(b"\n") {
        tr("the final partial line (no '\\n' before end of file) is returned, not dropped").into()
    } else {
        tr("each descriptor's own bytes, up to and including the next '\\n' (one buffer per descriptor)").into()
    }
}

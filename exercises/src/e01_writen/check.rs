//! Exercise 1's check. The check makes a Unix stream socket pair with tiny
//! buffers, hands one end to the program (which calls `writen` once per
//! buffer of [`super::rounds`]) and reads the other end itself, in small
//! chunks. Before each read, while the program sleeps in write(2) with the
//! buffer full, it sends SIGUSR1 twice (the program's handler has no
//! SA_RESTART): the first cuts a write short or fails it, the second fails
//! the retry with EINTR. The verdict is the bytes the check received,
//! compared with the buffers it knows — never what the program says.

use std::io::{self, Read};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use common::lab::harness::{Deadline, describe, eventually};
use common::lab::observer;
use common::lang::{tr, trf};
use nix::libc;
use nix::sys::signal::Signal;

use crate::checks::{STEP, Target};
use crate::report::{Trace, Verdict, tail};
use crate::rng::Rng;

/// The system calls a writer may sleep in.
const WRITES: [i64; 5] = [libc::SYS_write, libc::SYS_writev, libc::SYS_sendto, libc::SYS_sendmsg, libc::SYS_pwrite64];

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let rounds = super::rounds(target.seed);
    let want: Vec<u8> = rounds.concat();
    let (mine, theirs) = UnixStream::pair().map_err(|e| t.fail(e.to_string(), tr("a socket pair")))?;
    let theirs = socket2::Socket::from(OwnedFd::from(theirs));
    let _ = theirs.set_send_buffer_size(4096);
    let mine = socket2::Socket::from(OwnedFd::from(mine));
    let _ = mine.set_recv_buffer_size(4096);
    let mut mine = UnixStream::from(OwnedFd::from(mine));
    let args = vec![
        "--seed".into(),
        target.seed.to_string(),
        "--fd".into(),
        crate::warden::FIRST_PASSED_FD.to_string(),
    ];
    let mut p = target.spawn_with_fds(&t, &args, vec![OwnedFd::from(theirs)])?;
    let pid = p.pid();
    t.did(trf(
        "ran your writen {} times ({} bytes in all, from 0 bytes to {} KB) on a Unix stream socket with a 4 KB \
         send buffer; the check read the other end in small chunks and, each time the writer slept in write(2) \
         with the buffer full, sent it two SIGUSR1s first (handler without SA_RESTART: a short write, then EINTR)",
        &[
            &rounds.len(),
            &want.len(),
            &(rounds.iter().map(Vec::len).max().unwrap_or(0) / 1000),
        ],
    ));
    let mut chunks = Rng::new(target.seed ^ 0x5eed);
    let mut got = Vec::with_capacity(want.len());
    let mut buf = vec![0u8; 8192];
    let mut signals = 0usize;
    let end = Deadline::after(STEP * 6);
    let mut quiet = Deadline::after(STEP);
    let _ = mine.set_read_timeout(Some(Duration::from_secs(1)));
    // The first INTERRUPTIONS times the writer sleeps in write(2), two
    // signals each; then plain reads (a bounded number of waits: the check
    // stays fast on a loaded machine).
    const INTERRUPTIONS: usize = 40;
    let mut rounds_left = INTERRUPTIONS;
    loop {
        let tries = if rounds_left > 0 { 2 } else { 0 };
        rounds_left = rounds_left.saturating_sub(1);
        for _ in 0..tries {
            let blocked = eventually(Duration::from_millis(200), common::lang::n_("the writer to block"), || {
                observer::blocked_in(pid, &WRITES).then_some(())
            });
            if blocked.is_err() {
                break; // finished, or busy: nothing to interrupt
            }
            if p.signal(Signal::SIGUSR1).is_err() {
                break;
            }
            signals += 1;
            // Delivered (no longer pending) before the next look.
            let _ = crate::checks::delivered(pid, nix::sys::signal::Signal::SIGUSR1);
        }
        let n = chunks.range(1, buf.len()).min(want.len() - got.len());
        if n == 0 {
            break; // every byte of the calls above; the last call comes next
        }
        match mine.read(&mut buf[..n]) {
            Ok(0) => break,
            Ok(k) => {
                got.extend_from_slice(&buf[..k]);
                quiet = Deadline::after(STEP);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // A busy machine extends the wait (see Deadline).
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) && !quiet.passed() => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return Err(t.fail(
                    trf(
                        "no byte came for {} s ({} of {} bytes had arrived); the program still runs",
                        &[&STEP.as_secs(), &got.len(), &want.len()],
                    ),
                    tr("writen keeps writing until every byte is out"),
                ));
            }
            Err(e) => return Err(t.fail(trf("read error: {}", &[&e]), tr("the bytes"))),
        }
        if end.passed() {
            return Err(t.fail(
                trf(
                    "after {} s only {} of {} bytes had arrived{}",
                    &[&(STEP * 6).as_secs(), &got.len(), &want.len(), &end.note()],
                ),
                tr("every byte within the deadline"),
            ));
        }
    }
    // Close the reader: the last call (1 MiB, more than the buffers hold)
    // must now fail — EPIPE, or ECONNRESET when the reader left bytes
    // unread — and be returned: not retried, not Ok.
    drop(mine);
    let status = p.wait_exit(STEP).ok();
    let last_words = || match status {
        Some(st) => trf(
            "\nthe program ended ({}); its last words on stderr:\n{}",
            &[&describe(st), &tail(&p.stderr_text(), 3)],
        ),
        None => String::new(),
    };
    if got == want {
        match status.map(|st| st.code()) {
            Some(Some(4)) => {}
            Some(Some(0)) => {
                return Err(t.fail(
                    tr("every byte arrived; then the check closed its end, and your writen returned Ok(()) for the \
                        last call (1 MiB) although nothing could reach the reader"),
                    tr("a real error (EPIPE or ECONNRESET: the reader has gone) is returned to the caller, not reported as success"),
                ));
            }
            None => {
                return Err(t.fail(
                    trf(
                        "every byte arrived; then the check closed its end, and your writen was still running {} s \
                         later: it retries an error that never goes away (EPIPE or ECONNRESET: the reader has gone)",
                        &[&STEP.as_secs()],
                    ),
                    tr("only EINTR (and a short count) mean \"go on\"; any other error is returned at once"),
                ));
            }
            Some(_) => {
                return Err(t.fail(
                    trf("every byte arrived, but then{}", &[&last_words()]),
                    tr("the last call fails (EPIPE or ECONNRESET) once the reader has closed its end"),
                ));
            }
        }
        if signals == 0 {
            return Err(t.fail(
                tr("every byte arrived, but the writer never slept in write(2), so no signal could interrupt it"),
                tr("a writer that blocks in write(2) when the buffer is full"),
            ));
        }
        return Ok(());
    }
    let saw = match first_wrong(&rounds, &got) {
        Some(why) => why,
        None => trf("the check received {} of {} bytes", &[&got.len(), &want.len()]),
    };
    Err(t.fail(
        trf("{} (the check had sent {} signals){}", &[&saw, &signals, &last_words()]),
        tr("every byte, in order: write(2) may write fewer bytes than asked, and may fail with EINTR \
            before writing any; loop until all are written, retrying EINTR"),
    ))
}

/// Where the received bytes first differ from the calls' buffers, and why.
fn first_wrong(rounds: &[Vec<u8>], got: &[u8]) -> Option<String> {
    let mut start = 0;
    for (i, round) in rounds.iter().enumerate() {
        let end = start + round.len();
        let here = got.get(start..).unwrap_or(&[]);
        let same = here.iter().zip(round).take_while(|(a, b)| a == b).count();
        if same < round.len() {
            let call = i + 1;
            if here.len() <= same {
                return Some(trf(
                    "the bytes ended in call {}: {} of its {} bytes reached the reader",
                    &[&call, &same, &round.len()],
                ));
            }
            let after = &here[same..];
            if round.len() > same && after.starts_with(&round[..round.len().min(64).min(after.len())]) {
                return Some(trf(
                    "call {}: {} bytes reached the reader in order, then the buffer's first bytes \
                     came again — after a short write, the rest of the buffer must follow, not its beginning again",
                    &[&call, &same],
                ));
            }
            if let Some(next) = rounds.get(i + 1).filter(|n| !n.is_empty())
                && after.starts_with(&next[..next.len().min(64).min(after.len())])
            {
                return Some(trf(
                    "call {} returned Ok(()), but only {} of its {} bytes reached the reader before \
                     the next call's bytes",
                    &[&call, &same, &round.len()],
                ));
            }
            return Some(trf(
                "call {}: byte {} of its buffer is wrong ({} expected in all so far)",
                &[&call, &same, &end],
            ));
        }
        start = end;
    }
    (got.len() > start).then(|| trf("{} bytes more than were written", &[&(got.len() - start)]))
}

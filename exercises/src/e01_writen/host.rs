//! Exercise 1's bench: calls `writen` on a Unix stream socket with a tiny
//! send buffer while a reader thread interrupts the writer with SIGUSR1
//! before each of its reads (handler installed *without* SA_RESTART). So
//! write(2) keeps returning early: a short count when some bytes went, EINTR
//! when none did. The reader collects everything; the bench compares.

use std::ffi::c_int;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use clap::Parser;
use common::lab::harness::eventually;
use nix::sys::pthread::{pthread_kill, pthread_self};
use nix::sys::signal::{SigHandler, Signal};
use socket2::{Domain, Socket, Type};

use crate::hosts::{parse, verdict_fail, verdict_ok};
use crate::rng::Rng;

/// The exercise's function: write all of `buf` to `fd`.
pub type Imp = fn(BorrowedFd<'_>, &[u8]) -> io::Result<()>;

crate::hosts::variants!(Imp,
    student: crate::student::e01_writen::writen,
    stub: super::stub::writen,
    solution: super::solution::writen,
    wrong: {
        "one-write" => super::wrong::one_write, says "bytes reached the reader";
        "eintr-fatal" => super::wrong::eintr_fatal, says "Interrupted system call";
        "restart-from-start" => super::wrong::restart_from_start, says "not its beginning again";
    }
);

#[derive(Parser)]
struct Args {
    /// Seed for the data and the reader's chunk sizes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

static SIGNALS: AtomicUsize = AtomicUsize::new(0);
/// Set once the writer has made its last call.
static DONE: AtomicBool = AtomicBool::new(false);

/// Waits (briefly) until thread `tid` of this process sleeps in write(2);
/// false once it has finished, or if it does not block within 200 ms.
fn blocked_in_write(tid: i32) -> bool {
    let path = format!("/proc/self/task/{tid}/syscall");
    let sleeping = || {
        let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
        let state = stat.rsplit(')').next()?.split_whitespace().next()?.to_string();
        let nr: i64 = std::fs::read_to_string(&path)
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()?;
        (state == "S" && nr == nix::libc::SYS_write).then_some(true)
    };
    let done = || DONE.load(Ordering::SeqCst).then_some(false);
    eventually(Duration::from_millis(200), "the writer to block", || {
        done().or_else(sleeping)
    })
    .unwrap_or(false)
}

/// Async-signal-safe: one atomic add.
extern "C" fn on_usr1(_signo: c_int) {
    SIGNALS.fetch_add(1, Ordering::SeqCst);
}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let imp = pick(variant)?;
    let a: Args = parse("writen", args);
    Some(bench(imp, a.seed).unwrap_or_else(|e| {
        eprintln!("writen bench: {e:#}");
        ExitCode::from(3)
    }))
}

const ROUNDS: usize = 3;

fn bench(imp: Imp, seed: u64) -> anyhow::Result<ExitCode> {
    let mut rng = Rng::new(seed);
    let (w, r) = Socket::pair(Domain::UNIX, Type::STREAM, None)?;
    w.set_send_buffer_size(4096)?;
    r.set_recv_buffer_size(4096)?;
    // SAFETY: on_usr1 only adds to an atomic, which is async-signal-safe.
    unsafe { common::signal::signal_intr(Signal::SIGUSR1, SigHandler::Handler(on_usr1)) };

    let rounds: Vec<Vec<u8>> = (0..ROUNDS)
        .map(|_| {
            let n = rng.range(100_000, 200_000);
            rng.bytes(n)
        })
        .collect();
    let total: usize = rounds.iter().map(Vec::len).sum();
    let writer = pthread_self();
    let me = nix::unistd::getpid().as_raw(); // the writer is the main thread: tid == pid
    let mut chunks = Rng::new(rng.next_u64());
    let reader = thread::spawn(move || -> io::Result<Vec<u8>> {
        let mut got = Vec::new();
        let mut buf = vec![0u8; 8192];
        let mut sent = 0;
        loop {
            // Twice, each time once the writer sleeps in write(2) with the
            // buffer full: the first signal cuts a write short (or fails it),
            // the second surely fails the retry with EINTR, since nothing
            // has been read in between.
            for _ in 0..2 {
                if !blocked_in_write(me) {
                    break; // finished, or busy: nothing to interrupt
                }
                let _ = pthread_kill(writer, Signal::SIGUSR1);
                sent += 1;
                let _ = eventually(Duration::from_secs(5), "the handler", || {
                    (SIGNALS.load(Ordering::SeqCst) >= sent).then_some(())
                });
            }
            let n = chunks.range(1, buf.len());
            match common::wrapunix::read(&r, &mut buf[..n]) {
                Ok(0) => return Ok(got),
                Ok(k) => got.extend_from_slice(&buf[..k]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    });

    let did = format!(
        "called writen {ROUNDS} times ({total} bytes in all) on a Unix stream socket with a 4 KB send \
         buffer, while the reader, each time the writer slept in write(2) with the buffer full, sent it two SIGUSR1s (handler without SA_RESTART: a short write, then EINTR) before reading a chunk"
    );
    let mut error = None;
    for (i, round) in rounds.iter().enumerate() {
        if let Err(e) = imp(w.as_fd(), round) {
            error = Some((i + 1, e));
            break;
        }
    }
    DONE.store(true, Ordering::SeqCst);
    w.shutdown(std::net::Shutdown::Write)?;
    let got = reader.join().map_err(|_| anyhow::anyhow!("reader panicked"))??;
    let signals = SIGNALS.load(Ordering::Relaxed);
    let want: Vec<u8> = rounds.concat();
    let lost = |upto: usize| -> Option<String> {
        // The first call that returned Ok(()) before all its bytes arrived.
        let mut end = 0;
        for (i, round) in rounds[..upto].iter().enumerate() {
            end += round.len();
            if got.len() < end || got[..end] != want[..end] {
                let start = end - round.len();
                let arrived = got.len().min(end) - start.min(got.len());
                if arrived == round.len() {
                    let at = (start..end).find(|&k| got[k] != want[k]).unwrap_or(start) - start;
                    return Some(format!(
                        "call {} returned Ok(()) and {arrived} bytes reached the reader, but byte {at} \
                         of the call is wrong: after a short write, the rest of the buffer must follow, \
                         not its beginning again",
                        i + 1
                    ));
                }
                return Some(format!(
                    "call {} returned Ok(()), but only {arrived} of its {} bytes reached the reader",
                    i + 1,
                    round.len()
                ));
            }
        }
        None
    };
    let expected_all =
        "every byte, in order: write(2) may write fewer bytes than asked, so loop until all are written";
    if let Some((i, e)) = error {
        if let Some(saw) = lost(i - 1) {
            return Ok(verdict_fail(&did, &saw, expected_all));
        }
        return Ok(verdict_fail(
            &did,
            &format!(
                "call {i} returned an error: {} (the reader had sent {signals} signals)",
                common::error::strerror(&e)
            ),
            "Ok(()) after every byte was written: an interrupted write(2) is retried, not an error",
        ));
    }
    if got == want {
        return Ok(verdict_ok(&format!("{total} bytes, {signals} signals")));
    }
    let saw = lost(ROUNDS).unwrap_or_else(|| format!("the reader received {} of {total} bytes", got.len()));
    Ok(verdict_fail(&did, &saw, expected_all))
}

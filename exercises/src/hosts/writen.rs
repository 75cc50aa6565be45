//! Exercise 1's bench: calls `writen` on a Unix stream socket with a tiny
//! send buffer while a reader thread interrupts the writer with SIGUSR1
//! before each of its reads (handler installed *without* SA_RESTART). So
//! write(2) keeps returning early: a short count when some bytes went, EINTR
//! when none did. The reader collects everything; the bench compares.

use std::ffi::c_int;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use clap::Parser;
use nix::sys::pthread::{pthread_kill, pthread_self};
use nix::sys::signal::{SigHandler, Signal};
use socket2::{Domain, Socket, Type};

use super::{parse, verdict_fail, verdict_ok};
use crate::rng::Rng;

/// The exercise's function: write all of `buf` to `fd`.
pub type Imp = fn(BorrowedFd<'_>, &[u8]) -> io::Result<()>;

fn pick(variant: &str) -> Option<Imp> {
    Some(match variant {
        crate::STUDENT => crate::student::e01_writen::writen,
        #[cfg(feature = "solutions")]
        crate::SOLUTION => crate::solutions::e01_writen::writen,
        #[cfg(feature = "solutions")]
        "one-write" => crate::wrong::e01_writen::one_write,
        #[cfg(feature = "solutions")]
        "eintr-fatal" => crate::wrong::e01_writen::eintr_fatal,
        _ => return None,
    })
}

pub fn knows(variant: &str) -> bool {
    pick(variant).is_some()
}

#[derive(Parser)]
struct Args {
    /// Seed for the data and the reader's chunk sizes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

static SIGNALS: AtomicUsize = AtomicUsize::new(0);

/// Async-signal-safe: one atomic add.
extern "C" fn on_usr1(_signo: c_int) {
    SIGNALS.fetch_add(1, Ordering::Relaxed);
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
            let n = rng.range(60_000, 200_000);
            rng.bytes(n)
        })
        .collect();
    let total: usize = rounds.iter().map(Vec::len).sum();
    let writer = pthread_self();
    let mut chunks = Rng::new(rng.next_u64());
    let reader = thread::spawn(move || -> io::Result<Vec<u8>> {
        let mut got = Vec::new();
        let mut buf = vec![0u8; 8192];
        loop {
            let _ = pthread_kill(writer, Signal::SIGUSR1); // interrupt the writer
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
         buffer, while the reader sent the writer a SIGUSR1 (handler without SA_RESTART) before each read"
    );
    let mut error = None;
    for (i, round) in rounds.iter().enumerate() {
        if let Err(e) = imp(w.as_fd(), round) {
            error = Some((i + 1, e));
            break;
        }
    }
    w.shutdown(std::net::Shutdown::Write)?;
    let got = reader.join().map_err(|_| anyhow::anyhow!("reader panicked"))??;
    let signals = SIGNALS.load(Ordering::Relaxed);
    if let Some((i, e)) = error {
        return Ok(verdict_fail(
            &did,
            &format!(
                "call {i} returned an error: {} (the reader had sent {signals} signals)",
                common::error::strerror(&e)
            ),
            "Ok(()) after every byte was written: an interrupted write(2) is retried, not an error",
        ));
    }
    let want: Vec<u8> = rounds.concat();
    if got == want {
        return Ok(verdict_ok(&format!("{total} bytes, {signals} signals")));
    }
    let first = got
        .iter()
        .zip(&want)
        .position(|(a, b)| a != b)
        .unwrap_or(got.len().min(want.len()));
    Ok(verdict_fail(
        &did,
        &format!(
            "the reader received {} of {total} bytes; the first wrong or missing byte is at offset {first}",
            got.len()
        ),
        "every byte, in order: write(2) may write fewer bytes than asked, so loop until all are written",
    ))
}

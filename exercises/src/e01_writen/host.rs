//! Exercise 1's program: calls the exercise's `writen` once per buffer of
//! [`super::rounds`] on descriptor `--fd` (a Unix stream socket with a tiny
//! send buffer, whose other end the check holds), with a SIGUSR1 handler
//! installed *without* SA_RESTART. The check reads slowly and sends SIGUSR1
//! while the program sleeps in write(2), so write(2) keeps returning early:
//! a short count when some bytes went, EINTR when none did. Then one last
//! call after the check has closed its end: it must fail (EPIPE), which
//! ends the program with status 4. The program judges nothing: the check
//! compares the bytes it received and the status its warden collected.

use std::ffi::c_int;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, FromRawFd, OwnedFd};
use std::process::ExitCode;

use clap::Parser;
use nix::sys::signal::{SigHandler, Signal};

use crate::hosts::parse;

/// The exercise's function: write all of `buf` to `fd`.
pub type Imp = fn(BorrowedFd<'_>, &[u8]) -> io::Result<()>;

crate::hosts::variants!(Imp,
    student: crate::student::e01_writen::writen,
    stub: super::stub::writen,
    solution: super::solution::writen,
    wrong: {
        "blind-one-write" => super::blind::one_write::writen,
        "blind-eintr-is-error" => super::blind::eintr_is_error::writen,
        "blind-prefix-again" => super::blind::prefix_again::writen,
        "blind-eintr-retried-once" => super::blind::eintr_retried_once::writen,
        "blind-retries-eagain" => super::blind::retries_eagain::writen,
        "blind-retries-every-error" => super::blind::retries_every_error::writen,
        "blind-small-chunks-trusted" => super::blind::small_chunks_trusted::writen,
        "blind-alt-correct" => super::blind::alt_correct::writen,
        "fake-pass" => super::wrong::fake_pass,
        "one-write" => super::wrong::one_write,
        "eintr-fatal" => super::wrong::eintr_fatal,
        "restart-from-start" => super::wrong::restart_from_start,
        "guard-alias" => super::wrong::guard_alias::writen,
        "guard-reexport" => super::wrong::guard_reexport::writen,
        "guard-path" => super::wrong::guard_path::writen,
        "guard-glob" => super::wrong::guard_glob::writen,
        "guard-fnptr" => super::wrong::guard_fnptr::writen,
        "guard-macro" => super::wrong::guard_macro::writen,
        "guard-generic" => super::wrong::guard_generic::writen,
        "guard-std-write-all" => super::wrong::guard_std_write_all::writen,
    }
);

#[derive(Parser)]
struct Args {
    /// Seed for the data (the check uses the same).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The descriptor to write to (the check hands one over); without it,
    /// standard output.
    #[arg(long)]
    fd: Option<i32>,
}

/// Async-signal-safe: does nothing; its only job is to interrupt write(2).
extern "C" fn on_usr1(_signo: c_int) {}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let writen = pick(variant)?;
    let a: Args = parse("writen", args);
    let stdout = io::stdout();
    let handed: Option<OwnedFd> = a.fd.map(|n| {
        // SAFETY: the check handed this descriptor over (its warden put it
        // at number n) and nothing else in this process uses it.
        unsafe { OwnedFd::from_raw_fd(n) }
    });
    let fd: BorrowedFd<'_> = match &handed {
        Some(owned) => owned.as_fd(),
        None => stdout.as_fd(),
    };
    // SAFETY: on_usr1 does nothing at all, which is async-signal-safe.
    unsafe { common::signal::signal_intr(Signal::SIGUSR1, SigHandler::Handler(on_usr1)) };
    for (i, round) in exercises::e01_writen::rounds(a.seed).iter().enumerate() {
        if let Err(e) = writen(fd, round) {
            eprintln!(
                "writen: call {} ({} bytes) returned an error: {}",
                i + 1,
                round.len(),
                common::error::strerror(&e)
            );
            return Some(ExitCode::from(3));
        }
    }
    // The check has closed its end by now (or will, once it has read every
    // byte above): this call must fail with EPIPE, a real error.
    let last = vec![b'Z'; exercises::e01_writen::LAST];
    match writen(fd, &last) {
        Err(e) => {
            eprintln!("writen: the last call returned an error: {}", common::error::strerror(&e));
            Some(ExitCode::from(4))
        }
        Ok(()) => Some(ExitCode::SUCCESS),
    }
}

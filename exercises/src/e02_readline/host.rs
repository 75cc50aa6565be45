//! Exercise 2's program: one `Rline` per descriptor on the two sockets the
//! check hands over (`--fds A,B,OUT`), a line read from A, then one from B,
//! alternately, until both say end of file; each result goes, framed, to
//! OUT, with a SIGUSR1 handler installed *without* SA_RESTART (the check
//! interrupts reads with it). The check writes the lines into A and B in pieces of its choosing,
//! compares every result with what the exercise's rules say, and counts this
//! process's read(2) calls in /proc: the program judges nothing.
//! Without `--fds`: one `Rline` on standard input, each line's length and
//! text on standard output (`exercises run readline < file`).

use std::io::{self, Write};
use std::os::fd::{AsFd, FromRawFd, OwnedFd};
use std::process::ExitCode;

use clap::Parser;
#[cfg(feature = "solutions")]
use socket2::Socket;

use crate::hosts::parse;
#[cfg(feature = "solutions")]
use exercises_student::tools::Lines;

/// A variant's reader for one descriptor: each call returns the next line.
pub type Reader = Box<dyn FnMut(&mut Vec<u8>) -> io::Result<usize>>;

/// Makes a variant's reader for one descriptor.
pub type Make = fn(OwnedFd) -> Reader;

crate::hosts::variants!(Make,
    student: |fd| {
        let mut r = crate::student::e02_readline::Rline::new(fd);
        Box::new(move |l| r.readline(l))
    },
    stub: |fd| {
        let mut r = super::stub::Rline::new(fd);
        Box::new(move |l| r.readline(l))
    },
    solution: |fd| {
        let mut r = super::solution::Rline::new(fd);
        Box::new(move |l| r.readline(l))
    },
    wrong: {
        "blind-static-buffer" => |fd| {
            let mut r = super::blind::static_buffer::Rline::new(fd);
            Box::new(move |l| r.readline(l))
        },
        "blind-one-byte-reads" => |fd| {
            let mut r = super::blind::one_byte_reads::Rline::new(fd);
            Box::new(move |l| r.readline(l))
        },
        "blind-maxline-minus-one" => |fd| {
            let mut r = super::blind::maxline_minus_one::Rline::new(fd);
            Box::new(move |l| r.readline(l))
        },
        "blind-eof-drops-tail" => |fd| {
            let mut r = super::blind::eof_drops_tail::Rline::new(fd);
            Box::new(move |l| r.readline(l))
        },
        "blind-one-read-one-line" => |fd| {
            let mut r = super::blind::one_read_one_line::Rline::new(fd);
            Box::new(move |l| r.readline(l))
        },
        "blind-no-maxline-cap" => |fd| {
            let mut r = super::blind::no_maxline_cap::Rline::new(fd);
            Box::new(move |l| r.readline(l))
        },
        "blind-eintr-not-retried" => |fd| {
            let mut r = super::blind::eintr_not_retried::Rline::new(fd);
            Box::new(move |l| r.readline(l))
        },
        "blind-alt-correct" => |fd| {
            let mut r = super::blind::alt_correct::Rline::new(fd);
            Box::new(move |l| r.readline(l))
        },
        "fake-pass" => |_fd| exercises_student::fake::claim_success(),
        "shared-buffer" => |fd| {
            let mut r = super::wrong::shared_buffer(Socket::from(fd));
            Box::new(move |l| Lines::readline(&mut r, l))
        },
        "maxline-minus-one" => |fd| {
            let mut r = super::wrong::maxline_minus_one(Socket::from(fd));
            Box::new(move |l| Lines::readline(&mut r, l))
        },
        "byte-at-a-time" => |fd| {
            let mut r = super::wrong::byte_at_a_time(Socket::from(fd));
            Box::new(move |l| Lines::readline(&mut r, l))
        },
    }
);

#[derive(Parser)]
struct Args {
    /// The two descriptors to read and the one to report on: A,B,OUT
    /// (the check hands them over).
    #[arg(long, value_delimiter = ',')]
    fds: Vec<i32>,
}

/// One result on OUT: which reader (0 = A, 1 = B), then either
/// `0, n: u64, len: u64, the line` or `1, the error's text up to '\n'`.
fn report(out: &mut impl Write, k: u8, r: &io::Result<usize>, line: &[u8]) -> io::Result<()> {
    let mut frame = vec![k];
    match r {
        Ok(n) => {
            frame.push(0);
            frame.extend_from_slice(&(*n as u64).to_be_bytes());
            frame.extend_from_slice(&(line.len() as u64).to_be_bytes());
            frame.extend_from_slice(line);
        }
        Err(e) => {
            frame.push(1);
            frame.extend_from_slice(common::error::strerror(e).replace('\n', " ").as_bytes());
            frame.push(b'\n');
        }
    }
    out.write_all(&frame)
}

/// Async-signal-safe: does nothing; its only job is to interrupt read(2).
extern "C" fn on_usr1(_signo: std::ffi::c_int) {}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let make = pick(variant)?;
    let a: Args = parse("readline", args);
    let [fa, fb, fo] = a.fds[..] else {
        let mut r = make(io::stdin().as_fd().try_clone_to_owned().ok()?);
        let mut line = Vec::new();
        let mut i = 0;
        while let Ok(n @ 1..) = r(&mut line) {
            i += 1;
            println!("line {i}: {n} bytes: {:?}", String::from_utf8_lossy(&line));
        }
        return Some(ExitCode::SUCCESS);
    };
    // SAFETY: the check handed these three descriptors over (its warden put
    // them at these numbers) and nothing else in this process uses them.
    let (fa, fb, fo) = unsafe { (OwnedFd::from_raw_fd(fa), OwnedFd::from_raw_fd(fb), OwnedFd::from_raw_fd(fo)) };
    // SAFETY: on_usr1 does nothing at all, which is async-signal-safe.
    unsafe {
        common::signal::signal_intr(
            nix::sys::signal::Signal::SIGUSR1,
            nix::sys::signal::SigHandler::Handler(on_usr1),
        )
    };
    let mut out = std::fs::File::from(fo);
    let mut readers = [make(fa), make(fb)];
    let mut done = [false, false];
    let mut line = Vec::new();
    while !(done[0] && done[1]) {
        for k in 0..2 {
            if done[k] {
                continue;
            }
            let r = readers[k](&mut line);
            done[k] = !matches!(r, Ok(1..));
            if report(&mut out, k as u8, &r, &line).is_err() {
                return Some(ExitCode::from(3));
            }
        }
    }
    drop(out);
    // The check counts this process's read(2) calls now; it closes our
    // standard input when it has.
    let _ = io::Read::read(&mut io::stdin(), &mut [0u8; 1]);
    Some(ExitCode::SUCCESS)
}

//! TCPIP ch.10 (Yoon, TCP/IP Network Programming: `waitpid.c`) — waitpid(-1, WNOHANG) does not
//! block: while no child has ended it returns 0 at once.
//!
//! Run:        cargo run -p ch05-sigchld --bin waitpid
//! Talk to it: press Enter (or Ctrl-D) to end the child's sleep early.
//! Observe:    "waitpid returned 0" every 3 s while the child sleeps (15 s),
//!             then "child N sent 24".
//! Changed from the C: nix calls the 0 return `WaitStatus::StillAlive`;
//! the child's sleep also ends when stdin closes (for tests).

use std::time::Duration;

use clap::Parser;
use common::LogArgs;
use common::wrapunix::{Fork, Waitpid};
use nix::sys::wait::{WaitPidFlag, WaitStatus};
use nix::unistd::ForkResult;

/// TCPIP ch.10 (waitpid.c): the child sleeps, then exits with 24; the
/// parent polls waitpid(-1, WNOHANG), which returns 0 at once while the
/// child still runs, and sleeps between polls.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// How long the child sleeps before it exits.
    #[arg(long, default_value_t = 15.0, value_name = "SECONDS")]
    secs: f64,

    /// How long the parent sleeps between two polls.
    #[arg(long, default_value_t = 3.0, value_name = "SECONDS")]
    every: f64,

    #[command(flatten)]
    log: LogArgs,
}

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    // SAFETY: single-threaded: no other thread can hold a lock across fork.
    if let ForkResult::Child = unsafe { Fork() } {
        ch05_sigchld::sleep_or_eof(args.secs);
        std::process::exit(24);
    }
    loop {
        match Waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            WaitStatus::StillAlive => {
                println!("waitpid returned 0: the child still runs; sleep {} s", args.every);
                std::thread::sleep(Duration::from_secs_f64(args.every.max(0.0)));
            }
            WaitStatus::Exited(pid, code) => {
                println!("child {pid} sent {code}");
                break;
            }
            other => println!("waitpid: {other:?}"),
        }
    }
    // ANCHOR_END: main
}

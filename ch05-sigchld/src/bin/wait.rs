//! TCPIP ch.10 (Yoon, TCP/IP Network Programming: `wait.c`) — wait(2) blocks until a child ends and
//! gives its status; WIFEXITED / WEXITSTATUS read it.
//!
//! Run:        cargo run -p ch05-sigchld --bin wait
//! Talk to it: press Enter (or Ctrl-D) to end the final sleep early.
//! Observe:    "child N: WIFEXITED true, WEXITSTATUS 3" and "... 7", in the
//!             order the children ended; while the parent then sleeps,
//!             ps -o pid,ppid,stat,cmd --ppid <parent pid> shows no zombie:
//!             wait() removed both.
//! Changed from the C: nix's WaitStatus::Exited(pid, code) is WIFEXITED +
//! WEXITSTATUS in one; the raw status word is printed too.

use clap::Parser;
use common::LogArgs;
use common::wrapunix::{Fork, Wait};
use nix::sys::wait::WaitStatus;
use nix::unistd::ForkResult;

/// TCPIP ch.10 (wait.c): two children exit with 3 and 7; the parent waits
/// for both and prints WIFEXITED and WEXITSTATUS of each, then sleeps —
/// with no zombie left.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// How long the parent sleeps at the end.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    secs: f64,

    #[command(flatten)]
    log: LogArgs,
}

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    for code in [3, 7] {
        // SAFETY: single-threaded: no other thread can hold a lock across fork.
        match unsafe { Fork() } {
            ForkResult::Child => std::process::exit(code),
            ForkResult::Parent { child } => println!("Child PID: {child}"),
        }
    }
    for _ in 0..2 {
        match Wait() {
            WaitStatus::Exited(pid, status) => {
                println!("child {pid}: WIFEXITED true, WEXITSTATUS {status}")
            }
            other => println!("child ended otherwise: {other:?} (WIFEXITED false)"),
        }
    }
    println!("sleeping {} s: no zombie is left", args.secs);
    ch05_sigchld::sleep_or_eof(args.secs);
    // ANCHOR_END: main
}

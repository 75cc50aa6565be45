//! TCPIP ch.10 (Yoon, TCP/IP Network Programming: `zombie.c`) — a child that has exited but has not
//! been waited for is a zombie: state `Z`, shown `<defunct>` by ps.
//!
//! Run:        cargo run -p ch05-sigchld --bin zombie
//! Talk to it: press Enter (or Ctrl-D) to end the parent's sleep early.
//! Observe:    while the parent sleeps (30 s by default):
//!             ps -o pid,ppid,stat,cmd -p <child pid> → `Z` <defunct>;
//!             after the parent's wait() the child is gone.
//! Changed from the C: the parent reaps its child after sleeping (the C
//! version just exits, and leaves the zombie to init), and the sleep ends
//! early when stdin closes, so a test need not wait 30 s.

use clap::Parser;
use common::LogArgs;
use common::wrapunix::{Fork, Wait};
use nix::sys::wait::WaitStatus;
use nix::unistd::ForkResult;

/// TCPIP ch.10 (zombie.c): the child exits at once; the parent sleeps
/// without waiting, so meanwhile the child is a zombie (`Z`). Then the
/// parent calls wait() and the zombie disappears.
///
/// Look while it sleeps: ps -o pid,ppid,stat,cmd -p <child pid>
/// Press Enter or Ctrl-D to end the sleep early.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// How long the parent sleeps before it reaps the child.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    secs: f64,

    #[command(flatten)]
    log: LogArgs,
}

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    // SAFETY: single-threaded: no other thread can hold a lock across fork.
    match unsafe { Fork() } {
        ForkResult::Child => {
            println!("Hi, I am a child process; exiting now");
            std::process::exit(0);
        }
        ForkResult::Parent { child } => {
            println!("Child Process ID: {child}");
            println!("sleeping {} s: ps -o pid,ppid,stat,cmd -p {child}", args.secs);
            ch05_sigchld::sleep_or_eof(args.secs);
            if let WaitStatus::Exited(pid, code) = Wait() {
                println!("reaped child {pid} (exit status {code}): the zombie is gone");
            }
        }
    }
    // ANCHOR_END: main
}

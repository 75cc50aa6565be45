//! TCPIP ch.10 (Yoon, TCP/IP Network Programming: `fork.c`) — fork(2) returns twice, and the child
//! gets a *copy* of the parent's variables, globals included.
//!
//! Run:        cargo run -p ch05-sigchld --bin fork
//! Talk to it: nothing to type; it prints and exits.
//! Observe:    two lines from two processes: the child's fork() returned 0
//!             and it sees [13, 27]; the parent's returned the child's pid
//!             and it sees [9, 23]. Each changed its own copy.
//! Changed from the C: the global is an atomic (Rust's safe global); the
//! pids and fork's return values are printed too.

use std::sync::atomic::{AtomicI32, Ordering};

use clap::Parser;
use common::LogArgs;
use common::wrapunix::{Fork, Wait};
use nix::unistd::{ForkResult, getpid};

/// TCPIP ch.10 (fork.c): fork returns twice — 0 in the child, the child's
/// pid in the parent — and the child works on copies of the parent's
/// global and local variables.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    #[command(flatten)]
    log: LogArgs,
}

static GVAL: AtomicI32 = AtomicI32::new(10); // a global variable

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    let mut lval = 20; // a local variable
    GVAL.fetch_add(1, Ordering::Relaxed); // 11
    lval += 5; // 25

    // SAFETY: single-threaded: no other thread can hold a lock across fork.
    let ret = unsafe { Fork() };
    match ret {
        ForkResult::Child => {
            GVAL.fetch_add(2, Ordering::Relaxed);
            lval += 2;
            let g = GVAL.load(Ordering::Relaxed);
            println!("Child Proc:  pid {} fork() returned 0 → [{g}, {lval}]", getpid());
        }
        ForkResult::Parent { child } => {
            GVAL.fetch_sub(2, Ordering::Relaxed);
            lval -= 2;
            let g = GVAL.load(Ordering::Relaxed);
            println!(
                "Parent Proc: pid {} fork() returned {child} → [{g}, {lval}]",
                getpid()
            );
            Wait(); // no zombie left behind
        }
    }
    // ANCHOR_END: main
}

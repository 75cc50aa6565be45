//! Exercise 3's server: a fork-per-client echo server whose accept loop
//! hands each connection to the exercise's `handoff`. A random number of
//! extra descriptors (from `--seed`) is opened first, so the number accept
//! returns is not a constant. SIGCHLD is handled by the lab's reaper.

use std::fs::File;
use std::io;
use std::process::ExitCode;

use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::error::err_sys;
use common::wrapsock::Accept;
use nix::sys::signal::{SigHandler, Signal};
use socket2::Socket;

use crate::hosts::{parse, serve, sig_chld_reaper};

/// The exercise's function: fork; print the descriptor number in both
/// processes; the child serves, the parent closes its copy.
pub type Imp = fn(Socket, fn(Socket) -> !) -> io::Result<()>;

crate::hosts::variants!(Imp,
    student: crate::student::e03_refcount::handoff,
    stub: super::stub::handoff,
    solution: super::solution::handoff,
    wrong: {
        "blind-into-raw-fd-leak" => super::blind::into_raw_fd_leak::handoff,
        "blind-shutdown-in-parent" => super::blind::shutdown_in_parent::handoff,
        "blind-parent-waits-for-child" => super::blind::parent_waits_for_child::handoff,
        "blind-dup-in-child" => super::blind::dup_in_child::handoff,
        "blind-logged-to-stderr" => super::blind::logged_to_stderr::handoff,
        "blind-branches-swapped" => super::blind::branches_swapped::handoff,
        "blind-alt-correct" => super::blind::alt_correct::handoff,
        "fake-pass" => super::wrong::fake_pass,
        "escape" => super::wrong::escape,
        "into-raw-fd" => super::wrong::into_raw_fd,
        "shutdown" => super::wrong::shutdown,
        "wait-for-child" => super::wrong::wait_for_child,
    }
);

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,
    /// Opens (seed mod 7) extra descriptors first, to move accept's number.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let handoff = pick(variant)?;
    let a: Args = parse("refcount", args);
    a.serv.log.init("e03_refcount");
    let listenfd = Serv_listen(&a.serv, false);
    // SAFETY: sig_chld_reaper only calls waitpid(2): async-signal-safe.
    unsafe { common::signal::Signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld_reaper)) };
    let _extra: Vec<File> = (0..a.seed % 7)
        .filter_map(|_| File::open("/dev/null").ok())
        .collect();
    loop {
        let (connfd, _cliaddr) = Accept(&listenfd);
        if let Err(e) = handoff(connfd, serve) {
            err_sys("handoff error", &e);
        }
    }
}

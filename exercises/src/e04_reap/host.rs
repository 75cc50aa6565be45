//! Exercise 4's server: tcpserv04 (UNP Fig 5.12) with the exercise's SIGCHLD
//! handler installed with SA_RESTART, an accept loop that retries EINTR, and
//! one child per client that echoes until the client closes.

use std::ffi::c_int;
use std::io;
use std::process::ExitCode;

use common::error::err_sys;
use common::wrapsock::accept;
use nix::sys::signal::{SigHandler, Signal};

use crate::hosts::fork_echo;

/// The exercise's function: the SIGCHLD handler.
pub type Imp = extern "C" fn(c_int);

crate::hosts::variants!(Imp,
    student: crate::student::e04_reap::sig_chld,
    stub: super::stub::sig_chld,
    solution: super::solution::sig_chld,
    wrong: {
        "fake-pass" => super::wrong::fake_pass,
        "fixed-five" => super::wrong::fixed_five,
        "one-wait" => super::wrong::one_wait,
        "blocking-loop" => super::wrong::blocking_loop,
        "waitpid-no-wnohang" => super::wrong::waitpid_no_wnohang,
        "if-not-while" => super::wrong::if_not_while,
    }
);

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let sig_chld = pick(variant)?;
    let mut listenfd = crate::hosts::listen("e04_reap", args);
    // SAFETY: the exercise's rule for the handler is "async-signal-safe work
    // only" (waitpid, write via SigLine, atomics); the reference obeys it.
    unsafe { common::signal::Signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld)) };
    loop {
        let connfd = match accept(&listenfd) {
            Ok((c, _)) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => err_sys("accept error", &e),
        };
        listenfd = fork_echo(listenfd, connfd);
    }
}

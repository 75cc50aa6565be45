//! Exercise 5's server: a fork-per-client echo server whose SIGCHLD handler
//! (the lab's reaper) is installed **without** SA_RESTART, as on the book's
//! Solaris: every child that ends interrupts the parent's accept. The
//! exercise's `next_connection` is its only way to get a client; an error
//! from it ends the server with the book's "accept error: ...".

use std::io;
use std::process::ExitCode;

use common::error::err_sys;
use nix::sys::signal::{SigHandler, Signal};
use socket2::{SockAddr, Socket};

use crate::hosts::{fork_echo, sig_chld_reaper};

/// The exercise's function: the next connection, whatever signals arrive.
pub type Imp = fn(&Socket) -> io::Result<(Socket, SockAddr)>;

crate::hosts::variants!(Imp,
    student: crate::student::e05_eintr::next_connection,
    stub: super::stub::next_connection,
    solution: super::solution::next_connection,
    wrong: {
        "blind-retry-once" => super::blind::retry_once::next_connection,
        "blind-retries-every-error" => super::blind::retries_every_error::next_connection,
        "blind-retries-wouldblock" => super::blind::retries_wouldblock::next_connection,
        "blind-accept-wrapper-errnos" => super::blind::accept_wrapper_errnos::next_connection,
        "blind-block-sigchld" => super::blind::block_sigchld::next_connection,
        "blind-retry-three-times" => super::blind::retry_three_times::next_connection,
        "blind-alt-correct" => super::blind::alt_correct::next_connection,
        "fake-pass" => super::wrong::fake_pass,
        "retry-three-times" => super::wrong::retry_three_times,
        "guard-std-accept" => super::wrong::guard_std_accept,
        "fake-exec" => super::wrong::fake_exec,
        "eintr-fatal" => super::wrong::eintr_fatal,
        "expect-panics" => super::wrong::expect_panics,
        "wouldblock" => super::wrong::wouldblock_not_interrupted,
    }
);

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let next_connection = pick(variant)?;
    let mut listenfd = crate::hosts::listen("e05_eintr", args);
    crate::hosts::break_listener_on_sigusr2(&listenfd);
    // SAFETY: sig_chld_reaper only calls waitpid(2): async-signal-safe.
    unsafe { common::signal::signal_intr(Signal::SIGCHLD, SigHandler::Handler(sig_chld_reaper)) };
    loop {
        let (connfd, _) = next_connection(&listenfd).unwrap_or_else(|e| err_sys("accept error", &e));
        listenfd = fork_echo(listenfd, connfd);
    }
}

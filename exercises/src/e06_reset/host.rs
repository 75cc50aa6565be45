//! Exercise 6's server: an iterative echo server (one client at a time, as
//! in ch.4) whose whole loop is the exercise's `serve_forever`. The lab
//! gives it `echo_lines`, which echoes one client's lines until EOF and
//! returns the first error (ECONNRESET when the client aborts). If
//! `serve_forever` returns, the server exits.

use std::io;
use std::process::ExitCode;

use common::error::{err_quit, err_sys};
use common::readline::Rline;
use common::writen::writen;
use socket2::Socket;

/// The exercise's function: accept and serve clients, forever.
pub type Imp = fn(&Socket, fn(&Socket) -> io::Result<()>) -> io::Result<()>;

crate::hosts::variants!(Imp,
    student: crate::student::e06_reset::serve_forever,
    stub: super::stub::serve_forever,
    solution: super::solution::serve_forever,
    wrong: {
        "blind-question-mark-on-echo" => super::blind::question_mark_on_echo::serve_forever,
        "blind-only-econnreset" => super::blind::only_econnreset::serve_forever,
        "blind-swallows-everything" => super::blind::swallows_everything::serve_forever,
        "blind-accept-question-mark" => super::blind::accept_question_mark::serve_forever,
        "blind-while-let-accept" => super::blind::while_let_accept::serve_forever,
        "blind-shutdown-after-echo" => super::blind::shutdown_after_echo::serve_forever,
        "blind-alt-correct" => super::blind::alt_correct::serve_forever,
        "fake-pass" => super::wrong::fake_pass,
        "exit-on-reset" => super::wrong::exit_on_reset,
        "unwrap-panics" => super::wrong::unwrap_panics,
        "stop-on-error" => super::wrong::stop_on_error,
    }
);

/// Echoes `connfd`'s lines until the client's FIN; returns the first error.
pub fn echo_lines(connfd: &Socket) -> io::Result<()> {
    let mut rl = Rline::new(connfd);
    let mut line = Vec::new();
    while rl.readline(&mut line)? > 0 {
        writen(connfd, &line)?;
    }
    Ok(())
}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let serve_forever = pick(variant)?;
    let listenfd = crate::hosts::listen("e06_reset", args);
    crate::hosts::break_listener_on_sigusr2(&listenfd);
    // SAFETY: interrupt_only does nothing, which is async-signal-safe.
    unsafe {
        common::signal::signal_intr(
            nix::sys::signal::Signal::SIGUSR1,
            nix::sys::signal::SigHandler::Handler(crate::hosts::interrupt_only),
        )
    };
    match serve_forever(&listenfd, echo_lines) {
        Ok(()) => err_quit("serve_forever returned: the server stops"),
        Err(e) => err_sys("serve error", &e),
    }
}

//! Exercise 14's server: tcpserv04's fork-per-client echo server (the lab's
//! SIGCHLD reaper installed) whose loop is the exercise's `serve`, with the
//! exercise's SIGTERM handler and a self-pipe: the handler writes to the
//! pipe's write end (`wake_fd`), `serve` polls its read end. When `serve`
//! returns Ok the server exits 0.

use std::ffi::c_int;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::ExitCode;

use common::error::err_sys;
use nix::fcntl::OFlag;
use nix::sys::signal::{SigHandler, Signal};
use nix::unistd::ForkResult;
use socket2::Socket;

/// The exercise's two functions: the SIGTERM handler and the server's loop.
pub type Imp = (extern "C" fn(c_int), fn(Socket, &OwnedFd, fn(&Socket, Socket)) -> io::Result<()>);

crate::hosts::variants!(Imp,
    student: (crate::student::e14_drain::on_sigterm, crate::student::e14_drain::serve),
    stub: (super::stub::on_sigterm, super::stub::serve),
    solution: (super::solution::on_sigterm, super::solution::serve),
    wrong: {
        "blind-count-children" => (super::blind::count_children::on_sigterm, super::blind::count_children::serve),
        "blind-poll-eintr-fatal" => (super::blind::poll_eintr_fatal::on_sigterm, super::blind::poll_eintr_fatal::serve),
        "blind-close-after-wait" => (super::blind::close_after_wait::on_sigterm, super::blind::close_after_wait::serve),
        "blind-no-wait" => (super::blind::no_wait::on_sigterm, super::blind::no_wait::serve),
        "blind-waits-once" => (super::blind::waits_once::on_sigterm, super::blind::waits_once::serve),
        "blind-any-wait-error-done" => (super::blind::any_wait_error_done::on_sigterm, super::blind::any_wait_error_done::serve),
        "blind-accept-blocks" => (super::blind::accept_blocks::on_sigterm, super::blind::accept_blocks::serve),
        "blind-wnohang-spin" => (super::blind::wnohang_spin::on_sigterm, super::blind::wnohang_spin::serve),
        "blind-handler-logs" => (super::blind::handler_logs::on_sigterm, super::blind::handler_logs::serve),
        "blind-alt-correct" => (super::blind::alt_correct::on_sigterm, super::blind::alt_correct::serve),
        "fake-pass" => (super::solution::on_sigterm, super::wrong::fake_pass),
        "wait-once" => (super::solution::on_sigterm, super::wrong::wait_once),
        "exit-in-handler" => (super::wrong::exit_in_handler, super::solution::serve),
        "keep-listening" => (super::solution::on_sigterm, super::wrong::keep_listening),
        "count-children" => (super::solution::on_sigterm, super::wrong::count_children),
    }
);

/// Forks a child that echoes `connfd`'s lines until the client's FIN. The
/// child closes its copy of the listener; the parent closes `connfd`.
pub fn fork_echo(listenfd: &Socket, connfd: Socket) {
    // SAFETY: the server is single-threaded: no other thread can hold a
    // lock across the fork.
    match unsafe { common::wrapunix::Fork() } {
        ForkResult::Child => {
            // The Socket itself is never dropped in the child: serve exits.
            let _ = nix::unistd::close(listenfd.as_raw_fd());
            crate::hosts::serve(connfd)
        }
        ForkResult::Parent { .. } => drop(connfd),
    }
}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let (on_sigterm, serve) = pick(variant)?;
    let listenfd = crate::hosts::listen("e14_drain", args);
    let (rd, wr) = nix::unistd::pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK)
        .unwrap_or_else(|e| err_sys("pipe error", &e.into()));
    let _ = exercises_student::tools::WAKE.set(wr);
    // SAFETY: both handlers do async-signal-safe work only (waitpid; a
    // write(2) to the pipe) in the reference; wrong answers show other bugs.
    unsafe {
        common::signal::signal_intr(Signal::SIGCHLD, SigHandler::Handler(crate::hosts::sig_chld_reaper));
        common::signal::Signal(Signal::SIGTERM, SigHandler::Handler(on_sigterm));
        common::signal::signal_intr(Signal::SIGUSR1, SigHandler::Handler(crate::hosts::interrupt_only));
    }
    match serve(listenfd, &rd, fork_echo) {
        Ok(()) => {
            common::notice!("drained: every child has ended; exiting");
            Some(ExitCode::SUCCESS)
        }
        Err(e) => err_sys("serve error", &e),
    }
}

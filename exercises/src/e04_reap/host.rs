//! Exercise 4's server: tcpserv04 (UNP Fig 5.12) with the exercise's SIGCHLD
//! handler installed with SA_RESTART, an accept loop that retries EINTR, and
//! one child per client that echoes until the client closes.

use std::ffi::c_int;
use std::io;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

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
        "blind-wait-once" => super::blind::wait_once::sig_chld,
        "blind-waitpid-if-not-while" => super::blind::waitpid_if_not_while::sig_chld,
        "blind-blocking-wait-loop" => super::blind::blocking_wait_loop::sig_chld,
        "blind-loop-until-error" => super::blind::loop_until_error::sig_chld,
        "blind-only-exited" => super::blind::only_exited::sig_chld,
        "blind-five-times" => super::blind::five_times::sig_chld,
        "blind-println-in-handler" => super::blind::println_in_handler::sig_chld,
        "blind-errno-not-saved" => super::blind::errno_not_saved::sig_chld,
        "blind-alt-correct" => super::blind::alt_correct::sig_chld,
        "fake-pass" => super::wrong::fake_pass,
        "fixed-five" => super::wrong::fixed_five,
        "one-wait" => super::wrong::one_wait,
        "blocking-loop" => super::wrong::blocking_loop,
        "waitpid-no-wnohang" => super::wrong::waitpid_no_wnohang,
        "if-not-while" => super::wrong::if_not_while,
    }
);

/// Set by SIGUSR2: the check asks for the errno probe.
static PROBE: AtomicBool = AtomicBool::new(false);

/// Async-signal-safe: one atomic store.
extern "C" fn on_usr2(_signo: std::ffi::c_int) {
    PROBE.store(true, Ordering::SeqCst);
}

/// A handler runs between any two instructions of the code it interrupts:
/// if it changes errno, the interrupted code reads the handler's errno. The
/// probe, asked for by the check once the server has no child (so waitpid
/// fails with ECHILD): errno set, SIGCHLD raised — the handler runs before
/// raise returns — and errno must be what it was. (It can only fail a check.)
fn errno_survives() -> bool {
    nix::errno::Errno::set_raw(nix::libc::EDOM);
    let _ = nix::sys::signal::raise(Signal::SIGCHLD);
    let after = nix::errno::Errno::last_raw();
    if after != nix::libc::EDOM {
        common::fatal!(
            "the SIGCHLD handler changed errno (it was EDOM, the handler left {}): save errno first and restore it on return",
            nix::errno::Errno::from_raw(after)
        );
        return false;
    }
    common::notice!("errno probe: the SIGCHLD handler left errno as it was");
    true
}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let sig_chld = pick(variant)?;
    let mut listenfd = crate::hosts::listen("e04_reap", args);
    // SAFETY: the exercise's rule for the handler is "async-signal-safe work
    // only" (waitpid, write via SigLine, atomics); the reference obeys it.
    unsafe { common::signal::Signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld)) };
    // SAFETY: on_usr2 only stores to an atomic, which is async-signal-safe.
    unsafe { common::signal::signal_intr(Signal::SIGUSR2, SigHandler::Handler(on_usr2)) };
    loop {
        let connfd = match accept(&listenfd) {
            Ok((c, _)) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                if PROBE.swap(false, Ordering::SeqCst) && !errno_survives() {
                    return Some(ExitCode::FAILURE);
                }
                continue;
            }
            Err(e) => err_sys("accept error", &e),
        };
        listenfd = fork_echo(listenfd, connfd);
    }
}

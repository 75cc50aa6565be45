//! Exercise 13's server: an iterative echo server (the exercise's accept
//! loop) that runs out of descriptors. After listening it opens one filler
//! descriptor and lowers its soft RLIMIT_NOFILE to the number of the next
//! free one: every accept(2) fails with EMFILE while the client waits.
//! SIGUSR1 closes the filler (close(2) is async-signal-safe): one slot.

use std::ffi::c_int;
use std::fs::File;
use std::os::fd::{AsRawFd, IntoRawFd};
use std::process::ExitCode;
use std::sync::atomic::{AtomicI32, Ordering};

use common::error::{err_quit, err_sys};
use nix::sys::resource::{Resource, getrlimit, setrlimit};
use nix::sys::signal::{SigHandler, Signal};
use socket2::Socket;

/// The exercise's function: the accept loop.
pub type Imp = fn(&Socket, fn(Socket)) -> std::io::Result<()>;

crate::hosts::variants!(Imp,
    student: crate::student::e13_emfile::accept_loop,
    stub: super::stub::accept_loop,
    solution: super::solution::accept_loop,
    wrong: {
        "blind-emfile-fatal" => super::blind::emfile_fatal::accept_loop,
        "blind-spin-retry" => super::blind::spin_retry::accept_loop,
        "blind-all-errors-temporary" => super::blind::all_errors_temporary::accept_loop,
        "blind-no-eintr" => super::blind::no_eintr::accept_loop,
        "blind-uncapped-backoff" => super::blind::uncapped_backoff::accept_loop,
        "blind-emfile-only" => super::blind::emfile_only::accept_loop,
        "blind-spare-fd-drops-client" => super::blind::spare_fd_drops_client::accept_loop,
        "blind-alt-correct" => super::blind::alt_correct::accept_loop,
        "fake-pass" => super::wrong::fake_pass,
        "spin" => super::wrong::spin,
        "exit-on-emfile" => super::wrong::exit_on_emfile,
        "expect-panics" => super::wrong::expect_panics,
    }
);

/// The descriptor SIGUSR1 closes (-1: none left).
static FILLER: AtomicI32 = AtomicI32::new(-1);

extern "C" fn free_one(_signo: c_int) {
    let fd = FILLER.swap(-1, Ordering::SeqCst);
    if fd >= 0 {
        let _ = nix::unistd::close(fd);
    }
}

/// Echoes the client's lines until its FIN; a client's error is logged.
fn serve(connfd: Socket) {
    if let Err(e) = crate::e06_reset::host::echo_lines(&connfd) {
        common::warning!("client: {}", common::error::strerror(&e));
    }
}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let accept_loop = pick(variant)?;
    let listenfd = crate::hosts::listen("e13_emfile", args);
    crate::hosts::break_listener_on_sigusr2(&listenfd);
    // SAFETY: interrupt_only does nothing, which is async-signal-safe.
    unsafe {
        common::signal::signal_intr(Signal::SIGWINCH, SigHandler::Handler(crate::hosts::interrupt_only))
    };
    let filler = File::open("/dev/null").unwrap_or_else(|e| err_sys("open /dev/null", &e));
    FILLER.store(filler.into_raw_fd(), Ordering::SeqCst);
    let next = File::open("/dev/null").unwrap_or_else(|e| err_sys("open /dev/null", &e));
    let limit = next.as_raw_fd() as u64;
    drop(next);
    // SAFETY: the handler only swaps an atomic and calls close(2), both
    // async-signal-safe.
    unsafe { common::signal::Signal(Signal::SIGUSR1, SigHandler::Handler(free_one)) };
    let (_, hard) = getrlimit(Resource::RLIMIT_NOFILE).unwrap_or_else(|e| err_sys("getrlimit", &e.into()));
    setrlimit(Resource::RLIMIT_NOFILE, limit, hard).unwrap_or_else(|e| err_sys("setrlimit", &e.into()));
    common::notice!("every descriptor in use (RLIMIT_NOFILE {limit}); kill -USR1 {} frees one", std::process::id());
    match accept_loop(&listenfd, serve) {
        Ok(()) => err_quit("accept_loop returned: the server stops"),
        Err(e) => err_sys("accept_loop error", &e),
    }
}

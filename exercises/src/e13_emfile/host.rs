//! Exercise 13's server: an iterative echo server (the exercise's accept
//! loop) that runs out of descriptors. After listening it opens one filler
//! descriptor and lowers its soft RLIMIT_NOFILE to the number of the next
//! free one: every accept(2) fails with EMFILE while the client waits.
//! SIGUSR1 closes the filler (close(2) is async-signal-safe): one slot.
//!
//! With `--enfile` the shortage is the system's instead: accept(2) fails
//! with ENFILE ("Too many open files in system"), as it does when the
//! kernel's file table is full (fs.file-max). That table is global — a
//! check may not fill it, and root is exempt anyway — so this binary
//! interposes libc's `accept` and `accept4`: its own definitions are the
//! ones every caller in it links to (std, socket2, nix, the libc crate
//! alike), and while the shortage lasts they fail with ENFILE before the
//! kernel is asked, leaving the client queued, as the kernel does (it
//! allocates the new file before it takes a connection off the queue).
//! Outside that mode they pass every call to the kernel unchanged. Only a
//! raw `syscall(SYS_accept4, ..)` would not see it. SIGUSR1 ends it.

use std::ffi::c_int;
use std::fs::File;
use std::os::fd::{AsRawFd, IntoRawFd};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use clap::Parser;

use common::error::{err_quit, err_sys};
use common::ServerArgs;
use common::args::Serv_listen;
use nix::libc::{self, sockaddr, socklen_t};
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
        "uncapped-from-300ms" => super::wrong::uncapped_from_300ms,
        "exit-on-emfile" => super::wrong::exit_on_emfile,
        "expect-panics" => super::wrong::expect_panics,
    }
);

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,
    /// Run out of the system's descriptors instead of the process's:
    /// accept(2) fails with ENFILE until SIGUSR1 (see the file's header).
    #[arg(long)]
    enfile: bool,
}

/// The descriptor SIGUSR1 closes (-1: none left).
static FILLER: AtomicI32 = AtomicI32::new(-1);

/// `--enfile`: while set, accept(2) and accept4(2) fail with ENFILE.
static SYSTEM_FULL: AtomicBool = AtomicBool::new(false);

extern "C" fn free_one(_signo: c_int) {
    SYSTEM_FULL.store(false, Ordering::SeqCst);
    let fd = FILLER.swap(-1, Ordering::SeqCst);
    if fd >= 0 {
        let _ = nix::unistd::close(fd);
    }
}

/// accept(2), interposed (see the file's header): [`accept4`] with no flags.
///
/// # Safety
/// As libc's accept(2): `addr` and `len` are null or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn accept(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    // SAFETY: the caller's contract is accept4's.
    unsafe { accept4(fd, addr, len, 0) }
}

/// accept4(2), interposed (see the file's header): ENFILE during an
/// `--enfile` shortage, otherwise the system call itself.
///
/// # Safety
/// As libc's accept4(2): `addr` and `len` are null or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn accept4(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t, flags: c_int) -> c_int {
    if SYSTEM_FULL.load(Ordering::SeqCst) {
        nix::errno::Errno::ENFILE.set();
        return -1;
    }
    // SAFETY: the caller's arguments go to the kernel unchanged, as libc's
    // wrapper passes them; it returns -1 with errno set, as libc's does.
    unsafe { libc::syscall(libc::SYS_accept4, fd, addr, len, flags) as c_int }
}

/// Echoes the client's lines until its FIN; a client's error is logged.
fn serve(connfd: Socket) {
    if let Err(e) = crate::e06_reset::host::echo_lines(&connfd) {
        common::warning!("client: {}", common::error::strerror(&e));
    }
}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let accept_loop = pick(variant)?;
    let a: Args = crate::hosts::parse("e13_emfile", args);
    a.serv.log.init("e13_emfile");
    let listenfd = Serv_listen(&a.serv, false);
    crate::hosts::break_listener_on_sigusr2(&listenfd);
    // SAFETY: interrupt_only does nothing, which is async-signal-safe.
    unsafe {
        common::signal::signal_intr(Signal::SIGWINCH, SigHandler::Handler(crate::hosts::interrupt_only))
    };
    // SAFETY: the handler only stores atomics and calls close(2), both
    // async-signal-safe.
    unsafe { common::signal::Signal(Signal::SIGUSR1, SigHandler::Handler(free_one)) };
    if a.enfile {
        SYSTEM_FULL.store(true, Ordering::SeqCst);
        common::notice!(
            "the system's file table is full (accept fails with ENFILE); kill -USR1 {} frees one",
            std::process::id()
        );
        return Some(finish(accept_loop(&listenfd, serve)));
    }
    let filler = File::open("/dev/null").unwrap_or_else(|e| err_sys("open /dev/null", &e));
    FILLER.store(filler.into_raw_fd(), Ordering::SeqCst);
    let next = File::open("/dev/null").unwrap_or_else(|e| err_sys("open /dev/null", &e));
    let limit = next.as_raw_fd() as u64;
    drop(next);
    let (_, hard) = getrlimit(Resource::RLIMIT_NOFILE).unwrap_or_else(|e| err_sys("getrlimit", &e.into()));
    setrlimit(Resource::RLIMIT_NOFILE, limit, hard).unwrap_or_else(|e| err_sys("setrlimit", &e.into()));
    common::notice!("every descriptor in use (RLIMIT_NOFILE {limit}); kill -USR1 {} frees one", std::process::id());
    Some(finish(accept_loop(&listenfd, serve)))
}

/// The accept loop came back: with an error (the server exits 1 with it),
/// or without (it was to run for ever).
fn finish(r: std::io::Result<()>) -> ExitCode {
    match r {
        Ok(()) => err_quit("accept_loop returned: the server stops"),
        Err(e) => err_sys("accept_loop error", &e),
    }
}

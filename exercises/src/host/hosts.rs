//! Helpers for the programs around the exercises (`exercises-host`).
//!
//! The programs around the exercises. `exercises run <id> --impl <variant>
//! -- ARGS` runs one: a server (or a test bench) from the lab that calls the
//! chosen implementation — the student's function, the reference solution,
//! or a wrong answer — at the one place the exercise is about.
//!
//! Run one yourself, e.g. with your SIGCHLD handler:
//!     cargo run -p exercises -- run reap -- --port 9877
//! and talk to it with `tcpcli04` (ch05-sigchld) or `nc 127.0.0.1 9877`.

use std::ffi::c_int;

use clap::Parser;
use nix::sys::wait::{WaitPidFlag, WaitStatus};
use nix::unistd::ForkResult;
use socket2::Socket;

use common::ServerArgs;
use common::args::Serv_listen;

use common::str_echo::str_echo;
use common::wrapunix::{Fork, waitpid};

/// Generates, for one exercise, `pick(variant)` — the implementation of
/// that name: the student's always; the pristine stub, the reference and
/// the wrong answers only with the `solutions` feature — and `variants()`,
/// the names this build knows (the checker compares them with its list).
macro_rules! variants {
    ($imp:ty,
     student: $s:expr,
     stub: $stub:expr,
     solution: $r:expr,
     wrong: { $($name:literal => $w:expr,)* }) => {
        fn pick(variant: &str) -> Option<$imp> {
            Some(match variant {
                $crate::STUDENT => $s,
                #[cfg(feature = "solutions")]
                $crate::STUB => $stub,
                #[cfg(feature = "solutions")]
                $crate::SOLUTION => $r,
                $(
                    #[cfg(feature = "solutions")]
                    $name => $w,
                )*
                _ => return None,
            })
        }

        /// The implementations this build has, by name.
        pub fn variants() -> Vec<&'static str> {
            let all = [$crate::STUDENT, $crate::STUB, $crate::SOLUTION, $($name,)*];
            all.into_iter().filter(|v| pick(v).is_some()).collect()
        }
    };
}
pub(crate) use variants;

/// The arguments of a host that is just a server.
#[derive(Parser)]
struct ServerOnly {
    #[command(flatten)]
    serv: ServerArgs,
}

/// Parses a server host's arguments, starts logging as `name`, and
/// listens (printing `listening on ADDR` first on stderr).
pub fn listen(name: &'static str, args: &[String]) -> Socket {
    let a: ServerOnly = parse(name, args);
    a.serv.log.init(name);
    Serv_listen(&a.serv, false)
}

/// Parses a host's own arguments (clap's usage error: exit 2).
pub fn parse<A: Parser>(name: &'static str, args: &[String]) -> A {
    A::parse_from(std::iter::once(name.to_string()).chain(args.iter().cloned()))
}

/// The server child's job in the fork-per-client hosts: echo, then exit
/// (closing the connection: FIN to the client). Never returns.
pub fn serve(connfd: Socket) -> ! {
    str_echo(&connfd);
    std::process::exit(0)
}

/// Fork a child to echo on `connfd`; the child closes the listener, the
/// parent closes `connfd` and gets the listener back (Fig 5.2's loop body).
pub fn fork_echo(listenfd: Socket, connfd: Socket) -> Socket {
    // SAFETY: every host that calls this is single-threaded: no other
    // thread can hold a lock across the fork.
    match unsafe { Fork() } {
        ForkResult::Child => {
            drop(listenfd);
            serve(connfd)
        }
        ForkResult::Parent { .. } => {
            drop(connfd);
            listenfd
        }
    }
}

/// The lab's SIGCHLD handler (UNP Fig 5.11), for hosts whose exercise is not
/// the handler itself: reap every child that has ended, never block.
/// Async-signal-safe: only waitpid(2); errno saved and restored
/// (`SavedErrno`, as every handler of the chapter).
pub extern "C" fn sig_chld_reaper(_signo: c_int) {
    let _errno = ch05_sigchld::SavedErrno::new();
    while let Ok(st) = waitpid(None, Some(WaitPidFlag::WNOHANG)) {
        if st == WaitStatus::StillAlive {
            break;
        }
    }
}

pub use exercises::daytime;

/// The listener's descriptor number and an open /dev/null, for
/// [`break_listener_on_sigusr2`]'s handler.
static LISTENER: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(-1);
static DEVNULL: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(-1);

/// Async-signal-safe: loads and one dup2(2). The listener's number now
/// names /dev/null: accept(2) on it fails with ENOTSOCK, a real error that
/// nothing will cure.
extern "C" fn on_usr2_break(_signo: c_int) {
    use std::sync::atomic::Ordering;
    let (null, l) = (DEVNULL.load(Ordering::SeqCst), LISTENER.load(Ordering::SeqCst));
    if null >= 0 && l >= 0 {
        // SAFETY: dup2(2) on two descriptors this process owns; async-signal-safe.
        unsafe { nix::libc::dup2(null, l) };
    }
}

/// On SIGUSR2 the server's listener breaks for good (see [`on_usr2_break`]):
/// the checks use it to see that a real error ends the server instead of
/// being retried for ever. Installed with SA_RESTART, so the accept the
/// signal arrives in is restarted — on the broken descriptor.
pub fn break_listener_on_sigusr2(listenfd: &Socket) {
    use std::os::fd::{AsRawFd, IntoRawFd};
    use std::sync::atomic::Ordering;
    if let Ok(null) = std::fs::File::open("/dev/null") {
        DEVNULL.store(null.into_raw_fd(), Ordering::SeqCst);
    }
    LISTENER.store(listenfd.as_raw_fd(), Ordering::SeqCst);
    // SAFETY: on_usr2_break does only async-signal-safe work (see it).
    unsafe {
        common::signal::Signal(
            nix::sys::signal::Signal::SIGUSR2,
            nix::sys::signal::SigHandler::Handler(on_usr2_break),
        )
    };
}

/// Async-signal-safe: does nothing; its only job is to interrupt a call.
pub extern "C" fn interrupt_only(_signo: c_int) {}

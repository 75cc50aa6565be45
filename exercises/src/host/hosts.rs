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

//! The programs around the exercises. `exercises run <id> --impl <variant>
//! -- ARGS` runs one: a server (or a test bench) from the lab that calls the
//! chosen implementation — the student's function, the reference solution,
//! or a wrong answer — at the one place the exercise is about.
//!
//! Run one yourself, e.g. with your SIGCHLD handler:
//!     cargo run -p exercises -- run reap -- --port 9877
//! and talk to it with `tcpcli04` (ch05-sigchld) or `nc 127.0.0.1 9877`.

use std::ffi::c_int;
use std::io::{self, Write as _};
use std::process::ExitCode;

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
/// the wrong answers only with the `solutions` feature — `knows(variant)`,
/// and `WRONGS`: each wrong answer's name and the words its report must
/// contain.
macro_rules! variants {
    ($imp:ty,
     student: $s:expr,
     stub: $stub:expr,
     solution: $r:expr,
     wrong: { $($name:literal => $w:expr, says $says:literal;)* }) => {
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

        /// Is there an implementation named `variant` in this build?
        pub fn knows(variant: &str) -> bool {
            pick(variant).is_some()
        }

        /// The wrong answers the check is proven on, and what its report
        /// must say about each.
        pub const WRONGS: &[$crate::catalog::Wrong] = &[
            $($crate::catalog::Wrong { name: $name, says: $says },)*
        ];
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

/// A verdict line for the self-judging benches: `FAIL did | saw | expected`.
pub fn verdict_fail(did: &str, saw: &str, expected: &str) -> ExitCode {
    // One line on stdout: newlines travel as the unit separator (0x1f).
    println!("FAIL {did} | {} | {expected}", saw.replace('\n', "\u{1f}"));
    let _ = io::stdout().flush();
    ExitCode::FAILURE
}

/// A verdict line for the self-judging benches: `ok ...`.
pub fn verdict_ok(note: &str) -> ExitCode {
    println!("ok {note}");
    let _ = io::stdout().flush();
    ExitCode::SUCCESS
}

/// The time as the book's daytime server sends it (ctime(3) format, UTC),
/// with the protocol's "\r\n".
pub fn daytime() -> String {
    format!("{}\r\n", common::ctime::ctime_utc(std::time::SystemTime::now()))
}

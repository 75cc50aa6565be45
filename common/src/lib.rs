//! `common` — the book's lib/ in Rust, shared by every program of the lab.
//!
//! | module | the book's file | what |
//! |---|---|---|
//! | [`unp`] | unp.h | `SERV_PORT`, `LISTENQ`, `MAXLINE` |
//! | [`wrapsock`] | lib/wrapsock.c | `socket` … `getpeername`, and `Socket` … `Getpeername` |
//! | [`wrapunix`] | lib/wrapunix.c | `fork`, `wait`, `waitpid`, `read`, `write` and capitalised twins |
//! | [`signal`] | lib/signal.c, lib/signalintr.c | `Signal` (SA_RESTART), `signal_intr` (none) |
//! | [`readline`] | lib/readline.c | `Rline`, `Readline`: buffered per descriptor |
//! | [`writen`] | lib/readn.c, lib/writen.c | `readn`, `writen`, `Readn`, `Writen` |
//! | [`str_echo`], [`str_cli`] | lib/str_echo.c, lib/str_cli.c | the echo loops of Fig 5.3 and 5.5 |
//! | [`to_upper`] | (the to_upper blog post) | `to_upper`: the service of the toupper servers |
//! | [`sock_ntop`] | lib/sock_ntop.c | an address as text |
//! | [`error`] | lib/error.c | `err_sys`, `err_quit`, `strerror` |
//! | [`log`] | (the to_upper blog post's logMessage) | levelled lines with time and pid; a signal-safe line |
//! | [`ctime`] | ctime(3) | `ctime_utc`: the daytime line, in UTC |
//! | [`args`] | — | shared clap flags; `Serv_listen`, `Resolve` |
//!
//! Apart from the book's files, [`lab`] holds the lab's own machinery: the
//! /proc observer and the process harness that demos, tests and exercise
//! checks use to watch these programs run. No figure program needs it.
//!
//! Lowercase wrappers return `io::Result` and never retry EINTR.
//! Capitalised wrappers print "<call> error: <strerror>" and exit 1.

pub mod args;
pub mod ctime;
pub mod error;
pub mod lab;
pub mod lang;
pub mod log;
pub mod readline;
pub mod signal;
pub mod sock_ntop;
pub mod str_cli;
pub mod str_echo;
pub mod to_upper;
pub mod unp;
pub mod wrapsock;
pub mod wrapunix;
pub mod writen;

pub use args::{ClientArgs, LogArgs, ServerArgs};
pub use unp::{LISTENQ, MAXLINE, SERV_PORT};

/// The last line of an anyhow-style `main`: Ok → exit 0; Err → one FATAL
/// line with the error and its context chain, exit 1. No panic, no backtrace.
pub fn exit_code(result: anyhow::Result<()>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            fatal!("{e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

//! Exercise 4's server: tcpserv04 (UNP Fig 5.12) with the exercise's SIGCHLD
//! handler installed with SA_RESTART, an accept loop that retries EINTR, and
//! one child per client that echoes until the client closes.

use std::ffi::c_int;
use std::io;
use std::process::ExitCode;

use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::error::err_sys;
use common::wrapsock::accept;
use nix::sys::signal::{SigHandler, Signal};

use super::{fork_echo, parse};

/// The exercise's function: the SIGCHLD handler.
pub type Imp = extern "C" fn(c_int);

fn pick(variant: &str) -> Option<Imp> {
    Some(match variant {
        crate::STUDENT => crate::student::e04_reap::sig_chld,
        #[cfg(feature = "solutions")]
        crate::SOLUTION => crate::solutions::e04_reap::sig_chld,
        #[cfg(feature = "solutions")]
        "one-wait" => crate::wrong::e04_reap::one_wait,
        _ => return None,
    })
}

pub fn knows(variant: &str) -> bool {
    pick(variant).is_some()
}

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,
}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let sig_chld = pick(variant)?;
    let a: Args = parse("reap", args);
    a.serv.log.init("e04_reap");
    let mut listenfd = Serv_listen(&a.serv, false);
    // SAFETY: the exercise's rule for the handler is "async-signal-safe work
    // only" (waitpid, write via SigLine, atomics); the reference obeys it.
    unsafe { common::signal::Signal(Signal::SIGCHLD, SigHandler::Handler(sig_chld)) };
    loop {
        let connfd = match accept(&listenfd) {
            Ok((c, _)) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => err_sys("accept error", &e),
        };
        listenfd = fork_echo(listenfd, connfd);
    }
}

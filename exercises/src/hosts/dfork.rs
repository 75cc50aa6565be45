//! Exercise 10's server: a concurrent echo server with **no** SIGCHLD
//! handling at all; each connection goes to the exercise's `handoff`, which
//! must arrange for a grandchild to serve it (seed 003's version two). The
//! check runs it under `exercises reaper`, a child subreaper, so orphans
//! are adopted by (and reaped by) the check, not by PID 1.

use std::io;
use std::process::ExitCode;

use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::error::err_sys;
use common::wrapsock::Accept;
use socket2::{SockAddr, Socket};

use super::{parse, serve};

/// The exercise's function: get `connfd` served by a grandchild.
pub type Imp = fn(Socket, &SockAddr, fn(Socket) -> !) -> io::Result<()>;

fn pick(variant: &str) -> Option<Imp> {
    Some(match variant {
        crate::STUDENT => crate::student::e10_dfork::handoff,
        #[cfg(feature = "solutions")]
        crate::SOLUTION => crate::solutions::e10_dfork::handoff,
        #[cfg(feature = "solutions")]
        "waitpid-peer-port" => crate::wrong::e10_dfork::waitpid_peer_port,
        #[cfg(feature = "solutions")]
        "no-wait" => crate::wrong::e10_dfork::no_wait,
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
    let handoff = pick(variant)?;
    let a: Args = parse("dfork", args);
    a.serv.log.init("e10_dfork");
    let listenfd = Serv_listen(&a.serv, false);
    loop {
        let (connfd, cliaddr) = Accept(&listenfd);
        if let Err(e) = handoff(connfd, &cliaddr, serve) {
            err_sys("handoff error", &e);
        }
    }
}

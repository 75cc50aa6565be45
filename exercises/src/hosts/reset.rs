//! Exercise 6's server: an iterative echo server (one client at a time, as
//! in ch.4) whose whole loop is the exercise's `serve_forever`. The lab
//! gives it `echo_lines`, which echoes one client's lines until EOF and
//! returns the first error (ECONNRESET when the client aborts). If
//! `serve_forever` returns, the server exits.

use std::io;
use std::process::ExitCode;

use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::error::{err_quit, err_sys};
use common::readline::Rline;
use common::writen::writen;
use socket2::Socket;

use super::parse;

/// The exercise's function: accept and serve clients, forever.
pub type Imp = fn(&Socket, fn(&Socket) -> io::Result<()>) -> io::Result<()>;

fn pick(variant: &str) -> Option<Imp> {
    Some(match variant {
        crate::STUDENT => crate::student::e06_reset::serve_forever,
        #[cfg(feature = "solutions")]
        crate::SOLUTION => crate::solutions::e06_reset::serve_forever,
        #[cfg(feature = "solutions")]
        "exit-on-reset" => crate::wrong::e06_reset::exit_on_reset,
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

/// Echoes `connfd`'s lines until the client's FIN; returns the first error.
pub fn echo_lines(connfd: &Socket) -> io::Result<()> {
    let mut rl = Rline::new(connfd);
    let mut line = Vec::new();
    while rl.readline(&mut line)? > 0 {
        writen(connfd, &line)?;
    }
    Ok(())
}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let serve_forever = pick(variant)?;
    let a: Args = parse("reset", args);
    a.serv.log.init("e06_reset");
    let listenfd = Serv_listen(&a.serv, false);
    match serve_forever(&listenfd, echo_lines) {
        Ok(()) => err_quit("serve_forever returned: the server stops"),
        Err(e) => err_sys("serve error", &e),
    }
}

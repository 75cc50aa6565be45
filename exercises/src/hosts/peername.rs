//! Exercise 8's server: an iterative daytime server (UNP Fig 1.9, 4.11)
//! whose loop body is the exercise's `serve_one`; each line it returns is
//! printed on stdout — the server's log of who connected.

use std::io;
use std::process::ExitCode;

use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::error::err_sys;
use socket2::Socket;

use super::{daytime, parse};

/// The exercise's function: serve one client, return the log line.
pub type Imp = fn(&Socket, &str) -> io::Result<String>;

fn pick(variant: &str) -> Option<Imp> {
    Some(match variant {
        crate::STUDENT => crate::student::e08_peername::serve_one,
        #[cfg(feature = "solutions")]
        crate::SOLUTION => crate::solutions::e08_peername::serve_one,
        #[cfg(feature = "solutions")]
        "getsockname" => crate::wrong::e08_peername::getsockname,
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
    let serve_one = pick(variant)?;
    let a: Args = parse("peername", args);
    a.serv.log.init("e08_peername");
    let listenfd = Serv_listen(&a.serv, false);
    loop {
        match serve_one(&listenfd, &daytime()) {
            Ok(line) => println!("{line}"),
            Err(e) => err_sys("daytime error", &e),
        }
    }
}

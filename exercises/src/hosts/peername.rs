//! Exercise 8's server: an iterative daytime server (UNP Fig 1.9, 4.11)
//! whose loop body is the exercise's `serve_one`; each line it returns is
//! printed on stdout — the server's log of who connected.

use std::io;
use std::process::ExitCode;

use common::error::err_sys;
use socket2::Socket;

use super::daytime;

/// The exercise's function: serve one client, return the log line.
pub type Imp = fn(&Socket, &str) -> io::Result<String>;

super::variants!(Imp,
    student: crate::student::e08_peername::serve_one,
    solution: crate::solutions::e08_peername::serve_one,
    wrong: {
        "getsockname" => crate::wrong::e08_peername::getsockname,
    }
);

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let serve_one = pick(variant)?;
    let listenfd = super::listen("e08_peername", args);
    loop {
        match serve_one(&listenfd, &daytime()) {
            Ok(line) => println!("{line}"),
            Err(e) => err_sys("daytime error", &e),
        }
    }
}

//! Exercise 8's server: an iterative daytime server (UNP Fig 1.9, 4.11)
//! whose loop body is the exercise's `serve_one`; each line it returns is
//! printed on stdout — the server's log of who connected.

use std::io;
use std::process::ExitCode;

use common::error::err_sys;
use socket2::Socket;

use crate::hosts::daytime;

/// The exercise's function: serve one client, return the log line.
pub type Imp = fn(&Socket, &str) -> io::Result<String>;

crate::hosts::variants!(Imp,
    student: crate::student::e08_peername::serve_one,
    stub: super::stub::serve_one,
    solution: super::solution::serve_one,
    wrong: {
        "blind-local-name" => super::blind::local_name::serve_one,
        "blind-port-ntohs" => super::blind::port_ntohs::serve_one,
        "blind-server-port" => super::blind::server_port::serve_one,
        "blind-extra-crlf" => super::blind::extra_crlf::serve_one,
        "blind-reads-request-first" => super::blind::reads_request_first::serve_one,
        "blind-whole-sockaddr" => super::blind::whole_sockaddr::serve_one,
        "blind-ipv4-only" => super::blind::ipv4_only::serve_one,
        "blind-alt-correct" => super::blind::alt_correct::serve_one,
        "fake-pass" => super::wrong::fake_pass,
        "getsockname" => super::wrong::getsockname,
        "ntohs-twice" => super::wrong::ntohs_twice,
        "assumes-loopback" => super::wrong::assumes_loopback,
    }
);

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let serve_one = pick(variant)?;
    let listenfd = crate::hosts::listen("e08_peername", args);
    loop {
        match serve_one(&listenfd, &daytime()) {
            Ok(line) => println!("{line}"),
            Err(e) => err_sys("daytime error", &e),
        }
    }
}

//! Exercise 7's client: reads all of stdin, connects to an echo server, hands
//! both to the exercise's `batch`, and writes what it returns to stdout.

use std::io::{self, Read};
use std::process::ExitCode;

use clap::Parser;
use common::ClientArgs;
use common::args::Resolve;
use common::error::err_sys;
use common::wrapsock::{Connect, Socket};
use common::writen::Writen;
use socket2::{Domain, SockAddr, Type};

use crate::hosts::parse;

/// The exercise's function: send everything, get everything back.
pub type Imp = fn(socket2::Socket, &[u8]) -> io::Result<Vec<u8>>;

crate::hosts::variants!(Imp,
    student: crate::student::e07_halfclose::batch,
    stub: super::stub::batch,
    solution: super::solution::batch,
    wrong: {
        "blind-write-all-then-read" => super::blind::write_all_then_read::batch,
        "blind-close-not-shutdown" => super::blind::close_not_shutdown::batch,
        "blind-shutdown-both" => super::blind::shutdown_both::batch,
        "blind-shutdown-read-side" => super::blind::shutdown_read_side::batch,
        "blind-short-read-is-the-end" => super::blind::short_read_is_the_end::batch,
        "blind-join-before-shutdown" => super::blind::join_before_shutdown::batch,
        "blind-single-send" => super::blind::single_send::batch,
        "blind-lockstep-one-thread" => super::blind::lockstep_one_thread::batch,
        "blind-alt-correct" => super::blind::alt_correct::batch,
        "fake-pass" => super::wrong::fake_pass,
        "close" => super::wrong::close_instead_of_shutdown,
        "no-shutdown" => super::wrong::no_shutdown,
        "shut-rdwr" => super::wrong::shut_rdwr,
        "no-read-rest" => super::wrong::no_read_rest,
    }
);

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    cli: ClientArgs,
}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let batch = pick(variant)?;
    let a: Args = parse("halfclose", args);
    a.cli.log.init("e07_halfclose");
    let mut input = Vec::new();
    if let Err(e) = io::stdin().read_to_end(&mut input) {
        err_sys("read error (stdin)", &e);
    }
    // SAFETY: interrupt_only does nothing, which is async-signal-safe.
    unsafe {
        common::signal::signal_intr(
            nix::sys::signal::Signal::SIGUSR1,
            nix::sys::signal::SigHandler::Handler(crate::hosts::interrupt_only),
        )
    };
    let servaddr = Resolve(&a.cli.host, a.cli.port);
    let sockfd = Socket(Domain::for_address(servaddr), Type::STREAM, None);
    Connect(&sockfd, &SockAddr::from(servaddr));
    match batch(sockfd, &input) {
        Ok(out) => {
            Writen(io::stdout(), &out);
            Some(ExitCode::SUCCESS)
        }
        Err(e) => err_sys("batch error", &e),
    }
}

//! Exercise 11's program: the echo client (tcpcli01, UNP Fig 5.4) around
//! the exercise's loop. It connects to 127.0.0.1:PORT, runs `echo_client`
//! on stdin and stdout, and exits 0 when it returns Ok; an error is logged
//! as "str_cli: <error>" and exits 1. Rust ignores SIGPIPE: a write after
//! the server's RST fails with EPIPE ("Broken pipe").

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use clap::Parser;
use common::args::{ClientArgs, Resolve};
use common::error::err_quit;
use socket2::{Domain, SockAddr, Type};

/// The exercise's function: the client's loop.
pub type Imp = fn(&mut dyn BufRead, &socket2::Socket, &mut dyn Write) -> io::Result<()>;

crate::hosts::variants!(Imp,
    student: crate::student::e11_servterm::echo_client,
    stub: super::stub::echo_client,
    solution: super::solution::echo_client,
    wrong: {
        "blind-eof-is-ok" => super::blind::eof_is_ok::echo_client,
        "blind-wrong-message" => super::blind::wrong_message::echo_client,
        "blind-rline-per-line" => super::blind::rline_per_line::echo_client,
        "blind-one-read-one-line" => super::blind::one_read_one_line::echo_client,
        "blind-utf8-lines" => super::blind::utf8_lines::echo_client,
        "blind-send-all-then-read" => super::blind::send_all_then_read::echo_client,
        "blind-ignores-zero" => super::blind::ignores_zero::echo_client,
        "blind-alt-correct" => super::blind::alt_correct::echo_client,
        "fake-pass" => super::wrong::fake_pass,
        "eof-is-done" => super::wrong::eof_is_done,
        "ignore-eof" => super::wrong::ignore_eof,
        "assert-panics" => super::wrong::assert_panics,
    }
);

#[derive(Parser)]
struct Client {
    #[command(flatten)]
    cli: ClientArgs,
}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let echo_client = pick(variant)?;
    let a: Client = crate::hosts::parse("e11_servterm", args);
    a.cli.log.init("e11_servterm");
    let servaddr = Resolve(&a.cli.host, a.cli.port);
    let sockfd = common::wrapsock::Socket(Domain::for_address(servaddr), Type::STREAM, None);
    common::wrapsock::Connect(&sockfd, &SockAddr::from(servaddr));
    let stdin = io::stdin();
    let stdout = io::stdout();
    match echo_client(&mut stdin.lock(), &sockfd, &mut stdout.lock()) {
        Ok(()) => Some(ExitCode::SUCCESS),
        Err(e) => err_quit(&format!("str_cli: {}", common::error::strerror(&e))),
    }
}

//! Exercise 9's server: an iterative server that hands each connection to
//! the exercise's `sum_server` (UNP 5.18's binary protocol, made portable).

use std::io;
use std::process::ExitCode;

use common::sock_ntop::sock_ntop;
use common::warning;
use common::wrapsock::Accept;
use socket2::Socket;

/// The exercise's function: answer one client's requests until EOF.
pub type Imp = fn(&Socket) -> io::Result<()>;

crate::hosts::variants!(Imp,
    student: crate::student::e09_sum::sum_server,
    stub: super::stub::sum_server,
    solution: super::solution::sum_server,
    wrong: {
        "blind-native-order" => super::blind::native_order::sum_server,
        "blind-reply-native" => super::blind::reply_native::sum_server,
        "blind-single-read" => super::blind::single_read::sum_server,
        "blind-drops-leftover" => super::blind::drops_leftover::sum_server,
        "blind-saturating" => super::blind::saturating::sum_server,
        "blind-short-is-eof" => super::blind::short_is_eof::sum_server,
        "blind-own-loop-no-eintr" => super::blind::own_loop_no_eintr::sum_server,
        "blind-alt-correct" => super::blind::alt_correct::sum_server,
        "fake-pass" => super::wrong::fake_pass,
        "native-order" => super::wrong::native_order,
        "one-read" => super::wrong::one_read,
        "i32-fields" => super::wrong::i32_fields,
        "reply-native" => super::wrong::reply_native,
    }
);

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let sum_server = pick(variant)?;
    let listenfd = crate::hosts::listen("e09_sum", args);
    // SAFETY: interrupt_only does nothing, which is async-signal-safe.
    unsafe {
        common::signal::signal_intr(
            nix::sys::signal::Signal::SIGUSR1,
            nix::sys::signal::SigHandler::Handler(crate::hosts::interrupt_only),
        )
    };
    loop {
        let (connfd, cliaddr) = Accept(&listenfd);
        match sum_server(&connfd) {
            Ok(()) => common::notice!("client {}: done", sock_ntop(&cliaddr)),
            Err(e) => warning!("client {}: {}", sock_ntop(&cliaddr), common::error::strerror(&e)),
        }
    }
}

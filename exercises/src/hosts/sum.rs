//! Exercise 9's server: an iterative server that hands each connection to
//! the exercise's `sum_server` (UNP 5.18's binary protocol, made portable).

use std::io;
use std::process::ExitCode;

use clap::Parser;
use common::ServerArgs;
use common::args::Serv_listen;
use common::sock_ntop::sock_ntop;
use common::warning;
use common::wrapsock::Accept;
use socket2::Socket;

use super::parse;

/// The exercise's function: answer one client's requests until EOF.
pub type Imp = fn(&Socket) -> io::Result<()>;

fn pick(variant: &str) -> Option<Imp> {
    Some(match variant {
        crate::STUDENT => crate::student::e09_sum::sum_server,
        #[cfg(feature = "solutions")]
        crate::SOLUTION => crate::solutions::e09_sum::sum_server,
        #[cfg(feature = "solutions")]
        "native-order" => crate::wrong::e09_sum::native_order,
        #[cfg(feature = "solutions")]
        "one-read" => crate::wrong::e09_sum::one_read,
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
    let sum_server = pick(variant)?;
    let a: Args = parse("sum", args);
    a.serv.log.init("e09_sum");
    let listenfd = Serv_listen(&a.serv, false);
    loop {
        let (connfd, cliaddr) = Accept(&listenfd);
        if let Err(e) = sum_server(&connfd) {
            warning!("client {}: {}", sock_ntop(&cliaddr), common::error::strerror(&e));
        }
    }
}

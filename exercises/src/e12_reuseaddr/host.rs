//! Exercise 12's server: an iterative daytime server (UNP Fig 1.9) on the
//! exercise's listening socket. It writes the time and closes first, so
//! every connection leaves a TIME_WAIT on the server's port.

use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;

use common::ServerArgs;
use common::args::Resolve;
use common::error::{err_sys, strerror};
use common::wrapsock::{accept, getsockname};
use socket2::Socket;

/// The exercise's function: the listening socket.
pub type Imp = fn(SocketAddr) -> io::Result<Socket>;

crate::hosts::variants!(Imp,
    student: crate::student::e12_reuseaddr::tcp_listen,
    stub: super::stub::tcp_listen,
    solution: super::solution::tcp_listen,
    wrong: {
        "blind-no-option" => super::blind::no_option::tcp_listen,
        "blind-option-after-bind" => super::blind::option_after_bind::tcp_listen,
        "blind-only-on-retry" => super::blind::only_on_retry::tcp_listen,
        "blind-reuse-port" => super::blind::reuse_port::tcp_listen,
        "blind-ignores-addr" => super::blind::ignores_addr::tcp_listen,
        "blind-backlog-five" => super::blind::backlog_five::tcp_listen,
        "blind-retries-bind" => super::blind::retries_bind::tcp_listen,
        "blind-std-listener" => super::blind::std_listener::tcp_listen,
        "blind-alt-correct" => super::blind::alt_correct::tcp_listen,
        "fake-pass" => super::wrong::fake_pass,
        "guard-std-listener" => super::wrong::guard_std_listener,
        "no-reuseaddr" => super::wrong::no_reuseaddr,
        "ignores-address" => super::wrong::ignores_address,
        "wildcard" => super::wrong::wildcard,
        "reuseport" => super::wrong::reuseport,
        "after-bind" => super::wrong::after_bind,
        "reuse-on-retry" => super::wrong::reuse_on_retry,
    }
);

#[derive(clap::Parser)]
struct Server {
    #[command(flatten)]
    serv: ServerArgs,
}

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let tcp_listen = pick(variant)?;
    let a: Server = crate::hosts::parse("e12_reuseaddr", args);
    a.serv.log.init("e12_reuseaddr");
    let listenfd = tcp_listen(Resolve(&a.serv.host, a.serv.port)).unwrap_or_else(|e| err_sys("tcp_listen error", &e));
    let bound = getsockname(&listenfd).unwrap_or_else(|e| err_sys("getsockname error", &e));
    common::log::always(
        common::log::Level::Notice,
        format_args!("listening on {}", common::sock_ntop::sock_ntop(&bound)),
    );
    loop {
        match accept(&listenfd) {
            // The server closes first: this end goes to TIME_WAIT.
            Ok((connfd, _)) => {
                if let Err(e) = common::writen::writen(&connfd, crate::hosts::daytime().as_bytes()) {
                    common::warning!("write: {}", strerror(&e));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => err_sys("accept error", &e),
        }
    }
}

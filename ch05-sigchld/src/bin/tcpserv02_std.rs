//! UNP §5.9, a counter-example — tcpserv02 with std's TcpListener instead
//! of the chapter's accept(2) wrapper: why the lab's servers never use
//! `std::net` for the calls the section teaches.
//!
//! Run:        cargo run -p ch05-sigchld --bin tcpserv02_std -- --sigchld intr
//! Talk to it: nc 127.0.0.1 9877, then Ctrl-D; then connect again.
//! Observe:    the SIGCHLD handler is installed without SA_RESTART, exactly
//!             as in `tcpserv02 --sigchld intr`, yet this server never
//!             reports "accept error: Interrupted system call": std's
//!             TcpListener::accept sees EINTR and silently calls accept
//!             again. The lesson of UNP 5.9 is invisible through std (it
//!             also sets SO_REUSEADDR behind your back).
//! Changed from tcpserv02: the listener is a std::net::TcpListener and
//! accept is its method; nothing else.

use ch05_sigchld::{SavedErrno, Sigchld, child_terminated};
use clap::Parser;
use common::ServerArgs;
use common::args::Resolve;
use common::log::{Level, always};
use common::notice;
use common::signal::{Signal, signal_intr};
use common::str_echo::str_echo;
use common::wrapunix::{Fork, wait};
use nix::libc::c_int;
use nix::sys::signal::{SigHandler, Signal::SIGCHLD};
use nix::unistd::ForkResult;
use std::net::TcpListener;

/// UNP §5.9, counter-example: tcpserv02 on std's TcpListener. Talk to it: tcpcli04 127.0.0.1 or nc 127.0.0.1 9877.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    serv: ServerArgs,

    /// How to install the SIGCHLD handler: the lesson of UNP 5.9.
    #[arg(long, value_enum, default_value_t = Sigchld::Restart)]
    sigchld: Sigchld,
}

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.serv.log.init(env!("CARGO_BIN_NAME"));
    // ANCHOR: main
    let listenfd = TcpListener::bind(Resolve(&args.serv.host, args.serv.port))
        .unwrap_or_else(|e| common::error::err_sys("bind error", &e));
    let bound = listenfd
        .local_addr()
        .unwrap_or_else(|e| common::error::err_sys("getsockname error", &e));
    always(Level::Notice, format_args!("listening on {bound}"));
    // ANCHOR: signal
    match args.sigchld {
        // SAFETY: sig_chld does only async-signal-safe work (see it).
        Sigchld::Restart => unsafe { Signal(SIGCHLD, SigHandler::Handler(sig_chld)) },
        // SAFETY: as above.
        Sigchld::Intr => unsafe { signal_intr(SIGCHLD, SigHandler::Handler(sig_chld)) },
    };
    // ANCHOR_END: signal

    loop {
        // ANCHOR: accept
        // std retries EINTR inside accept: no error ever reaches us here.
        let (connfd, cliaddr) = listenfd
            .accept()
            .unwrap_or_else(|e| common::error::err_sys("accept error", &e));
        // ANCHOR_END: accept
        // SAFETY: single-threaded: no other thread can hold a lock across fork.
        match unsafe { Fork() } {
            ForkResult::Child => {
                drop(listenfd); // the child does not accept
                notice!("connection from {}", cliaddr);
                str_echo(&connfd); // process the request
                common::wrapunix::_exit(0); // closes connfd: FIN; _exit: no exit cleanup to pay for
            }
            ForkResult::Parent { child } => {
                notice!("child {child} serves {}", cliaddr);
                drop(connfd); // the parent does not talk to the client
            }
        }
    }
    // ANCHOR_END: main
}

// ANCHOR: sig_chld
/// Fig 5.7: reap one child per SIGCHLD. Async-signal-safe: wait(2), write(2), errno.
extern "C" fn sig_chld(_signo: c_int) {
    let _errno = SavedErrno::new(); // restored when the handler returns
    if let Ok(status) = wait() {
        child_terminated(status); // "child N terminated", one write(2)
    }
}
// ANCHOR_END: sig_chld

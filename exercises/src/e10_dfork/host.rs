//! Exercise 10's server: a concurrent echo server with **no** SIGCHLD
//! handling at all; each connection goes to the exercise's `handoff`, which
//! must arrange for a grandchild to serve it (the to_upper blog post's version two). Like
//! every check's program it runs under the check's warden (`exercises
//! warden`, src/warden.rs), a child subreaper, so orphans are adopted by
//! (and reaped by) the warden, not by PID 1.

use std::io;
use std::process::ExitCode;

use common::error::err_sys;
use common::wrapsock::Accept;
use socket2::{SockAddr, Socket};

use crate::hosts::serve;

/// The exercise's function: get `connfd` served by a grandchild.
pub type Imp = fn(Socket, &SockAddr, fn(Socket) -> !) -> io::Result<()>;

crate::hosts::variants!(Imp,
    student: crate::student::e10_dfork::handoff,
    stub: super::stub::handoff,
    solution: super::solution::handoff,
    wrong: {
        "blind-single-fork" => super::blind::single_fork::handoff,
        "blind-no-wait-middle" => super::blind::no_wait_middle::handoff,
        "blind-roles-swapped" => super::blind::roles_swapped::handoff,
        "blind-wnohang-race" => super::blind::wnohang_race::handoff,
        "blind-middle-returns" => super::blind::middle_returns::handoff,
        "blind-blog-port-flags" => super::blind::blog_port_flags::handoff,
        "blind-waitpid-no-eintr" => super::blind::waitpid_no_eintr::handoff,
        "blind-raw-fd-leak" => super::blind::raw_fd_leak::handoff,
        "blind-alt-correct" => super::blind::alt_correct::handoff,
        "fake-pass" => super::wrong::fake_pass,
        "waitpid-peer-port" => super::wrong::waitpid_peer_port,
        "no-wait" => super::wrong::no_wait,
        "single-fork" => super::wrong::single_fork,
    }
);

pub fn run(variant: &str, args: &[String]) -> Option<ExitCode> {
    let handoff = pick(variant)?;
    let listenfd = crate::hosts::listen("e10_dfork", args);
    loop {
        let (connfd, cliaddr) = Accept(&listenfd);
        if let Err(e) = handoff(connfd, &cliaddr, serve) {
            err_sys("handoff error", &e);
        }
    }
}

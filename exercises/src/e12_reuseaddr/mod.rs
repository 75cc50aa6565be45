//! Exercise 12: restarting a server over TIME_WAIT.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e12_reuseaddr.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: common::lang::n_("restart over TIME_WAIT: SO_REUSEADDR before bind"),
    teaches: "the side that closes first keeps TIME_WAIT for 60 s; SO_REUSEADDR, set before bind on every listener, lets a restarted server bind its port",
    related: common::lang::n_("UNP 2.7, 7.5 (SO_REUSEADDR); ch04-sockets bind_demo --case timewait"),
    forbidden: &[
        "common::args::Serv_listen",
        "common::args::Tcp_listen",
        "std::net::tcp::TcpListener",
    ],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-backlog-five", says: "the listener's backlog is" },
    crate::catalog::Wrong { name: "blind-no-option", says: "the program exited (exit code" },
    crate::catalog::Wrong { name: "blind-option-after-bind", says: "the program exited (exit code" },
    crate::catalog::Wrong { name: "blind-only-on-retry", says: "the program exited (exit code" },
    crate::catalog::Wrong { name: "blind-reuse-port", says: "and listens while the first still runs" },
    crate::catalog::Wrong { name: "blind-ignores-addr", says: "getsockname); /proc/net/tcp shows no listener of its own on || your listener bound another address" },
    crate::catalog::Wrong { name: "blind-retries-bind", says: "and listens while the first still runs" },
    crate::catalog::Wrong { name: "blind-std-listener", says: "TcpListener>::bind" },
    crate::catalog::Wrong { name: "guard-std-listener", says: "does the exercise's work for you" },
    crate::catalog::Wrong { name: "ignores-address", says: "the address your function was handed" },
    crate::catalog::Wrong { name: "wildcard", says: "the address your function was handed" },
    crate::catalog::Wrong { name: "reuseport", says: "that is SO_REUSEPORT" },
    crate::catalog::Wrong { name: "fake-pass", says: "the program exited (exit code 0)" },
    crate::catalog::Wrong { name: "no-reuseaddr", says: "tcp_listen error: Address already in use" },
    crate::catalog::Wrong { name: "after-bind", says: "tcp_listen error: Address already in use" },
    crate::catalog::Wrong { name: "reuse-on-retry", says: "tcp_listen error: Address already in use" },
];

/// Correct answers written differently from `solution.rs` (another API or
/// structure): the check must pass them too, so it is no narrower than its
/// task. Run by the host as `--impl NAME`, from `blind.rs` (written blind).
pub const ALTS: &[&str] = &["blind-alt-correct"];

/// Answers written blind that this check does not catch yet (issue 17 §4):
/// run by the host (`--impl NAME`), kept out of the proof until the check
/// catches them. Each is in `blind.rs` with the mistake it makes.
pub const OPEN: &[&str] = &[
];

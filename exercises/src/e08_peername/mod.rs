//! Exercise 8: who connected: accept's value-result address.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e08_peername.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: common::lang::n_("who connected: accept's value-result address"),
    teaches: "accept (or getpeername) names the peer; getsockname names yourself",
    related: common::lang::n_("UNP 4.6, 4.10, Fig 4.11; ch04-sockets daytimetcpsrv1, tour"),
    forbidden: &[],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-ipv4-only", says: "no line on stdout" },
    crate::catalog::Wrong { name: "blind-local-name", says: "the server logged: connection from" },
    crate::catalog::Wrong { name: "blind-port-ntohs", says: "the server logged: connection from" },
    crate::catalog::Wrong { name: "blind-server-port", says: "the server logged: connection from" },
    crate::catalog::Wrong { name: "blind-extra-crlf", says: "the daytime line exactly as handed to your function (it alre" },
    crate::catalog::Wrong { name: "blind-reads-request-first", says: "Resource temporarily unavailable (os error" },
    crate::catalog::Wrong { name: "blind-whole-sockaddr", says: "the server logged: connection from" },
    crate::catalog::Wrong { name: "fake-pass", says: "the program exited (exit code 0)" },
    crate::catalog::Wrong { name: "getsockname", says: "the server logged: connection from 127.0.0.1" },
    crate::catalog::Wrong { name: "ntohs-twice", says: "the port's two bytes are swapped" },
    crate::catalog::Wrong { name: "assumes-loopback", says: "the server logged: connection from 127.0.0.1, port" },
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

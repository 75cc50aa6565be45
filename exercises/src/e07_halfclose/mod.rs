//! Exercise 7: a batch client: shutdown(SHUT_WR), then read to EOF.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e07_halfclose.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: common::lang::n_("a batch client: shutdown(SHUT_WR), then read to EOF"),
    teaches: "close() drops one reference; shutdown() sends the FIN whoever else holds the socket",
    related: common::lang::n_("UNP 6.6, TCPIP ch.10 echo_mpclient; ch05-echo echo_mpclient + half-close"),
    forbidden: &[],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-single-send", says: "bytes; the first wrong or missing byte is at offset" },
    crate::catalog::Wrong { name: "blind-write-all-then-read", says: "the client exited (exit code" },
    crate::catalog::Wrong { name: "blind-close-not-shutdown", says: "bytes reached the server, but no end of file (FIN) followed" },
    crate::catalog::Wrong { name: "blind-shutdown-both", says: "echo failed || the rest of the echo was not read || stopped reading || Connection reset by peer" },
    crate::catalog::Wrong { name: "blind-shutdown-read-side", says: "echo failed || the rest of the echo was not read || stopped reading || Connection reset by peer" },
    crate::catalog::Wrong { name: "blind-short-read-is-the-end", says: "the client did not finish within || stopped reading and ended || the rest of the echo was not read || Connection reset by peer" },
    crate::catalog::Wrong { name: "blind-join-before-shutdown", says: "bytes reached the server, but no end of file (FIN) followed" },
    crate::catalog::Wrong { name: "fake-pass", says: "stopped reading and ended" },
    crate::catalog::Wrong { name: "close", says: "no end of file (FIN) followed" },
    crate::catalog::Wrong { name: "no-shutdown", says: "no end of file (FIN) followed" },
    crate::catalog::Wrong { name: "shut-rdwr", says: "the rest of the echo was not read" },
    crate::catalog::Wrong { name: "no-read-rest", says: "the rest of the echo was not read" },
];

/// Correct answers written differently from `solution.rs` (another API or
/// structure): the check must pass them too, so it is no narrower than its
/// task. Run by the host as `--impl NAME`, from `blind.rs` (written blind).
pub const ALTS: &[&str] = &["blind-alt-correct"];

/// Answers written blind that this check does not catch yet (issue 17 §4):
/// run by the host (`--impl NAME`), kept out of the proof until the check
/// catches them. Each is in `blind.rs` with the mistake it makes.
pub const OPEN: &[&str] = &[
    "blind-lockstep-one-thread",
];

//! Exercise 11: a client that notices its server is gone.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e11_servterm.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: common::lang::n_("a client that notices its server is gone"),
    teaches: "read returning 0 mid-conversation means the server terminated prematurely; a write after the RST gets EPIPE",
    related: common::lang::n_("UNP 5.12-5.13; ch05-echo tcpcli01 (child killed), tcpcli11 (SIGPIPE)"),
    forbidden: &["common::str_cli::"],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-eof-is-ok", says: "got no echo and nobody was told" },
    crate::catalog::Wrong { name: "blind-wrong-message", says: "the client ended (exit code" },
    crate::catalog::Wrong { name: "blind-one-read-one-line", says: "hello from line" },
    crate::catalog::Wrong { name: "blind-utf8-lines", says: "the connection ended (EOF) after" },
    crate::catalog::Wrong { name: "blind-send-all-then-read", says: "'s echo never reached stdout" },
    crate::catalog::Wrong { name: "blind-ignores-zero", says: "and the loop continued); the client ended (exit code" },
    crate::catalog::Wrong { name: "fake-pass", says: "the connection ended (EOF)" },
    crate::catalog::Wrong { name: "eof-is-done", says: "the client exited 0 as if all were well" },
    crate::catalog::Wrong { name: "ignore-eof", says: "Broken pipe" },
    crate::catalog::Wrong { name: "assert-panics", says: "panicked" },
];

/// Correct answers written differently from `solution.rs` (another API or
/// structure): the check must pass them too, so it is no narrower than its
/// task. Run by the host as `--impl NAME`, from `blind.rs` (written blind).
pub const ALTS: &[&str] = &["blind-alt-correct"];

/// Answers written blind that this check does not catch yet (issue 17 §4):
/// run by the host (`--impl NAME`), kept out of the proof until the check
/// catches them. Each is in `blind.rs` with the mistake it makes.
pub const OPEN: &[&str] = &[
    "blind-rline-per-line",
];

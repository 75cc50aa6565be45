//! Exercise 10: the double fork: no zombie without a handler.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e10_dfork.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: common::lang::n_("the double fork: no zombie without a handler"),
    teaches: "an orphan is adopted and reaped by init (or a subreaper); wait for your own child",
    related: common::lang::n_("the to_upper blog post, version two; UNP 5.8-5.10; ch05-sigchld toupper_dfork"),
    forbidden: &[],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-single-fork", says: "serves the client and is a child of the server: no double fo" },
    crate::catalog::Wrong { name: "blind-no-wait-middle", says: "zombie children of the server: pids" },
    crate::catalog::Wrong { name: "blind-roles-swapped", says: "serves the client and is a child of the server: no double fo" },
    crate::catalog::Wrong { name: "blind-wnohang-race", says: "zombie children of the server: pids" },
    crate::catalog::Wrong { name: "blind-middle-returns", says: "serves the client; its parent" },
    crate::catalog::Wrong { name: "blind-blog-port-flags", says: "the server exited; its last words on stderr" },
    crate::catalog::Wrong { name: "blind-raw-fd-leak", says: "after the client's FIN no end of file came back within" },
    crate::catalog::Wrong { name: "fake-pass", says: "the server exited" },
    crate::catalog::Wrong { name: "waitpid-peer-port", says: "handoff error: Invalid argument" },
    crate::catalog::Wrong { name: "no-wait", says: "3 zombie children" },
    crate::catalog::Wrong { name: "single-fork", says: "is a child of the server: no double fork" },
];

/// Correct answers written differently from `solution.rs` (another API or
/// structure): the check must pass them too, so it is no narrower than its
/// task. Run by the host as `--impl NAME`, from `blind.rs` (written blind).
pub const ALTS: &[&str] = &["blind-alt-correct"];

/// Answers written blind that this check does not catch yet (issue 17 §4):
/// run by the host (`--impl NAME`), kept out of the proof until the check
/// catches them. Each is in `blind.rs` with the mistake it makes.
pub const OPEN: &[&str] = &[
    "blind-waitpid-no-eintr",
];

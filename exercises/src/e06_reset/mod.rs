//! Exercise 6: a server that survives a client's RST.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e06_reset.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: common::lang::n_("a server that survives a client's RST"),
    teaches: "ECONNRESET (before accept, or mid-line) ends one client, not the server",
    related: common::lang::n_("UNP 5.11, 5.13; ch05-echo 'abort before accept'"),
    forbidden: &[],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-question-mark-on-echo", says: "the program exited" },
    crate::catalog::Wrong { name: "blind-only-econnreset", says: "Broken pipe" },
    crate::catalog::Wrong { name: "blind-swallows-everything", says: "retries an error that never goes away" },
    crate::catalog::Wrong { name: "blind-accept-question-mark", says: "has exited" },
    crate::catalog::Wrong { name: "blind-while-let-accept", says: "has exited" },
    crate::catalog::Wrong { name: "blind-shutdown-after-echo", says: "the program exited" },
    crate::catalog::Wrong { name: "fake-pass", says: "the program exited (exit code 0)" },
    crate::catalog::Wrong { name: "exit-on-reset", says: "serve error: Connection reset by peer" },
    crate::catalog::Wrong { name: "unwrap-panics", says: "Connection reset by peer" },
    crate::catalog::Wrong { name: "stop-on-error", says: "serve_forever returned: the server stops" },
];

/// Correct answers written differently from `solution.rs` (another API or
/// structure): the check must pass them too, so it is no narrower than its
/// task. Run by the host as `--impl NAME`, from `blind.rs` (written blind).
pub const ALTS: &[&str] = &["blind-alt-correct"];

/// Answers written blind that this check does not catch yet (none).
pub const OPEN: &[&str] = &[];

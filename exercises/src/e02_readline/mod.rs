//! Exercise 2: readline: buffered, MAXLINE-bounded, one buffer per descriptor.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e02_readline.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: common::lang::n_("readline: buffered, MAXLINE-bounded, one buffer per descriptor"),
    teaches: "read in chunks, hand out lines; state per descriptor, not in statics",
    related: common::lang::n_("UNP 3.9 Fig 3.17-3.18, 26.5 (Rline); common::readline, used by str_cli"),
    forbidden: &[
        "common::readline::",
        "std::io::BufRead",
        "std::io::buffered::bufreader::BufReader",
    ],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-static-buffer", says: "on B, for line 1 of" },
    crate::catalog::Wrong { name: "blind-one-byte-reads", says: "read(2) calls" },
    crate::catalog::Wrong { name: "blind-maxline-minus-one", says: "4095 bytes with no" },
    crate::catalog::Wrong { name: "blind-eof-drops-tail", says: "returned 0 but put" },
    crate::catalog::Wrong { name: "blind-one-read-one-line", says: "for line 2 of" },
    crate::catalog::Wrong { name: "blind-no-maxline-cap", says: "8205 bytes ending in" },
    crate::catalog::Wrong { name: "blind-eintr-not-retried", says: "Interrupted system call" },
    crate::catalog::Wrong { name: "fake-pass", says: "the program exited (exit code 0)" },
    crate::catalog::Wrong { name: "shared-buffer", says: "on B, for line 1 of" },
    crate::catalog::Wrong { name: "maxline-minus-one", says: "4095 bytes with no '\\n'" },
    crate::catalog::Wrong { name: "byte-at-a-time", says: "read(2) calls" },
];

/// Correct answers written differently from `solution.rs` (another API or
/// structure): the check must pass them too, so it is no narrower than its
/// task. Run by the host as `--impl NAME`, from `blind.rs` (written blind).
pub const ALTS: &[&str] = &["blind-alt-correct"];

/// Answers written blind that this check does not catch yet (none).
pub const OPEN: &[&str] = &[];

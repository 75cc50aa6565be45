//! Exercise 13: an accept loop that survives EMFILE without spinning.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e13_emfile.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: "out of descriptors: survive EMFILE without spinning",
    teaches: "accept fails with EMFILE at once while the client waits: back off, then try again — neither exit nor spin",
    related: "UNP 4.6 (accept), 5.11; ch05-sigchld tcpservd (EMFILE without spin or exit)",
    forbidden: &[],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-emfile-fatal", says: "TODO-SAYS" },
    crate::catalog::Wrong { name: "blind-spin-retry", says: "TODO-SAYS" },
    crate::catalog::Wrong { name: "blind-all-errors-temporary", says: "TODO-SAYS" },
    crate::catalog::Wrong { name: "blind-no-eintr", says: "TODO-SAYS" },
    crate::catalog::Wrong { name: "blind-uncapped-backoff", says: "TODO-SAYS" },
    crate::catalog::Wrong { name: "blind-emfile-only", says: "TODO-SAYS" },
    crate::catalog::Wrong { name: "blind-spare-fd-drops-client", says: "TODO-SAYS" },
    crate::catalog::Wrong { name: "fake-pass", says: "the server is gone" },
    crate::catalog::Wrong { name: "spin", says: "it spins" },
    crate::catalog::Wrong { name: "exit-on-emfile", says: "accept_loop error: Too many open files" },
    crate::catalog::Wrong { name: "expect-panics", says: "panicked" },
];

/// Correct answers written differently from `solution.rs` (another API or
/// structure): the check must pass them too, so it is no narrower than its
/// task. Run by the host as `--impl NAME`, from `wrong.rs`.
pub const ALTS: &[&str] = &["blind-alt-correct"];

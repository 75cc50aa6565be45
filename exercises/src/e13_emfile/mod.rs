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
    title: common::lang::n_("out of descriptors: survive EMFILE without spinning"),
    teaches: "accept fails with EMFILE at once while the client waits: back off, then try again — neither exit nor spin",
    related: common::lang::n_("UNP 4.6 (accept), 5.11; ch05-sigchld tcpservd (EMFILE without spin or exit)"),
    forbidden: &[],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-emfile-fatal", says: "accept_loop error: Too many open files" },
    crate::catalog::Wrong { name: "blind-spin-retry", says: "at once, every time" },
    crate::catalog::Wrong { name: "blind-all-errors-temporary", says: "s later: it retries an error that never goes away (ENOTSOCK" },
    crate::catalog::Wrong { name: "blind-no-eintr", says: "the server (pid" },
    crate::catalog::Wrong { name: "blind-spare-fd-drops-client", says: "client refused" },
    crate::catalog::Wrong { name: "blind-uncapped-backoff", says: "without trying accept again" },
    crate::catalog::Wrong { name: "blind-emfile-only", says: "accept_loop error: File table overflow" },
    crate::catalog::Wrong { name: "fake-pass", says: "the program exited (exit code 0)" },
    crate::catalog::Wrong { name: "spin", says: "at once, every time" },
    crate::catalog::Wrong { name: "uncapped-from-300ms", says: "without trying accept again" },
    crate::catalog::Wrong { name: "exit-on-emfile", says: "accept_loop error: Too many open files" },
    crate::catalog::Wrong { name: "expect-panics", says: "panicked" },
];

/// Correct answers written differently from `solution.rs` (another API or
/// structure): the check must pass them too, so it is no narrower than its
/// task. Run by the host as `--impl NAME`, from `blind.rs` (written blind).
pub const ALTS: &[&str] = &["blind-alt-correct"];

/// Answers written blind that this check does not catch yet (issue 17 §4):
/// run by the host (`--impl NAME`), kept out of the proof until the check
/// catches them. Each is in `blind.rs` with the mistake it makes.
pub const OPEN: &[&str] = &[];

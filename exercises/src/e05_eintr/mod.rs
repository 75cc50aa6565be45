//! Exercise 5: an accept loop that survives EINTR.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e05_eintr.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: common::lang::n_("an accept loop that survives EINTR"),
    teaches: "a handler without SA_RESTART makes slow calls fail with EINTR: retry them",
    related: common::lang::n_("UNP 5.9, Fig 5.12; ch05-sigchld tcpserv02 -> tcpserv04"),
    forbidden: &["std::net::tcp::TcpListener"],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-retry-once", says: "Interrupted system call" },
    crate::catalog::Wrong { name: "blind-retries-every-error", says: "retries an error that never goes away" },
    crate::catalog::Wrong { name: "blind-retries-wouldblock", says: "Interrupted system call" },
    crate::catalog::Wrong { name: "blind-accept-wrapper-errnos", says: "Interrupted system call" },
    crate::catalog::Wrong { name: "blind-block-sigchld", says: "to be idle in accept()" },
    crate::catalog::Wrong { name: "blind-retry-three-times", says: "Interrupted system call" },
    crate::catalog::Wrong { name: "fake-exec", says: "your code started another program" },
    crate::catalog::Wrong { name: "guard-std-accept", says: "does the exercise's work for you" },
    crate::catalog::Wrong { name: "retry-three-times", says: "Interrupted system call" },
    crate::catalog::Wrong { name: "fake-pass", says: "has exited" },
    crate::catalog::Wrong { name: "eintr-fatal", says: "accept error: Interrupted system call" },
    crate::catalog::Wrong { name: "expect-panics", says: "Interrupted system call" },
    crate::catalog::Wrong { name: "wouldblock", says: "accept error: Interrupted system call" },
];

/// Correct answers written differently from `solution.rs` (another API or
/// structure): the check must pass them too, so it is no narrower than its
/// task. Run by the host as `--impl NAME`, from `blind.rs` (written blind).
pub const ALTS: &[&str] = &["blind-alt-correct"];

/// Answers written blind that this check does not catch yet (none).
pub const OPEN: &[&str] = &[];

//! Exercise 3: descriptors after fork: same numbers, counted references.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e03_refcount.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: common::lang::n_("descriptors after fork: same numbers, counted references"),
    teaches: "fork copies descriptors; close() drops a reference, the connection lives on",
    related: common::lang::n_("UNP 4.7-4.9 Fig 4.14-4.15, TCPIP ch.10 ex.3; ch04-sockets fork_refcount, ch05-echo tcpserv01"),
    forbidden: &[],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-into-raw-fd-leak", says: "still holds the connection" },
    crate::catalog::Wrong { name: "blind-shutdown-in-parent", says: "no child holds the connection any more" },
    crate::catalog::Wrong { name: "blind-parent-waits-for-child", says: "sleeps in wait4()" },
    crate::catalog::Wrong { name: "blind-dup-in-child", says: "the lines say parent" },
    crate::catalog::Wrong { name: "blind-logged-to-stderr", says: "two lines on stdout" },
    crate::catalog::Wrong { name: "blind-branches-swapped", says: "no child of the server holds it" },
    crate::catalog::Wrong { name: "fake-pass", says: "the program exited (exit code 0)" },
    crate::catalog::Wrong { name: "into-raw-fd", says: "(parent, pid" },
    crate::catalog::Wrong { name: "shutdown", says: "no child holds the connection" },
    crate::catalog::Wrong { name: "wait-for-child", says: "the server (parent) sleeps in wait4()" },
];

/// Correct answers written differently from `solution.rs` (another API or
/// structure): the check must pass them too, so it is no narrower than its
/// task. Run by the host as `--impl NAME`, from `blind.rs` (written blind).
pub const ALTS: &[&str] = &["blind-alt-correct"];

/// Answers written blind that this check does not catch yet (none).
pub const OPEN: &[&str] = &[];

//! Exercise 4: reap every child: waitpid(-1, WNOHANG) in a loop.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e04_reap.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: common::lang::n_("reap every child: waitpid(-1, WNOHANG) in a loop"),
    teaches: "signals are not queued: one SIGCHLD can stand for many children",
    related: common::lang::n_("UNP 5.9-5.10 Fig 5.7, 5.11; ch05-sigchld tcpserv03 -> tcpserv04"),
    forbidden: &[
        "std::io::stdio::_print | not async-signal-safe: println! takes stdout's lock, which the interrupted code may hold (deadlock)",
        "std::io::stdio::_eprint | not async-signal-safe: eprintln! takes stderr's lock and may allocate",
        "alloc::fmt::format | not async-signal-safe: format! allocates, and malloc may be the code the signal interrupted",
        "std::sync::poison::mutex | not async-signal-safe: a lock the interrupted code may hold",
        // The same, however deep: through the lab's or std's functions
        // (a log line with common::warning!, a String), guard::reach.
        "sig_chld >> __rust_alloc | not async-signal-safe: it allocates (a log line, format!, a String), and malloc may be the code the signal interrupted",
        "sig_chld >> __rust_realloc | not async-signal-safe: it allocates, and malloc may be the code the signal interrupted",
        "sig_chld >> std::io::stdio::_print | not async-signal-safe: println! takes stdout's lock, which the interrupted code may hold (deadlock)",
        "sig_chld >> std::io::stdio::_eprint | not async-signal-safe: eprintln! takes stderr's lock and may allocate",
        "sig_chld >> std::sync::poison::mutex | not async-signal-safe: a lock the interrupted code may hold",
    ],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-wait-once", says: "7 zombie children" },
    crate::catalog::Wrong { name: "blind-waitpid-if-not-while", says: "7 zombie children" },
    crate::catalog::Wrong { name: "blind-blocking-wait-loop", says: "it sleeps in wait4()" },
    crate::catalog::Wrong { name: "blind-loop-until-error", says: "to be idle in accept()" },
    crate::catalog::Wrong { name: "blind-only-exited", says: "7 zombie children" },
    crate::catalog::Wrong { name: "blind-five-times", says: "3 zombie children" },
    crate::catalog::Wrong { name: "blind-println-in-handler", says: "not async-signal-safe" },
    crate::catalog::Wrong { name: "blind-errno-not-saved", says: "changed errno" },
    crate::catalog::Wrong { name: "fixed-five", says: "3 zombie children" },
    crate::catalog::Wrong { name: "fake-pass", says: "has exited" },
    crate::catalog::Wrong { name: "one-wait", says: "7 zombie children" },
    crate::catalog::Wrong { name: "blocking-loop", says: "the server hangs: it sleeps in wait4()" },
    crate::catalog::Wrong { name: "waitpid-no-wnohang", says: "the server hangs: it sleeps in wait4()" },
    crate::catalog::Wrong { name: "if-not-while", says: "7 zombie children" },
];

/// Correct answers written differently from `solution.rs` (another API or
/// structure): the check must pass them too, so it is no narrower than its
/// task. Run by the host as `--impl NAME`, from `blind.rs` (written blind).
pub const ALTS: &[&str] = &["blind-alt-correct"];

/// Answers written blind that this check does not catch yet (none).
pub const OPEN: &[&str] = &[];

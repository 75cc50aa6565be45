//! Exercise 14: a graceful drain on SIGTERM through a self-pipe.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e14_drain.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: common::lang::n_("stop gracefully: SIGTERM through a self-pipe, then drain"),
    teaches: "a handler only writes a byte to a pipe; the main loop stops accepting, closes the listener, waits for its children and exits 0",
    related: common::lang::n_("UNP 5.8-5.10, 6.3 (poll/select); ch05-sigchld tcpservd (SIGTERM drain with --grace)"),
    // Everything the handler reaches, through any number of the lab's or
    // std's functions (guard::reach): the main loop may log, the handler not.
    forbidden: &[
        "on_sigterm >> __rust_alloc | not async-signal-safe: it allocates (a log line, format!, a String), and malloc may be the code the signal interrupted",
        "on_sigterm >> __rust_realloc | not async-signal-safe: it allocates, and malloc may be the code the signal interrupted",
        "on_sigterm >> std::io::stdio::_print | not async-signal-safe: println! takes stdout's lock, which the interrupted code may hold (deadlock)",
        "on_sigterm >> std::io::stdio::_eprint | not async-signal-safe: eprintln! takes stderr's lock and may allocate",
        "on_sigterm >> std::io::stdio::Stdout::lock | not async-signal-safe: a lock the interrupted code may hold",
        "on_sigterm >> std::io::stdio::Stderr::lock | not async-signal-safe: a lock the interrupted code may hold",
        "on_sigterm >> std::sync::poison::mutex | not async-signal-safe: a lock the interrupted code may hold",
    ],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-any-wait-error-done", says: "a signal interrupted the server's wait and it exited (exit c" },
    crate::catalog::Wrong { name: "blind-count-children", says: "the server ended (exit code || a signal interrupted the server's wait" },
    crate::catalog::Wrong { name: "blind-poll-eintr-fatal", says: "s waiting for B's child reaped and the server waiting" },
    crate::catalog::Wrong { name: "blind-close-after-wait", says: "s after SIGTERM: new clients can still connect" },
    crate::catalog::Wrong { name: "blind-no-wait", says: "while the A's were still being served: their children live o" },
    crate::catalog::Wrong { name: "blind-waits-once", says: "left and the server exited (exit code" },
    crate::catalog::Wrong { name: "blind-accept-blocks", says: "s after SIGTERM: new clients can still connect" },
    crate::catalog::Wrong { name: "blind-wnohang-spin", says: "while it waited for its children: it spins || waiting for the server to" },
    crate::catalog::Wrong { name: "blind-handler-logs", says: "not async-signal-safe: it allocates" },
    crate::catalog::Wrong { name: "wait-once", says: "client(s) were still being served" },
    crate::catalog::Wrong { name: "fake-pass", says: "the program exited (exit code 0)" },
    crate::catalog::Wrong { name: "exit-in-handler", says: "the server exited at once" },
    crate::catalog::Wrong { name: "keep-listening", says: "still listening" },
    crate::catalog::Wrong { name: "count-children", says: "still runs 5 s after its last client left" },
];

/// Correct answers written differently from `solution.rs` (another API or
/// structure): the check must pass them too, so it is no narrower than its
/// task. Run by the host as `--impl NAME`, from `blind.rs` (written blind).
pub const ALTS: &[&str] = &["blind-alt-correct"];

/// Answers written blind that this check does not catch yet (issue 17 §4):
/// run by the host (`--impl NAME`), kept out of the proof until the check
/// catches them. Each is in `blind.rs` with the mistake it makes.
pub const OPEN: &[&str] = &[];

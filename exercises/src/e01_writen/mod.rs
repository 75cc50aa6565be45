//! Exercise 1: writen: every byte, despite short writes and EINTR.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e01_writen.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;

use crate::rng::Rng;

/// The size of the last call, made after the check has closed its end: a
/// real error (EPIPE) that must be returned, not retried.
pub const LAST: usize = 1 << 20;

/// The buffers the program hands to `writen`, one call each, from `seed`:
/// an empty one, one byte, and buffers far larger than the socket's buffer
/// (so every call blocks, is cut short and interrupted) — more calls than a
/// count anyone would hard-code.
pub fn rounds(seed: u64) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    let mut sizes = vec![0, 1, 3 * 4096 + 1];
    sizes.extend((0..5).map(|_| rng.range(100_000, 200_000)));
    sizes.into_iter().map(|n| rng.bytes(n)).collect()
}

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: common::lang::n_("writen: every byte, despite short writes and EINTR"),
    teaches: "one write(2) may write less than asked; a signal may interrupt it",
    related: common::lang::n_("UNP 3.9 (lib/writen.c); common::writen, used by every echo program"),
    forbidden: &[
        "common::writen::writen",
        "common::writen::Writen",
        "common::writen::sendn",
        "common::writen::Sendn",
        "as std::io::Write>::write_all",
        "std::io::Write::write_all",
    ],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-one-write", says: "of its 12289 bytes reached the reader" },
    crate::catalog::Wrong { name: "blind-eintr-is-error", says: "Interrupted system call" },
    crate::catalog::Wrong { name: "blind-prefix-again", says: "not its beginning again" },
    crate::catalog::Wrong { name: "blind-eintr-retried-once", says: "Interrupted system call" },
    crate::catalog::Wrong { name: "blind-retries-eagain", says: "Interrupted system call" },
    crate::catalog::Wrong { name: "blind-retries-every-error", says: "it retries an error that never goes away" },
    crate::catalog::Wrong { name: "blind-small-chunks-trusted", says: "of its buffer is wrong" },
    crate::catalog::Wrong { name: "fake-pass", says: "0 of its 1 bytes reached the reader" },
    crate::catalog::Wrong { name: "one-write", says: "bytes reached the reader" },
    crate::catalog::Wrong { name: "eintr-fatal", says: "Interrupted system call" },
    crate::catalog::Wrong { name: "restart-from-start", says: "not its beginning again" },
    crate::catalog::Wrong { name: "guard-alias", says: "does the exercise's work for you" },
    crate::catalog::Wrong { name: "guard-reexport", says: "does the exercise's work for you" },
    crate::catalog::Wrong { name: "guard-path", says: "does the exercise's work for you" },
    crate::catalog::Wrong { name: "guard-glob", says: "does the exercise's work for you" },
    crate::catalog::Wrong { name: "guard-fnptr", says: "does the exercise's work for you" },
    crate::catalog::Wrong { name: "guard-macro", says: "does the exercise's work for you" },
    crate::catalog::Wrong { name: "guard-generic", says: "does the exercise's work for you" },
    crate::catalog::Wrong { name: "guard-std-write-all", says: "does the exercise's work for you" },
];

/// Correct answers written differently from `solution.rs` (another API or
/// structure): the check must pass them too, so it is no narrower than its
/// task. Run by the host as `--impl NAME`, from `blind.rs` (written blind).
pub const ALTS: &[&str] = &["blind-alt-correct"];

/// Answers written blind that this check does not catch yet (none).
pub const OPEN: &[&str] = &[];

//! Exercise 9: a portable binary protocol: fixed width, big-endian, exact length.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e09_sum.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: common::lang::n_("a portable binary protocol: fixed width, big-endian, exact length"),
    teaches: "bytes on the wire have an order; a read returns what has arrived, not a message",
    related: common::lang::n_("UNP 5.18 Fig 5.19-5.20; ch05-echo tcpserv09 + tcpcli09"),
    forbidden: &[],
    points: 10,
};

/// The wrong answers the check is proven on (`wrong.rs`, run by the host
/// as `--impl NAME`) and the words its report must contain for each.
pub const WRONGS: &[crate::catalog::Wrong] = &[
    crate::catalog::Wrong { name: "blind-native-order", says: "— as big-endian" },
    crate::catalog::Wrong { name: "blind-reply-native", says: "— as big-endian" },
    crate::catalog::Wrong { name: "blind-single-read", says: "— as big-endian" },
    crate::catalog::Wrong { name: "blind-drops-leftover", says: "no answer within" },
    crate::catalog::Wrong { name: "blind-saturating", says: "f ff ff ff ff ff ff ff — as big-endian" },
    crate::catalog::Wrong { name: "blind-short-is-eof", says: "the server logged" },
    crate::catalog::Wrong { name: "blind-own-loop-no-eintr", says: "s waiting for the server to sleep in read" },
    crate::catalog::Wrong { name: "fake-pass", says: "the program exited (exit code 0)" },
    crate::catalog::Wrong { name: "native-order", says: "the reply 00 00 00 00 00 00 00 01 — as big-endian, 1" },
    crate::catalog::Wrong { name: "one-read", says: "sent as 1 bytes, then" },
    crate::catalog::Wrong { name: "i32-fields", says: "a = 2, b = 3" },
    crate::catalog::Wrong { name: "reply-native", says: "the reply 05 00 00 00 00 00 00 00" },
];

/// Correct answers written differently from `solution.rs` (another API or
/// structure): the check must pass them too, so it is no narrower than its
/// task. Run by the host as `--impl NAME`, from `blind.rs` (written blind).
pub const ALTS: &[&str] = &["blind-alt-correct"];

/// Answers written blind that this check does not catch yet (none).
pub const OPEN: &[&str] = &[];

//! Exercise 4: reap every child: waitpid(-1, WNOHANG) in a loop.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e04_reap.rs`): the program around it (`host.rs`),
//! its check (`check.rs`), the reference solution (`solution.rs`), the
//! wrong answers the check is proven on (`wrong.rs`), the pristine stub
//! reference mode proves against (`stub.rs`) and two hints (`hint1.md`,
//! `hint2.md`). See exercises/README.md.

pub mod check;
pub mod host;
#[cfg(feature = "solutions")]
pub mod solution;
#[cfg(feature = "solutions")]
pub mod stub;
#[cfg(feature = "solutions")]
pub mod wrong;

pub const ABOUT: crate::catalog::About = crate::catalog::About {
    title: "reap every child: waitpid(-1, WNOHANG) in a loop",
    teaches: "signals are not queued: one SIGCHLD can stand for many children",
    related: "UNP 5.9-5.10 Fig 5.7, 5.11; ch05-sigchld tcpserv03 -> tcpserv04",
    forbidden: &[],
    points: 10,
};

//! Exercise 6: a server that survives a client's RST.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e06_reset.rs`): the program around it (`host.rs`),
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
    title: "a server that survives a client's RST",
    teaches: "ECONNRESET (before accept, or mid-line) ends one client, not the server",
    related: "UNP 5.11, 5.13; ch05-echo 'abort before accept'",
    forbidden: &[],
    points: 10,
};

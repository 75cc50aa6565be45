//! Exercise 7: a batch client: shutdown(SHUT_WR), then read to EOF.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e07_halfclose.rs`): the program around it (`host.rs`),
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
    title: "a batch client: shutdown(SHUT_WR), then read to EOF",
    teaches: "close() drops one reference; shutdown() sends the FIN whoever else holds the socket",
    related: "UNP 6.6, TCPIP ch.10 echo_mpclient; ch05-echo echo_mpclient + half-close",
    forbidden: &[],
    points: 10,
};

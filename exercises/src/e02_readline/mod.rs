//! Exercise 2: readline: buffered, MAXLINE-bounded, one buffer per descriptor.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e02_readline.rs`): the program around it (`host.rs`),
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
    title: "readline: buffered, MAXLINE-bounded, one buffer per descriptor",
    teaches: "read in chunks, hand out lines; state per descriptor, not in statics",
    related: "UNP 3.9 Fig 3.17-3.18, 26.5 (Rline); common::readline, used by str_cli",
    forbidden: &["common::readline", "readline::Rline", "Readline"],
    points: 10,
};

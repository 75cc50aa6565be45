//! Exercise 1: writen: every byte, despite short writes and EINTR.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e01_writen.rs`): the program around it (`host.rs`),
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
    title: "writen: every byte, despite short writes and EINTR",
    teaches: "one write(2) may write less than asked; a signal may interrupt it",
    related: "UNP 3.9 (lib/writen.c); common::writen, used by every echo program",
    forbidden: &["common::writen", "writen::writen", "Writen"],
    points: 10,
};

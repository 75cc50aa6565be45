//! Self-checking exercises for UNP ch.4–5 (see the README, "For students",
//! and docs/src/exercises/index.md).
//!
//! | where | who edits it | what |
//! |---|---|---|
//! | `src/student/` | **the student** | one file per exercise, each starting as a stub that compiles and fails its check |
//! | `src/hosts/` | the lab | the program around each exercise: a server or a test bench that calls the student's function |
//! | `src/checks/` | the lab | what each check does to the program, what it observes, what it expects |
//! | `src/solutions/`, `src/wrong/` | the lab | reference solutions and realistic wrong answers (the book's and the notes' own bugs); compiled only with the `solutions` feature |
//! | `hints/` | the lab | two hints per exercise: a nudge, then specifics (shown by the CLI and the docs) |
//!
//! Every check runs the exercise's program as a **separate process**
//! (`exercises run <id> --impl <variant>`), spawned through
//! [`common::lab::harness::Proc`]: a student's server that hangs is killed at the
//! deadline and reported, and nothing is ever forked inside the test harness.
//!
//! Two modes, chosen by the `solutions` cargo feature:
//! - **student mode** (`cargo test -p exercises`): each test checks the
//!   student's file and fails with a report and a hint until it is solved;
//! - **reference mode** (`cargo test --workspace --features
//!   exercises/solutions`, the project's own test command): each test proves
//!   its check — passes on the reference solution, fails on the untouched stub,
//!   fails on every wrong answer.

pub mod catalog;
pub mod checks;
pub mod hosts;
pub mod observe;
pub mod report;
pub mod rng;
pub mod student;
pub mod verify;

#[cfg(feature = "solutions")]
pub mod solutions;
#[cfg(feature = "solutions")]
pub mod wrong;

pub use catalog::{EXERCISES, Exercise};
pub use report::{Failure, Trace, Verdict};

/// The variant that is the student's own code.
pub const STUDENT: &str = "student";
/// The variant that is the reference solution (reference mode only).
pub const SOLUTION: &str = "solution";

/// Is this build in reference mode (the `solutions` feature)?
pub const REFERENCE_MODE: bool = cfg!(feature = "solutions");

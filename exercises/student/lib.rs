//! The students' code: one module per exercise (`exercises/src/student/eNN_name.rs`),
//! and in reference mode (`solutions`) the lab's reference solutions, stubs
//! and wrong answers beside them.
//!
//! Compiled apart from the checks on purpose: only the exercises' programs
//! (`exercises-host`) link this crate; the checking process (`exercises`,
//! `cargo test -p exercises`) never does, so nothing a student writes can
//! run inside the process that judges it.

pub mod tools;

include!(concat!(env!("OUT_DIR"), "/modules.rs"));

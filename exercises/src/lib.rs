//! Self-checking exercises for UNP ch.4–5 (see the README, "For students",
//! and docs/src/exercises/index.md; maintainers: exercises/README.md).
//!
//! | where | who edits it | what |
//! |---|---|---|
//! | `src/student/eNN_name.rs` | **the student** | one file per exercise, each starting as a stub that compiles and fails its check |
//! | `src/eNN_name/` | the lab | everything else about the exercise: `host.rs` (the program around the student's function), `check.rs`, `solution.rs`, `wrong.rs` (the wrong answers students really write), `stub.rs` (the pristine stub), `hint1.md`, `hint2.md` |
//! | [`registry!`] | the lab | one line per exercise: generates the modules, [`EXERCISES`] and the tests |
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
//!   its check — passes on the reference solution, fails on the pristine
//!   stub (`src/eNN_name/stub.rs`, not the student's file, which may be
//!   solved) and fails on every wrong answer with the words its report must
//!   contain.

pub mod catalog;
pub mod checks;
pub mod classroom;
pub mod grade;
pub mod guard;
pub mod observe;
pub mod report;
pub mod rng;
pub mod verify;
pub mod warden;
pub mod watch;

/// The registry: one line per exercise, `NUMBER FOLDER`. It hands the list
/// to the macro named `$then` — `catalog::declare` here (modules and
/// [`EXERCISES`]), one `#[test]` each in tests/exercises.rs.
#[macro_export]
macro_rules! registry {
    ($then:path) => {
        $then! {
            1 e01_writen,
            2 e02_readline,
            3 e03_refcount,
            4 e04_reap,
            5 e05_eintr,
            6 e06_reset,
            7 e07_halfclose,
            8 e08_peername,
            9 e09_sum,
            10 e10_dfork,
            11 e11_servterm,
            12 e12_reuseaddr,
            13 e13_emfile,
            14 e14_drain,
        }
    };
}

registry!(catalog::declare);

pub use catalog::{Exercise, Wrong};
pub use report::{Failure, Trace, Verdict};

/// The variant that is the student's own code.
pub const STUDENT: &str = "student";
/// The pristine stub, as the student file was shipped (reference mode only).
pub const STUB: &str = "stub";
/// The variant that is the reference solution (reference mode only).
pub const SOLUTION: &str = "solution";

/// The time as the book's daytime server sends it (ctime(3) format, UTC),
/// with the protocol's "\r\n" (exercises 8 and 12).
pub fn daytime() -> String {
    format!("{}\r\n", common::ctime::ctime_utc(std::time::SystemTime::now()))
}

/// Is this build in reference mode (the `solutions` feature)?
pub const REFERENCE_MODE: bool = cfg!(feature = "solutions");

/// The lib's test binary (see `harness = false` in Cargo.toml): the tests
/// are in tests/exercises.rs; this one has nothing to say.
#[cfg(test)]
fn main() {}

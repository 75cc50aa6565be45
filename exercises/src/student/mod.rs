//! Your files: one per exercise. Edit only the files in this directory.
//! (This `mod.rs` only lists them; you do not need to change it.)
//!
//! Each starts as a stub that compiles and fails its check with a hint.
//! Check one: `cargo test -p exercises e04` · all: `cargo test -p exercises`
//! Progress:  `cargo run -p exercises -- list` · hints: `cargo run -p exercises -- hint 4`
//! Start over: `git checkout -- exercises/src/student/e04_reap.rs`

pub mod e01_writen;
pub mod e02_readline;
pub mod e03_refcount;
pub mod e04_reap;
pub mod e05_eintr;
pub mod e06_reset;
pub mod e07_halfclose;
pub mod e08_peername;
pub mod e09_sum;
pub mod e10_dfork;

//! Realistic wrong answers (compiled with the `solutions` feature only): the
//! book's and the study notes' own bugs, and the slips a port from C to Rust
//! invites. In reference mode every check must FAIL on each of them — a
//! check that cannot fail would prove nothing.

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

//! Reference solutions (compiled with the `solutions` feature only). Each
//! check is proven to pass on these. Students: try first, then compare.

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

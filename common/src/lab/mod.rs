//! The lab's machinery — not part of the book's lib/.
//!
//! The modules beside this one are the book's `lib/` in Rust; the ones here
//! exist so that demos, tests and exercise checks can *watch* those programs
//! run against the real kernel:
//!
//! | module | what |
//! |---|---|
//! | [`observer`] | processes and TCP sockets, read from /proc |
//! | [`harness`] | spawn lab programs in guarded process groups; deadlines |
//!
//! A figure program (tcpserv01, tcpcli04, ...) never uses this module.

pub mod harness;
pub mod observer;

#[cfg(test)]
pub(crate) mod testutil;

//! Exercise 12: restarting a server over TIME_WAIT.
//!
//! This folder is the whole exercise, except the student's file
//! (`exercises/src/student/e12_reuseaddr.rs`): the program around it (`host.rs`),
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
    title: "restart over TIME_WAIT: SO_REUSEADDR before bind",
    teaches: "the side that closes first keeps TIME_WAIT for 60 s; SO_REUSEADDR, set before bind on every listener, lets a restarted server bind its port",
    related: "UNP 2.7, 7.5 (SO_REUSEADDR); ch04-sockets bind_demo --case timewait",
    forbidden: &["Serv_listen", "TcpListener", "Tcp_listen"],
    points: 10,
};

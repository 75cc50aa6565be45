//! Integration tests for ch04-sockets: each program is spawned as its own
//! process (never forked here) through `common::lab::harness::Proc`, and what it
//! prints is checked against what the kernel says in /proc.
//!
//! Every check is also shown to fail on a wrong input: a stale transcript
//! (tour, fork_refcount), the byte-order bug (daytime, toupper_cli), a
//! concurrent server in place of the iterative one (toupper), close()
//! in place of shutdown() (fork_refcount).

#[path = "ch04/backlog.rs"]
mod backlog;
#[path = "ch04/bad_input.rs"]
mod bad_input;
#[path = "ch04/bind_demo.rs"]
mod bind_demo;
#[path = "ch04/connect_errors.rs"]
mod connect_errors;
#[path = "ch04/daytime.rs"]
mod daytime;
#[path = "ch04/fork_refcount.rs"]
mod fork_refcount;
#[path = "ch04/support.rs"]
mod support;
#[path = "ch04/toupper.rs"]
mod toupper;
#[path = "ch04/tour.rs"]
mod tour;

//! Integration tests for ch04-sockets: each program is spawned as its own
//! process (never forked here) through `common::lab::harness::Proc`, and what it
//! prints is checked against what the kernel says in /proc.
//!
//! Every check is also shown to fail on a wrong input: a stale transcript
//! (tour, fork_refcount), the byte-order bug (daytime, toupper_cli), a
//! concurrent server in place of the iterative one (toupper), close()
//! in place of shutdown() (fork_refcount).
//!
//! One module per program (files beside this one), helpers in `support`.

mod backlog;
mod bad_input;
mod bind_demo;
mod connect_errors;
mod daytime;
mod fork_refcount;
mod lang;
mod segments;
mod support;
mod toupper;
mod tour;

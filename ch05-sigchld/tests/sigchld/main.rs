//! ch05-sigchld's integration tests: every lesson's observable outcome,
//! asserted against the real kernel, and each check shown failing on the
//! wrong program (the book's or the notes' own bug) as well as passing on
//! the right one.
//!
//! Nothing here forks: the programs run through `common::lab::harness::Proc`
//! (own process group, killed and reaped on drop). No sleep waits for
//! readiness: servers print `listening on`, /proc is polled with a
//! deadline. Zombie counts use the stop-the-parent method (docs: ch05-sigchld/experiment.md), which
//! makes them exact.
//!
//! One module per lesson (files beside this one), helpers in `support`.

mod asuser;
mod basics;
mod demo;
mod eintr;
mod lang;
mod notes;
mod servd;
mod support;
mod zombies;

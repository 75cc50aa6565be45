//! One test per exercise.
//!
//! `cargo test -p exercises` (student mode): each test checks the student's
//! file and fails with a report and a hint until the exercise is solved.
//! `cargo test -p exercises e04` checks one.
//!
//! With `--features exercises/solutions` (reference mode, the project's own
//! test command) each test proves its check instead: it passes on the
//! reference solution and fails on the untouched stub and on every wrong
//! answer (see src/verify.rs).

use std::path::Path;

fn check(id: &str) {
    exercises::verify::test(Path::new(env!("CARGO_BIN_EXE_exercises")), id);
}

#[test]
fn e01_writen() {
    check("e01_writen");
}

#[test]
fn e02_readline() {
    check("e02_readline");
}

#[test]
fn e03_refcount() {
    check("e03_refcount");
}

#[test]
fn e04_reap() {
    check("e04_reap");
}

#[test]
fn e05_eintr() {
    check("e05_eintr");
}

#[test]
fn e06_reset() {
    check("e06_reset");
}

#[test]
fn e07_halfclose() {
    check("e07_halfclose");
}

#[test]
fn e08_peername() {
    check("e08_peername");
}

#[test]
fn e09_sum() {
    check("e09_sum");
}

#[test]
fn e10_dfork() {
    check("e10_dfork");
}

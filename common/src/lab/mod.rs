//! The lab's machinery — not part of the book's lib/.
//!
//! The modules beside this one are the book's `lib/` in Rust; the ones here
//! exist so that demos, tests and exercise checks can *watch* those programs
//! run against the real kernel:
//!
//! | module | what |
//! |---|---|
//! | [`observer`] | processes and TCP sockets, read from /proc |
//! | [`packets`] | a port's TCP segments on loopback: capture, ladder, pcap |
//! | [`harness`] | spawn lab programs in guarded process groups; deadlines |
//! | [`pause`] | `--pause`: wait for Enter between a guided program's steps |
//! | [`skip`] | the one way a test says it could not run here, and why |
//!
//! A figure program (tcpserv01, tcpcli04, ...) never uses this module.

pub mod harness;
pub mod observer;
pub mod packets;
pub mod pause;

#[cfg(test)]
pub(crate) mod testutil;

/// The lab's one skip convention, for every test that cannot run on this
/// machine (no unprivileged user namespaces, no `ip`, a port that reads the
/// same in both byte orders): call `return skip("test_name", "why");`.
///
/// It writes `SKIP: <test>: <reason>` on a line of its own to the test
/// binary's real stderr, past cargo's capture, so the skip is seen in every
/// run, and `.ci/run` counts these lines: its closing tally says
/// `tests: N passed, N failed, N skipped`, and a skipped test is not
/// counted as passed. A skip that gives no reason is a silent pass: don't.
pub fn skip(test: &str, why: &str) {
    use std::io::Write as _;
    let line = format!("\nSKIP: {test}: {}\n", why.replace('\n', " "));
    let _ = std::io::stderr().write_all(line.as_bytes());
}

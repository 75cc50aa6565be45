//! The exercises: what each is, where the student edits, what it relates to,
//! which wrong answers its check must catch, and how to run and check it.

use std::process::ExitCode;

use crate::checks::{self, Target};
use crate::hosts;
use crate::report::Verdict;

/// One exercise.
pub struct Exercise {
    pub num: u8,
    /// The test's name and the student file's stem: `e04_reap`.
    pub id: &'static str,
    pub title: &'static str,
    /// One sentence: what solving it teaches.
    pub teaches: &'static str,
    /// The chapter program(s) and book section it relates to.
    pub related: &'static str,
    /// The student's file, relative to the repository root.
    pub file: &'static str,
    /// That file's text as compiled (for the "don't call the answer" guard).
    pub source: &'static str,
    /// Calls the student's file must not contain (the lab's own answer).
    pub forbidden: &'static [&'static str],
    /// hints/eNN_*.md: a nudge, then specifics.
    pub hints: &'static str,
    /// The wrong answers the check must reject (reference mode).
    pub wrongs: &'static [&'static str],
    /// Is there an implementation of this name in this build?
    pub knows: fn(&str) -> bool,
    /// Runs the exercise's program with an implementation (None: no such).
    pub run: fn(&str, &[String]) -> Option<ExitCode>,
    pub check: fn(&Target) -> Verdict,
}

impl Exercise {
    fn section(&self, name: &str) -> String {
        let start = format!("ANCHOR: {name}");
        let end = format!("ANCHOR_END: {name}");
        self.hints
            .lines()
            .skip_while(|l| !l.trim_end().ends_with(&start))
            .skip(1)
            .take_while(|l| !l.trim_end().ends_with(&end))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }

    /// The first hint: a nudge.
    pub fn nudge(&self) -> String {
        self.section("nudge")
    }

    /// The second hint: specifics.
    pub fn more(&self) -> String {
        self.section("more")
    }

    /// The short name after the number: `reap` for `e04_reap`.
    pub fn short(&self) -> &'static str {
        self.id.split_once('_').map_or(self.id, |(_, s)| s)
    }
}

/// Finds an exercise by number (`4`, `04`), id (`e04_reap`) or short name (`reap`).
pub fn find(which: &str) -> Option<&'static Exercise> {
    let w = which.trim().to_ascii_lowercase();
    let w = w.trim_start_matches('e');
    EXERCISES.iter().find(|e| {
        w.parse::<u8>().ok() == Some(e.num) || e.id == which || e.short() == which || e.id == format!("e{w}")
    })
}

/// An [`Exercise`] from its number, the student file's stem, the module
/// name shared by its host and check, and the remaining fields.
macro_rules! exercise {
    ($num:literal, $stem:literal, $module:ident, { $($field:ident: $value:expr),* $(,)? }) => {
        Exercise {
            num: $num,
            id: $stem,
            file: concat!("exercises/src/student/", $stem, ".rs"),
            source: include_str!(concat!("student/", $stem, ".rs")),
            hints: include_str!(concat!("../hints/", $stem, ".md")),
            knows: hosts::$module::knows,
            run: hosts::$module::run,
            check: checks::$module::check,
            $($field: $value),*
        }
    };
}

pub static EXERCISES: [Exercise; 10] = [
    exercise!(1, "e01_writen", writen, {
        title: "writen: every byte, despite short writes and EINTR",
        teaches: "one write(2) may write less than asked; a signal may interrupt it",
        related: "UNP 3.9 (lib/writen.c); common::writen, used by every echo program",
        forbidden: &["common::writen", "writen::writen", "Writen"],
        wrongs: &["one-write", "eintr-fatal"],
    }),
    exercise!(2, "e02_readline", readline, {
        title: "readline: buffered, MAXLINE-bounded, one buffer per descriptor",
        teaches: "read in chunks, hand out lines; state per descriptor, not in statics",
        related: "UNP 3.9 Fig 3.17-3.18, 26.5 (Rline); common::readline, used by str_cli",
        forbidden: &["common::readline", "readline::Rline", "Readline"],
        wrongs: &["shared-buffer", "maxline-minus-one", "byte-at-a-time"],
    }),
    exercise!(3, "e03_refcount", refcount, {
        title: "descriptors after fork: same numbers, counted references",
        teaches: "fork copies descriptors; close() drops a reference, the connection lives on",
        related: "UNP 4.7-4.9 Fig 4.14-4.15, TCPIP ch.10 ex.3; ch04-sockets fork_refcount, ch05-echo tcpserv01",
        forbidden: &[],
        wrongs: &["into-raw-fd", "shutdown"],
    }),
    exercise!(4, "e04_reap", reap, {
        title: "reap every child: waitpid(-1, WNOHANG) in a loop",
        teaches: "signals are not queued: one SIGCHLD can stand for many children",
        related: "UNP 5.9-5.10 Fig 5.7, 5.11; ch05-sigchld tcpserv03 -> tcpserv04",
        forbidden: &[],
        wrongs: &["one-wait"],
    }),
    exercise!(5, "e05_eintr", eintr, {
        title: "an accept loop that survives EINTR",
        teaches: "a handler without SA_RESTART makes slow calls fail with EINTR: retry them",
        related: "UNP 5.9, Fig 5.12; ch05-sigchld tcpserv02 -> tcpserv04",
        forbidden: &[],
        wrongs: &["eintr-fatal"],
    }),
    exercise!(6, "e06_reset", reset, {
        title: "a server that survives a client's RST",
        teaches: "ECONNRESET (before accept, or mid-line) ends one client, not the server",
        related: "UNP 5.11, 5.13; ch05-echo 'abort before accept'",
        forbidden: &[],
        wrongs: &["exit-on-reset"],
    }),
    exercise!(7, "e07_halfclose", halfclose, {
        title: "a batch client: shutdown(SHUT_WR), then read to EOF",
        teaches: "close() drops one reference; shutdown() sends the FIN whoever else holds the socket",
        related: "UNP 6.6, TCPIP ch.10 echo_mpclient; ch05-echo echo_mpclient + half-close",
        forbidden: &[],
        wrongs: &["close"],
    }),
    exercise!(8, "e08_peername", peername, {
        title: "who connected: accept's value-result address",
        teaches: "accept (or getpeername) names the peer; getsockname names yourself",
        related: "UNP 4.6, 4.10, Fig 4.11; ch04-sockets daytimetcpsrv1, tour",
        forbidden: &[],
        wrongs: &["getsockname"],
    }),
    exercise!(9, "e09_sum", sum, {
        title: "a portable binary protocol: fixed width, big-endian, exact length",
        teaches: "bytes on the wire have an order; a read returns what has arrived, not a message",
        related: "UNP 5.18 Fig 5.19-5.20; ch05-echo tcpserv09 + tcpcli09",
        forbidden: &[],
        wrongs: &["native-order", "one-read"],
    }),
    exercise!(10, "e10_dfork", dfork, {
        title: "the double fork: no zombie without a handler",
        teaches: "an orphan is adopted and reaped by init (or a subreaper); wait for your own child",
        related: "seed 003 version two; UNP 5.8-5.10; ch05-sigchld toupper_dfork",
        forbidden: &[],
        wrongs: &["waitpid-peer-port", "no-wait"],
    }),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exercise_has_both_hints_and_is_found_by_every_name() {
        for (i, e) in EXERCISES.iter().enumerate() {
            assert_eq!(usize::from(e.num), i + 1);
            assert!(!e.nudge().is_empty(), "{}: no nudge", e.id);
            assert!(!e.more().is_empty(), "{}: no second hint", e.id);
            assert!(e.source.contains("EDIT THIS FILE"), "{}: header", e.id);
            for name in [e.id, e.short(), &e.num.to_string(), &format!("{:02}", e.num)] {
                assert_eq!(find(name).map(|x| x.id), Some(e.id), "find({name})");
            }
            assert!((e.knows)(crate::STUDENT));
            assert!(!(e.knows)("no-such-variant"));
            assert!(!e.wrongs.is_empty(), "{}: a check must be shown failing", e.id);
        }
        assert!(find("e11").is_none());
    }
}

//! What a check reports: what it did, what it saw, what it expected.

use std::fmt;

/// The outcome of one check run.
pub type Verdict = Result<(), Failure>;

/// A failed check, in the three parts every report has.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The steps the check took, in order ("opened 5 connections", ...).
    pub did: Vec<String>,
    /// What it observed.
    pub saw: String,
    /// What it expected instead.
    pub expected: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use common::lang::trf;
        writeln!(
            f,
            "{}",
            trf(
                "  did:      {}",
                &[&self.did.join(&format!("{}\n            ", common::lang::tr(";")))]
            )
        )?;
        writeln!(f, "{}", trf("  saw:      {}", &[&indent(&self.saw)]))?;
        write!(f, "{}", trf("  expected: {}", &[&indent(&self.expected)]))
    }
}

fn indent(s: &str) -> String {
    s.trim_end().replace('\n', "\n            ")
}

/// The steps of a check so far; [`Trace::fail`] turns them into a [`Failure`].
#[derive(Debug, Default, Clone)]
pub struct Trace {
    steps: Vec<String>,
}

impl Trace {
    pub fn new() -> Trace {
        Trace::default()
    }

    /// Records a step the check has taken.
    pub fn did(&mut self, step: impl Into<String>) {
        self.steps.push(step.into());
    }

    /// A failure after the steps so far.
    pub fn fail(&self, saw: impl Into<String>, expected: impl Into<String>) -> Failure {
        Failure {
            did: if self.steps.is_empty() {
                vec![common::lang::tr("nothing yet").into()]
            } else {
                self.steps.clone()
            },
            saw: saw.into(),
            expected: expected.into(),
        }
    }
}

/// The last few lines of a program's stderr, for a report.
pub fn tail(text: &str, n: usize) -> String {
    // A panic's "note: run with `RUST_BACKTRACE=1`" line says nothing here.
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("note: "))
        .collect();
    if lines.is_empty() {
        return common::lang::tr("(nothing on stderr)").into();
    }
    lines[lines.len().saturating_sub(n)..].join("\n")
}

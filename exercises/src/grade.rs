//! `exercises grade`: every check on the student's files, a score from the
//! catalog's points, and three formats — a table for people, GitHub
//! Classroom's autograding JSON, and JUnit XML for any other CI.

use std::fmt::Write as _;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use crate::catalog::Exercise;
use crate::verify;

/// One exercise's result.
pub struct Row {
    pub ex: &'static Exercise,
    /// Whose code was checked (`student`, or in reference mode `stub`,
    /// `solution`, a wrong answer).
    pub variant: String,
    /// None: solved; Some: the check's report (what it did, saw, expected).
    pub failure: Option<String>,
    pub took: Duration,
}

impl Row {
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }

    pub fn score(&self) -> u32 {
        if self.passed() { self.ex.about.points } else { 0 }
    }
}

/// Runs every exercise's check at once (separate processes, each step with
/// its deadline), on the variant `which` names for it.
pub fn run(
    exe: &Path,
    host: &Path,
    exercises: &'static [Exercise],
    which: impl Fn(&Exercise) -> String + Sync,
) -> Vec<Row> {
    let which = &which;
    thread::scope(|s| {
        let handles: Vec<_> = exercises
            .iter()
            .map(|ex| {
                s.spawn(move || {
                    let variant = which(ex);
                    let start = Instant::now();
                    let failure = verify::run_check(exe, host, ex, &variant)
                        .err()
                        .map(|f| f.to_string());
                    Row {
                        ex,
                        variant,
                        failure,
                        took: start.elapsed(),
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(exercises)
            .map(|(h, ex)| {
                h.join().unwrap_or_else(|_| Row {
                    ex,
                    variant: String::new(),
                    failure: Some("the check crashed".into()),
                    took: Duration::ZERO,
                })
            })
            .collect()
    })
}

/// Marks the exercises whose check files changed (`classroom::changed_checks`)
/// as not scored, saying which file changed; a changed shared file (not in
/// an exercise's folder) unscores every exercise.
pub fn unscore_changed(rows: &mut [Row], changed: &[String]) {
    for r in rows.iter_mut() {
        if let Some(f) = changed
            .iter()
            .find(|f| crate::classroom::touches(f).is_none_or(|id| id == r.ex.id))
        {
            r.failure = Some(format!(
                "not scored: {f} differs from the kit's (exercises/checks.lock) — a changed check is reported, never scored"
            ));
        }
    }
}

/// (score, maximum).
pub fn score(rows: &[Row]) -> (u32, u32) {
    (
        rows.iter().map(Row::score).sum(),
        rows.iter().map(|r| r.ex.about.points).sum(),
    )
}

/// The test's name in JSON and JUnit: `e04_reap`.
fn name(r: &Row) -> &'static str {
    r.ex.id
}

/// A table, then `Score: N/M`.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    use common::lang::{tr, trf};
    let _ = writeln!(out, "{}", tr(" #  exercise        result      points  time"));
    for r in rows {
        let result = if r.passed() {
            tr("✓ solved")
        } else {
            tr("✗ not yet")
        };
        let _ = writeln!(
            out,
            "{:>2}  {:<14}  {result:<10}  {:>2}/{:<2}  {:.1} s",
            r.ex.num,
            r.ex.id,
            r.score(),
            r.ex.about.points,
            r.took.as_secs_f64()
        );
    }
    let (got, max) = score(rows);
    let _ = writeln!(out, "{}", trf("\nScore: {}/{}", &[&got, &max]));
    out
}

/// GitHub Classroom's autograding result: what its grading reporter reads.
pub fn json(rows: &[Row]) -> String {
    let (_, max) = score(rows);
    let status = if rows.iter().all(Row::passed) {
        "pass"
    } else {
        "fail"
    };
    let tests: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{{\"name\":{},\"status\":\"{}\",\"score\":{},\"max_score\":{},\"message\":{},\"duration\":{}}}",
                quote(name(r)),
                if r.passed() { "pass" } else { "fail" },
                r.score(),
                r.ex.about.points,
                quote(r.failure.as_deref().unwrap_or("")),
                r.took.as_millis()
            )
        })
        .collect();
    format!(
        "{{\"version\":1,\"status\":\"{status}\",\"max_score\":{max},\"tests\":[{}]}}\n",
        tests.join(",")
    )
}

/// JUnit XML, one testcase per exercise.
pub fn junit(rows: &[Row]) -> String {
    let failures = rows.iter().filter(|r| !r.passed()).count();
    let total: f64 = rows.iter().map(|r| r.took.as_secs_f64()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuite name=\"exercises\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{total:.3}\">",
        rows.len()
    );
    for r in rows {
        let _ = write!(
            out,
            "  <testcase classname=\"exercises\" name=\"{}\" time=\"{:.3}\"",
            name(r),
            r.took.as_secs_f64()
        );
        match &r.failure {
            None => out.push_str("/>\n"),
            Some(f) => {
                let _ = writeln!(
                    out,
                    ">\n    <failure message=\"{}\">{}</failure>\n  </testcase>",
                    xml(&format!("exercise {} not solved yet", r.ex.num)),
                    xml(f)
                );
            }
        }
    }
    out.push_str("</testsuite>\n");
    out
}

/// A JSON string literal.
fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\r' => q.push_str("\\r"),
            '\t' => q.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(q, "\\u{:04x}", u32::from(c));
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// Text escaped for XML (attributes and content); control characters XML
/// 1.0 forbids become U+FFFD.
fn xml(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\n' | '\t' | '\r' => c.to_string(),
            c if u32::from(c) < 0x20 => '\u{fffd}'.to_string(),
            c => c.to_string(),
        })
        .collect()
}

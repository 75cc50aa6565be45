//! What a test (or `exercises list`) does with a check, in each mode.
//!
//! - Student mode: run the check on the student's file; on failure, panic
//!   with a report — exercise, file, what the check did, what it saw, what
//!   it expected, the first hint, where the next one is, and the seed.
//! - Reference mode: prove the check — it must pass on the reference
//!   solution and fail on the untouched stub and on every wrong answer.

use std::path::Path;
use std::thread;

use crate::catalog::{self, Exercise};
use crate::checks::Target;
use crate::report::{Failure, Trace, Verdict};
use crate::{REFERENCE_MODE, SOLUTION, STUDENT, rng};

/// Runs `ex`'s check on `variant`, with `seed`.
pub fn run_check(exe: &Path, ex: &Exercise, variant: &str, seed: u64) -> Verdict {
    if variant == STUDENT
        && let Some(f) = ex.forbidden.iter().find(|f| code_only(ex.source).contains(*f))
    {
        let mut t = Trace::new();
        t.did(format!("read {}", ex.file));
        return Err(t.fail(
            format!("it uses `{f}` — the lab's own answer"),
            "your own implementation (calling the lab's would pass without teaching anything)",
        ));
    }
    if !(ex.knows)(variant) {
        return Err(Trace::new().fail(
            format!("no implementation named {variant:?} in this build"),
            "a known variant",
        ));
    }
    let target = Target {
        exe,
        ex,
        variant,
        seed,
    };
    (ex.check)(&target)
}

/// `source` without its `//` comments (the headers name the lab's modules).
fn code_only(source: &str) -> String {
    source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The report a student sees for a failed check.
pub fn report(ex: &Exercise, f: &Failure, seed: u64) -> String {
    let more = if std::env::var("UNP_HINT").is_ok_and(|v| v.trim() == "2") {
        format!("\n  more:     {}", ex.more().replace('\n', "\n            "))
    } else {
        format!(
            "\n  more:     cargo run -p exercises -- hint {}   (or UNP_HINT=2); docs/src/exercises/index.md",
            ex.num
        )
    };
    format!(
        "\nexercise {} — {} — not solved yet\n  file:     {}\n{f}\n  hint:     {}{more}\n  related:  {}\n  replay:   UNP_SEED={seed} cargo test -p exercises {}\n",
        ex.num,
        ex.title,
        ex.file,
        ex.nudge().replace('\n', "\n            "),
        ex.related,
        ex.id,
    )
}

/// The body of the test named after exercise `id`.
pub fn test(exe: &Path, id: &str) {
    let ex = catalog::find(id).unwrap_or_else(|| panic!("no exercise {id}"));
    if REFERENCE_MODE {
        prove(exe, ex);
    } else {
        let seed = rng::seed();
        if let Err(f) = run_check(exe, ex, STUDENT, seed) {
            // The report is the whole message: print it (the harness shows a
            // failed test's output) and unwind without the panic hook, so no
            // "panicked at" line or backtrace buries it.
            println!("{}", report(ex, &f, seed));
            std::panic::resume_unwind(Box::new(format!("exercise {} not solved yet", ex.num)));
        }
    }
}

/// Reference mode: the check passes on the solution, fails on the stub and
/// on each wrong answer. All variants run at once (separate processes).
pub fn prove(exe: &Path, ex: &Exercise) {
    let seed = rng::seed();
    let mut variants: Vec<(&str, bool)> = vec![(SOLUTION, true), (STUDENT, false)];
    variants.extend(ex.wrongs.iter().map(|w| (*w, false)));
    let results: Vec<(&str, bool, Verdict)> = thread::scope(|s| {
        let handles: Vec<_> = variants
            .iter()
            .map(|&(v, should_pass)| s.spawn(move || (v, should_pass, run_check(exe, ex, v, seed))))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a check panicked"))
            .collect()
    });
    let mut problems = Vec::new();
    for (v, should_pass, verdict) in &results {
        match (verdict, should_pass) {
            (Ok(()), true) => println!("{}: passes on the reference solution", ex.id),
            (Err(f), false) if *v == STUDENT => {
                println!("{}: fails on the untouched stub, as it must:\n{f}", ex.id)
            }
            (Err(f), false) => println!("{}: fails on the wrong answer {v:?}, as it must:\n{f}", ex.id),
            (Err(f), true) => problems.push(format!("the check FAILS on the reference solution:\n{f}")),
            (Ok(()), false) if *v == STUDENT => problems.push(format!(
                "the check PASSES on {} — reference mode expects the untouched stub there \
                 (git checkout -- {0})",
                ex.file
            )),
            (Ok(()), false) => problems.push(format!(
                "the check PASSES on the wrong answer {v:?}: it cannot tell the bug from the fix"
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "exercise {} ({}), seed {seed} (replay: UNP_SEED={seed}):\n{}",
        ex.num,
        ex.id,
        problems.join("\n")
    );
}

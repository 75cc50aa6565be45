//! What a test (or `exercises list`) does with a check, in each mode.
//!
//! - Student mode: run the check on the student's file; on failure, panic
//!   with a report — exercise, file, what the check did, what it saw, what
//!   it expected, the first hint and how to get the next one.
//! - Reference mode: prove the check — it must pass on the reference
//!   solution, fail on the pristine stub, and fail on every wrong answer
//!   with a report that says what that wrong answer did.

use std::path::Path;
use std::sync::{Condvar, Mutex};
use std::thread;

use crate::catalog::{self, Exercise};
use crate::checks::Target;
use crate::report::{Failure, Trace, Verdict};
use crate::{REFERENCE_MODE, SOLUTION, STUB, STUDENT, rng};

/// Runs `ex`'s check on `variant`: `exe` is the checker (`exercises`, the
/// warden), `host` the exercises' programs with the variant's code in it.
pub fn run_check(exe: &Path, host: &Path, ex: &Exercise, variant: &str) -> Verdict {
    if !ex.knows(variant) {
        return Err(Trace::new().fail(
            format!("no implementation named {variant:?} in this build"),
            "a known variant",
        ));
    }
    if variant != SOLUTION && variant != STUB {
        guard(host, ex, variant)?;
    }
    let target = Target {
        exe,
        host,
        ex,
        variant,
        seed: rng::FIXED,
    };
    let _ = crate::warden::incidents();
    let verdict = (ex.check)(&target);
    let started = crate::warden::incidents();
    if let Some(first) = started.first() {
        let mut t = Trace::new();
        t.did(format!(
            "looked at every process below the check's warden ({})",
            started.len()
        ));
        return Err(t.fail(
            format!("your code started another program: {first}"),
            "your own code does the work: the check judges only the exercise's program",
        ));
    }
    verdict
}

/// The guard (src/guard.rs) on `variant`'s compiled code: no forbidden
/// call. An entry of `forbidden` is "path" or "path | why"; a path
/// "root >> path" holds for everything the student's function `root` reaches.
pub fn guard(host: &Path, ex: &Exercise, variant: &str) -> Verdict {
    let module = crate::guard::module_of(ex.id, variant);
    let paths = ex
        .about
        .forbidden
        .iter()
        .map(|f| f.split(" | ").next().unwrap_or(f));
    let direct: Vec<&str> = paths.clone().filter(|p| !p.contains(" >> ")).collect();
    let mut found = crate::guard::scan(host, &module, &direct);
    let mut roots: Vec<&str> = paths
        .filter_map(|p| p.split_once(" >> ").map(|(r, _)| r))
        .collect();
    roots.dedup();
    for root in roots {
        if !matches!(found, Ok(None)) {
            break;
        }
        let reached: Vec<&str> = ex
            .about
            .forbidden
            .iter()
            .filter_map(|f| f.split(" | ").next()?.strip_prefix(root)?.strip_prefix(" >> "))
            .collect();
        found = crate::guard::reach(host, &module, root, &reached);
    }
    match found {
        Ok(None) => Ok(()),
        Ok(Some(hit)) => {
            let mut t = Trace::new();
            t.did(format!("read what the compiled code of {} calls", ex.file));
            // An entry "path | why" says why that call is not allowed.
            let why = ex.about.forbidden.iter().find_map(|f| {
                f.split_once(" | ")
                    .filter(|(p, _)| hit.callee.contains(p.rsplit(" >> ").next().unwrap_or(p)))
                    .map(|(_, w)| w)
            });
            let calls = if hit.via.is_empty() {
                format!("`{}` calls `{}`", hit.caller, hit.callee)
            } else {
                format!(
                    "`{}` calls `{}`, through `{}`",
                    hit.caller,
                    hit.callee,
                    hit.via.join("` → `")
                )
            };
            Err(match why {
                Some(why) => t.fail(format!("{calls}: {why}"), "only async-signal-safe calls in a handler: waitpid(2), write(2) (common::log::SigLine), atomics"),
                None => t.fail(
                    format!("{calls}, which does the exercise's work for you (the lab's own answer, or std's)"),
                    "your own implementation, with the tools the file's header names (a ready-made one would pass \
                     without teaching anything)",
                ),
            })
        }
        Err(e) => Err(Trace::new().fail(
            format!("the check could not read the compiled program: {e}"),
            "a debug build of exercises-host (cargo test -p exercises)",
        )),
    }
}

/// `exercises-host`, beside the running `exercises`, rebuilt first when we
/// run under cargo (`cargo run -p exercises -- check 4` builds only the
/// checker): the student's code is compiled into the host, not into us.
/// Err: cargo's messages (the student's code does not compile).
pub fn host_binary(exe: &Path) -> Result<std::path::PathBuf, String> {
    let mut dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let host = dir.join("exercises-host");
    if std::env::var_os("CARGO").is_some() {
        build_host(exe)?;
    }
    Ok(host)
}

/// `cargo build -p exercises --bin exercises-host` (with the `solutions`
/// feature in reference mode), in the profile `exe` was built in.
pub fn build_host(exe: &Path) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.args([
        "build",
        "--quiet",
        "-p",
        "exercises",
        "--bin",
        "exercises-host",
        "--manifest-path",
    ])
    .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
    .env("CARGO_TERM_COLOR", "never")
    .stdin(std::process::Stdio::null());
    if REFERENCE_MODE {
        cmd.args(["--features", "solutions"]);
    }
    if exe.components().any(|c| c.as_os_str() == "release") {
        cmd.arg("--release");
    }
    match cmd.output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(String::from_utf8_lossy(&o.stderr).into_owned()),
        Err(e) => Err(format!("could not run cargo: {e}")),
    }
}

/// The report a student sees for a failed check: the first hint, and the
/// command that shows the second (or the second itself with UNP_HINT=2).
pub fn report(ex: &Exercise, f: &Failure) -> String {
    let (tier, next) = if std::env::var("UNP_HINT").is_ok_and(|v| v.trim() == "2") {
        (2, String::new())
    } else {
        (
            1,
            common::lang::trf(
                "\n  next:     cargo run -p exercises -- hint {} 2   (the second hint; or UNP_HINT=2)",
                &[&ex.num],
            ),
        )
    };
    common::lang::trf(
        "\nexercise {} — {} — not solved yet\n  file:     {}\n{}\n  hint {}:   {}{}\n  related:  {}\n",
        &[
            &ex.num,
            &ex.title(),
            &ex.file,
            f,
            &tier,
            &ex.hint(tier).replace('\n', "\n            "),
            &next,
            &ex.related(),
        ],
    )
}

/// The body of the test named after exercise `id`.
pub fn test(exe: &Path, host: &Path, id: &str) {
    let ex = catalog::find(id).unwrap_or_else(|| panic!("no exercise {id}"));
    if REFERENCE_MODE {
        prove(exe, host, ex);
    } else if let Err(f) = run_check(exe, host, ex, STUDENT) {
        // The report is the whole message: print it (the harness shows a
        // failed test's output) and unwind without the panic hook, so no
        // "panicked at" line or backtrace buries it.
        println!("{}", report(ex, &f));
        std::panic::resume_unwind(Box::new(format!("exercise {} not solved yet", ex.num)));
    }
}

/// What a variant must do under the check in reference mode.
enum Must {
    Pass,
    Fail,
    /// Fail, with these words in the report.
    FailSaying(&'static str),
}

/// Reference mode: the check passes on the solution, fails on the pristine
/// stub, and fails on each wrong answer saying what it did. All variants run
/// at once (separate processes).
pub fn prove(exe: &Path, host: &Path, ex: &Exercise) {
    let mut variants: Vec<(&str, Must)> = vec![(SOLUTION, Must::Pass), (STUB, Must::Fail)];
    variants.extend(ex.alts.iter().map(|&a| (a, Must::Pass)));
    variants.extend(ex.wrongs.iter().map(|w| (w.name, Must::FailSaying(w.says))));
    let results: Vec<Verdict> = thread::scope(|s| {
        let handles: Vec<_> = variants
            .iter()
            .map(|&(v, _)| {
                s.spawn(move || {
                    let _slot = proof_slots().take();
                    run_check(exe, host, ex, v)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a check panicked"))
            .collect()
    });
    let mut problems = Vec::new();
    for ((v, must), verdict) in variants.iter().zip(&results) {
        match (verdict, must) {
            (Ok(()), Must::Pass) => println!("{}: passes on {v:?}", ex.id),
            (Err(f), Must::Pass) => {
                problems.push(format!("the check FAILS on the correct answer {v:?}:\n{f}"))
            }
            (Ok(()), _) if *v == STUB => problems.push(format!(
                "the check PASSES on the pristine stub src/{}/stub.rs",
                ex.id
            )),
            (Ok(()), _) => problems.push(format!(
                "the check PASSES on the wrong answer {v:?}: it cannot tell the bug from the fix"
            )),
            (Err(f), Must::Fail) => println!("{}: fails on the pristine stub, as it must:\n{f}", ex.id),
            // `says` may name alternatives, "a || b": a wrong answer that
            // fails one way on a quiet machine and another on a busy one.
            (Err(f), Must::FailSaying(says)) if says.split(" || ").any(|s| f.to_string().contains(s)) => {
                println!("{}: fails on the wrong answer {v:?}, as it must:\n{f}", ex.id)
            }
            (Err(f), Must::FailSaying(says)) => problems.push(format!(
                "the check fails on the wrong answer {v:?}, but its report does not say {says:?}:\n{f}"
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "exercise {} ({}):\n{}",
        ex.num,
        ex.id,
        problems.join("\n")
    );
}

/// How many checks the proofs of one process run at once, over all its
/// proofs: `UNP_CHECKS_AT_ONCE`, or 8 per CPU. Each check is a warden, a
/// host and the check's own threads, mostly asleep; but three suites at
/// once on 2 cores, each running every variant of six proofs at once (~80
/// checks), kept the load at 40 and starved correct answers past even a
/// stretched deadline (.ci/stress: e01's solution had 94 KB of 820 KB
/// through after 120 s). A check waiting for a slot has not started: its
/// deadlines have not begun.
fn checks_at_once() -> usize {
    std::env::var("UNP_CHECKS_AT_ONCE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| 8 * thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1)
}

/// A fixed number of slots to run checks in; a check holds one while it
/// runs (see [`checks_at_once`]).
pub struct Slots {
    max: usize,
    taken: Mutex<usize>,
    freed: Condvar,
}

/// One taken slot, given back on drop.
pub struct Slot<'a>(&'a Slots);

impl Slots {
    pub const fn new(max: usize) -> Slots {
        Slots {
            max,
            taken: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Waits until a slot is free, then takes it.
    pub fn take(&self) -> Slot<'_> {
        let mut n = self.taken.lock().unwrap_or_else(|p| p.into_inner());
        while *n >= self.max {
            n = self.freed.wait(n).unwrap_or_else(|p| p.into_inner());
        }
        *n += 1;
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.taken.lock().unwrap_or_else(|p| p.into_inner()) -= 1;
        self.0.freed.notify_one();
    }
}

/// The slots every proof of this process shares.
fn proof_slots() -> &'static Slots {
    static SLOTS: std::sync::OnceLock<Slots> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| Slots::new(checks_at_once()))
}

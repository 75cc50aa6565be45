//! One test per exercise, generated from the registry (src/lib.rs), and the
//! registry's own consistency checks.
//!
//! `cargo test -p exercises` (student mode): each test checks the student's
//! file and fails with a report and a hint until the exercise is solved.
//! `cargo test -p exercises e04` checks one.
//!
//! With `--features exercises/solutions` (reference mode, the project's own
//! test command) each test proves its check instead: it passes on the
//! reference solution, fails on the pristine stub and fails on every wrong
//! answer with the words its report must contain (see src/verify.rs).

use std::path::Path;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use exercises::catalog::find;
use exercises::{EXERCISES, STUDENT};

/// Generates `#[test] fn eNN_name()` for every registry line.
macro_rules! one_test_each {
    ($($num:literal $id:ident,)*) => {
        $(
            #[test]
            fn $id() {
                check($num, stringify!($id));
            }
        )*
    };
}
exercises::registry!(one_test_each);

fn check(num: u8, id: &str) {
    let result =
        std::panic::catch_unwind(|| exercises::verify::test(Path::new(env!("CARGO_BIN_EXE_exercises")), id));
    in_order::finish(num);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

/// libtest prints each failed test's output in the order the tests end, and
/// the checks run in parallel: left alone, exercise 5's report could come
/// before exercise 2's. So a test, before it ends, waits (at most 2 min)
/// for the lower-numbered exercises of this run to end.
mod in_order {
    use super::*;

    static DONE: (Mutex<Vec<u8>>, Condvar) = (Mutex::new(Vec::new()), Condvar::new());

    pub fn finish(num: u8) {
        let earlier: Vec<u8> = EXERCISES
            .iter()
            .filter(|e| e.num < num && selected(e.id))
            .map(|e| e.num)
            .collect();
        let (lock, cv) = &DONE;
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut done = lock.lock().unwrap_or_else(|p| p.into_inner());
        while !earlier.iter().all(|n| done.contains(n)) && Instant::now() < deadline {
            done = cv
                .wait_timeout(done, Duration::from_millis(500))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        done.push(num);
        cv.notify_all();
        drop(done);
        // The earlier test has marked itself done but may not have handed
        // its result to libtest yet: give it that moment, so the order
        // libtest prints in is the exercises' (output order only; no
        // verdict depends on it).
        if !earlier.is_empty() {
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Does this run's command line (libtest's filters, `--exact`,
    /// `--skip`) select the test named `name`?
    fn selected(name: &str) -> bool {
        const WITH_VALUE: &[&str] = &[
            "--test-threads",
            "--skip",
            "--logfile",
            "--format",
            "--color",
            "-Z",
            "--shuffle-seed",
        ];
        let (mut filters, mut skips, mut exact) = (Vec::new(), Vec::new(), false);
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            if a == "--exact" {
                exact = true;
            } else if a == "--skip" {
                skips.extend(args.next());
            } else if WITH_VALUE.contains(&a.as_str()) {
                args.next();
            } else if !a.starts_with('-') {
                filters.push(a);
            }
        }
        let hit = |f: &String| {
            if exact {
                name == f
            } else {
                name.contains(f.as_str())
            }
        };
        (filters.is_empty() || filters.iter().any(hit)) && !skips.iter().any(|s| name.contains(s.as_str()))
    }
}

#[test]
fn registry_every_exercise_is_complete_and_found_by_every_name() {
    for (i, e) in EXERCISES.iter().enumerate() {
        assert_eq!(usize::from(e.num), i + 1, "{}: numbered in order", e.id);
        assert!(e.id.starts_with(&format!("e{:02}_", e.num)), "{}: eNN_name", e.id);
        for n in [1, 2] {
            let h = e.hint(n);
            assert!(!h.is_empty(), "{}: hint {n} is empty", e.id);
            assert!(!h.contains("ANCHOR"), "{}: hint {n} has an anchor line", e.id);
        }
        assert!(e.source.contains("EDIT THIS FILE"), "{}: header", e.id);
        for name in [e.id, e.short(), &e.num.to_string(), &format!("{:02}", e.num)] {
            assert_eq!(find(name).map(|x| x.id), Some(e.id), "find({name})");
        }
        assert!((e.knows)(STUDENT));
        assert!(!(e.knows)("no-such-variant"));
        assert!(
            e.wrongs.len() >= 3,
            "{}: at least three wrong answers students really write",
            e.id
        );
        for w in e.wrongs {
            assert!(w.says.len() >= 6, "{} {}: says too little", e.id, w.name);
        }
        assert!(e.about.points > 0);
    }
    assert!(find("e11").is_none() || EXERCISES.len() >= 11);
}

/// Reference mode proves each check against `src/eNN_name/stub.rs`; that
/// stub must be what students get: the student file as committed.
#[cfg(feature = "solutions")]
#[test]
fn registry_pristine_stubs_are_the_committed_student_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for e in EXERCISES {
        let stub = std::fs::read_to_string(root.join(format!("src/{}/stub.rs", e.id))).expect("stub.rs");
        let out = std::process::Command::new("git")
            .current_dir(root)
            .args(["show", &format!("HEAD:{}", e.file)])
            .output();
        match out {
            Ok(o) if o.status.success() => assert!(
                o.stdout == stub.as_bytes(),
                "{}: src/{}/stub.rs differs from the committed {}: keep them identical",
                e.id,
                e.id,
                e.file
            ),
            _ => {
                println!("SKIP: registry_pristine_stubs_are_the_committed_student_files: not a git checkout");
                return;
            }
        }
    }
}

#[test]
fn lab_daytime_looks_like_ctime() {
    let s = exercises::hosts::daytime();
    assert!(s.ends_with("\r\n"), "{s:?}");
    assert_eq!(s.split_whitespace().count(), 5, "{s:?}");
}

#[test]
fn lab_a_process_that_does_not_exist_is_not_in_accept() {
    use exercises::observe::{exited, in_accept, sigchld_busy};
    assert!(!in_accept(i32::MAX));
    assert!(!sigchld_busy(i32::MAX));
    assert!(exited(i32::MAX));
}

//! A classroom kit without the answers, and grading that a student's copy
//! cannot bend.
//!
//! - [`export`] writes a student repository: the lab as it is (programs,
//!   docs, checks, hints), without any reference solution, pristine stub or
//!   wrong answer, without the `solutions` feature, with a GitHub Classroom
//!   autograding workflow and a manifest of the checks' fingerprints
//!   (`exercises/checks.lock`).
//! - `exercises grade` in such a copy compares the files the verdicts depend
//!   on with the manifest: an exercise whose check changed is reported and
//!   not scored ([`changed_checks`]).
//! - The instructor grades with their own copy: `exercises grade
//!   --student-dir PATH` compiles the student's files (only those) into the
//!   instructor's `exercises-host` and runs the instructor's checks
//!   ([`build_host_for`]). What the student did to their own checks does
//!   not matter then; it is reported.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (this crate sits at its `exercises/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The manifest of the checks' fingerprints, relative to the root.
pub const MANIFEST: &str = "exercises/checks.lock";

/// Is this file one of the answers a kit leaves out?
pub fn is_answer(path: &str) -> bool {
    let p = Path::new(path);
    let in_exercise = p
        .parent()
        .and_then(|d| d.file_name())
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.len() > 4 && n.starts_with('e') && n[1..3].bytes().all(|b| b.is_ascii_digit()))
        && path.starts_with("exercises/src/");
    in_exercise
        && matches!(
            p.file_name().and_then(|n| n.to_str()),
            Some("solution.rs" | "wrong.rs" | "stub.rs" | "blind.rs")
        )
}

/// Does a verdict depend on this file (it is not the student's and not prose)?
pub fn is_check_file(path: &str) -> bool {
    let ours = path.starts_with("exercises/") || path.starts_with("common/src/");
    ours && path.ends_with(".rs") && !path.starts_with("exercises/src/student/") && !is_answer(path)
        || matches!(
            path,
            "exercises/Cargo.toml" | "exercises/student/Cargo.toml" | ".cargo/config.toml"
        )
}

/// FNV-1a, 64 bits: a fingerprint to notice a changed file (not a defence
/// against someone who also rewrites the manifest: the instructor's own
/// copy is that).
pub fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// The files of the checkout at `root` (git's list: what a clone has).
fn tracked(root: &Path) -> Result<Vec<String>, String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(["ls-files", "-z"])
        .output()
        .map_err(|e| format!("git ls-files: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git ls-files failed (a classroom export needs a git checkout of the lab): {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out
        .stdout
        .split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect())
}

/// The text of `exercises/checks.lock` for the files under `root`.
fn manifest(root: &Path, files: &[String]) -> String {
    let mut out = String::from(
        "# The files the exercises' verdicts depend on, and their fingerprints (FNV-1a 64).\n# `exercises grade` reports an exercise whose check differs and does not score it.\n",
    );
    for f in files.iter().filter(|f| is_check_file(f)) {
        if let Ok(bytes) = std::fs::read(root.join(f)) {
            let _ = writeln!(out, "{:016x}  {f}", fingerprint(&bytes));
        }
    }
    out
}

const WORKFLOW: &str = "# GitHub Classroom autograding: every exercise's check, scored per exercise.
# `exercises grade --format json` writes the result in the format GitHub's
# grading reporter reads (version 1, one test per exercise).
name: Autograding Tests
on: [push, repository_dispatch]
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - uses: actions/checkout@v4
      - name: exercises
        id: exercises
        run: |
          cargo run -q -p exercises -- grade --format json --exit-zero --output grade.json
          echo \"result=$(base64 -w0 grade.json)\" >> \"$GITHUB_OUTPUT\"
          cargo run -q -p exercises -- grade --exit-zero   # the table, in the job's log
      - uses: classroom-resources/autograding-grading-reporter@v1
        env:
          EXERCISES_RESULTS: \"${{ steps.exercises.outputs.result }}\"
        with:
          runners: exercises
";

/// Writes the classroom kit into `dir` (which must not exist or be empty).
/// Returns how many files were written and how many answers were left out.
pub fn export(dir: &Path) -> Result<(usize, usize), String> {
    let root = root();
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(format!("{} exists and is not empty", dir.display()));
    }
    let files = tracked(&root)?;
    let (mut written, mut left_out) = (0, 0);
    let mut kept = Vec::new();
    for f in &files {
        if is_answer(f) || f.starts_with(".ci/") {
            left_out += usize::from(is_answer(f));
            continue;
        }
        let from = root.join(f);
        let to = dir.join(f);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let mut bytes = std::fs::read(&from).map_err(|e| format!("{}: {e}", from.display()))?;
        bytes = adapt(f, bytes);
        std::fs::write(&to, &bytes).map_err(|e| format!("{}: {e}", to.display()))?;
        written += 1;
        kept.push(f.clone());
    }
    let wf = dir.join(".github/workflows/classroom.yml");
    std::fs::create_dir_all(wf.parent().unwrap_or(dir)).map_err(|e| e.to_string())?;
    std::fs::write(&wf, WORKFLOW).map_err(|e| e.to_string())?;
    std::fs::write(dir.join(MANIFEST), manifest(dir, &kept)).map_err(|e| e.to_string())?;
    Ok((written + 2, left_out))
}

/// A kit's version of a file: no `solutions` feature anywhere.
fn adapt(path: &str, bytes: Vec<u8>) -> Vec<u8> {
    let text = || String::from_utf8_lossy(&bytes).into_owned();
    match path {
        "exercises/Cargo.toml" => text()
            .lines()
            .filter(|l| !l.starts_with("solutions = "))
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes(),
        "exercises/student/Cargo.toml" => text()
            .replace("[features]\nsolutions = []\n", "")
            .into_bytes(),
        // The code keeps its `cfg(feature = "solutions")` items (compiled
        // out); say that the name is known, so no build warns about it.
        "Cargo.toml" => text()
            .replace(
                "[workspace.lints.rust]\n",
                "[workspace.lints.rust]\nunexpected_cfgs = { level = \"warn\", check-cfg = ['cfg(feature, values(\"solutions\"))'] }\n",
            )
            .into_bytes(),
        _ => bytes,
    }
}

/// Files the verdicts depend on that differ from `exercises/checks.lock`
/// (none when there is no manifest: the lab itself).
pub fn changed_checks(root: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(root.join(MANIFEST)) else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once("  "))
        .filter(|(fp, f)| {
            std::fs::read(root.join(f)).map_or(true, |b| format!("{:016x}", fingerprint(&b)) != *fp)
        })
        .map(|(_, f)| f.to_string())
        .collect()
}

/// Which exercises a changed file touches: its own (`exercises/src/eNN_*/`)
/// or, for a shared file, all of them (None).
pub fn touches(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("exercises/src/")?;
    let (dir, _) = rest.split_once('/')?;
    (dir.len() > 4 && dir.starts_with('e') && dir[1..3].bytes().all(|b| b.is_ascii_digit())).then_some(dir)
}

/// The student's files in `dir`: `dir/exercises/src/student` when `dir` is a
/// whole copy of the lab, else `dir` itself.
pub fn student_files(dir: &Path) -> PathBuf {
    let inner = dir.join("exercises/src/student");
    if inner.is_dir() { inner } else { dir.to_path_buf() }
}

/// Builds `exercises-host` from the student's files in `dir` with this
/// copy's programs and checks, into its own target directory (so the
/// instructor's build is untouched); returns the binary's path.
pub fn build_host_for(dir: &Path) -> Result<PathBuf, String> {
    let files = student_files(dir);
    let files = std::fs::canonicalize(&files).map_err(|e| format!("{}: {e}", files.display()))?;
    let target = root().join("target/student-builds");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "--quiet", "-p", "exercises", "--bins", "--manifest-path"])
        .arg(root().join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .env("UNP_STUDENT_DIR", &files)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "the student's code in {} does not compile:\n{}",
            files.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(target.join("debug/exercises-host"))
}

/// Check files of the student's copy `dir` that differ from this copy's
/// (reported to the instructor; never used).
pub fn differing_checks(dir: &Path) -> Vec<String> {
    let root = root();
    let Ok(files) = tracked(&root) else {
        return Vec::new();
    };
    files
        .into_iter()
        .filter(|f| is_check_file(f))
        .filter(|f| {
            let theirs = dir.join(f);
            theirs.exists() && std::fs::read(&theirs).ok() != std::fs::read(root.join(f)).ok()
        })
        .collect()
}

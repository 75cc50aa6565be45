//! The exercises' command line: progress, hints, running and checking.
//!
//! Progress:  cargo run -p exercises -- list
//! Hints:     cargo run -p exercises -- hint 4      (the first; `hint 4 2` for the second)
//! Check one: cargo run -p exercises -- check 4      (same as: cargo test -p exercises e04)
//! Grade all: cargo run -p exercises -- grade   (table and Score: N/M; --format json|junit)
//! Run one:   cargo run -p exercises -- run reap -- --port 9877
//!            (the exercise's server with YOUR code; talk to it with nc or the chapter's clients)
//! Start over on one: git checkout -- exercises/src/student/e04_reap.rs

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::thread;

use clap::{Parser, Subcommand};
use exercises::catalog::{Exercise, find};
use exercises::{EXERCISES, STUDENT, verify};
use nix::errno::Errno;
use nix::sys::wait::WaitStatus;

/// Self-checking exercises for UNP ch.4–5. Edit the files in
/// exercises/src/student/, then run `cargo test -p exercises` (all) or
/// `cargo test -p exercises e04` (one), or `list` here for your progress.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Every exercise, solved or not yet — computed by running the checks on your code.
    List,
    /// One hint for one exercise: 1, a nudge (the default); 2, specifics.
    Hint {
        /// Number (4), id (e04_reap) or name (reap).
        which: String,
        /// Which hint: 1 or 2.
        #[arg(default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
        tier: u8,
    },
    /// Run one exercise's check and print its report.
    Check {
        /// Number (4), id (e04_reap) or name (reap).
        which: String,
        /// Whose code: student, or (with --features solutions) solution or a wrong answer's name.
        #[arg(long = "impl", default_value = STUDENT)]
        variant: String,
    },
    /// Run one exercise's program (a server or bench around the exercise's function).
    Run {
        /// Number (4), id (e04_reap) or name (reap).
        which: String,
        /// Whose code: student, or (with --features solutions) solution or a wrong answer's name.
        #[arg(long = "impl", default_value = STUDENT)]
        variant: String,
        /// The program's own arguments, after `--` (e.g. -- --port 9877).
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Every check on your files, with a score: a table and `Score: N/M`,
    /// or GitHub Classroom's JSON, or JUnit XML. Exit 0 only if all pass.
    Grade {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Exit 0 whatever the score (for reporting only).
        #[arg(long)]
        exit_zero: bool,
        /// Whose code, for every exercise: student, or (with --features
        /// solutions) stub or solution.
        #[arg(long = "impl", default_value = STUDENT)]
        variant: String,
        /// (with --features solutions) these exercises on the reference
        /// solution instead: `--solved 4,9`.
        #[arg(long, value_delimiter = ',')]
        solved: Vec<String>,
    },
    /// (used by exercise 10's check) run CMD as a child subreaper: orphans
    /// below it are adopted and reaped here, not by PID 1.
    Reaper {
        #[arg(last = true, required = true)]
        cmd: Vec<String>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    /// A table and `Score: N/M`.
    Table,
    /// GitHub Classroom's autograding result.
    Json,
    /// JUnit XML.
    Junit,
}

fn exercise(which: &str) -> Result<&'static Exercise, ExitCode> {
    find(which).ok_or_else(|| {
        eprintln!(
            "no exercise {which:?}: try 1..{} or a name from `list`",
            EXERCISES.len()
        );
        ExitCode::from(2)
    })
}

fn main() -> ExitCode {
    let args = Args::parse();
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("exercises"));
    let result = match args.cmd {
        Cmd::List => Ok(list(&exe)),
        Cmd::Hint { which, tier } => exercise(&which).map(|ex| hint(ex, tier.into())),
        Cmd::Check { which, variant } => exercise(&which).map(|ex| check(&exe, ex, &variant)),
        Cmd::Run { which, variant, args } => exercise(&which).map(|ex| {
            (ex.run)(&variant, &args).unwrap_or_else(|| {
                eprintln!("exercise {}: no implementation {variant:?} in this build", ex.id);
                ExitCode::from(2)
            })
        }),
        Cmd::Grade {
            format,
            exit_zero,
            variant,
            solved,
        } => grade(&exe, format, exit_zero, &variant, &solved),
        Cmd::Reaper { cmd } => Ok(reaper(&cmd)),
    };
    result.unwrap_or_else(|code| code)
}

fn list(exe: &std::path::Path) -> ExitCode {
    let results: Vec<_> = thread::scope(|s| {
        let hs: Vec<_> = EXERCISES
            .iter()
            .map(|ex| s.spawn(move || verify::run_check(exe, ex, STUDENT)))
            .collect();
        hs.into_iter().map(|h| h.join().ok()).collect()
    });
    let mut solved = 0;
    for (ex, r) in EXERCISES.iter().zip(results) {
        let status = match r {
            Some(Ok(())) => {
                solved += 1;
                "✓ solved".to_string()
            }
            Some(Err(f)) => format!("✗ not yet — {}", summary(&f.saw)),
            None => "✗ the check crashed".to_string(),
        };
        println!("{:>2}  {:<14} {status}", ex.num, ex.id);
    }
    println!(
        "\n{solved} of {} solved. Details: cargo test -p exercises <id>; hints: cargo run -p exercises -- hint <n>",
        EXERCISES.len()
    );
    ExitCode::SUCCESS
}

/// One line of what a check saw: the program's own error if it logged
/// one, else the first line.
fn summary(saw: &str) -> &str {
    let logged = saw.lines().find_map(|l| {
        [" FATAL ", " WARNING "]
            .iter()
            .find_map(|lvl| l.split_once(lvl).map(|(_, msg)| msg))
    });
    logged.unwrap_or_else(|| saw.lines().next().unwrap_or(""))
}

fn hint(ex: &'static Exercise, tier: usize) -> ExitCode {
    println!(
        "exercise {} — {}\nyour file: {}\nrelated:   {}\n",
        ex.num,
        ex.title(),
        ex.file,
        ex.about.related
    );
    let name = if tier == 1 { "a nudge" } else { "specifics" };
    println!("hint {tier} ({name}):\n{}", ex.hint(tier));
    if tier == 1 {
        println!("\nnext: cargo run -p exercises -- hint {} 2", ex.num);
    }
    ExitCode::SUCCESS
}

fn check(exe: &std::path::Path, ex: &'static Exercise, variant: &str) -> ExitCode {
    match verify::run_check(exe, ex, variant) {
        Ok(()) => {
            println!("exercise {} — {}: solved ({variant})", ex.num, ex.title());
            ExitCode::SUCCESS
        }
        Err(f) => {
            println!("{}", verify::report(ex, &f));
            ExitCode::FAILURE
        }
    }
}

fn grade(
    exe: &std::path::Path,
    format: Format,
    exit_zero: bool,
    variant: &str,
    solved: &[String],
) -> Result<ExitCode, ExitCode> {
    let solved = solved
        .iter()
        .map(|w| exercise(w).map(|ex| ex.num))
        .collect::<Result<Vec<u8>, _>>()?;
    let rows = exercises::grade::run(exe, EXERCISES, |ex| {
        if solved.contains(&ex.num) {
            exercises::SOLUTION.to_string()
        } else {
            variant.to_string()
        }
    });
    let text = match format {
        Format::Table => exercises::grade::table(&rows),
        Format::Json => exercises::grade::json(&rows),
        Format::Junit => exercises::grade::junit(&rows),
    };
    print!("{text}");
    let all = rows.iter().all(|r| r.passed());
    Ok(if all || exit_zero {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn reaper(cmd: &[String]) -> ExitCode {
    if let Err(e) = nix::sys::prctl::set_child_subreaper(true) {
        eprintln!("reaper: prctl(PR_SET_CHILD_SUBREAPER): {e}");
        return ExitCode::FAILURE;
    }
    let child = match Command::new(&cmd[0]).args(&cmd[1..]).spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("reaper: cannot start {}: {e}", cmd[0]);
            return ExitCode::FAILURE;
        }
    };
    let server = child.id() as i32;
    // One write(2), so a reader never sees the line without its number.
    let _ = std::io::stderr().write_all(format!("reaper: server pid {server}\n").as_bytes());
    // Reap everything: the server when it ends, and every orphan adopted.
    loop {
        match nix::sys::wait::wait() {
            Ok(WaitStatus::Exited(pid, code)) if pid.as_raw() == server => return ExitCode::from(code as u8),
            Ok(WaitStatus::Signaled(pid, sig, _)) if pid.as_raw() == server => {
                return ExitCode::from(128 + sig as u8);
            }
            Ok(_) | Err(Errno::EINTR) => {}
            Err(_) => return ExitCode::FAILURE,
        }
    }
}

//! The exercises' command line: progress, hints, running and checking.
//!
//! Watch:     cargo run -p exercises -- watch   (re-checks on every save, moves on when solved)
//! Progress:  cargo run -p exercises -- list
//! Hints:     cargo run -p exercises -- hint 4      (the first; `hint 4 2` for the second)
//! Check one: cargo run -p exercises -- check 4      (same as: cargo test -p exercises e04)
//! Grade all: cargo run -p exercises -- grade   (table and Score: N/M; --format json|junit)
//! Run one:   cargo run -p exercises -- run reap -- --port 9877
//!            (the exercise's server with YOUR code; talk to it with nc or the chapter's clients)
//! Start over on one: git checkout -- exercises/src/student/e04_reap.rs

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::thread;

use clap::{Parser, Subcommand};
use exercises::catalog::{Exercise, find};
use exercises::{EXERCISES, STUDENT, verify};

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
    /// Re-check an exercise whenever you save its file; show its report and
    /// your progress; move on to the next unsolved one once it is solved.
    /// Keys on a terminal: h hint (again: the second), l list, q quit.
    Watch {
        /// (with --features solutions, for the lab's own test) watch this
        /// folder instead of exercises/src/student: a file there whose text
        /// is the reference solution is checked as `solution`, any other as --impl.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Whose code: student, or (with --features solutions) stub.
        #[arg(long = "impl", default_value = STUDENT)]
        variant: String,
    },
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
    /// (used by every check) run CMD under a warden: a child subreaper that
    /// reports CMD's exit status and, when the check ends, kills and reaps
    /// everything CMD started (src/warden.rs).
    #[command(hide = true)]
    Warden {
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
        Cmd::List => host(&exe).map(|h| list(&exe, &h)),
        Cmd::Watch { dir, variant } => watch(exe.clone(), dir, variant),
        Cmd::Hint { which, tier } => exercise(&which).map(|ex| hint(ex, tier.into())),
        Cmd::Check { which, variant } => {
            exercise(&which).and_then(|ex| host(&exe).map(|h| check(&exe, &h, ex, &variant)))
        }
        Cmd::Run { which, variant, args } => exercise(&which).and_then(|ex| {
            let h = host(&exe)?;
            // The program replaces us: its exit status is the command's.
            let e = Command::new(&h)
                .args(["run", ex.id, "--impl", &variant, "--"])
                .args(&args)
                .exec();
            eprintln!("cannot run {}: {e}", h.display());
            Err(ExitCode::FAILURE)
        }),
        Cmd::Grade {
            format,
            exit_zero,
            variant,
            solved,
        } => host(&exe).and_then(|h| grade(&exe, &h, format, exit_zero, &variant, &solved)),
        Cmd::Warden { cmd } => Ok(exercises::warden::warden(&cmd)),
    };
    result.unwrap_or_else(|code| code)
}

/// `exercises-host`, fresh (see `verify::host_binary`); a student's code
/// that does not compile ends here, with the compiler's messages.
fn host(exe: &std::path::Path) -> Result<PathBuf, ExitCode> {
    verify::host_binary(exe).map_err(|errors| {
        eprintln!(
            "{errors}\nyour code does not compile yet: fix the errors above (they name the file and line)"
        );
        ExitCode::FAILURE
    })
}

fn watch(exe: PathBuf, dir: Option<PathBuf>, variant: String) -> Result<ExitCode, ExitCode> {
    if dir.is_some() && !exercises::REFERENCE_MODE {
        eprintln!(
            "watch --dir: only with --features solutions (your code is compiled from exercises/src/student)"
        );
        return Err(ExitCode::from(2));
    }
    let setup = exercises::watch::Setup {
        exe,
        dir: dir.unwrap_or_else(exercises::watch::student_dir),
        variant,
    };
    match exercises::watch::run(&setup) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("watch: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

fn list(exe: &std::path::Path, host: &std::path::Path) -> ExitCode {
    let results: Vec<_> = thread::scope(|s| {
        let hs: Vec<_> = EXERCISES
            .iter()
            .map(|ex| s.spawn(move || verify::run_check(exe, host, ex, STUDENT)))
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

fn check(exe: &std::path::Path, host: &std::path::Path, ex: &'static Exercise, variant: &str) -> ExitCode {
    match verify::run_check(exe, host, ex, variant) {
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
    host: &std::path::Path,
    format: Format,
    exit_zero: bool,
    variant: &str,
    solved: &[String],
) -> Result<ExitCode, ExitCode> {
    let solved = solved
        .iter()
        .map(|w| exercise(w).map(|ex| ex.num))
        .collect::<Result<Vec<u8>, _>>()?;
    let rows = exercises::grade::run(exe, host, EXERCISES, |ex| {
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

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

use common::lang::{tr, trf};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::thread;

use clap::{Parser, Subcommand};
use exercises::catalog::{Exercise, find};
use exercises::{EXERCISES, STUDENT, verify};

/// `println!`, except that a reader who went away (`exercises hint 4 | head
/// -1`) ends the command quietly, exit 0, as any Unix filter does — not
/// with std's panic on EPIPE. (SIGPIPE stays ignored: the checks in this
/// same binary must see EPIPE from the sockets they write to.)
macro_rules! println {
    ($($t:tt)*) => {
        say(format_args!($($t)*))
    };
}

fn say(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_fmt(args).and_then(|()| out.write_all(b"\n")) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("exercises: cannot write to standard output: {e}");
            std::process::exit(1)
        }
    }
}

/// Self-checking exercises for UNP ch.4–5. Edit the files in
/// exercises/src/student/, then run `cargo test -p exercises` (all) or
/// `cargo test -p exercises e04` (one), or `list` here for your progress.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// Language of the output: en or zh-CN (default: from LC_ALL, LC_MESSAGES, LANG, LANGUAGE).
    #[arg(long, global = true)]
    lang: Option<common::lang::Lang>,
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
        /// Write the result to FILE instead of standard output (what no
        /// program a check runs can reach).
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// (instructors) grade the student files in DIR (a student's copy of
        /// the lab, or its exercises/src/student) with THIS copy's checks.
        #[arg(long, value_name = "DIR")]
        student_dir: Option<PathBuf>,
    },
    /// Show the reference solution of an exercise — once your own passes
    /// its check (as rustlings does).
    Solution {
        /// Number (4), id (e04_reap) or name (reap).
        which: String,
    },
    /// (instructors) the classroom kit: `classroom export DIR` writes a
    /// student repository without any solution or wrong answer.
    Classroom {
        #[command(subcommand)]
        cmd: ClassroomCmd,
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

#[derive(Subcommand)]
enum ClassroomCmd {
    /// Write the kit into DIR (new or empty): the lab without solutions,
    /// wrong answers or the `solutions` feature, with a GitHub Classroom
    /// autograding workflow and the checks' fingerprints.
    Export { dir: PathBuf },
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
        let (which, n) = (format!("{which:?}"), EXERCISES.len());
        eprintln!(
            "{}",
            common::tr_fmt!("no exercise {which}: try 1..{n} or a name from `list`", which, n)
        );
        ExitCode::from(2)
    })
}

fn main() -> ExitCode {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    if let Some(l) = args.lang {
        common::lang::set(l);
    }
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
            output,
            student_dir,
        } => {
            let h = match &student_dir {
                Some(dir) => exercises::classroom::build_host_for(dir).map_err(|e| {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }),
                None => host(&exe),
            };
            h.and_then(|h| {
                let how = How {
                    format,
                    exit_zero,
                    output,
                    student_dir,
                };
                grade(&exe, &h, &how, &variant, &solved)
            })
        }
        Cmd::Solution { which } => exercise(&which).and_then(|ex| host(&exe).map(|h| solution(&exe, &h, ex))),
        Cmd::Classroom {
            cmd: ClassroomCmd::Export { dir },
        } => match exercises::classroom::export(&dir) {
            Ok((files, answers)) => {
                println!(
                    "wrote the classroom kit to {}: {files} files; left out {answers} solutions, stubs and wrong answers",
                    dir.display()
                );
                println!(
                    "next: cd {} && git init && git add -A && git commit -m kit",
                    dir.display()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("classroom export: {e}");
                Err(ExitCode::FAILURE)
            }
        },
        Cmd::Warden { cmd } => Ok(exercises::warden::warden(&cmd)),
    };
    result.unwrap_or_else(|code| code)
}

/// `exercises-host`, fresh (see `verify::host_binary`); a student's code
/// that does not compile ends here, with the compiler's messages.
fn host(exe: &std::path::Path) -> Result<PathBuf, ExitCode> {
    verify::host_binary(exe).map_err(|errors| {
        eprintln!(
            "{errors}\n{}",
            tr("your code does not compile yet: fix the errors above (they name the file and line)")
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
                tr("✓ solved").to_string()
            }
            Some(Err(f)) => trf("✗ not yet — {}", &[&summary(&f.saw)]),
            None => tr("✗ the check crashed").to_string(),
        };
        println!("{:>2}  {:<14} {status}", ex.num, ex.id);
    }
    println!(
        "{}",
        trf(
            "\n{} of {} solved. Details: cargo test -p exercises <id>; hints: cargo run -p exercises -- hint <n>",
            &[&solved, &EXERCISES.len()]
        )
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
        "{}",
        trf(
            "exercise {} — {}\nyour file: {}\nrelated:   {}\n",
            &[&ex.num, &ex.title(), &ex.file, &ex.related()]
        )
    );
    let name = if tier == 1 { tr("a nudge") } else { tr("specifics") };
    println!("{}", trf("hint {} ({}):\n{}", &[&tier, &name, &ex.hint(tier)]));
    if tier == 1 {
        println!(
            "{}",
            trf("\nnext: cargo run -p exercises -- hint {} 2", &[&ex.num])
        );
    }
    ExitCode::SUCCESS
}

fn check(exe: &std::path::Path, host: &std::path::Path, ex: &'static Exercise, variant: &str) -> ExitCode {
    match verify::run_check(exe, host, ex, variant) {
        Ok(()) => {
            println!(
                "{}",
                trf("exercise {} — {}: solved ({})", &[&ex.num, &ex.title(), &variant])
            );
            ExitCode::SUCCESS
        }
        Err(f) => {
            println!("{}", verify::report(ex, &f));
            ExitCode::FAILURE
        }
    }
}

/// How `grade` reports.
struct How {
    format: Format,
    exit_zero: bool,
    output: Option<PathBuf>,
    student_dir: Option<PathBuf>,
}

fn grade(
    exe: &std::path::Path,
    host: &std::path::Path,
    how: &How,
    variant: &str,
    solved: &[String],
) -> Result<ExitCode, ExitCode> {
    let solved = solved
        .iter()
        .map(|w| exercise(w).map(|ex| ex.num))
        .collect::<Result<Vec<u8>, _>>()?;
    let mut rows = exercises::grade::run(exe, host, EXERCISES, |ex| {
        if solved.contains(&ex.num) {
            exercises::SOLUTION.to_string()
        } else {
            variant.to_string()
        }
    });
    // A check that is not the kit's is reported, never scored: in a
    // student's copy against its manifest; for an instructor, the student's
    // copy is only reported (this copy's checks did the grading).
    let changed = exercises::classroom::changed_checks(&exercises::classroom::root());
    exercises::grade::unscore_changed(&mut rows, &changed);
    if let Some(dir) = &how.student_dir {
        for f in exercises::classroom::differing_checks(dir) {
            eprintln!("note: the student's copy changed {f} (not used: graded with this copy's checks)");
        }
    }
    let text = match how.format {
        Format::Table => exercises::grade::table(&rows),
        Format::Json => exercises::grade::json(&rows),
        Format::Junit => exercises::grade::junit(&rows),
    };
    match &how.output {
        Some(path) => std::fs::write(path, &text).map_err(|e| {
            eprintln!("cannot write {}: {e}", path.display());
            ExitCode::FAILURE
        })?,
        None => print!("{text}"),
    }
    let all = rows.iter().all(|r| r.passed());
    Ok(if all || how.exit_zero {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `exercises solution N`: the reference, once the student's own passes.
fn solution(exe: &std::path::Path, host: &std::path::Path, ex: &'static Exercise) -> ExitCode {
    let path = exercises::classroom::root().join(format!("exercises/src/{}/solution.rs", ex.id));
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!(
            "{}",
            common::tr_fmt!(
                "exercise {num}: this copy has no reference solutions (a classroom kit) — ask your instructor",
                num = ex.num
            )
        );
        return ExitCode::FAILURE;
    };
    match verify::run_check(exe, host, ex, STUDENT) {
        Ok(()) => {
            println!(
                "{}\n\n{text}",
                common::tr_fmt!(
                    "exercise {num} — {title}: the lab's reference solution ({path}):",
                    num = ex.num,
                    title = ex.title(),
                    path = path.display()
                )
            );
            ExitCode::SUCCESS
        }
        Err(_) => {
            println!(
                "{}",
                common::tr_fmt!(
                    "exercise {num} is not solved yet: the reference is shown once your own passes its check\n(cargo test -p exercises {id}; hints: cargo run -p exercises -- hint {num})",
                    num = ex.num,
                    id = ex.id
                )
            );
            ExitCode::FAILURE
        }
    }
}

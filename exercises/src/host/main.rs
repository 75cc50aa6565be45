//! `exercises-host`: the programs around the exercises, with the student's
//! code linked in (the `exercises-student` crate). The checks start it as
//! `exercises-host run <id> --impl <variant> -- ARGS`; students start it
//! through `cargo run -p exercises -- run <id>`.
//!
//! It never judges anything: what it does is observed from outside, by the
//! checking process (`exercises`), which never links the student's code.

use std::process::ExitCode;

// The names the exercises' programs use (`crate::student::..`, `crate::rng`,
// `crate::STUDENT`), as they were when the programs lived in the lib.
use exercises::{SOLUTION, STUB, STUDENT};
use exercises_student as student;

mod hosts;

include!(concat!(env!("OUT_DIR"), "/hosts.rs"));

const USAGE: &str = "usage: exercises-host run <eNN_name> --impl <variant> -- ARGS...\n       exercises-host variants <eNN_name>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let find = |id: &str| PROGRAMS.iter().find(|(name, _, _)| *name == id);
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["variants", id] => match find(id) {
            Some((_, _, variants)) => {
                println!("{}", variants().join(" "));
                ExitCode::SUCCESS
            }
            None => usage(&format!("no exercise {id:?}")),
        },
        ["run", id, "--impl", variant, rest @ ..] => {
            let rest: Vec<String> = match rest {
                ["--", tail @ ..] => tail.iter().map(|s| s.to_string()).collect(),
                [] => Vec::new(),
                _ => return usage("the program's own arguments go after `--`"),
            };
            match find(id) {
                Some((_, run, _)) => run(variant, &rest).unwrap_or_else(|| {
                    eprintln!("exercise {id}: no implementation {variant:?} in this build");
                    ExitCode::from(2)
                }),
                None => usage(&format!("no exercise {id:?}")),
            }
        }
        _ => usage("unknown command"),
    }
}

fn usage(why: &str) -> ExitCode {
    eprintln!("exercises-host: {why}\n{USAGE}");
    ExitCode::from(2)
}

//! `exercises watch`: like rustlings' watch mode. It shows the current
//! exercise's report and a progress line `N/M solved`; whenever a student
//! file is saved it rebuilds, re-checks that exercise and shows the new
//! report; once the current exercise is solved it moves on to the next
//! unsolved one. On a terminal, keys: h (hint; again: the second), l (list),
//! q or Ctrl-C (quit; the terminal's mode is restored). Without a terminal
//! the output is plain lines, so that a test can read it.
//!
//! It polls the files' contents every [`POLL`] (a dozen small files: no
//! file-notification crate needed) and so reacts well within 2 s of a save.
//! Each check runs in a fresh `exercises check N`, the binary just rebuilt:
//! the student's code is compiled into it.

use common::lang::{tr, trf};
use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write as _};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::termios::{LocalFlags, SetArg, Termios, tcgetattr, tcsetattr};

use crate::catalog::Exercise;
use crate::{EXERCISES, REFERENCE_MODE, SOLUTION};

/// How often the files are looked at.
pub const POLL: Duration = Duration::from_millis(250);

/// Where the watched files are, and which implementation a check runs.
pub struct Setup {
    /// The `exercises` binary: rebuilt after a save (student mode), then
    /// run as `exercises check N --impl VARIANT`.
    pub exe: PathBuf,
    /// The folder of the student files (`exercises/src/student`).
    pub dir: PathBuf,
    /// `student`; in reference mode also `stub` (what a file that is not
    /// the reference solution's text is checked as).
    pub variant: String,
}

/// The default folder: this crate's `src/student`.
pub fn student_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/student")
}

/// One exercise's last verdict: solved, and the report to show.
struct Status {
    solved: bool,
    report: String,
}

pub fn run(setup: &Setup) -> io::Result<()> {
    let tty = io::stdin().is_terminal() && io::stdout().is_terminal();
    let _raw = if tty { RawMode::enter() } else { None };
    let mut w = Watch {
        setup,
        tty,
        status: BTreeMap::new(),
        seen: BTreeMap::new(),
        current: 0,
        hint_tier: 0,
    };
    for ex in EXERCISES {
        w.seen.insert(ex.num, read(&setup.dir, ex));
    }
    w.say(&trf(
        "watching {} — save a file there and it is checked again{}",
        &[
            &setup.dir.display(),
            &if tty { tr(" (h hint, l list, q quit)") } else { "" },
        ],
    ));
    w.check_all();
    w.current = w.next_unsolved(0);
    w.show_current();
    loop {
        if w.tty {
            match key(POLL) {
                Some(b'q' | 3) => break, // 3: Ctrl-C (raw mode delivers it as a byte)
                Some(b'h') => w.hint(),
                Some(b'l') => w.list(),
                _ => {}
            }
        } else {
            thread::sleep(POLL);
        }
        let changed = w.changed();
        if !changed.is_empty() {
            w.saved(&changed);
        }
    }
    w.say("bye");
    Ok(())
}

struct Watch<'a> {
    setup: &'a Setup,
    tty: bool,
    /// By exercise number.
    status: BTreeMap<u8, Status>,
    /// Each student file's text as last seen.
    seen: BTreeMap<u8, Option<Vec<u8>>>,
    /// The index (in EXERCISES) of the current exercise.
    current: usize,
    /// The last hint shown for the current exercise (0: none yet).
    hint_tier: usize,
}

impl Watch<'_> {
    /// Prints lines (raw mode keeps output processing: "\n" still returns
    /// the carriage).
    fn say(&self, text: &str) {
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }

    fn solved(&self) -> usize {
        self.status.values().filter(|s| s.solved).count()
    }

    fn progress(&self) -> String {
        let ex = &EXERCISES[self.current];
        let bar: String = EXERCISES
            .iter()
            .map(|e| match self.status.get(&e.num) {
                Some(s) if s.solved => '#',
                _ => '.',
            })
            .collect();
        trf(
            "progress: {}/{} solved [{}] — current: exercise {} ({}){}",
            &[
                &self.solved(),
                &EXERCISES.len(),
                &bar,
                &ex.num,
                &ex.id,
                &if self.tty {
                    tr(" — h hint, l list, q quit")
                } else {
                    ""
                },
            ],
        )
    }

    fn check_all(&mut self) {
        let setup = self.setup;
        let results: Vec<Status> = thread::scope(|s| {
            let hs: Vec<_> = EXERCISES
                .iter()
                .map(|ex| s.spawn(move || check(setup, ex)))
                .collect();
            hs.into_iter()
                .map(|h| {
                    h.join().unwrap_or(Status {
                        solved: false,
                        report: "the check crashed".into(),
                    })
                })
                .collect()
        });
        for (ex, st) in EXERCISES.iter().zip(results) {
            self.status.insert(ex.num, st);
        }
    }

    /// The first unsolved exercise from index `from` on, wrapping around;
    /// `from` itself if all are solved.
    fn next_unsolved(&self, from: usize) -> usize {
        (0..EXERCISES.len())
            .map(|i| (from + i) % EXERCISES.len())
            .find(|&i| !self.status.get(&EXERCISES[i].num).is_some_and(|s| s.solved))
            .unwrap_or(from)
    }

    fn show_current(&self) {
        let ex = &EXERCISES[self.current];
        if let Some(st) = self.status.get(&ex.num) {
            if st.solved {
                self.say(&trf("\nall {} exercises solved!", &[&EXERCISES.len()]));
            } else {
                self.say(st.report.trim_end());
            }
        }
        self.say(&format!("\n{}", self.progress()));
    }

    /// The exercises whose files changed since last seen.
    fn changed(&mut self) -> Vec<usize> {
        let mut v = Vec::new();
        for (i, ex) in EXERCISES.iter().enumerate() {
            let now = read(&self.setup.dir, ex);
            if self.seen.get(&ex.num) != Some(&now) {
                self.seen.insert(ex.num, now);
                v.push(i);
            }
        }
        v
    }

    fn saved(&mut self, changed: &[usize]) {
        let names: Vec<String> = changed
            .iter()
            .map(|&i| format!("{}.rs", EXERCISES[i].id))
            .collect();
        self.say(&trf("\nsaved: {} — checking…", &[&names.join(", ")]));
        if !REFERENCE_MODE {
            if let Err(errors) = rebuild(&self.setup.exe) {
                self.say(&trf("your code does not compile yet:\n{}", &[&errors.trim_end()]));
                self.say(&format!("\n{}", self.progress()));
                return;
            }
        }
        let was = self.current;
        for &i in changed {
            let ex = &EXERCISES[i];
            let st = check(self.setup, ex);
            if st.solved {
                self.say(&trf("✓ exercise {} — {}: solved", &[&ex.num, &ex.title()]));
            }
            self.status.insert(ex.num, st);
        }
        // Working on another exercise: it becomes the current one.
        if let Some(&i) = changed
            .iter()
            .find(|&&i| i != self.current && !self.status.get(&EXERCISES[i].num).is_some_and(|s| s.solved))
        {
            self.current = i;
        }
        if self
            .status
            .get(&EXERCISES[self.current].num)
            .is_some_and(|s| s.solved)
        {
            self.current = self.next_unsolved(self.current);
            let ex = &EXERCISES[self.current];
            if self.current != was && !changed.contains(&self.current) {
                self.say(&trf("next: exercise {} — {}", &[&ex.num, &ex.title()]));
                let st = check(self.setup, ex);
                self.status.insert(ex.num, st);
            }
        }
        if self.current != was {
            self.hint_tier = 0;
        }
        self.show_current();
    }

    fn hint(&mut self) {
        self.hint_tier = (self.hint_tier % 2) + 1;
        let ex = &EXERCISES[self.current];
        let name = if self.hint_tier == 1 {
            tr("a nudge; h again for specifics")
        } else {
            tr("specifics")
        };
        self.say(&trf(
            "\nexercise {} — hint {} ({}):\n{}",
            &[&ex.num, &self.hint_tier, &name, &ex.hint(self.hint_tier)],
        ));
        self.say(&format!("\n{}", self.progress()));
    }

    fn list(&self) {
        let mut text = String::from("\n");
        for (i, ex) in EXERCISES.iter().enumerate() {
            let mark = if self.status.get(&ex.num).is_some_and(|s| s.solved) {
                tr("✓ solved")
            } else {
                tr("✗ not yet")
            };
            let here = if i == self.current {
                tr("  ← current")
            } else {
                ""
            };
            text.push_str(&format!("{:>2}  {:<14} {mark}{here}\n", ex.num, ex.id));
        }
        self.say(text.trim_end());
        self.say(&format!("\n{}", self.progress()));
    }
}

/// A student file's bytes (None: missing).
fn read(dir: &Path, ex: &Exercise) -> Option<Vec<u8>> {
    std::fs::read(dir.join(format!("{}.rs", ex.id))).ok()
}

/// Runs `exercises check N` in a new process: the rebuilt binary, with the
/// student's code as it is now.
fn check(setup: &Setup, ex: &Exercise) -> Status {
    let variant = variant(setup, ex);
    let out = Command::new(&setup.exe)
        .args(["check", &ex.num.to_string(), "--impl", &variant])
        // The report in watch's own language (`--lang` or the locale).
        .args([
            "--lang",
            if common::lang::current() == common::lang::Lang::Zh {
                "zh-CN"
            } else {
                "en"
            },
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output();
    match out {
        Ok(o) => Status {
            solved: o.status.success(),
            report: String::from_utf8_lossy(&o.stdout).into_owned(),
        },
        Err(e) => Status {
            solved: false,
            report: format!("could not run the check: {e}"),
        },
    }
}

/// Student mode: `student`, the code just compiled. Reference mode (the
/// lab's own test of `watch`, which cannot recompile): a file whose text is
/// the exercise's reference solution is checked as `solution`, any other
/// as `setup.variant`.
fn variant(setup: &Setup, ex: &Exercise) -> String {
    if REFERENCE_MODE {
        let solution =
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("src/{}/solution.rs", ex.id)));
        if let (Ok(s), Some(now)) = (solution, read(&setup.dir, ex))
            && s == now
        {
            return SOLUTION.to_string();
        }
    }
    setup.variant.clone()
}

/// Rebuilds `exercises-host` (the student's code is compiled into it).
/// Err: the compiler's messages.
fn rebuild(exe: &Path) -> Result<(), String> {
    crate::verify::build_host(exe)
}

/// Waits up to `timeout` for one key on stdin (a terminal in raw mode).
fn key(timeout: Duration) -> Option<u8> {
    let stdin = io::stdin();
    let mut fds = [PollFd::new(stdin.as_fd(), PollFlags::POLLIN)];
    let ms = u16::try_from(timeout.as_millis()).unwrap_or(u16::MAX);
    match poll(&mut fds, PollTimeout::from(ms)) {
        Ok(n) if n > 0 => {
            let mut b = [0u8; 1];
            match nix::unistd::read(&stdin, &mut b) {
                Ok(1) => Some(b[0]),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The terminal without line editing, echo or signal keys (so Ctrl-C
/// arrives as a byte and quits through the normal path); restored when
/// dropped — on q, on Ctrl-C, and on a panic's unwinding.
struct RawMode {
    saved: Termios,
}

impl RawMode {
    fn enter() -> Option<RawMode> {
        let stdin = io::stdin();
        let saved = tcgetattr(&stdin).ok()?;
        let mut raw = saved.clone();
        raw.local_flags
            .remove(LocalFlags::ICANON | LocalFlags::ECHO | LocalFlags::ISIG);
        tcsetattr(&stdin, SetArg::TCSANOW, &raw).ok()?;
        Some(RawMode { saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = tcsetattr(io::stdin(), SetArg::TCSANOW, &self.saved);
    }
}

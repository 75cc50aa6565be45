//! `--pause`: the guided programs' "press Enter to go on", one type for the
//! whole lab (ch04's tour, backlog and fork_refcount; ch05-echo's session;
//! ch05-sigchld's sigchld_demo).
//!
//! The flag has one meaning everywhere: *wait for Enter between steps*, so a
//! class can look with `ps` and `ss` while the program holds still. (In
//! sigchld_demo, `--step NAME` runs one step only; ch04's programs accept
//! `--step` as an older spelling of `--pause`.)

use std::io::{BufRead as _, Write as _};

/// Waits for Enter between steps, when on. Each wait prints
/// `--- step N (Enter: next) ---` on stdout first: the line a test waits
/// for before it looks at /proc, then answers with a line on stdin. End of
/// input turns the pausing off, so `< /dev/null` runs straight through.
pub struct Pause {
    on: bool,
    done: u32,
}

impl Pause {
    /// `on` is the program's `--pause` flag.
    pub fn new(on: bool) -> Pause {
        Pause { on, done: 0 }
    }

    /// Whether the program pauses (`--pause`, and stdin not yet at its end).
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// Ends a step: when pausing, prints the marker and blocks until a line
    /// (or end of input) arrives on stdin.
    pub fn wait(&mut self) {
        self.done += 1;
        if !self.on {
            return;
        }
        // Not println!: a closed stdout (`demo | head`) must not panic.
        let _ = writeln!(std::io::stdout(), "--- step {} (Enter: next) ---", self.done);
        let mut line = String::new();
        if matches!(std::io::stdin().lock().read_line(&mut line), Ok(0) | Err(_)) {
            self.on = false;
        }
    }
}

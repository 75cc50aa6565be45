//! Logging with the to_upper blog post's levels (DEBUG, NOTICE, WARNING, FATAL).
//!
//! Every line is `HH:MM:SS.mmm name[pid] LEVEL message` on stderr, written
//! with one write(2) so that the lines of a parent and its forked children
//! interleave whole, never mid-line. The pid is on every line because after
//! `fork` the same program name speaks from several processes.
//!
//! The level comes from `UNP_LOG=debug|notice|warning|fatal` (default
//! `notice`), then `-v` lowers it to DEBUG and `-q` raises it to WARNING.
//!
//! [`SigLine`] formats a line on the stack and writes it with write(2): no
//! allocation, no lock, so it may be used inside a signal handler.

use std::fmt;
use std::io::Write as _;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use nix::time::{ClockId, clock_gettime};

/// How important a line is; lines below the current level are not printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    Debug = 0,
    Notice = 1,
    Warning = 2,
    Fatal = 3,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Notice => "NOTICE",
            Level::Warning => "WARNING",
            Level::Fatal => "FATAL",
        }
    }

    fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_lowercase().as_str() {
            "debug" => Some(Level::Debug),
            "notice" | "info" => Some(Level::Notice),
            "warning" | "warn" => Some(Level::Warning),
            "fatal" | "error" => Some(Level::Fatal),
            _ => None,
        }
    }
}

static LEVEL: AtomicU8 = AtomicU8::new(Level::Notice as u8);
static NAME: OnceLock<&'static str> = OnceLock::new();

/// Sets the program name shown on every line and the level (env `UNP_LOG`,
/// then `-v` / `-q`). Call it first thing in `main`, before any fork or
/// signal handler.
pub fn init(name: &'static str, verbose: u8, quiet: bool) {
    let _ = NAME.set(name);
    let mut level = std::env::var("UNP_LOG")
        .ok()
        .and_then(|s| Level::parse(&s))
        .unwrap_or(Level::Notice);
    if verbose > 0 {
        level = Level::Debug;
    }
    if quiet {
        level = Level::Warning;
    }
    set_level(level);
}

/// Changes the level for the rest of the process.
pub fn set_level(level: Level) {
    LEVEL.store(level as u8, Ordering::Relaxed);
}

/// Would a line of this level be printed?
pub fn enabled(level: Level) -> bool {
    level as u8 >= LEVEL.load(Ordering::Relaxed)
}

/// Prints one line at `level`; use the `debug!`, `notice!`, `warning!` and
/// `fatal!` macros rather than calling this directly.
pub fn log(level: Level, args: fmt::Arguments<'_>) {
    if enabled(level) {
        emit(level, args);
    }
}

/// Prints one line whatever the level (used for `listening on ...`, which
/// tests and demos read).
pub fn always(level: Level, args: fmt::Arguments<'_>) {
    emit(level, args);
}

fn emit(level: Level, args: fmt::Arguments<'_>) {
    let prefix = SigLine::new(level);
    let mut line = Vec::with_capacity(128);
    line.extend_from_slice(prefix.as_bytes());
    let _ = writeln!(line, "{args}");
    write_stderr(&line);
}

/// write(2) the whole buffer to fd 2, retrying EINTR and short writes;
/// errors are dropped (there is nowhere left to report them).
fn write_stderr(mut bytes: &[u8]) {
    let stderr = std::io::stderr();
    while !bytes.is_empty() {
        match nix::unistd::write(&stderr, bytes) {
            Ok(0) => return,
            Ok(n) => bytes = &bytes[n..],
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => return,
        }
    }
}

/// A log line built in a fixed stack buffer and written with one write(2).
///
/// Async-signal-safe: it calls only clock_gettime(2), getpid(2) and
/// write(2), reads two atomics, and never allocates. Text that does not fit
/// in 256 bytes is cut.
///
/// ```no_run
/// # use common::log::{Level, SigLine};
/// # let pid = 42;
/// SigLine::new(Level::Notice).str("child ").int(pid).str(" terminated").emit();
/// ```
pub struct SigLine {
    level: Level,
    buf: [u8; 256],
    len: usize,
}

impl SigLine {
    /// Starts a line with the usual prefix: time, name, pid, level.
    pub fn new(level: Level) -> SigLine {
        let mut l = SigLine {
            level,
            buf: [0; 256],
            len: 0,
        };
        let (h, m, s, ms) = match clock_gettime(ClockId::CLOCK_REALTIME) {
            Ok(ts) => {
                let day = ts.tv_sec().rem_euclid(86_400);
                (day / 3600, day / 60 % 60, day % 60, ts.tv_nsec() / 1_000_000)
            }
            Err(_) => (0, 0, 0, 0),
        };
        l.pad2(h).str(":").pad2(m).str(":").pad2(s).str(".");
        l.pad2(ms / 10).int(ms % 10);
        let name = NAME.get().copied().unwrap_or("unp");
        l.str(" ").str(name).str("[");
        l.int(i64::from(nix::unistd::getpid().as_raw()));
        l.str("] ").str(level.name()).str(" ");
        l
    }

    /// Appends text.
    pub fn str(&mut self, s: &str) -> &mut SigLine {
        self.bytes(s.as_bytes())
    }

    /// Appends raw bytes.
    pub fn bytes(&mut self, b: &[u8]) -> &mut SigLine {
        let room = self.buf.len() - 1 - self.len; // keep one byte for '\n'
        let n = b.len().min(room);
        self.buf[self.len..self.len + n].copy_from_slice(&b[..n]);
        self.len += n;
        self
    }

    /// Appends a decimal integer.
    pub fn int(&mut self, n: i64) -> &mut SigLine {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut v = n.unsigned_abs();
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        if n < 0 {
            self.bytes(b"-");
        }
        self.bytes(&digits[i..])
    }

    fn pad2(&mut self, n: i64) -> &mut SigLine {
        if n < 10 {
            self.bytes(b"0");
        }
        self.int(n)
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Ends the line with '\n' and writes it, if its level is enabled.
    pub fn emit(&mut self) {
        if !enabled(self.level) {
            return;
        }
        self.buf[self.len] = b'\n';
        write_stderr(&self.buf[..self.len + 1]);
    }
}

// Each macro looks at the level before its arguments are evaluated, so a
// line that is not printed costs nothing, whatever its arguments compute
// (the performance page: with -q, NOTICE lines are "neither printed nor
// formatted"). `log` checks the level again for direct callers.

/// `debug!("fmt", args)`: a DEBUG line (shown with `-v` or `UNP_LOG=debug`).
#[macro_export]
macro_rules! debug {
    ($($t:tt)*) => {
        if $crate::log::enabled($crate::log::Level::Debug) {
            $crate::log::log($crate::log::Level::Debug, format_args!($($t)*))
        }
    };
}

/// `notice!("fmt", args)`: a NOTICE line (the default level).
#[macro_export]
macro_rules! notice {
    ($($t:tt)*) => {
        if $crate::log::enabled($crate::log::Level::Notice) {
            $crate::log::log($crate::log::Level::Notice, format_args!($($t)*))
        }
    };
}

/// `warning!("fmt", args)`: a WARNING line (still shown with `-q`).
#[macro_export]
macro_rules! warning {
    ($($t:tt)*) => {
        if $crate::log::enabled($crate::log::Level::Warning) {
            $crate::log::log($crate::log::Level::Warning, format_args!($($t)*))
        }
    };
}

/// `fatal!("fmt", args)`: a FATAL line. It only prints; the caller exits.
#[macro_export]
macro_rules! fatal {
    ($($t:tt)*) => {
        if $crate::log::enabled($crate::log::Level::Fatal) {
            $crate::log::log($crate::log::Level::Fatal, format_args!($($t)*))
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sigline_has_time_name_pid_level_and_text() {
        let mut l = SigLine::new(Level::Notice);
        l.str("child ").int(-42).str(" terminated");
        let s = String::from_utf8(l.as_bytes().to_vec()).unwrap();
        let pid = format!("[{}] NOTICE child -42 terminated", std::process::id());
        assert!(s.ends_with(&pid), "{s:?}");
        let time = &s[..12];
        assert!(
            time.as_bytes()[2] == b':' && time.as_bytes()[8] == b'.',
            "HH:MM:SS.mmm, got {time:?}"
        );
    }

    #[test]
    fn a_sigline_cuts_long_text_instead_of_overflowing() {
        let mut l = SigLine::new(Level::Warning);
        for _ in 0..100 {
            l.str("0123456789");
        }
        assert_eq!(l.as_bytes().len(), 255, "one byte stays free for the newline");
    }

    #[test]
    fn levels_filter_lines() {
        assert!(Level::parse("WARN") == Some(Level::Warning) && Level::parse("nope").is_none());
        assert!(
            Level::Fatal > Level::Warning && Level::Warning > Level::Notice && Level::Notice > Level::Debug
        );
    }
}

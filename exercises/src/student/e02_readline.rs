//! ✎ EDIT THIS FILE — exercise 2: `readline`, buffered, one buffer per
//! descriptor (UNP §3.9 Fig 3.18, lib/readline.c; §26.5 for `Rline`)
//!
//! Task:   return one line per call, reading the descriptor in big chunks
//!         (not one byte per read(2)). A line is:
//!         - everything up to and including the next '\n';
//!         - or, when no '\n' comes within MAXLINE (4096) bytes, exactly
//!           MAXLINE bytes (the rest comes in the next calls);
//!         - or, at end of file, whatever is left with no '\n'.
//!         Then Ok(0) at end of file. Every byte is data (NUL included).
//!         Each `Rline` has its own buffer: reading two descriptors in turn
//!         must never mix their bytes.
//! Tools:  `common::wrapunix::read(&self.fd, &mut buf)`; `common::MAXLINE`.
//! Check:  cargo test -p exercises e02
//! Hints:  cargo run -p exercises -- hint 2   (then: hint 2 2; 中文: add --lang zh-CN)
//! Docs:   docs/src/exercises/index.md (English source);
//!         中文版: docs/book/zh-CN/exercises/index.html (built by bash docs/build.sh)
//! Reset:  git checkout -- exercises/src/student/e02_readline.rs
//! Related: `common::readline` (the lab's own; don't call it here — the check knows).

use std::io;
use std::os::fd::AsFd;

/// A descriptor with its own read-ahead buffer. Add the fields you need.
pub struct Rline<F: AsFd> {
    fd: F,
}

impl<F: AsFd> Rline<F> {
    pub fn new(fd: F) -> Rline<F> {
        Rline { fd }
    }

    /// Replaces the contents of `line` with the next line and returns its
    /// length; Ok(0) means end of file.
    pub fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
        let _ = (&self.fd, line);
        Err(io::Error::other(
            "not implemented yet (exercises/src/student/e02_readline.rs)",
        ))
    }
}

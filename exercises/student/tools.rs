//! What the programs around the exercises hand to the student's code — not
//! answers, only plumbing.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::OnceLock;

/// Exercise 14: the self-pipe's write end (non-blocking: a handler never
/// waits), set by its program before it installs the SIGTERM handler.
pub static WAKE: OnceLock<OwnedFd> = OnceLock::new();

/// Exercise 14: the self-pipe's write end, for the SIGTERM handler. Reading
/// a set `OnceLock` is an atomic load: async-signal-safe.
pub fn wake_fd() -> BorrowedFd<'static> {
    WAKE.get()
        .expect("the program makes the pipe before it installs the handler")
        .as_fd()
}

/// Exercise 2: what its program needs from any variant's line reader (the
/// student's `Rline` gets it in the program; the lab's variants implement it).
pub trait Lines {
    fn readline(&mut self, line: &mut Vec<u8>) -> io::Result<usize>;
}

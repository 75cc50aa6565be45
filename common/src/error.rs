//! The book's lib/error.c: print a message and exit 1.

use std::io;

/// The text strerror(3) gives for an OS error ("Interrupted system call"),
/// without Rust's " (os error 4)" suffix, so messages read as the book's.
pub fn strerror(err: &io::Error) -> String {
    match err.raw_os_error() {
        Some(code) => nix::errno::Errno::from_raw(code).desc().to_string(),
        None => err.to_string(),
    }
}

/// `err_sys`: "`msg`: strerror", at FATAL level, then exit(1).
pub fn err_sys(msg: &str, err: &io::Error) -> ! {
    crate::fatal!("{msg}: {}", strerror(err));
    std::process::exit(1)
}

/// `err_quit`: `msg` alone, at FATAL level, then exit(1).
pub fn err_quit(msg: &str) -> ! {
    crate::fatal!("{msg}");
    std::process::exit(1)
}

/// Converts nix's error into io::Error: the one place in the lab where a −1
/// from a nix call becomes an `io::Error` (socket2 already returns
/// io::Result). The wrappers here, the lab's machinery and the programs all
/// go through it, so `err_sys` and `strerror` see one kind of error.
pub fn sys<T>(r: nix::Result<T>) -> io::Result<T> {
    r.map_err(io::Error::from)
}

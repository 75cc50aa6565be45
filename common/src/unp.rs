//! The book's `unp.h` constants.

/// The port every echo client and server uses unless told otherwise (`unp.h`).
pub const SERV_PORT: u16 = 9877;

/// Longest line `readline` returns in one piece, and the size of every I/O
/// buffer in the echo programs (`unp.h`).
pub const MAXLINE: usize = 4096;

/// The default backlog passed to `listen` (`unp.h`).
pub const LISTENQ: i32 = 1024;

/// `LISTENQ`, overridden by the environment variable `LISTENQ` when it holds a
/// number — exactly what the book's `Listen` wrapper does (lib/wrapsock.c).
pub fn listenq() -> i32 {
    std::env::var("LISTENQ")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(LISTENQ)
}

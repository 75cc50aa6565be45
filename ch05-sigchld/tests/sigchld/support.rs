//! What the ch05-sigchld tests share.

/// The path of one of this crate's programs, known at compile time:
/// `bin!("tcpserv04")` is `env!("CARGO_BIN_EXE_tcpserv04")`, so a misspelt
/// name fails the build, not a test. The experiment's functions take it
/// where the demo gives a bare program name.
macro_rules! bin {
    ($name:literal) => {
        env!(concat!("CARGO_BIN_EXE_", $name))
    };
}
pub(crate) use bin;

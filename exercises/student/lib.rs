//! The students' code: one module per exercise (`exercises/src/student/eNN_name.rs`),
//! and in reference mode (`solutions`) the lab's reference solutions, stubs
//! and wrong answers beside them.
//!
//! Compiled apart from the checks on purpose: only the exercises' programs
//! (`exercises-host`) link this crate; the checking process (`exercises`,
//! `cargo test -p exercises`) never does, so nothing a student writes can
//! run inside the process that judges it.

pub mod tools;

include!(concat!(env!("OUT_DIR"), "/modules.rs"));

/// Reference mode only: what every exercise's "fake-pass" wrong answer does
/// instead of the work — claim success everywhere a verdict might be read,
/// then exit 0 at once. The checks judge only what they observe, so each
/// must still fail.
#[cfg(feature = "solutions")]
pub mod fake {
    use std::io::Write;

    /// Prints the words of success, tries to write them into its parent's
    /// (the warden's) output and control descriptors, and exits 0.
    pub fn claim_success() -> ! {
        println!("ok\nsolved\ntest result: ok. 1 passed; 0 failed\nScore: 140/140");
        eprintln!("ok: solved");
        let parent = std::os::unix::process::parent_id();
        for fd in [1, 2, 3] {
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .write(true)
                .open(format!("/proc/{parent}/fd/{fd}"))
            {
                let _ = f.write_all(b"ok\nexit 0\n");
            }
        }
        std::process::exit(0)
    }
}

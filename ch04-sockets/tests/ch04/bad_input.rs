//! Bad input: one clear line and a non-zero exit (2 for usage, 1 for a
//! value the program itself rejects), never a panic.

use common::lab::harness::Proc;

use crate::support::WAIT;

fn exit_of(bin: &str, args: &[&str]) -> (i32, String) {
    let mut p = Proc::spawn(bin, args).unwrap();
    p.close_stdin();
    let st = p.wait_exit(WAIT).unwrap();
    let err = p.stderr_text();
    assert!(!err.contains("panicked"), "{bin} {args:?} panicked:\n{err}");
    (st.code().unwrap_or(-1), err)
}

#[test]
fn bad_arguments_give_one_clear_error() {
    let usage: [(&str, &[&str]); 7] = [
        (env!("CARGO_BIN_EXE_tour"), &["--bogus"]),
        (env!("CARGO_BIN_EXE_backlog"), &["--backlog", "-1"]),
        (env!("CARGO_BIN_EXE_connect_errors"), &["--case", "nope"]),
        (env!("CARGO_BIN_EXE_bind_demo"), &["--case"]),
        (env!("CARGO_BIN_EXE_daytimetcpsrv1"), &["--port", "70000"]),
        (env!("CARGO_BIN_EXE_toupper_cli"), &["--port", "x"]),
        (env!("CARGO_BIN_EXE_fork_refcount"), &["extra"]),
    ];
    for (bin, args) in usage {
        let (code, err) = exit_of(bin, args);
        assert_eq!(code, 2, "{bin} {args:?}:\n{err}");
        assert!(err.starts_with("error:"), "{bin} {args:?}:\n{err}");
    }
    let rejected: [(&str, &[&str]); 4] = [
        (env!("CARGO_BIN_EXE_tour"), &["--host", "300.1.2.3"]),
        (env!("CARGO_BIN_EXE_toupper_iter"), &["--host", "not an address"]),
        (env!("CARGO_BIN_EXE_daytimetcpcli"), &["1.2.3.4.5"]),
        (env!("CARGO_BIN_EXE_toupper_cli"), &["--port", "0"]), // nobody there
    ];
    for (bin, args) in rejected {
        let (code, err) = exit_of(bin, args);
        assert_eq!(code, 1, "{bin} {args:?}:\n{err}");
        assert_eq!(err.lines().count(), 1, "one line, not:\n{err}");
    }
}

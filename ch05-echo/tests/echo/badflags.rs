//! Invalid flags of this crate's programs: one clear line, exit 2 (clap's
//! usage error), never a panic.

use crate::support::rejects;

#[test]
fn invalid_flags_are_usage_errors() {
    let cli09 = env!("CARGO_BIN_EXE_tcpcli09");
    rejects(cli09, &["--long", "5"], 2, "sizeof(long) is 4 or 8");
    rejects(cli09, &["--peer-order", "middle"], 2, "invalid value 'middle'");
    rejects(
        env!("CARGO_BIN_EXE_tcpcli09net"),
        &["--timeout-ms", "soon"],
        2,
        "invalid value 'soon'",
    );
    rejects(env!("CARGO_BIN_EXE_tcpcli11"), &["--pause-ms", "-1"], 2, "error:");
    rejects(env!("CARGO_BIN_EXE_echo_mpclient"), &["--batch=yes"], 2, "error:");
    rejects(
        env!("CARGO_BIN_EXE_hostcrash"),
        &["meltdown"],
        2,
        "invalid value 'meltdown'",
    );
    rejects(
        env!("CARGO_BIN_EXE_tcpserv08"),
        &["--port", "x"],
        2,
        "invalid value 'x'",
    );
    rejects(
        env!("CARGO_BIN_EXE_session"),
        &["--port", "0"],
        2,
        "unexpected argument",
    );
}

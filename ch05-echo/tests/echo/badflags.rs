//! Invalid flags of this crate's programs: one clear line, exit 2 (clap's
//! usage error), never a panic.

use common::lab::harness::{DEADLINE, Proc};

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
        &["--port", "-1"],
        2,
        "the port must be 0–65535, got -1",
    );
}

#[test]
fn a_bad_port_says_the_range_and_a_huge_host_is_capped() {
    let cli01 = env!("CARGO_BIN_EXE_tcpcli01");
    let serv01 = env!("CARGO_BIN_EXE_tcpserv01");
    rejects(cli01, &["--port", "-1"], 2, "the port must be 0–65535, got -1");
    rejects(
        serv01,
        &["--port", "65536"],
        2,
        "the port must be 0–65535, got 65536",
    );
    let huge = "h".repeat(100_000) + "!";
    let mut p = Proc::spawn(serv01, &["--host", huge.as_str(), "--port", "0"]).unwrap();
    p.expect_exit(1, DEADLINE).unwrap();
    let err = p.stderr_text();
    assert!(
        err.len() < 300,
        "{} bytes of stderr for a 100 KB --host",
        err.len()
    );
    assert!(err.contains("… (100001 bytes)"), "{err}");
}

/// tcpcli01 `name` against a server listening on `server_ip`, run where
/// /etc/hosts gives `name` both 127.0.0.1 and ::1 (a private user + mount
/// namespace with a hosts file bind-mounted over /etc/hosts; the network is
/// the host's). Returns the echo, or None if namespaces are unavailable.
fn echo_by_name(server_ip: &str) -> Option<Result<String, String>> {
    let hosts = std::env::temp_dir().join(format!("unp-hosts-{}", std::process::id()));
    std::fs::write(&hosts, "127.0.0.1 unp-both\n::1 unp-both\n").unwrap();
    let s = Proc::spawn(
        env!("CARGO_BIN_EXE_tcpserv01"),
        &["--host", server_ip, "--port", "0"],
    )
    .unwrap();
    let port = s.listening().unwrap().port().to_string();
    let script = r#"mount --bind "$0" /etc/hosts || exit 99; shift; exec "$@""#;
    let args = [
        "-rm",
        "sh",
        "-c",
        script,
        hosts.to_str().unwrap(),
        "x",
        env!("CARGO_BIN_EXE_tcpcli01"),
        "unp-both",
        "--port",
        &port,
    ];
    let mut c = Proc::spawn("unshare", &args).ok()?;
    c.write_stdin(b"by name\n").unwrap();
    c.close_stdin();
    let st = c.wait_exit(DEADLINE).unwrap();
    let _ = std::fs::remove_file(&hosts);
    let err = c.stderr_text();
    if st.code() == Some(99) || err.contains("unshare:") {
        return None;
    }
    let out = String::from_utf8_lossy(&c.stdout_bytes()).into_owned();
    Some(if st.success() { Ok(out) } else { Err(err) })
}

#[test]
fn clients_try_every_address_of_a_name() {
    // UNP 11.12's tcp_connect loop. The name has two addresses; a server
    // listens on one of them. Whichever the resolver lists first, the other
    // case has the server on the second address, so a client that tried
    // only the first would fail one of the two.
    for ip in ["::1", "127.0.0.1"] {
        match echo_by_name(ip) {
            None => {
                return common::lab::skip(
                    "clients_try_every_address_of_a_name",
                    "no user + mount namespace (unshare -rm) here",
                );
            }
            Some(r) => assert_eq!(r.as_deref(), Ok("by name\n"), "server on {ip}"),
        }
    }
}

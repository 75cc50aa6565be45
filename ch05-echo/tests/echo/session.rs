//! The default-run demo (UNP 5.6–5.7): every step shows what it claims, it
//! ends in time, and it leaves nothing running.

use std::time::Instant;

use common::lab::harness::{DEADLINE, Proc};
use common::lab::observer;

/// The process-table and socket lines printed under heading `n.`.
fn section(out: &str, n: u32) -> String {
    let start = format!("== {n}.");
    let next = format!("== {}.", n + 1);
    out.split(&start)
        .nth(1)
        .map(|s| s.split(&next).next().unwrap_or(s).to_owned())
        .unwrap_or_default()
}

/// The states printed for (the server's end, the client's end) of the
/// connection under heading `n`; the server's end has the listener's port
/// as its local port.
fn states(out: &str, n: u32, port: &str) -> (String, String) {
    let (mut serv, mut cli) = (String::from("-"), String::from("-"));
    for l in section(out, n).lines() {
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.len() < 3 || !f[0].contains(':') || f[2] == "LISTEN" {
            continue;
        }
        if f[0].ends_with(&format!(":{port}")) {
            serv = f[2].to_owned();
        } else {
            cli = f[2].to_owned();
        }
    }
    (serv, cli)
}

#[test]
fn the_session_demo_shows_each_tcp_state_and_the_zombie_in_order_and_cleans_up() {
    run_the_demo(&[]);
}

#[test]
fn on_a_reused_port_the_demo_shows_only_its_own_connection() {
    // Issue 18: a port that still carries 5 TIME_WAIT rows of earlier,
    // unrelated connections (remote port = this port). The demo's server
    // gets it; every step must still show only the demo's own connection.
    // Shown failing with observer::predates always false: step 2 reads
    // "(server end, client end) = (ESTABLISHED, TIME_WAIT)", the foreign
    // rows taken for the client's end.
    let port = common::lab::harness::foreign_time_waits(5).unwrap();
    let out = run_the_demo(&["--port", &port.to_string()]);
    assert_eq!(
        out.matches("TIME_WAIT").count(),
        2, // step 5's row and its closing sentence
        "only the demo's own TIME_WAIT:\n{out}"
    );
}

/// Runs the demo with `args` and checks every step; returns its stdout.
fn run_the_demo(args: &[&str]) -> String {
    let t0 = Instant::now();
    let mut d = Proc::spawn(env!("CARGO_BIN_EXE_session"), args).unwrap();
    d.expect_exit(0, DEADLINE).unwrap();
    let took = t0.elapsed();
    let out = String::from_utf8_lossy(&d.stdout_bytes()).into_owned();
    let port = out
        .split("listening on 127.0.0.1:")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .expect("the listening line")
        .to_owned();
    let want = [
        (2, ("ESTABLISHED", "ESTABLISHED")),
        (4, ("CLOSE_WAIT", "FIN_WAIT_2")),
        (5, ("-", "TIME_WAIT")),
    ];
    for (n, (serv, cli)) in want {
        assert_eq!(
            states(&out, n, &port),
            (serv.to_owned(), cli.to_owned()),
            "step {n}: (server end, client end); output:\n{out}"
        );
    }
    assert!(section(&out, 1).contains("LISTEN"), "{out}");
    assert!(section(&out, 2).contains("tcpcli01"), "{out}");
    assert!(section(&out, 4).contains(" T "), "the child held stopped:\n{out}");
    assert!(section(&out, 5).contains("<defunct>"), "the zombie:\n{out}");
    assert!(
        !section(&out, 4).contains("<defunct>"),
        "no zombie before step 5:\n{out}"
    );
    // The budget is 5 s; idle, the demo takes ~0.05 s. Under a load of 10
    // on this 2-core machine it took 1.3 s alone and 6.3 s beside the other
    // tests, so the test allows the harness's deadline, not the budget.
    eprintln!("session demo: {took:?}");
    assert!(took < DEADLINE, "the demo took {took:?}");
    // Nothing left: no process still holds a socket of that port.
    let port: u16 = port.parse().unwrap();
    let left: Vec<_> = observer::tcp_sockets(port)
        .into_iter()
        .filter(|t| t.state != "TIME_WAIT")
        .collect();
    assert!(
        left.is_empty(),
        "left behind:\n{}",
        observer::format_sockets(&left, &[])
    );
    out
}

#[test]
fn ctrl_c_in_the_middle_of_the_session_leaves_nothing_running() {
    use nix::sys::signal::Signal;
    use std::os::unix::process::ExitStatusExt;

    let mut demo = Proc::spawn(env!("CARGO_BIN_EXE_session"), &["--pause"]).unwrap();
    // Enter twice, then it pauses after step 3: tcpserv01 (blocked in
    // accept), its child and tcpcli01 are alive, each in its own process
    // group, where the terminal's Ctrl-C would not reach them. Two layers
    // end them: the demo's SIGINT handler kills every group it started, and
    // PDEATHSIG kills its direct children when it dies. Shown failing with
    // both removed: tcpserv01 lives on in accept. (Either alone suffices.
    // Interrupted after step 4 the check would prove little: the stopped
    // child makes tcpserv01's group an orphaned group with a stopped member
    // once the demo is gone, and the kernel sends it SIGHUP + SIGCONT.)
    demo.write_stdin(b"\n\n").unwrap();
    demo.wait_stdout(b"--- step 3 (Enter: next) ---", DEADLINE)
        .unwrap();
    let mut started: Vec<i32> = Vec::new();
    for p in observer::children(demo.pid()) {
        started.push(p.pid);
        started.extend(observer::children(p.pid).iter().map(|c| c.pid));
    }
    assert_eq!(started.len(), 3, "tcpserv01, its child, tcpcli01: {started:?}");
    demo.signal(Signal::SIGINT).unwrap(); // what Ctrl-C sends
    let st = demo.wait_exit(DEADLINE).unwrap();
    assert_eq!(st.signal(), Some(2), "the demo dies of SIGINT, got {st:?}");
    // Dead means gone, or a zombie waiting for its new parent to reap it.
    common::lab::harness::eventually(DEADLINE, "every started process to be dead", || {
        started
            .iter()
            .all(|&pid| matches!(observer::state(pid), None | Some('Z')))
            .then_some(())
    })
    .unwrap_or_else(|e| {
        let alive: Vec<_> = started.iter().filter_map(|&p| observer::process(p)).collect();
        panic!("{e}: {alive:?}")
    });
}

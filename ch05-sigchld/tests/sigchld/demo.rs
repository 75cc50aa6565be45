//! The guided experiment (`cargo run -p ch05-sigchld`): it shows the exact
//! counts, and it leaves nothing running — after a full run and after
//! Ctrl-C in the middle. "Nothing left" is checked by running the demo under
//! the `subreaper` helper: every orphan the demo leaves is adopted there,
//! and the helper lists what still runs once the demo has ended.

use common::lab::harness::{DEADLINE, Proc};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::support::bin;

fn under_subreaper(args: &[&str]) -> Proc {
    let demo = bin!("sigchld_demo");
    let mut all = vec!["--grace-ms", "3000", demo, "--lang", "en"];
    all.extend_from_slice(args);
    Proc::spawn(bin!("subreaper"), &all).unwrap()
}

#[test]
fn the_demo_shows_5_4_0_and_leaves_nothing_behind() {
    let mut p = under_subreaper(&[]);
    p.expect_exit(0, DEADLINE).unwrap();
    let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    for want in [
        "=> tcpserv01: 5 zombies",
        "=> tcpserv03: 4 zombies",
        "=> tcpserv04: 0 zombies",
        "accept error: Interrupted system call",
        "=> toupper_fork: 0 zombies",
        "No child processes",
        "3 workers were adopted",
        "=> toupper_dfork: 0 zombies",
    ] {
        assert!(out.contains(want), "no {want:?} in:\n{out}");
    }
    let err = p.stderr_text();
    assert!(err.contains("left behind: none"), "{err}");
}

#[test]
fn ctrl_c_mid_run_leaves_nothing_behind() {
    let mut p = under_subreaper(&["--step", "zombies"]);
    // Mid-run: a server is stopped with five zombie children right now.
    p.wait_stdout(b"server stopped, five children ended", DEADLINE)
        .unwrap();
    let line = p.wait_stderr("as pid ", DEADLINE).unwrap();
    let pid: i32 = line.rsplit(' ').next().unwrap().parse().unwrap();
    kill(Pid::from_raw(pid), Signal::SIGINT).unwrap();
    p.expect_exit(130, DEADLINE).unwrap(); // the demo died of SIGINT (128 + 2)
    let err = p.stderr_text();
    assert!(err.contains("ended: killed by SIGINT"), "{err}");
    assert!(err.contains("left behind: none"), "{err}");
}

#[test]
fn the_subreaper_check_can_fail() {
    // A program that leaves a process running: sh starts a sleeper in the
    // background and exits. The helper must report it.
    let mut p = Proc::spawn(
        bin!("subreaper"),
        &["--grace-ms", "100", "sh", "-c", "sleep 30 & exit 0"],
    )
    .unwrap();
    p.expect_exit(3, DEADLINE).unwrap();
    let err = p.stderr_text();
    assert!(err.contains("left behind: ") && err.contains("(sleep, "), "{err}");
}

#[test]
fn bad_input_is_one_clear_line() {
    let mut p = Proc::spawn(bin!("sigchld_demo"), &["--step", "bogus"]).unwrap();
    p.expect_exit(2, DEADLINE).unwrap();
    assert!(
        p.stderr_text().contains("invalid value 'bogus' for '--step"),
        "{}",
        p.stderr_text()
    );

    let mut p = Proc::spawn(bin!("tcpserv04"), &["--port", "65536"]).unwrap();
    p.expect_exit(2, DEADLINE).unwrap();
    assert!(
        p.stderr_text().contains("invalid value '65536'"),
        "{}",
        p.stderr_text()
    );

    let mut p = Proc::spawn(bin!("tcpserv02"), &["--sigchld", "maybe"]).unwrap();
    p.expect_exit(2, DEADLINE).unwrap();

    let mut p = Proc::spawn(bin!("tcpserv04"), &["--host", "1.2.3", "--port", "0"]).unwrap();
    p.expect_exit(1, DEADLINE).unwrap();
    let err = p.stderr_text();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("invalid host '1.2.3'"), "{err}");
}

/// One misbehaving client of each kind, then a well-behaved one: the
/// server must still answer it. Returns what went wrong, if anything.
fn survives_rude_clients(server: &str, args: &[&str]) -> Result<(), String> {
    use ch05_sigchld::experiment;
    use std::time::Duration;
    let linger0 = |s: &socket2::Socket| s.set_linger(Some(Duration::ZERO)).unwrap();
    let (srv, addr) = experiment::start_server(server, args).map_err(|e| format!("{e:#}"))?;
    // 1. A reset before accept (UNP 5.11): the server is stopped meanwhile.
    common::lab::harness::stop(srv.pid()).unwrap();
    let s = experiment::connect(addr).unwrap();
    linger0(&s);
    drop(s);
    common::lab::harness::cont(srv.pid()).unwrap();
    // 2. A line, then a reset before the answer is read.
    let s = experiment::connect(addr).unwrap();
    common::writen::writen(&s, b"one\n").unwrap();
    linger0(&s);
    drop(s);
    // 3. A line, then a plain close: the child's answer meets an RST, its
    //    next write EPIPE.
    let s = experiment::connect(addr).unwrap();
    common::writen::writen(&s, b"two\nthree\n").unwrap();
    drop(s);
    // Every rude client accepted (the listener's queue is empty), its child
    // ended, and the server back in accept having handled SIGCHLD.
    common::lab::harness::eventually(DEADLINE, "an empty accept queue", || {
        common::lab::observer::tcp_sockets_at(addr)
            .iter()
            .any(|t| t.state == "LISTEN" && t.recv_q == 0)
            .then_some(())
    })
    .map_err(|e| {
        let t = common::lab::observer::tcp_sockets_at(addr);
        format!(
            "{server}: {e:#}\n{}\n{}\n{}",
            common::lab::observer::format_sockets(&t, &[]),
            common::lab::observer::process_table(srv.pid()),
            srv.stderr_text()
        )
    })?;
    experiment::wait_children_ended(srv.pid()).map_err(|e| format!("{server}: {e:#}"))?;
    experiment::wait_idle(srv.pid()).map_err(|e| format!("{server}: {e:#}"))?;
    let s = experiment::connect(addr).map_err(|e| format!("{server}: {e:#}\n{}", srv.stderr_text()))?;
    experiment::round_trip(&s, b"still there?\n")
        .map(|_| ())
        .map_err(|e| format!("{server}: {e:#}\n{}", srv.stderr_text()))
}

#[test]
fn every_fork_server_survives_resets_and_early_closes() {
    // The parent never talks to a client, so a client's RST or early close
    // can only end that client's child. Checked on every line server here,
    // and ch05-echo's tcpserv01.
    let servers = [
        "tcpserv01", // ch05-echo's, by name (see zombies.rs)
        bin!("tcpserv02"),
        bin!("tcpserv03"),
        bin!("tcpserv04"),
        bin!("echo_mpserv"),
        bin!("toupper_fork"),
        bin!("toupper_dfork"),
    ];
    let failed: Vec<String> = servers
        .iter()
        .filter_map(|s| survives_rude_clients(s, &[]).err())
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// The pid in the demo's last "look now (...): ps ... --ppid PID" line.
fn last_look_pid(p: &Proc) -> i32 {
    let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    let line = out
        .lines()
        .rfind(|l| l.contains("look now"))
        .unwrap_or_else(|| panic!("no 'look now' in:\n{out}"));
    line.rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

#[test]
fn pause_holds_while_the_zombies_exist_so_ps_can_see_them() {
    use common::lab::observer;
    let mut p = Proc::spawn(
        bin!("sigchld_demo"),
        &["--step", "zombies", "--pause", "--lang", "en"],
    )
    .unwrap();
    // tcpserv01, stopped: the server T, its five children Z.
    p.wait_stdout(b"--- step 1 (Enter: next) ---", DEADLINE).unwrap();
    let pid = last_look_pid(&p);
    assert_eq!(
        observer::state(pid),
        Some('T'),
        "tcpserv01 not stopped at the first pause"
    );
    assert_eq!(
        observer::zombies(pid).len(),
        5,
        "{}",
        observer::process_table(pid)
    );
    // tcpserv01 continued: still five zombies, the server running.
    p.write_stdin(b"\n").unwrap();
    p.wait_stdout(b"--- step 2 (Enter: next) ---", DEADLINE).unwrap();
    assert_eq!(last_look_pid(&p), pid);
    assert_ne!(observer::state(pid), Some('T'));
    assert_eq!(
        observer::zombies(pid).len(),
        5,
        "{}",
        observer::process_table(pid)
    );
    // End of input: the rest runs straight through.
    p.close_stdin();
    p.expect_exit(0, DEADLINE).unwrap();
    assert!(observer::process(pid).is_none(), "tcpserv01 outlived the demo");
}

/// Under zh_CN.UTF-8 the narration is Chinese (common/po/cli.zh-CN.po);
/// the kernel's strings and the kept names (SIGCHLD, EINTR) stay as they are.
#[test]
fn the_demo_speaks_chinese_under_zh_cn() {
    let mut cmd = std::process::Command::new(bin!("sigchld_demo"));
    cmd.args(["--step", "zombies"])
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE");
    let mut p = Proc::spawn_command(cmd).unwrap();
    p.expect_exit(0, DEADLINE).unwrap();
    let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    for want in [
        "=== 1. 僵尸进程（UNP 5.8-5.10）：五个客户端同时结束 ===",
        "它们的五个 SIGCHLD 合并为一个待处理信号",
        "  => tcpserv01：5 个僵尸进程——没有人调用 wait()",
        "  => tcpserv03：4 个僵尸进程——",
        "  => tcpserv04：0 个僵尸进程——",
        " <defunct>  ← 僵尸进程",
    ] {
        assert!(out.contains(want), "no {want:?} in:\n{out}");
    }
    assert!(!out.contains("zombies"), "English left:\n{out}");
}

/// Every line of `sigchld_demo --help` has its Chinese in the catalog
/// (`UNP_HELP_UNTRANSLATED`, see common::lang::parse), and under zh_CN the
/// help is Chinese.
#[test]
fn the_demo_s_help_is_translated() {
    let missing = common::lang::testing::untranslated_help_of(bin!("sigchld_demo"));
    assert!(missing.is_empty(), "help without Chinese:\n{missing}");
    let out = common::lang::testing::stdout_in(bin!("sigchld_demo"), "zh_CN.UTF-8", &["--help"]);
    assert!(
        out.contains("\n用法：sigchld_demo [OPTIONS]\n") && out.contains("只运行一步"),
        "{out}"
    );
    let en = common::lang::testing::stdout_in(bin!("sigchld_demo"), "C.UTF-8", &["--help"]);
    assert!(
        en.contains("\nUsage: sigchld_demo [OPTIONS]\n") && en.contains("Run one step only"),
        "{en}"
    );
    assert!(!common::lang::testing::has_han(&en), "English only:\n{en}");
}

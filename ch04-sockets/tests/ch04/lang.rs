//! The ch04 demos speak the student's language (issue 19): under
//! `LANG=zh_CN.UTF-8` (or `--lang zh-CN`) their narration and `--help` are
//! Chinese, from common/po/cli.zh-CN.po; under `LANG=C.UTF-8` the English,
//! unchanged. The lines the other tests read (`result: ...`, the tables)
//! stay as they are in both.

use common::lang::testing::{has_han as han, stdout_in as run_in, untranslated_help_of};

#[test]
fn tour_narrates_in_the_locale_s_language() {
    let tour = env!("CARGO_BIN_EXE_tour");
    let zh = run_in(tour, "zh_CN.UTF-8", &[]);
    for w in [
        "<- listenfd（监听套接字）\n",
        "    还没有 TCP 条目：既不在监听也没有连接的套接字不出现在 /proc/net/tcp 中\n",
        "<- SYN、SYN+ACK、ACK：三路握手完成\n",
        "<- 服务器先关闭（主动关闭）：向客户发出 FIN\n",
    ] {
        assert!(zh.contains(w), "{w:?} in\n{zh}");
    }
    assert!(
        zh.contains("  LISTEN "),
        "the tables stay as /proc has them:\n{zh}"
    );
    let en = run_in(tour, "C.UTF-8", &[]);
    assert!(
        en.contains(
            "    no TCP entry yet: a socket neither listening nor connected is not in /proc/net/tcp\n"
        ),
        "{en}"
    );
    assert!(!han(&en), "English only:\n{en}");
    let over = run_in(tour, "C.UTF-8", &["--lang", "zh-CN"]);
    assert!(
        over.contains("<- listenfd（监听套接字）"),
        "--lang zh-CN over C:\n{over}"
    );
    let over = run_in(tour, "zh_CN.UTF-8", &["--lang=en"]);
    assert!(!han(&over), "--lang=en over zh_CN:\n{over}");
}

#[test]
fn connect_errors_and_fork_refcount_narrate_in_the_locale_s_language() {
    let ce = env!("CARGO_BIN_EXE_connect_errors");
    let zh = run_in(ce, "zh_CN.UTF-8", &["--case", "refused"]);
    assert!(
        zh.contains("== ECONNREFUSED：SYN 发往无人监听的端口 -> RST\n"),
        "{zh}"
    );
    assert!(
        zh.contains("\nresult: refused ECONNREFUSED "),
        "the test's line unchanged:\n{zh}"
    );
    let en = run_in(ce, "C.UTF-8", &["--case", "refused"]);
    assert!(
        en.contains("== ECONNREFUSED: SYN to a port nobody listens on -> RST\n"),
        "{en}"
    );
    assert!(!han(&en), "English only:\n{en}");
    let fr = env!("CARGO_BIN_EXE_fork_refcount");
    let zh = run_in(fr, "zh_CN.UTF-8", &[]);
    assert!(
        zh.contains("== 图 4.14：客户已经连接；accept 还没有返回\n"),
        "{zh}"
    );
    assert!(
        zh.contains("== 用 shutdown() 代替 close()：第二条连接，第二个子进程\n"),
        "{zh}"
    );
    let en = run_in(fr, "C.UTF-8", &[]);
    assert!(
        en.contains("== Fig 4.14: the client has connected; accept has not returned yet\n"),
        "{en}"
    );
    assert!(!han(&en), "English only:\n{en}");
}

#[test]
fn bind_demo_and_backlog_narrate_in_the_locale_s_language() {
    let bd = env!("CARGO_BIN_EXE_bind_demo");
    let zh = run_in(bd, "zh_CN.UTF-8", &["--case", "wildcard"]);
    assert!(zh.contains("== 通配地址 0.0.0.0（INADDR_ANY）\n"), "{zh}");
    assert!(zh.contains("<- 内核填入了客户所用的地址\n"), "{zh}");
    assert!(
        zh.contains("\nresult: wildcard "),
        "the test's line unchanged:\n{zh}"
    );
    let en = run_in(bd, "C.UTF-8", &["--case", "wildcard"]);
    assert!(
        en.contains("<- the kernel filled in the address the client used\n"),
        "{en}"
    );
    assert!(!han(&en), "English only:\n{en}");
    let zh = run_in(
        env!("CARGO_BIN_EXE_backlog"),
        "zh_CN.UTF-8",
        &["--backlog", "1", "--extra", "1"],
    );
    assert!(zh.contains("这个服务器从不调用 accept\n"), "{zh}");
    assert!(zh.contains("：队列中空出一个位置\n"), "{zh}");
    let en = run_in(
        env!("CARGO_BIN_EXE_backlog"),
        "C.UTF-8",
        &["--backlog", "1", "--extra", "1"],
    );
    assert!(en.contains("; this server never calls accept\n"), "{en}");
    assert!(!han(&en), "English only:\n{en}");
}

#[test]
fn tour_help_in_chinese() {
    let tour = env!("CARGO_BIN_EXE_tour");
    let zh = run_in(tour, "zh_CN.UTF-8", &["--help"]);
    assert!(zh.contains("\n用法：tour [OPTIONS]\n"), "{zh}");
    assert!(zh.contains("传给 listen 的积压值"), "{zh}");
    assert!(zh.contains("-h, --help") && zh.contains("打印帮助"), "{zh}");
    let en = run_in(tour, "C.UTF-8", &["--help"]);
    assert!(
        en.contains("\nUsage: tour [OPTIONS]\n") && en.contains("Backlog passed to listen"),
        "{en}"
    );
    assert!(!han(&en), "English only:\n{en}");
}

/// Every line of each demo's `--help` has its Chinese in the catalog.
#[test]
fn every_demo_s_help_is_translated() {
    for bin in [
        env!("CARGO_BIN_EXE_tour"),
        env!("CARGO_BIN_EXE_connect_errors"),
        env!("CARGO_BIN_EXE_backlog"),
        env!("CARGO_BIN_EXE_fork_refcount"),
        env!("CARGO_BIN_EXE_bind_demo"),
    ] {
        let missing = untranslated_help_of(bin);
        assert!(
            missing.is_empty(),
            "{bin}: help without Chinese in common/po/cli.zh-CN.po:\n{missing}"
        );
    }
}

/// Every program of this crate — the demos, and the book's daytime and
/// to-upper programs — has its `--help` in Chinese under zh_CN, every line
/// from the catalog (the list comes from src/bin, so a new program is in it).
#[test]
fn every_program_s_help_is_in_chinese() {
    use common::lang::testing::{help_not_in_chinese, programs};
    let bins = programs(env!("CARGO_MANIFEST_DIR"), env!("CARGO_BIN_EXE_tour"));
    assert!(bins.len() >= 9, "{bins:?}");
    let bad = help_not_in_chinese(&bins);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// … and under LANG=C the English of the book's programs, unchanged.
#[test]
fn the_book_programs_help_stays_english_under_c() {
    let en = run_in(env!("CARGO_BIN_EXE_daytimetcpsrv1"), "C", &["--help"]);
    assert!(
        en.starts_with("UNP §4.8 (Fig 4.11): an iterative daytime server. Each client gets one\n")
            && en.contains("\nUsage: daytimetcpsrv1 [OPTIONS]\n")
            && en.contains("  -p, --port <PORT>\n          Port to listen on (the book's SERV_PORT is 9877)"),
        "{en}"
    );
    assert!(!han(&en), "English only:\n{en}");
}

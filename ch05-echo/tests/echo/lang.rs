//! The guided session speaks the student's language (issue 19): under
//! `LANG=zh_CN.UTF-8` (or `--lang zh-CN`) its narration and `--help` are
//! Chinese, from common/po/cli.zh-CN.po; under `LANG=C.UTF-8` the English,
//! unchanged.

use common::lang::testing::{has_han as han, stdout_in, untranslated_help_of};

/// `session ARGS` under the locale `lang`: its stdout.
fn session_in(lang: &str, args: &[&str]) -> String {
    stdout_in(env!("CARGO_BIN_EXE_session"), lang, args)
}

#[test]
fn session_narrates_in_the_locale_s_language() {
    let zh = session_in("zh_CN.UTF-8", &["--port", "0"]);
    for w in [
        "\n== 1. tcpserv01 已启动：socket、bind、listen；它阻塞在 accept 中（图 4.14）\n",
        "  父进程关闭了它的连接副本：只有子进程还持有它\n",
        "  客户端 stdout │ hello, world\n",
        "\nTIME_WAIT 在客户端一侧，即先关闭的那一端；在 Linux 上它持续 60 秒。\n",
    ] {
        assert!(zh.contains(w), "{w:?} in\n{zh}");
    }
    let en = session_in("C.UTF-8", &["--port", "0"]);
    assert!(
        en.contains("\n== 1. tcpserv01 started: socket, bind, listen; it blocks in accept (Fig 4.14)\n"),
        "{en}"
    );
    assert!(!han(&en), "English only:\n{en}");
    let over = session_in("C.UTF-8", &["--lang", "zh-CN", "--port", "0"]);
    assert!(
        over.contains("== 3. 在客户端键入的一行回来了（§5.5）"),
        "--lang zh-CN over C:\n{over}"
    );
}

#[test]
fn session_help_in_chinese() {
    let missing = untranslated_help_of(env!("CARGO_BIN_EXE_session"));
    assert!(
        missing.is_empty(),
        "help without Chinese in common/po/cli.zh-CN.po:\n{missing}"
    );
    let zh = session_in("zh_CN.UTF-8", &["-h"]);
    assert!(
        zh.contains("\n用法：session [OPTIONS]\n") && zh.contains("服务器的端口（0，默认：一个临时端口）"),
        "{zh}"
    );
    let en = session_in("C.UTF-8", &["-h"]);
    assert!(en.contains("\nUsage: session [OPTIONS]\n"), "{en}");
    assert!(!han(&en), "English only:\n{en}");
}

/// Every program of this crate — the clients and servers of ch.5, the
/// host-crash runs, the bench — has its `--help` in Chinese under zh_CN,
/// every line from the catalog (the list comes from src/bin).
#[test]
fn every_program_s_help_is_in_chinese() {
    use common::lang::testing::{help_not_in_chinese, programs};
    let bins = programs(env!("CARGO_MANIFEST_DIR"), env!("CARGO_BIN_EXE_session"));
    assert!(bins.len() >= 13, "{bins:?}");
    let bad = help_not_in_chinese(&bins);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// … and under LANG=C the English of the book's programs, unchanged.
#[test]
fn the_book_programs_help_stays_english_under_c() {
    let en = stdout_in(env!("CARGO_BIN_EXE_tcpserv01"), "C", &["-h"]);
    assert!(
        en.starts_with(
            "UNP §5.2: fork-per-client echo server. Talk to it: tcpcli01 127.0.0.1 or nc 127.0.0.1 9877\n"
        ) && en.contains("\nUsage: tcpserv01 [OPTIONS]\n"),
        "{en}"
    );
    assert!(!han(&en), "English only:\n{en}");
}

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

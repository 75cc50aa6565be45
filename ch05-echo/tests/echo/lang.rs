//! The guided session speaks the student's language (issue 19): under
//! `LANG=zh_CN.UTF-8` (or `--lang zh-CN`) its narration and `--help` are
//! Chinese, from common/po/cli.zh-CN.po; under `LANG=C.UTF-8` the English,
//! unchanged.

use std::time::Duration;

use common::lab::harness::Proc;

/// `session ARGS` under the locale `lang` (LC_ALL, LC_MESSAGES and
/// LANGUAGE removed): its stdout, once it has exited 0.
fn session_in(lang: &str, args: &[&str]) -> String {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_session"));
    cmd.args(args)
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE");
    let mut p = Proc::spawn_command(cmd).expect("start session");
    p.expect_exit(0, Duration::from_secs(30))
        .expect("session ends with 0");
    String::from_utf8_lossy(&p.stdout_bytes()).into_owned()
}

/// What `bin` lists as help without Chinese (`UNP_HELP_UNTRANSLATED`, see
/// `common::lang::parse`): nothing, for a program whose help is translated.
fn untranslated_help_of(bin: &str) -> String {
    let mut cmd = std::process::Command::new(bin);
    cmd.env("UNP_HELP_UNTRANSLATED", "1");
    let mut p = Proc::spawn_command(cmd).expect("start the program");
    let st = p.wait_exit(Duration::from_secs(30)).expect("it ends");
    let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
    assert_eq!(st.code(), Some(i32::from(!out.is_empty())), "{bin}: {out}");
    out
}

fn han(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
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

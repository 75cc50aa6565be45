//! The programs of ch.5's SIGCHLD lessons speak the student's language
//! (issue 19): under `LANG=zh_CN.UTF-8` their `--help` is Chinese, from
//! common/po/cli.zh-CN.po; under `LANG=C` the English, unchanged.

use common::lang::testing::{has_han, help_not_in_chinese, programs, stdout_in};

/// Every program of this crate — tcpserv02–04, tcpservd, the TCPIP
/// lessons (fork, wait, waitpid, zombie, signal, sigaction, remove_zombie),
/// subreaper, the benches — has its `--help` in Chinese under zh_CN, every
/// line from the catalog (the list comes from src/bin).
#[test]
fn every_program_s_help_is_in_chinese() {
    let bins = programs(env!("CARGO_MANIFEST_DIR"), env!("CARGO_BIN_EXE_tcpserv04"));
    assert!(bins.len() >= 20, "{bins:?}");
    let bad = help_not_in_chinese(&bins);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// … and under LANG=C the English, unchanged.
#[test]
fn the_lessons_help_stays_english_under_c() {
    let en = stdout_in(env!("CARGO_BIN_EXE_zombie"), "C", &["--help"]);
    assert!(
        en.starts_with("TCPIP ch.10 (zombie.c): the child exits at once; the parent sleeps\n")
            && en.contains("\nUsage: zombie [OPTIONS]\n"),
        "{en}"
    );
    assert!(!has_han(&en), "English only:\n{en}");
    let zh = stdout_in(env!("CARGO_BIN_EXE_zombie"), "zh_CN.UTF-8", &["--help"]);
    assert!(zh.contains("所以这期间子进程是僵尸进程（`Z`）"), "{zh}");
}

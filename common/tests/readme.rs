//! README.md and README.zh-CN.md say the same thing in two languages: each
//! links to the other at the top, they have the same headings (level by
//! level, in order) and the same code blocks with the same commands (a
//! comment after `#` may be translated; a plain ``` block, like the layout
//! table, is translated as a whole). The check is structural, so a change to
//! one README fails here until the other follows; the transcript test runs
//! the console blocks of both.

use std::fs;
use std::path::Path;

/// The heading levels, in order, outside code blocks.
fn headings(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            out.push(line.chars().take_while(|&c| c == '#').count());
        }
    }
    out
}

/// Each fenced block: its info string, and for a block of commands
/// (console, sh, toml) its lines without their `#` comments.
fn blocks(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut cur: Option<(String, Vec<String>)> = None;
    for line in text.lines() {
        match (&mut cur, line.strip_prefix("```")) {
            (None, Some(info)) => cur = Some((info.trim().to_string(), Vec::new())),
            (Some(_), Some(_)) => out.extend(cur.take()),
            (Some((info, lines)), None) if matches!(info.as_str(), "console" | "sh" | "toml") => {
                let code = match line.find(" #") {
                    Some(i) if !line.trim_start().starts_with('#') => &line[..i],
                    _ => line,
                };
                let code = code.trim_end();
                // a line that is only a comment (continued from the line above)
                if !code.trim().is_empty() && !code.trim_start().starts_with('#') {
                    lines.push(code.to_string());
                }
            }
            _ => {}
        }
    }
    out
}

fn out_of_step(en: &str, zh: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let top = |t: &str| t.lines().take(5).collect::<Vec<_>>().join("\n");
    if !top(en).contains("(README.zh-CN.md)") {
        errs.push("README.md does not link to README.zh-CN.md in its first lines".to_string());
    }
    if !top(zh).contains("(README.md)") {
        errs.push("README.zh-CN.md does not link to README.md in its first lines".to_string());
    }
    let (he, hz) = (headings(en), headings(zh));
    if he != hz {
        errs.push(format!(
            "headings differ: README.md has levels {he:?}, README.zh-CN.md {hz:?}"
        ));
    }
    let (be, bz) = (blocks(en), blocks(zh));
    if be.len() != bz.len() {
        errs.push(format!(
            "README.md has {} code blocks, README.zh-CN.md {}",
            be.len(),
            bz.len()
        ));
    }
    for (i, (e, z)) in be.iter().zip(&bz).enumerate() {
        if e != z {
            errs.push(format!(
                "code block {}: README.md has {e:?}, README.zh-CN.md {z:?}",
                i + 1
            ));
        }
    }
    errs
}

#[test]
fn the_chinese_readme_keeps_in_step_with_the_english_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let en = fs::read_to_string(root.join("README.md")).unwrap();
    let zh = fs::read_to_string(root.join("README.zh-CN.md")).unwrap();
    let errs = out_of_step(&en, &zh);
    assert!(
        errs.is_empty(),
        "README.md and README.zh-CN.md are out of step (change both):\n  {}",
        errs.join("\n  ")
    );
}

#[test]
fn the_readme_check_sees_a_missing_section_a_changed_command_and_a_missing_link() {
    let en = "# t\n\nEnglish · [中文](README.zh-CN.md)\n\n## A\n\n```console\ncargo run -p x   # run it\n```\n\n## B\n";
    let zh =
        "# t\n\n[English](README.md) · 中文\n\n## 甲\n\n```console\ncargo run -p x   # 运行\n```\n\n## 乙\n";
    assert_eq!(out_of_step(en, zh), Vec::<String>::new());
    let no_section = zh.replace("## 乙\n", "");
    assert!(out_of_step(en, &no_section)[0].starts_with("headings differ"));
    let other_command = zh.replace("-p x", "-p y");
    assert!(out_of_step(en, &other_command)[0].starts_with("code block 1"));
    let no_link = zh.replace("[English](README.md)", "English");
    assert!(out_of_step(en, &no_link)[0].contains("does not link to README.md"));
}

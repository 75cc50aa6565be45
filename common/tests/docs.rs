//! The mdBook in docs/ includes code by named anchor. mdBook includes
//! *nothing*, silently, when an anchor matches nothing — so this test is the
//! check that every include resolves, and that every page is in SUMMARY.md.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn docs_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/src")
}

fn pages(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            pages(&p, out);
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
}

/// Every `{{#include PATH:ANCHOR}}` (or `{{#rustdoc_include ...}}`) in `text`.
fn includes(text: &str) -> Vec<(String, Option<String>)> {
    let mut v = Vec::new();
    for part in text.split("{{#").skip(1) {
        let Some(body) = part.split("}}").next() else {
            continue;
        };
        let mut words = body.split_whitespace();
        let (Some(kind), Some(target)) = (words.next(), words.next()) else {
            continue;
        };
        if kind != "include" && kind != "rustdoc_include" {
            continue;
        }
        match target.split_once(':') {
            Some((path, anchor)) => v.push((path.to_string(), Some(anchor.to_string()))),
            None => v.push((target.to_string(), None)),
        }
    }
    v
}

#[test]
fn every_include_names_an_anchor_that_exists() {
    let mut all = Vec::new();
    pages(&docs_src(), &mut all);
    let mut problems = Vec::new();
    let mut count = 0;
    for page in &all {
        let text = fs::read_to_string(page).unwrap();
        for (path, anchor) in includes(&text) {
            count += 1;
            let file = page.parent().unwrap().join(&path);
            let where_ = format!("{}: {{{{#include {path}…}}}}", page.display());
            let Ok(code) = fs::read_to_string(&file) else {
                problems.push(format!("{where_}: no file {}", file.display()));
                continue;
            };
            let Some(anchor) = anchor else {
                if path.ends_with(".rs") {
                    problems.push(format!("{where_}: includes a whole .rs file; use an anchor"));
                }
                continue;
            };
            if anchor
                .split(':')
                .all(|s| s.is_empty() || s.chars().all(|c| c.is_ascii_digit()))
            {
                problems.push(format!("{where_}: line numbers ({anchor}); use a named anchor"));
                continue;
            }
            let start = format!("ANCHOR: {anchor}");
            let end = format!("ANCHOR_END: {anchor}");
            let has = |needle: &str| code.lines().any(|l| l.trim_end().ends_with(needle));
            if !has(&start) || !has(&end) {
                problems.push(format!(
                    "{where_}: anchor '{anchor}' not found (both ANCHOR and ANCHOR_END needed)"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "broken includes:\n{}", problems.join("\n"));
    assert!(
        count > 0,
        "no includes found at all: is docs/src where this test thinks?"
    );
}

#[test]
fn every_page_is_in_the_summary_and_every_summary_entry_exists() {
    let src = docs_src();
    let summary = fs::read_to_string(src.join("SUMMARY.md")).unwrap();
    let listed: BTreeSet<PathBuf> = summary
        .split("](")
        .skip(1)
        .filter_map(|s| s.split(')').next())
        .filter(|s| s.ends_with(".md"))
        .map(|s| src.join(s))
        .collect();
    let mut all = Vec::new();
    pages(&src, &mut all);
    let on_disk: BTreeSet<PathBuf> = all.into_iter().filter(|p| !p.ends_with("SUMMARY.md")).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    assert!(missing.is_empty(), "in SUMMARY.md but no file: {missing:?}");
    assert!(
        unlisted.is_empty(),
        "pages not in SUMMARY.md (mdBook would not build them): {unlisted:?}"
    );
}

#[test]
fn the_include_parser_sees_what_mdbook_sees() {
    // The check above must be able to fail: feed it a broken include.
    let inc = includes("x {{#include ../../a.rs:main}} y {{#include b.rs:10:20}} {{#title t}}");
    assert_eq!(
        inc,
        vec![
            ("../../a.rs".to_string(), Some("main".to_string())),
            ("b.rs".to_string(), Some("10:20".to_string()))
        ]
    );
}

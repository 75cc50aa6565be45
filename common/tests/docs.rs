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

/// A page's own minutes: the first number of its `**Time:**` line.
fn page_minutes(text: &str) -> Option<u32> {
    let line = text.lines().find(|l| l.starts_with("**Time:**"))?;
    let digits: String = line["**Time:**".len()..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The instructor guide's plan (docs/src/instructor.md), checked against the
/// pages: every paragraph that starts `**Session N` adds up to at most the
/// minutes its title gives, each linked page carries the page's own minutes,
/// every page of the book is in a session or in a `**Before session`
/// (homework) paragraph, and the sessions set every exercise. `minutes` gives
/// each page's Time (None: the page has none), `summary` the pages of the
/// book, `exercises` how many there are. Returns what is wrong.
fn check_plan(
    plan: &str,
    minutes: &dyn Fn(&str) -> Option<Option<u32>>,
    summary: &BTreeSet<String>,
    exercises: u32,
) -> Vec<String> {
    let mut errs = Vec::new();
    let mut planned = BTreeSet::new();
    let mut set = Vec::new();
    for para in plan
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
    {
        let session = para.starts_with("**Session ");
        if !session && !para.starts_with("**Before session ") {
            continue;
        }
        let title = para.split(".**").next().unwrap_or("");
        let budget: Option<u32> = title
            .rsplit_once('(')
            .and_then(|(_, r)| r.strip_suffix(" min)"))
            .and_then(|n| n.parse().ok());
        if session && budget.is_none() {
            errs.push(format!("no '(N min)' in the title {title:?}"));
        }
        let body = &para[title.len()..];
        // Every "(N)" is an item's minutes; a link right before it names the page.
        let mut total = 0;
        let mut rest = body;
        while let Some(i) = rest.find('(') {
            let after = &rest[i + 1..];
            let close = after.find(')').unwrap_or(after.len());
            let inside = &after[..close];
            let before = rest[..i].trim_end();
            if before.ends_with(']') {
                // a link's target: a page
                let page = inside.to_string();
                planned.insert(page.clone());
                let tail = after[close + 1..].trim_start();
                let given: Option<u32> = tail
                    .strip_prefix('(')
                    .and_then(|t| t.split(')').next())
                    .and_then(|n| n.parse().ok());
                match minutes(&page) {
                    None => errs.push(format!("{title}: {page} is not a page of the book")),
                    Some(own) if given.is_some() && given != own => errs.push(format!(
                        "{title}: {page} is planned for {given:?} minutes, its page says {own:?}"
                    )),
                    Some(Some(own)) if given.is_none() => errs.push(format!(
                        "{title}: {page} (its page says {own} minutes) has no (N) after it"
                    )),
                    _ => {}
                }
            } else if let Ok(n) = inside.parse::<u32>() {
                total += n;
            }
            rest = &after[close.min(after.len())..];
        }
        if let (true, Some(b)) = (session, budget) {
            if total > b {
                errs.push(format!(
                    "{title}: the items add up to {total} minutes, more than {b}"
                ));
            }
        }
        if session {
            if let Some((_, tail)) = body.split_once("setting exercises ") {
                let list = tail.split(['(', '.', ';']).next().unwrap_or("");
                set.extend(
                    list.replace(" and ", ", ")
                        .split(", ")
                        .filter_map(|n| n.trim().parse::<u32>().ok()),
                );
            }
        }
    }
    for page in summary.difference(&planned) {
        if page != "instructor.md" {
            errs.push(format!("{page} is in no session and not set as reading"));
        }
    }
    set.sort();
    if set != (1..=exercises).collect::<Vec<_>>() {
        errs.push(format!(
            "the sessions set exercises {set:?}, not each of 1..={exercises} once"
        ));
    }
    for name in ["tcpservd", "observe"] {
        if !plan.contains(name) {
            errs.push(format!("the plan never names {name}"));
        }
    }
    errs
}

fn summary_pages(src: &Path) -> BTreeSet<String> {
    fs::read_to_string(src.join("SUMMARY.md"))
        .unwrap()
        .split("](")
        .skip(1)
        .filter_map(|s| s.split(')').next())
        .filter(|s| s.ends_with(".md"))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_instructor_plan_adds_up_and_covers_every_page_and_exercise() {
    let src = docs_src();
    let minutes = |page: &str| fs::read_to_string(src.join(page)).ok().map(|t| page_minutes(&t));
    let exercises = fs::read_to_string(src.join("exercises/index.md"))
        .unwrap()
        .lines()
        .filter(|l| {
            l.strip_prefix("## ")
                .and_then(|r| r.split_once(". "))
                .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
        })
        .count() as u32;
    assert_eq!(exercises, 14, "exercises/index.md has 14 '## N. ...' headings");
    let plan = fs::read_to_string(src.join("instructor.md")).unwrap();
    let errs = check_plan(&plan, &minutes, &summary_pages(&src), exercises);
    assert!(
        errs.is_empty(),
        "docs/src/instructor.md:\n  {}",
        errs.join("\n  ")
    );
}

#[test]
fn the_plan_check_finds_a_session_too_long_a_wrong_time_a_missing_page_and_exercise() {
    let pages: BTreeSet<String> = ["a.md", "b.md", "c.md", "instructor.md"].map(String::from).into();
    let minutes = |p: &str| match p {
        "a.md" => Some(Some(50)),
        "b.md" => Some(Some(20)),
        "c.md" => Some(None),
        _ => None,
    };
    let good = "**Session 1 — x (90 min).** [A](a.md) (50), [B](b.md) (20), setting exercises 1 and 2 (5).\n\n\
                **Before session 1, reading (homework).** [C](c.md). observe tcpservd";
    assert_eq!(check_plan(good, &minutes, &pages, 2), Vec::<String>::new());
    let bad = "**Session 1 — x (60 min).** [A](a.md) (50), [B](b.md) (15), setting exercises 1 (5).\n\n\
               **Session 2 — y (90 min).** [D](d.md) (5). observe";
    let errs = check_plan(bad, &minutes, &pages, 2).join("\n");
    for want in [
        "b.md is planned for Some(15) minutes, its page says Some(20)",
        "add up to 70 minutes, more than 60",
        "d.md is not a page of the book",
        "c.md is in no session",
        "exercises [1], not each of 1..=2",
        "never names tcpservd",
    ] {
        assert!(errs.contains(want), "missing {want:?} in:\n{errs}");
    }
}

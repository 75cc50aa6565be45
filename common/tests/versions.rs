//! The book's "Versions" page shows `diff -u` between consecutive versions of
//! a program (tcpserv01 → 02 → 03 → 04, …). The diffs live in
//! docs/src/versions/*.diff, each included whole by docs/src/versions.md,
//! which is generated too: its prose is fixed (and translated), each pair's
//! heading is code only, so a new pair needs no new translation.
//! This test regenerates them from the sources and fails when a committed
//! file is stale. Regenerate with:
//!
//!     UNP_BLESS=1 cargo test -p common --test versions

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Consecutive versions, by program name. A pair whose newer program does
/// not exist yet is skipped (tcpservd lands separately).
const PAIRS: &[(&str, &str)] = &[
    ("daytimetcpsrv1", "tcpserv01"),
    ("tcpserv01", "tcpserv02"),
    ("tcpserv02", "tcpserv03"),
    ("tcpserv03", "tcpserv04"),
    ("tcpserv04", "tcpservd"),
    ("toupper_iter", "toupper_fork"),
    ("toupper_fork", "toupper_dfork"),
    ("tcpserv09", "tcpserv09net"),
    ("tcpcli01", "tcpcli11"),
];

/// The crates whose `src/bin/` hold the programs.
const CRATES: &[&str] = &["ch04-sockets", "ch05-echo", "ch05-sigchld"];

/// A program's source, as a path from the repository root, if it exists.
fn source(program: &str) -> Option<String> {
    CRATES
        .iter()
        .map(|c| format!("{c}/src/bin/{program}.rs"))
        .find(|p| repo().join(p).exists())
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `diff -u` with stable headers (labels instead of file times).
fn diff(old: &str, new: &str) -> String {
    let out = Command::new("diff")
        .arg("-u")
        .args(["--label", old, "--label", new])
        .arg(repo().join(old))
        .arg(repo().join(new))
        .output()
        .expect("run diff (diffutils)");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "diff {old} {new} failed"
    );
    String::from_utf8(out.stdout).unwrap()
}

const INTRO: &str = "\
# Versions: what changed from one program to the next

The book improves its servers one step at a time. Each section below is
`diff -u` between two consecutive programs of the lab, generated from the
sources (lines starting with `-` are the older program's, lines starting
with `+` the newer one's):

- `daytimetcpsrv1` → `tcpserv01`: the iterative daytime server becomes the
  fork-per-client echo server (UNP 4.8 → 5.2).
- `tcpserv01` → `tcpserv02` → `tcpserv03` → `tcpserv04`: a SIGCHLD handler
  with one `wait`, then `accept` restarted after EINTR, then `waitpid` with
  WNOHANG in a loop (UNP 5.9–5.10).
- `tcpserv04` → `tcpservd`: beyond the book, what production fork servers
  add — EMFILE and fork failures survived, a limit on children, idle
  timeouts, a graceful stop on SIGTERM. This diff is long (about 500 changed
  lines): read it with [What tcpserv04 still lacks](ch05-sigchld/lacks.md).
- `toupper_iter` → `toupper_fork` → `toupper_dfork`: the to_upper blog
  post's iterative server, then one child per client, then the double fork.
- `tcpserv09` → `tcpserv09net`: the sum server's binary structure sent as
  it is in memory, then a portable format in network byte order (UNP 5.18).
- `tcpcli01` → `tcpcli11`: the stop-and-wait client, then the one that
  writes each line in two pieces and so meets SIGPIPE (UNP 5.13).

Regenerate this page after changing any of these programs:
`UNP_BLESS=1 cargo test -p common --test versions`.
";

/// The instructor notes end every page of the book.
const NOTES: &str = "
<details>
<summary>\n\nInstructor notes\n\n</summary>

**Time:** 5 minutes, or a minute with each version as it comes up.

**Project:** one diff at a time, when the matching page is discussed.

**Live:** regenerate after a change: `UNP_BLESS=1 cargo test -p common --test versions`.

**Ask before revealing the output:** before each diff: “What is the smallest change that fixes the previous version's bug?”

**Misconception:** “Each version is a rewrite.” Refuted by: from tcpserv01 to tcpserv04 each diff changes fewer than 45 lines, most of them the header and the `about` line: the code that changes is a handler, a loop on EINTR, waitpid in a loop. (tcpservd's diff is a rewrite of its main loop, and says so.)

</details>
";

/// The whole page: the fixed prose, then one section per pair.
fn page(diffs: &[String]) -> String {
    let mut s = String::from(INTRO);
    for name in diffs {
        let (old, new) = name.trim_end_matches(".diff").split_once('-').unwrap();
        s.push_str(&format!(
            "\n## `{old}` → `{new}`\n\n```diff\n{{{{#include versions/{name}}}}}\n```\n"
        ));
    }
    s.push_str(NOTES);
    s
}

#[test]
fn version_diffs_are_current() {
    let dir = repo().join("docs/src/versions");
    let bless = std::env::var_os("UNP_BLESS").is_some();
    let mut stale = Vec::new();
    let mut expected = Vec::new();
    for (old, new) in PAIRS {
        let Some(new_path) = source(new) else {
            continue;
        };
        let old_path = source(old).unwrap_or_else(|| panic!("no source for {old}"));
        let name = format!("{old}-{new}.diff");
        let text = diff(&old_path, &new_path);
        assert!(!text.is_empty(), "{old} and {new} are identical");
        let file = dir.join(&name);
        if fs::read_to_string(&file).ok().as_deref() != Some(text.as_str()) {
            if bless {
                fs::create_dir_all(&dir).unwrap();
                fs::write(&file, &text).unwrap();
            } else {
                stale.push(name.clone());
            }
        }
        expected.push(name);
    }
    let page_path = repo().join("docs/src/versions.md");
    let page = page(&expected);
    if fs::read_to_string(&page_path).ok().as_deref() != Some(page.as_str()) {
        if bless {
            fs::write(&page_path, &page).unwrap();
        } else {
            stale.push("docs/src/versions.md".into());
        }
    }
    for e in fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        if !expected.contains(&name) {
            if bless {
                fs::remove_file(dir.join(&name)).unwrap();
            } else {
                stale.push(format!("{name} matches no pair"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale version diffs: {stale:?}\nregenerate: UNP_BLESS=1 cargo test -p common --test versions \
         (and include each new diff in docs/src/versions.md)"
    );
}

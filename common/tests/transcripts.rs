//! Every ```console block in docs/src/**/*.md, README.md and README.zh-CN.md is a test: its
//! commands run, their output is compared with what the page shows, and a
//! page that drifts from its program fails `cargo test`.
//!
//! # Regenerating the pages (bless mode)
//!
//! After changing what a program prints, rewrite the outputs on the pages
//! from real runs:
//!
//! ```text
//! UNP_BLESS=1 cargo test -p common --test transcripts
//! git diff docs README.md          # read what changed before committing
//! ```
//!
//! One page only: `UNP_PAGE=waitpid` (any part of its path); the time each
//! page took: `UNP_TRANSCRIPT_TIMES=1`.
//!
//! Bless keeps every line of a page that still matches (its placeholders,
//! its `[..]`), and writes the real output where a line no longer matches.
//! Commands whose output a page does not show stay without output.
//!
//! # How a block is read
//!
//! - `$ CMD` is a command; the lines after it, up to the next `$`, are its
//!   output (stdout and stderr as one stream, as in a terminal). A command
//!   followed by no lines has its output *not shown*: it must still run and
//!   exit 0 (`diff` may exit 1: the files differ, which is what the page
//!   shows). A shown output may come with a non-zero exit: the page shows
//!   the failure.
//! - A block with no `$` line (README style) is a list of commands whose
//!   output is not shown.
//! - `$ CMD &` runs in the background (a server the next commands talk to)
//!   until the page ends; the page says so before the command. It runs with
//!   `--port 0`, and the lines shown under it must appear in its output. Its
//!   real port and pid then replace, in the following commands, the port
//!   the page shows (from its `listening on` line, its `--port N`, else
//!   9877) and the pid the page shows (`tcpserv01[7444]`), and
//!   `<server pid>`, `<the port it printed>`.
//! - `ps ...` and `ss ...` only look: they are re-run until their output
//!   matches (bounded), since a zombie appears a moment after a client ends.
//! - A block whose first line is `# not run by the docs test: REASON` is
//!   not run; the runner prints it with its reason. So are single commands
//!   that no test may run (see `NOT_RUN`: `cargo test` is this run itself,
//!   `cargo install` installs software, ...), each printed with its reason.
//!
//! # Volatile parts
//!
//! Both the page and the real output go through the same normalisation
//! before they are compared, so pages keep real-looking values:
//! times of day (`03:24:58.907`), pids (`name[7444]`, `pid 7444`, `PID:
//! 7444`, `child 7444`, `proc id: 7444`, the first two columns of a `ps`
//! row), ports after an IPv4 address (`127.0.0.1:37517`, `port 51458`),
//! durations (`0.547 s`, `23.0 µs`) and rates (`3656 connections/s`,
//! `915 MiB/s`, `37.9×`, `85 %`). For anything else a page line may use
//! `[..]` (any text within the line) or a line `...` (any number of lines).
//!
//! # `cargo run` → the built binary
//!
//! `cargo run [-q] [--release] -p CRATE [--bin BIN] [-- ARGS]` is replaced
//! by the path of BIN (or the crate's default-run) in the target directory
//! this test runs from, followed by ARGS, so no command waits for cargo
//! (`--release` runs the same debug build). `target/debug/` in a command
//! becomes that directory too. Commands run with `sh -c` from the
//! workspace root, stdin empty (`KEEP_STDIN`: open, nothing typed), in their own process group (killed when
//! the page ends), each bounded by a deadline.
//!
//! Why not trycmd / snapbox: trycmd runs one program per command with no
//! shell (the pages pipe `printf` into clients, redirect files, run a
//! server in the background and `kill -STOP` it); snapbox would give the
//! matching only, which is twenty lines here.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::lab::harness::{self, Proc};

/// The environment variable that turns on bless mode.
const BLESS: &str = "UNP_BLESS";

/// How long one foreground command may take (hostcrash needs ~5 s).
const COMMAND_DEADLINE: Duration = Duration::from_secs(30);

/// Commands no test may run, by prefix, with the reason printed each run.
const NOT_RUN: [(&str, &str); 6] = [
    (
        "cargo test",
        "it is this test run itself (or the exercises' checks, run by it)",
    ),
    (
        "UNP_HINT=2 cargo test",
        "it is this test run itself (the exercises' checks, run by it)",
    ),
    ("cargo install", "it installs software on the reader's machine"),
    ("mdbook", "it needs mdbook installed (cargo install mdbook)"),
    ("git checkout", "it discards a student's edits"),
    (
        "nc ",
        "it is interactive (reads what you type) and nc may not be installed",
    ),
];

/// Programs that end a sleep early when stdin closes (Enter or Ctrl-D, so a
/// test need not wait): they run with stdin open and nothing typed, as in a
/// terminal left alone. Every other command's stdin is empty (EOF at once).
const KEEP_STDIN: [&str; 2] = ["waitpid", "zombie"];

/// The marker of a block that is not run, first line of the block.
const MARKER: &str = "# not run by the docs test:";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The directory holding the lab's built programs (target/debug).
fn bin_dir() -> PathBuf {
    harness::bin_path("tcpserv01")
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// One ```console block: its line range in the file (the lines between
/// the fences) and its text. A block opened with ```console,any-order
/// shows output whose lines come in an order the kernel decides (two
/// children ending at once): each command's lines may come in any order.
struct Block {
    first: usize,
    lines: Vec<String>,
    any_order: bool,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut cur: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut cur {
            None if matches!(line.trim_end(), "```console" | "```console,any-order") => {
                cur = Some(Block {
                    first: i + 1,
                    lines: Vec::new(),
                    any_order: line.trim_end().ends_with(",any-order"),
                })
            }
            Some(b) if line.trim_end() == "```" => {
                out.push(std::mem::replace(
                    b,
                    Block {
                        first: 0,
                        lines: Vec::new(),
                        any_order: false,
                    },
                ));
                cur = None;
            }
            Some(b) => b.lines.push(line.to_string()),
            None => {}
        }
    }
    out
}

/// A command and the output lines the page shows for it.
struct Step {
    cmd: String,
    background: bool,
    shown: Vec<String>,
    /// Its lines may come in any order (see [`Block`]).
    any_order: bool,
}

impl Step {
    /// Does the real output match what the page shows?
    fn matches(&self, actual: &[String]) -> bool {
        if self.any_order {
            same_lines_any_order(&self.shown, actual)
        } else {
            lines_match(&self.shown, actual)
        }
    }
}

fn quotes_open(s: &str) -> bool {
    s.matches('\'').count() % 2 == 1
}

fn steps(block: &Block) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    let dollar = block.lines.iter().any(|l| l.starts_with("$ "));
    let mut lines = block.lines.iter().peekable();
    while let Some(line) = lines.next() {
        let cmd_text = if dollar {
            match line.strip_prefix("$ ") {
                Some(c) => c.to_string(),
                None => {
                    if let Some(s) = out.last_mut() {
                        s.shown.push(line.clone());
                    }
                    continue;
                }
            }
        } else if line.trim().is_empty() {
            continue;
        } else {
            line.clone()
        };
        let mut cmd = cmd_text;
        while quotes_open(&cmd) || cmd.ends_with('\\') {
            let Some(next) = lines.next() else { break };
            cmd.push('\n');
            cmd.push_str(next);
        }
        let code = strip_comment(&cmd);
        let background = code.trim_end().ends_with('&') && !code.trim_end().ends_with("&&");
        out.push(Step {
            cmd,
            background,
            shown: Vec::new(),
            any_order: block.any_order,
        });
    }
    out
}

/// The command without a trailing `# comment` (outside quotes).
fn strip_comment(cmd: &str) -> String {
    let mut quoted = false;
    let b = cmd.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'\'' => quoted = !quoted,
            b'#' if !quoted && (i == 0 || b[i - 1] == b' ') => return cmd[..i].trim_end().to_string(),
            _ => {}
        }
    }
    cmd.trim_end().to_string()
}

/// The crate's default-run program.
fn default_run(krate: &str) -> &'static str {
    match krate {
        "ch04-sockets" => "tour",
        "ch05-echo" => "session",
        "ch05-sigchld" => "sigchld_demo",
        "exercises" => "exercises",
        _ => "unknown-crate",
    }
}

/// Replaces each `cargo run ... [-- ARGS]` in `cmd` with the built binary.
/// Returns the new command and the binary names it runs. With `port` (a
/// server of the page is running), a program given no `--port` gets
/// `--port PORT`: on the page, both use the default 9877.
fn map_cargo_run(cmd: &str, bins: &Path, port: Option<u16>) -> (String, Vec<String>) {
    let cmd = cmd
        .replace(" target/debug/", &format!(" {}/", bins.display()))
        .replace("\ttarget/debug/", &format!("\t{}/", bins.display()));
    let mut out = String::new();
    let mut names = Vec::new();
    let mut rest = cmd.as_str();
    while let Some(at) = rest.find("cargo run") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "cargo run".len()..];
        // The cargo part ends at `--` or at a shell operator.
        let end = after.find(|c| "|;&<>#\n".contains(c)).unwrap_or(after.len());
        let (mut cargo_part, tail) = (&after[..end], &after[end..]);
        let mut args = "";
        if let Some(dd) = cargo_part.find(" -- ") {
            args = &cargo_part[dd + 4..];
            cargo_part = &cargo_part[..dd];
        } else if let Some(dd) = cargo_part.strip_suffix(" --") {
            cargo_part = dd;
        }
        let words: Vec<&str> = cargo_part.split_whitespace().collect();
        let (mut krate, mut bin) = (None, None);
        let mut i = 0;
        while i < words.len() {
            match words[i] {
                "-p" => {
                    krate = words.get(i + 1).copied();
                    i += 1;
                }
                "--bin" => {
                    bin = words.get(i + 1).copied();
                    i += 1;
                }
                _ => {}
            }
            i += 1;
        }
        let name = bin
            .unwrap_or_else(|| default_run(krate.unwrap_or_default()))
            .to_string();
        out.push_str(&bins.join(&name).to_string_lossy());
        if !args.trim().is_empty() {
            out.push(' ');
            out.push_str(args.trim_end());
        }
        if let Some(p) = port.filter(|_| !args.contains("--port")) {
            out.push_str(&format!(" --port {p}"));
        }
        if !tail.is_empty() {
            out.push(' ');
        }
        names.push(name);
        rest = tail;
    }
    out.push_str(rest);
    (out, names)
}

/// Are the listener's the only rows on its port (no TIME_WAIT or other
/// row of earlier connections that used the port)?
fn only_the_listener(addr: std::net::SocketAddr) -> bool {
    common::lab::observer::tcp_sockets(addr.port())
        .iter()
        .all(|s| s.state == "LISTEN" && s.local.port() == addr.port())
}

/// Sets `--port 0` on a background server command.
fn port_zero(cmd: &str) -> (String, Option<String>) {
    let words: Vec<&str> = cmd.split(' ').collect();
    if let Some(i) = words.iter().position(|w| *w == "--port") {
        let doc = words.get(i + 1).map(|s| s.to_string());
        let mut w: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        if i + 1 < w.len() {
            w[i + 1] = "0".into();
        }
        return (w.join(" "), doc.filter(|p| p != "0"));
    }
    let trimmed = cmd.trim_end().trim_end_matches('&').trim_end();
    (format!("{trimmed} --port 0 &"), None)
}

// ---------------------------------------------------------------- matching

fn is_digit_run(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Replaces the digit run that starts `s` (if any, and at least `min`
/// digits long) with `with`; returns the new text and the rest.
fn take_digits(s: &str, min: usize) -> Option<usize> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    (n >= min).then_some(n)
}

/// The volatile parts of one line replaced by placeholders.
fn normalize(line: &str) -> String {
    let line = line.trim_end();
    // A `ps` row: "  PID  PPID STAT ...": the first two numbers are pids.
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut line = line.to_string();
    if words.len() >= 3
        && is_digit_run(words[0])
        && is_digit_run(words[1])
        && words[2].starts_with(|c: char| c.is_ascii_uppercase())
    {
        let rest = line.trim_start()[words[0].len()..].trim_start()[words[1].len()..].to_string();
        // STAT's priority flags (N: niced, <: raised) say how the test was
        // run (`nice cargo test`), not what the page teaches: blanked, so
        // "ZN" matches the page's "Z".
        let stat: String = words[2]
            .chars()
            .map(|c| if c == 'N' || c == '<' { ' ' } else { c })
            .collect();
        let rest = rest.replacen(words[2], &stat, 1);
        line = format!("[PID] [PID]{rest}");
    }
    let mut out = String::with_capacity(line.len());
    let mut s = line.as_str();
    'scan: while !s.is_empty() {
        // HH:MM:SS.mmm
        let b = s.as_bytes();
        if b.len() >= 12
            && b[2] == b':'
            && b[5] == b':'
            && b[8] == b'.'
            && [0, 1, 3, 4, 6, 7, 9, 10, 11]
                .iter()
                .all(|&i| b[i].is_ascii_digit())
        {
            out.push_str("[TIME]");
            s = &s[12..];
            continue;
        }
        // name[1234] → name[PID]
        if s.starts_with('[') && out.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            if let Some(n) = take_digits(&s[1..], 1) {
                if s[1 + n..].starts_with(']') {
                    out.push_str("[PID]");
                    s = &s[n + 2..];
                    continue;
                }
            }
        }
        // Words a pid follows (3+ digits), and a port after an IPv4 address
        // or "port " (2+ digits).
        const PID_AFTER: &[&str] = &[
            "pid ",
            "PID ",
            "PID: ",
            "pid: ",
            "id: ",
            "ID: ",
            "child ",
            "returned ",
            "orphan ",
            "-p ",
        ];
        const PORT_AFTER: &[&str] = &["127.0.0.1:", "0.0.0.0:", ", port ", "port "];
        for (kws, tag, min) in [(PID_AFTER, "[PID]", 3), (PORT_AFTER, "[PORT]", 2)] {
            for kw in kws {
                if let Some(r) = s.strip_prefix(kw) {
                    if let Some(n) = take_digits(r, min) {
                        out.push_str(kw);
                        out.push_str(tag);
                        s = &r[n..];
                        continue 'scan;
                    }
                }
            }
        }
        // A duration: 0.547 s, 23.0 µs, 12 ms (a number starting a word).
        if s.starts_with(|c: char| c.is_ascii_digit())
            && !out.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            let n = s.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
            let r = &s[n..];
            for unit in [" connections/s", " MiB/s", "×", " %"] {
                if r.starts_with(unit) {
                    out.push_str("[RATE]");
                    s = r;
                    continue 'scan;
                }
            }
            for unit in [" s", " ms", " µs", "s", "ms", "µs"] {
                if let Some(after) = r.strip_prefix(unit) {
                    if !after.starts_with(|c: char| c.is_alphanumeric()) {
                        out.push_str("[DUR]");
                        s = after;
                        continue 'scan;
                    }
                }
            }
        }
        let c = s.chars().next().unwrap_or_default();
        out.push(c);
        s = &s[c.len_utf8()..];
    }
    // Column widths (ps, ss) follow the values: compare words, not spaces.
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Does the normalised `actual` line match the normalised page line `want`
/// (`[..]`: any text)?
fn line_matches(want: &str, actual: &str) -> bool {
    let parts: Vec<&str> = want.split("[..]").collect();
    if parts.len() == 1 {
        return want == actual;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !actual.starts_with(first) || !actual[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &actual[first.len()..actual.len() - last.len()];
    for p in &parts[1..parts.len() - 1] {
        match rest.find(p) {
            Some(i) => rest = &rest[i + p.len()..],
            None => return false,
        }
    }
    true
}

/// Are the actual lines the page's, each matched once, in any order?
fn same_lines_any_order(want: &[String], actual: &[String]) -> bool {
    let mut left: Vec<&String> = actual.iter().collect();
    want.len() == actual.len()
        && want.iter().all(|w| {
            match left
                .iter()
                .position(|a| line_matches(&normalize(w), &normalize(a)))
            {
                Some(i) => {
                    left.remove(i);
                    true
                }
                None => false,
            }
        })
}

/// Do the page's lines match the actual lines (`...`: any lines)?
fn lines_match(want: &[String], actual: &[String]) -> bool {
    match want.split_first() {
        None => actual.is_empty(),
        Some((w, rest)) if w.trim() == "..." => (0..=actual.len()).any(|k| lines_match(rest, &actual[k..])),
        Some((w, rest)) => match actual.split_first() {
            Some((a, arest)) => line_matches(&normalize(w), &normalize(a)) && lines_match(rest, arest),
            None => false,
        },
    }
}

fn text_lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect()
}

/// What bless writes for a step: the old lines where they still match line
/// by line, the real ones elsewhere.
fn blessed(old: &[String], actual: &[String]) -> Vec<String> {
    if lines_match(old, actual) {
        return old.to_vec();
    }
    actual
        .iter()
        .enumerate()
        .map(|(i, a)| match old.get(i) {
            Some(o) if line_matches(&normalize(o), &normalize(a)) => o.clone(),
            _ => a.clone(),
        })
        .collect()
}

// ---------------------------------------------------------------- running

/// What the page's values stand for in this run.
#[derive(Default)]
struct Subst {
    pairs: Vec<(String, String)>,
    /// The port of the page's latest server.
    port: Option<u16>,
}

impl Subst {
    fn apply(&self, cmd: &str) -> String {
        let mut c = cmd.to_string();
        // The most recent server's values first: pages with several servers
        // show the same default port for each.
        for (from, to) in self.pairs.iter().rev() {
            c = c.replace(from, to);
        }
        c
    }
}

/// A directory of this test run's own that stands for the pages' `/tmp/`:
/// several suites at once (`.ci/stress`) wrote and read one /tmp/in32, and
/// one read the other's half-written file. Under the target directory's
/// tmp; the directories of runs no longer alive are removed first.
fn private_tmp() -> &'static str {
    static DIR: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let base = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
        if let Ok(entries) = std::fs::read_dir(base) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if let Some(pid) = name.strip_prefix("transcripts-") {
                    if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                        let _ = std::fs::remove_dir_all(e.path());
                    }
                }
            }
        }
        let dir = base.join(format!("transcripts-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        format!("{}/", dir.display())
    })
}

/// `cmd` with the page's own `/tmp/` paths in the run's [`private_tmp`];
/// a path into the lab itself stays (a clone may live under /tmp, and the
/// commands run its built programs by path).
fn own_tmp(cmd: &str) -> String {
    let lab: Vec<String> = [Some(root()), std::fs::canonicalize(root()).ok(), Some(bin_dir())]
        .into_iter()
        .flatten()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    tmp_to(cmd, &lab, private_tmp())
}

/// [`own_tmp`] with its parts given: `/tmp/` becomes `private`, except in
/// a path that starts with one of `lab`.
fn tmp_to(cmd: &str, lab: &[String], private: &str) -> String {
    let mut out = String::with_capacity(cmd.len());
    let mut rest = cmd;
    while let Some(i) = rest.find("/tmp/") {
        out.push_str(&rest[..i]);
        let here = &rest[i..];
        if lab.iter().any(|l| here.starts_with(l.as_str())) {
            out.push_str("/tmp/");
        } else {
            out.push_str(private);
        }
        rest = &here["/tmp/".len()..];
    }
    out.push_str(rest);
    out
}

fn shell(cmd: &str) -> Command {
    let cmd = own_tmp(cmd);
    let mut c = Command::new("sh");
    c.arg("-c").arg(format!("exec 2>&1\n{cmd}"));
    c.current_dir(root());
    c.env_remove("UNP_LOG");
    // The pages show the English CLI unless a command sets its own locale
    // (`LANG=zh_CN.UTF-8 cargo run ...`): whatever locale runs the tests.
    c.env("LANG", "C.UTF-8");
    for v in ["LC_ALL", "LC_MESSAGES", "LANGUAGE"] {
        c.env_remove(v);
    }
    c
}

/// What lives from one block of a page to the next: the servers it
/// started and what the page's values stand for.
#[derive(Default)]
struct PageState {
    background: Vec<Proc>,
    subst: Subst,
}

/// Does this block start a background process or use one?
fn needs_order(block: &Block) -> bool {
    block.lines.iter().any(|l| {
        let c = strip_comment(l);
        (c.trim_end().ends_with('&') && !c.trim_end().ends_with("&&"))
            || l.contains("<server pid>")
            || l.contains("<the port it printed>")
    })
}

/// Runs one page; returns its problems, and the page's new text in bless
/// mode. Blocks run in page order while a server started by the page is
/// running; the blocks before that (most pages: all of them) run at the
/// same time, each in its own thread, to keep the suite fast.
fn run_page(rel: &str) -> (Vec<String>, Option<String>) {
    let path = root().join(rel);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let bins = bin_dir();
    let all = blocks(&text);
    let mut results: Vec<Option<BlockResult>> = Vec::new();
    std::thread::scope(|scope| {
        let mut st = PageState::default();
        let mut handles = Vec::new();
        for (i, block) in all.iter().enumerate() {
            results.push(None);
            let servers_live = !st.background.is_empty();
            if !servers_live && !needs_order(block) {
                let bins = &bins;
                handles.push((
                    i,
                    scope.spawn(move || run_block(rel, block, bins, &mut PageState::default())),
                ));
            } else {
                results[i] = Some(run_block(rel, block, &bins, &mut st));
            }
        }
        for (i, h) in handles {
            results[i] = Some(
                h.join()
                    .unwrap_or_else(|_| (vec![format!("{rel}: a block panicked")], None)),
            );
        }
    });
    let mut problems = Vec::new();
    let mut new_lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut edits = Vec::new();
    for (block, r) in all.iter().zip(results) {
        let (p, out) = r.unwrap_or_default();
        problems.extend(p);
        if let Some(out) = out {
            edits.push((block.first, block.lines.len(), out));
        }
    }
    if std::env::var_os(BLESS).is_none() {
        return (problems, None);
    }
    for (first, len, lines) in edits.into_iter().rev() {
        new_lines.splice(first..first + len, lines);
    }
    let mut new = new_lines.join("\n");
    if text.ends_with('\n') {
        new.push('\n');
    }
    (problems, (new != text).then_some(new))
}

/// A block's problems, and its lines as bless would write them.
type BlockResult = (Vec<String>, Option<Vec<String>>);

/// Runs one block; returns its problems and its lines as bless would
/// write them (None: a block marked as not run).
fn run_block(
    rel: &str,
    block: &Block,
    bins: &Path,
    st: &mut PageState,
) -> (Vec<String>, Option<Vec<String>>) {
    let bins = bins.to_path_buf();
    let mut problems = Vec::new();
    let mut block_only: Vec<Proc> = Vec::new();
    let at = format!("{rel}:{}", block.first);
    if let Some(first) = block.lines.first() {
        if let Some(reason) = first.trim_start().strip_prefix(MARKER) {
            note(&format!("not run: {at}: {}", reason.trim()));
            return (problems, None);
        }
    }
    let mut out_block = Vec::new();
    for step in steps(block) {
        let code = strip_comment(&step.cmd);
        let cmd_lines: Vec<&str> = step.cmd.lines().collect();
        out_block.extend(cmd_lines.iter().enumerate().map(|(i, l)| {
            if i == 0 && block.lines.iter().any(|l| l.starts_with("$ ")) {
                format!("$ {l}")
            } else {
                l.to_string()
            }
        }));
        if let Some((_, why)) = NOT_RUN.iter().find(|(p, _)| code.trim_start().starts_with(p)) {
            note(&format!("not run: {at}: `{}`: {why}", code.trim()));
            out_block.extend(step.shown.iter().cloned());
            continue;
        }
        let code_now = st.subst.apply(&code);
        if let Some(i) = code_now
            .find("<server pid>")
            .or_else(|| code_now.find("<the port it printed>"))
        {
            problems.push(format!(
                "{at}: `{code}`: {} needs a server started earlier on the page (`$ CMD &`)",
                &code_now[i..].split('>').next().unwrap_or_default()
            ));
            continue;
        }
        let port = (!step.background).then_some(st.subst.port).flatten();
        let (mapped, names) = map_cargo_run(&code_now, &bins, port);
        let keep_stdin = names.iter().any(|n| KEEP_STDIN.contains(&n.as_str()));
        if step.background {
            let server = step.shown.iter().any(|l| l.contains("listening on")) || looks_like_server(&code);
            let (cmd, doc_port) = if server {
                port_zero(&mapped)
            } else {
                (mapped.clone(), None)
            };
            let cmd = cmd.trim_end().trim_end_matches('&').trim_end().to_string();
            // A server's port from port 0 may carry rows of earlier,
            // unrelated connections (another suite's server had it a
            // moment ago: the abort page's `ss` showed that server's client
            // in TIME_WAIT). Nobody has connected yet, so any row but the
            // listener is foreign: start the server again, on another port.
            let mut tries = 0;
            let (p, addr) = loop {
                tries += 1;
                let mut c = shell(&format!("exec {cmd}"));
                c.stdin(std::process::Stdio::null());
                let p = match Proc::spawn_command(c) {
                    Ok(p) => p,
                    Err(e) => {
                        problems.push(format!("{at}: `{code}`: {e:#}"));
                        return (problems, None);
                    }
                };
                if !server {
                    break (p, None);
                }
                match listening(&p) {
                    Ok(a) if tries < 3 && !only_the_listener(a) => continue, // p's drop kills it
                    Ok(a) => break (p, Some(a)),
                    Err(e) => {
                        problems.push(format!("{at}: `{code}` (in the background): {e:#}"));
                        return (problems, None);
                    }
                }
            };
            // stdin stays open: nobody types, as in a terminal left alone.
            let shown = step.shown.join("\n");
            // The page's port and pid for this server.
            let doc_port = shown
                .split("listening on ")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .and_then(|a| a.rsplit(':').next())
                .map(str::to_string)
                .or(doc_port)
                .unwrap_or_else(|| common::SERV_PORT.to_string());
            st.subst.pairs.push(("<server pid>".into(), p.pid().to_string()));
            if let Some(pid) = shown
                .split('[')
                .nth(1)
                .and_then(|r| r.split(']').next())
                .filter(|s| is_digit_run(s))
            {
                st.subst.pairs.push((pid.to_string(), p.pid().to_string()));
            }
            if let Some(addr) = addr {
                st.subst
                    .pairs
                    .push(("<the port it printed>".into(), addr.port().to_string()));
                st.subst.pairs.push((doc_port, addr.port().to_string()));
                st.subst.port = Some(addr.port());
            }
            // The lines the page shows must appear first in its output.
            let n = step.shown.len();
            let end = Instant::now() + harness::DEADLINE;
            let actual = loop {
                let got: Vec<String> = text_lines(&p.stdout_bytes()).into_iter().take(n).collect();
                if step.matches(&got) || Instant::now() >= end {
                    break got;
                }
                std::thread::sleep(Duration::from_millis(10)); // poll interval
            };
            if !step.matches(&actual) {
                problems.push(diff(&at, &code, &step.shown, &actual));
            }
            // Other pids the page shows in its output (a child's) stand
            // for the real ones in the next commands.
            for page in step.shown.iter().filter(|l| l.trim() != "...") {
                let Some(real) = actual
                    .iter()
                    .find(|a| line_matches(&normalize(page), &normalize(a)))
                else {
                    continue;
                };
                st.subst.pairs.extend(numbers_that_differ(page, real));
            }
            out_block.extend(blessed(&step.shown, &actual));
            if server {
                st.background.push(p); // until the page ends
            } else {
                block_only.push(p); // until the block ends
            }
            continue;
        }
        let looks = ["ps ", "ss "].iter().any(|p| code.starts_with(p));
        let end = Instant::now() + if looks { harness::DEADLINE } else { Duration::ZERO };
        let (status, actual) = loop {
            let (st, out) = match run(&mapped, keep_stdin) {
                Ok(r) => r,
                Err(e) => {
                    problems.push(format!("{at}: `{code}`: {e:#}"));
                    (None, Vec::new())
                }
            };
            if step.shown.is_empty() || step.matches(&out) || Instant::now() >= end {
                break (st, out);
            }
            std::thread::sleep(Duration::from_millis(20)); // poll interval
        };
        if step.shown.is_empty() {
            let ok = status == Some(0) || (code.starts_with("diff ") && status == Some(1));
            if !ok {
                problems.push(format!(
                    "{at}: `{code}` exited with {status:?} (its output is not shown, so it must succeed); output:\n{}",
                    actual.join("\n")
                ));
            }
        } else {
            if !step.matches(&actual) {
                problems.push(diff(&at, &code, &step.shown, &actual));
            }
            out_block.extend(if step.any_order && step.matches(&actual) {
                step.shown.clone()
            } else {
                blessed(&step.shown, &actual)
            });
        }
    }
    drop(block_only);
    (problems, Some(out_block))
}

/// A background command that is one of the lab's servers (it must print
/// `listening on`), by its program's name.
fn looks_like_server(code: &str) -> bool {
    [
        "tcpserv",
        "srv",
        "toupper_iter",
        "toupper_fork",
        "toupper_dfork",
        "echo_mpserv",
        "subreaper",
    ]
    .iter()
    .any(|s| code.contains(s))
}

/// The pids in a page line whose real line has other values at the same
/// word: (page value, real value).
fn numbers_that_differ(page: &str, real: &str) -> Vec<(String, String)> {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| c.is_whitespace() || "[]():,".contains(c))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (p, r) = (words(page), words(real));
    if p.len() != r.len() {
        return Vec::new();
    }
    p.into_iter()
        .zip(r)
        .filter(|(a, b)| a != b && a.len() >= 3 && is_digit_run(a) && is_digit_run(b))
        .collect()
}

/// The `listening on ADDR` line of a background server (its stderr is
/// merged into stdout here).
fn listening(p: &Proc) -> anyhow::Result<std::net::SocketAddr> {
    p.wait_stdout(b"listening on ", harness::DEADLINE)?;
    let end = Instant::now() + harness::DEADLINE;
    loop {
        let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
        if let Some(line) = out.lines().find(|l| l.contains("listening on ")) {
            if out.contains(&format!("{line}\n")) {
                let addr = line.split("listening on ").nth(1).unwrap_or_default();
                let addr = addr.split_whitespace().next().unwrap_or_default();
                return Ok(addr.parse()?);
            }
        }
        anyhow::ensure!(Instant::now() < end, "no whole listening line: {out}");
        std::thread::sleep(Duration::from_millis(5)); // poll interval
    }
}

/// Runs a foreground command; returns its exit code and output lines.
fn run(cmd: &str, keep_stdin: bool) -> anyhow::Result<(Option<i32>, Vec<String>)> {
    let mut c = shell(cmd);
    c.stdin(std::process::Stdio::null());
    let mut p = Proc::spawn_command(c)?;
    if !keep_stdin {
        p.close_stdin();
    }
    let st = p.wait_exit(COMMAND_DEADLINE)?;
    Ok((st.code(), text_lines(&p.stdout_bytes())))
}

fn diff(at: &str, cmd: &str, want: &[String], got: &[String]) -> String {
    format!(
        "{at}: `{cmd}`: the output differs from the page\n--- page\n{}\n--- real\n{}\n(regenerate with {BLESS}=1, see the top of common/tests/transcripts.rs)",
        want.join("\n"),
        got.join("\n")
    )
}

/// Prints a line `cargo test` does not capture: what was not run is seen.
fn note(s: &str) {
    use std::io::Write as _;
    let _ = std::io::stderr().write_all(format!("    transcripts: {s}\n").as_bytes());
}

/// Runs one page: its problems (empty: it matches), after writing the
/// page in bless mode.
fn check(rel: &str) -> Vec<String> {
    let t0 = Instant::now();
    let (problems, new) = run_page(rel);
    if std::env::var_os("UNP_TRANSCRIPT_TIMES").is_some() {
        note(&format!("{rel}: {:.1} s", t0.elapsed().as_secs_f64()));
    }
    if let Some(new) = new {
        fs::write(root().join(rel), new).unwrap();
        note(&format!("blessed {rel}"));
        return Vec::new();
    }
    problems
}

/// Every page with a ```console block.
const PAGES: &[&str] = &[
    "README.md",
    "README.zh-CN.md",
    "docs/src/lab.md",
    "docs/src/observe.md",
    "docs/src/intro.md",
    "docs/src/ch04/tour.md",
    "docs/src/ch04/connect.md",
    "docs/src/ch04/bind.md",
    "docs/src/ch04/backlog.md",
    "docs/src/ch04/iterative.md",
    "docs/src/ch04/fork.md",
    "docs/src/ch05-echo/tcpserv01.md",
    "docs/src/ch05-echo/session.md",
    "docs/src/ch05-echo/abort.md",
    "docs/src/ch05-echo/server-killed.md",
    "docs/src/ch05-echo/hostcrash.md",
    "docs/src/ch05-echo/data-formats.md",
    "docs/src/ch05-echo/halfclose.md",
    "docs/src/ch05-sigchld/experiment.md",
    "docs/src/ch05-sigchld/basics.md",
    "docs/src/ch05-sigchld/signals.md",
    "docs/src/ch05-sigchld/sigchld.md",
    "docs/src/ch05-sigchld/waitpid.md",
    "docs/src/ch05-sigchld/notes-servers.md",
    "docs/src/exercises/index.md",
];

/// Every page at once, each in its own thread: the test harness would run
/// at most one test per CPU, and most pages wait on sleeps and timeouts
/// (hostcrash, sigaction), not on the CPU. `UNP_PAGE=part` runs only the
/// pages whose path contains `part`.
#[test]
fn every_console_block_runs_as_the_page_shows() {
    let only = std::env::var("UNP_PAGE").unwrap_or_default();
    let problems: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = PAGES
            .iter()
            .filter(|p| p.contains(only.as_str()))
            .map(|p| (p, scope.spawn(move || check(p))))
            .collect();
        handles
            .into_iter()
            .flat_map(|(p, h)| {
                h.join()
                    .unwrap_or_else(|_| vec![format!("{p}: the runner panicked")])
            })
            .collect()
    });
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n\n"));
}

#[test]
fn every_page_with_a_console_block_is_listed() {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    let mut all = Vec::new();
    walk(&root().join("docs/src"), &mut all);
    all.push(root().join("README.md"));
    all.push(root().join("README.zh-CN.md"));
    let root = fs::canonicalize(root()).unwrap();
    let missing: Vec<String> = all
        .iter()
        .filter(|p| !blocks(&fs::read_to_string(p).unwrap()).is_empty())
        .map(|p| {
            fs::canonicalize(p)
                .unwrap()
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|rel| !PAGES.contains(&rel.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "pages with ```console blocks not in PAGES: {missing:?}"
    );
}

#[test]
fn the_matcher_tells_drift_from_volatile_parts() {
    // In any order (```console,any-order): the same lines, each once.
    let page: Vec<String> = ["child 18434: WEXITSTATUS 3", "child 18435: WEXITSTATUS 7"]
        .map(String::from)
        .to_vec();
    let swapped: Vec<String> = ["child 9151: WEXITSTATUS 7", "child 9150: WEXITSTATUS 3"]
        .map(String::from)
        .to_vec();
    assert!(same_lines_any_order(&page, &swapped));
    assert!(!lines_match(&page, &swapped));
    let twice: Vec<String> = ["child 9150: WEXITSTATUS 3", "child 9151: WEXITSTATUS 3"]
        .map(String::from)
        .to_vec();
    assert!(!same_lines_any_order(&page, &twice));
    assert!(!same_lines_any_order(&page, &swapped[..1]));
    // Volatile: times, pids, ports, durations.
    let page = ["03:24:58.907 tcpserv01[7444] NOTICE listening on 127.0.0.1:9877".to_string()];
    let real = ["11:02:03.004 tcpserv01[99] NOTICE listening on 127.0.0.1:40000".to_string()];
    assert!(lines_match(&page, &real));
    // Drift: a word, a count.
    let real = ["11:02:03.004 tcpserv01[99] NOTICE listening at 127.0.0.1:40000".to_string()];
    assert!(!lines_match(&page, &real));
    // A niced run's ps row ("ZN") is the page's "Z"; another state is not.
    let page = [" 7502  7489 Z    [tcpserv01] <defunct>".to_string()];
    assert!(lines_match(
        &page,
        &["17513 17473 ZN   [tcpserv01] <defunct>".to_string()]
    ));
    assert!(!lines_match(
        &page,
        &["17513 17473 SN   [tcpserv01] <defunct>".to_string()]
    ));
    let page = ["zombies after: 0".to_string()];
    assert!(!lines_match(&page, &["zombies after: 5".to_string()]));
    assert!(lines_match(&["a [..] c".into()], &["a b b c".into()]));
    assert!(lines_match(
        &["x".into(), "...".into()],
        &["x".into(), "y".into(), "z".into()]
    ));
    assert!(!lines_match(&["x".into()], &["x".into(), "y".into()]));
}

#[test]
fn the_pages_tmp_is_the_runs_own_but_not_the_labs_path() {
    // CI clones the lab under /tmp: its programs' paths must stay.
    let lab = ["/tmp/ci-clone".to_string()];
    assert_eq!(
        tmp_to(
            "/tmp/ci-clone/target/debug/echo_mpclient --batch < /tmp/in32 | cmp - /tmp/in32",
            &lab,
            "/x/t-1/"
        ),
        "/tmp/ci-clone/target/debug/echo_mpclient --batch < /x/t-1/in32 | cmp - /x/t-1/in32"
    );
    assert_eq!(tmp_to("head -c 5 /tmp/a", &[], "/p/"), "head -c 5 /p/a");
}

#[test]
fn a_server_port_with_earlier_rows_is_not_taken_as_the_servers_alone() {
    // The page servers are started again when their port-0 port carries
    // rows of earlier connections; `only_the_listener` is what decides.
    // A port pre-loaded with TIME_WAIT rows that name it, and a listener on it:
    let port = harness::foreign_time_waits(2).expect("a port with foreign TIME_WAIT rows");
    let l = std::net::TcpListener::bind(("127.0.0.1", port)).expect("listen on that port");
    let addr = l.local_addr().unwrap();
    assert!(
        !only_the_listener(addr),
        "port {port} carries 2 TIME_WAIT rows, yet it was taken as the listener's alone"
    );
    drop(l);
    // A listener alone on its port passes. Port 0 on a busy machine may hand
    // out a port with rows too (that is why the check exists), so a clean
    // one among three is enough.
    let alone = (0..3).any(|_| {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
        only_the_listener(l.local_addr().unwrap())
    });
    assert!(
        alone,
        "no listener on three fresh ports was taken as alone on its port"
    );
}

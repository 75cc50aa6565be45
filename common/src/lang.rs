//! The language of the lab's command-line output: English, or Simplified
//! Chinese (中文) — chosen in one place, here.
//!
//! **Which language.** `--lang en|zh-CN` (on `exercises` and the demos)
//! overrides everything. Otherwise the first non-empty of `LC_ALL`,
//! `LC_MESSAGES`, `LANG` is the locale, as for setlocale(3): `zh_CN.*` or
//! `zh_*` → 中文; `C`/`POSIX` → English; when none is set (or it names
//! another language), `LANGUAGE`'s first entry decides the same way, as
//! GNU gettext reads it (it is ignored under the `C` locale).
//!
//! **The catalog.** Every CLI string has its Chinese in one gettext file,
//! `common/po/cli.zh-CN.po`, compiled in with `include_str!` and read by the
//! small .po reader below ([`Catalog`]); the exercises' hints are read the
//! same way from the book's own translation, `docs/po/zh-CN.po`, so a hint
//! has one source in both editions. Why this and not a crate: the book's
//! translation is already gettext (.po), so the CLI uses the same format
//! and the same tools (msgfmt --check, po.py); `gettext-rs` needs libintl
//! and .mo files installed at run time, and Fluent (`fluent-bundle`) would
//! be a second format beside the book's and adds crates to the cold
//! build (LAB.md: ≤ 40 s). The reader is ~60 lines, no dependency, zero
//! cold-build cost. The English text is the msgid, so English output is
//! the source text itself, byte for byte.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The language the lab prints in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl std::str::FromStr for Lang {
    type Err = String;
    /// The `--lang` value: `en` or `zh-CN` (also `zh`, `zh_CN`).
    fn from_str(s: &str) -> Result<Lang, String> {
        match s {
            "en" => Ok(Lang::En),
            "zh-CN" | "zh_CN" | "zh" => Ok(Lang::Zh),
            _ => Err(format!("unknown language {s:?}: en or zh-CN")),
        }
    }
}

fn zh(locale: &str) -> bool {
    locale.starts_with("zh_") || locale == "zh" || locale.starts_with("zh-")
}

/// The language the environment asks for; `var` reads a variable.
pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Lang {
    let get = |k: &str| var(k).filter(|v| !v.is_empty());
    let locale = get("LC_ALL")
        .or_else(|| get("LC_MESSAGES"))
        .or_else(|| get("LANG"));
    match locale.as_deref() {
        Some(l) if zh(l) => return Lang::Zh,
        Some("C" | "POSIX") => return Lang::En,
        Some(l) if l.starts_with("C.") => return Lang::En,
        _ => {}
    }
    match get("LANGUAGE") {
        Some(list) if list.split(':').next().is_some_and(zh) => Lang::Zh,
        _ => Lang::En,
    }
}

static CHOSEN: OnceLock<Lang> = OnceLock::new();

/// Fixes the language (`--lang`); call before the first [`current`].
pub fn set(lang: Lang) {
    let _ = CHOSEN.set(lang);
}

/// The language in use: `--lang` if given, else the environment's.
pub fn current() -> Lang {
    *CHOSEN.get_or_init(|| from_env(|k| std::env::var(k).ok()))
}

/// A gettext catalog: msgid → msgstr, untranslated and fuzzy entries left out.
#[derive(Debug, Default)]
pub struct Catalog {
    map: HashMap<String, String>,
}

impl Catalog {
    /// Reads the text of a .po file.
    pub fn parse(po: &str) -> Catalog {
        let mut map = HashMap::new();
        // The entry being read: msgid, msgstr, fuzzy; `into`: which string
        // a continuation line extends.
        let (mut id, mut strn, mut fuzzy) = (String::new(), String::new(), false);
        let (mut next_fuzzy, mut into) = (false, 0u8);
        let mut done = |id: &mut String, s: &mut String, fuzzy: bool| {
            if !id.is_empty() && !s.is_empty() && !fuzzy {
                map.insert(std::mem::take(id), std::mem::take(s));
            }
            id.clear();
            s.clear();
        };
        for line in po.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("msgid ") {
                done(&mut id, &mut strn, fuzzy);
                (id, fuzzy, into) = (unquote(rest), next_fuzzy, 1);
                next_fuzzy = false;
            } else if let Some(rest) = line.strip_prefix("msgstr ") {
                (strn, into) = (unquote(rest), 2);
            } else if line.starts_with('"') {
                match into {
                    1 => id.push_str(&unquote(line)),
                    2 => strn.push_str(&unquote(line)),
                    _ => {}
                }
            } else if line.starts_with('#') {
                into = 0;
                next_fuzzy |= line.starts_with("#,") && line.contains("fuzzy");
            }
        }
        done(&mut id, &mut strn, fuzzy);
        Catalog { map }
    }

    /// The translation of `msgid`, if the catalog has one.
    pub fn get(&self, msgid: &str) -> Option<&str> {
        self.map.get(msgid).map(String::as_str)
    }

    /// Every msgid with a translation.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    let s = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(s);
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(o) => out.push(o),
            None => {}
        }
    }
    out
}

/// The program's arguments without `--lang X` (or `--lang=X`), which
/// fixes the language ([`set`]) — before clap parses, so that `--help`
/// is already in it. Exits with status 2 on an unknown language.
pub fn take_lang(args: impl IntoIterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut out = Vec::new();
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        let value = match a.to_str() {
            Some("--") => {
                out.push(a);
                out.extend(args.by_ref());
                break;
            }
            Some("--lang") => args.next(),
            Some(s) if s.starts_with("--lang=") => Some(s["--lang=".len()..].into()),
            _ => {
                out.push(a);
                continue;
            }
        };
        match value.as_ref().and_then(|v| v.to_str()).map(str::parse::<Lang>) {
            Some(Ok(l)) => set(l),
            Some(Err(e)) => {
                eprintln!("error: --lang: {e}");
                std::process::exit(2);
            }
            None => {
                eprintln!("error: --lang needs a value: en or zh-CN");
                std::process::exit(2);
            }
        }
    }
    out
}

/// [`take_lang`] on `argv` (argv\[0\] first), but for a command that runs
/// a program (`subreaper PROGRAM ARGS...`: `runs_a_program`) only on the
/// options before the first positional, so that the program's own
/// `--lang` stays the program's.
fn take_lang_before(mut argv: Vec<std::ffi::OsString>, runs_a_program: bool) -> Vec<std::ffi::OsString> {
    let mut ours = argv.len();
    if runs_a_program {
        let mut i = 1;
        while let Some(a) = argv.get(i).map(|a| a.to_string_lossy()) {
            match a.as_ref() {
                "--" => break,
                "--lang" => i += 2,
                a if a.starts_with('-') => i += 1,
                _ => break,
            }
        }
        ours = i.min(argv.len());
    }
    let theirs = argv.split_off(ours);
    let mut argv = take_lang(argv);
    argv.extend(theirs);
    argv
}

/// `T::parse()` in the current language: `--lang` taken first
/// ([`take_lang`]), and under 中文 the `--help` text from the CLI catalog
/// ([`localize`]).
///
/// With `UNP_HELP_UNTRANSLATED=1` in the environment it only prints, one
/// per line, each help text the catalog lacks ([`untranslated_help`]) and
/// exits (1 if any): how each program's test keeps its help translated
/// (the binaries have no tests of their own).
pub fn parse<T: clap::Parser>() -> T {
    parse_with::<T>(|cmd| cmd)
}

/// [`parse`] of `T`'s command as `edit` changes it (e.g. another default
/// `--port`), before it is translated.
pub fn parse_with<T: clap::Parser>(edit: impl FnOnce(clap::Command) -> clap::Command) -> T {
    if std::env::var_os("UNP_HELP_UNTRANSLATED").is_some() {
        let missing = untranslated_help(&edit(T::command()));
        for m in &missing {
            println!("{m:?}");
        }
        std::process::exit(i32::from(!missing.is_empty()));
    }
    let mut cmd = edit(T::command());
    let runs_a_program = cmd.get_arguments().any(|a| a.is_trailing_var_arg_set());
    let argv = take_lang_before(std::env::args_os().collect(), runs_a_program);
    if current() == Lang::Zh {
        cmd = localize(cmd);
    }
    let mut m = cmd.get_matches_from(argv);
    T::from_arg_matches_mut(&mut m).unwrap_or_else(|e| e.exit())
}

/// `cmd` with its help in Chinese: each about, long about and argument
/// help the catalog translates (the msgid is the English as clap has it:
/// the doc comment), clap's own headings, and the help and version flags.
/// What the catalog lacks stays English ([`untranslated_help`] lists it).
pub fn localize(cmd: clap::Command) -> clap::Command {
    use clap::{Arg, ArgAction};
    let zh = |s: Option<&clap::builder::StyledStr>| s.and_then(|s| cli().get(&s.to_string()));
    let mut cmd = cmd
        .help_template("{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("打印帮助（-h 为摘要，--help 为全文）"),
        );
    if cmd.get_version().is_some() {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("打印版本"),
        );
    }
    if let Some(a) = zh(cmd.get_about()) {
        cmd = cmd.about(a.to_string());
    }
    if let Some(a) = zh(cmd.get_long_about()) {
        cmd = cmd.long_about(a.to_string());
    }
    let mut args: Vec<(usize, clap::Id, bool)> = cmd
        .get_arguments()
        .enumerate()
        .map(|(i, a)| (i, a.get_id().clone(), a.is_positional()))
        .collect();
    // mut_arg moves each argument to the end, and clap lists headings in
    // the order of their first argument: positionals first, so that 参数
    // comes before 选项 as Arguments before Options in English.
    args.sort_by_key(|(_, _, positional)| !positional);
    for (i, id, positional) in args {
        cmd = cmd.mut_arg(id, |mut a| {
            // In the order declared (a heading of our own would sort a
            // command's arguments by name otherwise).
            a = a.display_order(i);
            if let Some(h) = zh(a.get_help()) {
                a = a.help(h.to_string());
            }
            if let Some(h) = zh(a.get_long_help()) {
                a = a.long_help(h.to_string());
            }
            if a.get_help_heading().is_none() {
                a = a.help_heading(if positional { "参数" } else { "选项" });
            }
            // clap's "[default: …]" and "[possible values: …]", in Chinese.
            let mut notes = String::new();
            let values: Vec<String> = a
                .get_possible_values()
                .iter()
                .map(|v| v.get_name().to_string())
                .collect();
            if !values.is_empty() && !a.is_hide_possible_values_set() && a.get_action().takes_values() {
                notes.push_str(&format!("［可选值：{}］", values.join("、")));
                a = a.hide_possible_values(true);
            }
            let defaults: Vec<String> = a
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            if !defaults.is_empty() && !a.is_hide_default_value_set() && a.get_action().takes_values() {
                notes.push_str(&format!("［默认：{}］", defaults.join("、")));
                a = a.hide_default_value(true);
            }
            if !notes.is_empty() {
                let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
                a = a.help(format!("{help}{notes}"));
                if let Some(long) = a.get_long_help().map(|h| h.to_string()) {
                    a = a.long_help(format!("{long}{notes}"));
                }
            }
            a
        });
    }
    let subs: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
    for name in subs {
        cmd = cmd.mut_subcommand(name, localize);
    }
    if cmd.has_subcommands() && !cmd.is_disable_help_subcommand_set() {
        // clap adds `help` when it builds the command: build it, then say
        // what it does in Chinese.
        cmd.build();
        cmd = cmd.mut_subcommand("help", |c| c.about("打印本帮助，或给定子命令的帮助"));
    }
    cmd
}

/// Every about and argument help of `cmd` (and its subcommands) that the
/// CLI catalog does not translate (hidden ones aside): a program's test
/// keeps this empty (see [`parse`]).
pub fn untranslated_help(cmd: &clap::Command) -> Vec<String> {
    let mut out = Vec::new();
    let mut want = |s: Option<&clap::builder::StyledStr>| {
        if let Some(s) = s.map(|s| s.to_string())
            && cli().get(&s).is_none()
        {
            out.push(s);
        }
    };
    want(cmd.get_about());
    want(cmd.get_long_about());
    for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        want(a.get_help());
        want(a.get_long_help());
    }
    for c in cmd.get_subcommands().filter(|c| !c.is_hide_set()) {
        out.extend(untranslated_help(c));
    }
    out
}

/// What the tests of the Chinese output share: run a program under a
/// locale, list its untranslated help, spot Chinese.
pub mod testing {
    use std::time::Duration;

    use crate::lab::harness::Proc;

    /// `bin ARGS` under the locale `lang` (`LANG`; `LC_ALL`, `LC_MESSAGES`
    /// and `LANGUAGE` removed): its stdout, once it has exited 0.
    pub fn stdout_in(bin: &str, lang: &str, args: &[&str]) -> String {
        let mut cmd = std::process::Command::new(bin);
        cmd.args(args)
            .env("LANG", lang)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANGUAGE");
        let mut p = Proc::spawn_command(cmd).expect("start the program");
        p.expect_exit(0, Duration::from_secs(30))
            .unwrap_or_else(|e| panic!("{bin} {args:?} under {lang}: {e:#}"));
        String::from_utf8_lossy(&p.stdout_bytes()).into_owned()
    }

    /// What `bin --help` lists as help without Chinese under
    /// `LANG=zh_CN.UTF-8` (`UNP_HELP_UNTRANSLATED`, see [`super::parse`]):
    /// nothing, for a program whose help is translated.
    pub fn untranslated_help_of(bin: &str) -> String {
        let mut cmd = std::process::Command::new(bin);
        cmd.arg("--help")
            .env("UNP_HELP_UNTRANSLATED", "1")
            .env("LANG", "zh_CN.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANGUAGE");
        let mut p = Proc::spawn_command(cmd).expect("start the program");
        let st = p.wait_exit(Duration::from_secs(30)).expect("it ends");
        let out = String::from_utf8_lossy(&p.stdout_bytes()).into_owned();
        assert_eq!(st.code(), Some(i32::from(!out.is_empty())), "{bin}: {out}");
        out
    }

    /// Every program of the crate at `manifest_dir` (`src/bin/NAME.rs`,
    /// `src/bin/NAME/main.rs`), as the path of its binary beside `some_bin`
    /// (one `env!("CARGO_BIN_EXE_...")` of that crate): so that a test of
    /// "every program" cannot leave out a new one.
    pub fn programs(manifest_dir: &str, some_bin: &str) -> Vec<String> {
        let dir = std::path::Path::new(manifest_dir).join("src/bin");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .filter_map(|e| {
                let p = e.path();
                match p.extension() {
                    Some(x) if x == "rs" => p.file_stem().map(|s| s.to_string_lossy().into_owned()),
                    None if p.join("main.rs").exists() => {
                        p.file_name().map(|s| s.to_string_lossy().into_owned())
                    }
                    _ => None,
                }
            })
            .collect();
        names.sort();
        let beside = std::path::Path::new(some_bin);
        names
            .into_iter()
            .map(|n| beside.with_file_name(n).to_string_lossy().into_owned())
            .collect()
    }

    /// Each of `bins` whose `--help` is not all Chinese under
    /// `LANG=zh_CN.UTF-8`, with what it lacks ([`untranslated_help_of`]),
    /// or whose Chinese help does not start its usage with 用法：.
    pub fn help_not_in_chinese(bins: &[String]) -> Vec<String> {
        let mut bad = Vec::new();
        for bin in bins {
            let missing = untranslated_help_of(bin);
            if !missing.is_empty() {
                bad.push(format!(
                    "{bin}: help without Chinese in common/po/cli.zh-CN.po:\n{missing}"
                ));
            }
            let zh = stdout_in(bin, "zh_CN.UTF-8", &["--help"]);
            if !zh.contains("\n用法：") || !has_han(zh.lines().next().unwrap_or_default()) {
                bad.push(format!("{bin} --help under zh_CN.UTF-8 is not Chinese:\n{zh}"));
            }
        }
        bad
    }

    /// Does `s` contain a CJK ideograph?
    pub fn has_han(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }
}

/// The CLI catalog's text, for the completeness test.
pub const CLI_PO: &str = include_str!("../po/cli.zh-CN.po");

fn cli() -> &'static Catalog {
    static CLI: OnceLock<Catalog> = OnceLock::new();
    CLI.get_or_init(|| Catalog::parse(CLI_PO))
}

/// `en` in the current language: the English itself, or its Chinese from
/// the CLI catalog (English when the catalog lacks it; a test keeps it
/// complete).
pub fn tr(en: &'static str) -> &'static str {
    match current() {
        Lang::En => en,
        Lang::Zh => cli().get(en).unwrap_or(en),
    }
}

/// `tr(template)` with each `{name}` replaced by the value of that name
/// in `args` — what [`crate::tr_println!`] and [`crate::tr_fmt!`] call, so that
/// narration reads like `println!` in the source and the translator sees
/// the names. Only `{name}` of a name in `args` is replaced.
pub fn trn(template: &'static str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let t = tr(template);
    let mut out = String::with_capacity(t.len() + 16);
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let hit = after
            .find('}')
            .and_then(|c| args.iter().find(|(n, _)| *n == &after[..c]).map(|(_, v)| (c, v)));
        match hit {
            Some((c, v)) => {
                out.push_str(&v.to_string());
                rest = &after[c + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `tr_fmt!("text {a} {b}", a, b = expr)`: the text in the current
/// language, with `{a}` and `{b}` filled in (see [`trn`]); a String. The
/// English is the msgid, as for [`tr`]; plain `{name}` only (no `{:?}`).
#[macro_export]
macro_rules! tr_fmt {
    (@v $name:ident = $e:expr) => { $e };
    (@v $name:ident) => { $name };
    ($t:literal $(, $name:ident $(= $e:expr)?)* $(,)?) => {
        $crate::lang::trn(
            $t,
            &[$((stringify!($name), &$crate::tr_fmt!(@v $name $(= $e)?) as &dyn ::std::fmt::Display)),*],
        )
    };
}

/// `tr_println!("text {a}", a)`: `println!` of [`crate::tr_fmt!`] — a
/// line of narration in the current language.
#[macro_export]
macro_rules! tr_println {
    ($($t:tt)*) => { println!("{}", $crate::tr_fmt!($($t)*)) };
}

/// [`tr`] of a string known only at run time (a `what` that was marked
/// with [`n_`] where it was written): its Chinese if the catalog has it.
pub fn tr_any(en: &str) -> &str {
    match current() {
        Lang::En => en,
        Lang::Zh => cli().get(en).unwrap_or(en),
    }
}

/// Marks `en` for the catalog where it is translated later, through a
/// variable (gettext's `N_`): the completeness test finds it.
pub const fn n_(en: &'static str) -> &'static str {
    en
}

/// `tr(template)` with each `{}` replaced by the next of `args`, in order.
/// A translation may name an argument by its place instead, `{0}`, `{1}`…
/// (Chinese often puts them in another order); the English uses `{}` only.
pub fn trf(template: &'static str, args: &[&dyn std::fmt::Display]) -> String {
    fill(tr(template), args)
}

fn fill(t: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(t.len() + 16);
    let mut next = 0;
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let close = after.find('}');
        let inside = close.map(|c| &after[..c]);
        let which = match inside {
            Some("") => Some(next),
            Some(n) if n.bytes().all(|b| b.is_ascii_digit()) => n.parse().ok(),
            _ => None,
        };
        match (which, close) {
            (Some(k), Some(c)) => {
                if inside == Some("") {
                    next += 1;
                }
                if let Some(a) = args.get(k) {
                    out.push_str(&a.to_string());
                }
                rest = &after[c + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn the_environment_chooses_the_language() {
        assert_eq!(from_env(env(&[])), Lang::En);
        assert_eq!(from_env(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(from_env(env(&[("LANG", "zh_TW.UTF-8")])), Lang::Zh);
        assert_eq!(from_env(env(&[("LANG", "C.UTF-8")])), Lang::En);
        assert_eq!(from_env(env(&[("LANG", "en_US.UTF-8")])), Lang::En);
        // LC_ALL over LC_MESSAGES over LANG; empty counts as unset.
        assert_eq!(
            from_env(env(&[("LC_ALL", "C.UTF-8"), ("LANG", "zh_CN.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            from_env(env(&[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")])),
            Lang::Zh
        );
        assert_eq!(
            from_env(env(&[("LC_MESSAGES", "zh_CN.UTF-8"), ("LANG", "C")])),
            Lang::Zh
        );
        // LANGUAGE when the locale names no language of ours, not under C.
        assert_eq!(from_env(env(&[("LANGUAGE", "zh_CN:en")])), Lang::Zh);
        assert_eq!(
            from_env(env(&[("LANGUAGE", "zh_CN"), ("LANG", "en_US.UTF-8")])),
            Lang::Zh
        );
        assert_eq!(
            from_env(env(&[("LANGUAGE", "zh_CN"), ("LANG", "C.UTF-8")])),
            Lang::En
        );
        assert_eq!("zh-CN".parse(), Ok(Lang::Zh));
        assert_eq!("en".parse(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
    }

    #[test]
    fn a_program_run_by_the_command_keeps_its_own_lang() {
        let argv = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        let run = ["subreaper", "--grace-ms", "5", "prog", "--lang", "en"];
        assert_eq!(take_lang_before(argv(&run), true), argv(&run));
        let run = ["subreaper", "-q", "--", "prog", "--lang=en"];
        assert_eq!(take_lang_before(argv(&run), true), argv(&run));
        // (A --lang of our own is taken: set() would fix the language of
        // this test process, so that case is left to the programs' tests.)
    }

    #[test]
    fn named_values_fill_their_names() {
        let (lfd, n) = (3, 7);
        assert_eq!(crate::tr_fmt!("fd {lfd}, {n} {x}", lfd, n = n + 1), "fd 3, 8 {x}");
        assert_eq!(trn("{a}{b}{a}", &[("a", &1), ("b", &"-")]), "1-1");
    }

    #[test]
    fn a_translation_may_reorder_the_values() {
        assert_eq!(fill("{} of {}", &[&1, &2]), "1 of 2");
        assert_eq!(fill("共 {1} 中的 {0}", &[&1, &2]), "共 2 中的 1");
        assert_eq!(fill("{x} {", &[&1]), "{x} {");
    }

    #[test]
    fn the_po_reader_reads_gettext() {
        let c = Catalog::parse(concat!(
            "msgid \"\"\nmsgstr \"Content-Type: text/plain\\n\"\n\n",
            "#: a.rs\nmsgid \"\"\n\"two \"\n\"lines\\n\"\nmsgstr \"\"\n\"两行\\n\"\n\n",
            "#, fuzzy\nmsgid \"old\"\nmsgstr \"旧\"\n\n",
            "msgid \"none\"\nmsgstr \"\"\n\n",
            "msgid \"say \\\"hi\\\"\"\nmsgstr \"说“嗨”\"\n",
        ));
        assert_eq!(c.get("two lines\n"), Some("两行\n"));
        assert_eq!(c.get("old"), None, "fuzzy is not a translation");
        assert_eq!(c.get("none"), None);
        assert_eq!(c.get("say \"hi\""), Some("说“嗨”"));
        assert_eq!(c.ids().count(), 2);
    }

    /// Every msgid of the CLI catalog has its Chinese, and every string the
    /// code passes to `tr`/`trf` is in the catalog (CI: as docs/build.sh
    /// checks the book). The sources are scanned for `tr("…")`/`trf("…"`.
    #[test]
    fn the_cli_catalog_is_complete() {
        let c = Catalog::parse(CLI_PO);
        let ids = CLI_PO.lines().filter(|l| l.starts_with("msgid ")).count() - 1; // the header
        assert_eq!(
            c.ids().count(),
            ids,
            "an entry of common/po/cli.zh-CN.po is empty or fuzzy"
        );
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut missing = Vec::new();
        let mut seen = 0;
        for dir in [
            "common/src/lab",
            "common/src/bin",
            "exercises/src",
            "ch05-sigchld/src",
            "ch05-echo/src",
            "ch04-sockets/src",
        ] {
            for file in rs_files(&root.join(dir)) {
                let text = std::fs::read_to_string(&file).unwrap();
                for en in used(&text) {
                    seen += 1;
                    if c.get(&en).is_none() {
                        missing.push(format!("{}: {en:?}", file.display()));
                    }
                }
            }
        }
        assert!(seen > 20, "the scan found only {seen} tr() strings");
        assert!(
            missing.is_empty(),
            "CLI strings without Chinese in common/po/cli.zh-CN.po:\n{}",
            missing.join("\n")
        );
    }

    fn rs_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(rs_files(&p));
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
        out
    }

    /// The string literals passed first to `tr(` or `trf(` in Rust source.
    fn used(src: &str) -> Vec<String> {
        let mut out = Vec::new();
        for pat in ["tr(", "trf(", "n_(", "tr_println!(", "tr_fmt!("] {
            for (i, _) in src.match_indices(pat) {
                let before = src[..i].chars().last();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = src[i + pat.len()..].trim_start();
                let Some(lit) = rest.strip_prefix('"') else {
                    continue;
                };
                let mut s = String::new();
                let mut chars = lit.chars().peekable();
                while let Some(ch) = chars.next() {
                    match ch {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some('n') => s.push('\n'),
                            Some('\n') => {
                                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                                    chars.next();
                                }
                            }
                            Some(o) => s.push(o),
                            None => {}
                        },
                        c => s.push(c),
                    }
                }
                out.push(s);
            }
        }
        out
    }
}

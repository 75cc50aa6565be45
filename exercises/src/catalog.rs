//! The exercises as data: what each is, where the student edits, what it
//! relates to, which wrong answers its check must catch, and how to run and
//! check it. The entries are generated from the registry in `lib.rs`.

use crate::checks::Target;
use crate::report::Verdict;

/// What an exercise's `mod.rs` says about itself.
pub struct About {
    pub title: &'static str,
    /// One sentence: what solving it teaches.
    pub teaches: &'static str,
    /// The chapter program(s) and book section it relates to.
    pub related: &'static str,
    /// What the student's compiled code must not call (path prefixes, see
    /// `guard`): the lab's own answer, std's shortcut — or, as
    /// "path | why", a call the lesson rules out (println! in a handler).
    pub forbidden: &'static [&'static str],
    /// What solving it is worth in `exercises grade`.
    pub points: u32,
}

/// A wrong answer students really write, and the words the check's report
/// must contain when it fails on it (reference mode asserts them).
pub struct Wrong {
    /// The variant's name: `exercises run 4 --impl one-wait`.
    pub name: &'static str,
    /// What a student who wrote it must read in the report.
    pub says: &'static str,
}

/// One exercise.
pub struct Exercise {
    pub num: u8,
    /// The folder's, the test's and the student file's name: `e04_reap`.
    pub id: &'static str,
    pub about: &'static About,
    /// The student's file, relative to the repository root.
    pub file: &'static str,
    /// That file's text as compiled (for the "don't call the answer" guard).
    pub source: &'static str,
    /// The pristine stub's text (`src/eNN_name/stub.rs`).
    pub stub: &'static str,
    /// hint1.md (a nudge) and hint2.md (specifics).
    pub hints: [&'static str; 2],
    /// The wrong answers the check must reject (reference mode).
    pub wrongs: &'static [Wrong],
    /// Correct answers written differently from the reference: the check
    /// must pass them (reference mode).
    pub alts: &'static [&'static str],
    /// Answers written blind that the check does not catch yet: runnable
    /// (`check N --impl NAME`), not part of the proof (reference mode).
    pub open: &'static [&'static str],
    pub check: fn(&Target) -> Verdict,
}

impl Exercise {
    /// The variants this build can run: the student's; in reference mode
    /// also the stub, the solution and every wrong answer.
    pub fn knows(&self, variant: &str) -> bool {
        variant == crate::STUDENT
            || (crate::REFERENCE_MODE
                && (variant == crate::STUB
                    || variant == crate::SOLUTION
                    || self.wrongs.iter().any(|w| w.name == variant)
                    || self.alts.contains(&variant)
                    || self.open.contains(&variant)))
    }

    /// The title, in the current language.
    pub fn title(&self) -> &'static str {
        common::lang::tr(self.about.title)
    }

    /// The chapter program(s) and book section it relates to, in the current language.
    pub fn related(&self) -> &'static str {
        common::lang::tr(self.about.related)
    }

    /// Hint `n` (1: a nudge, 2: specifics), trimmed, in the current
    /// language: under 中文 from the book's translation (docs/po/zh-CN.po),
    /// paragraph by paragraph; a paragraph it lacks stays English.
    pub fn hint(&self, n: usize) -> std::borrow::Cow<'static, str> {
        let en = self.hints[n.clamp(1, 2) - 1].trim();
        match common::lang::current() {
            common::lang::Lang::En => en.into(),
            common::lang::Lang::Zh => hint_zh(en).into(),
        }
    }

    /// The short name after the number: `reap` for `e04_reap`.
    pub fn short(&self) -> &'static str {
        self.id.split_once('_').map_or(self.id, |(_, s)| s)
    }
}

/// Finds an exercise by number (`4`, `04`), id (`e04_reap`) or short name (`reap`).
pub fn find(which: &str) -> Option<&'static Exercise> {
    let w = which.trim().to_ascii_lowercase();
    let n = w.trim_start_matches('e');
    crate::EXERCISES
        .iter()
        .find(|e| n.parse::<u8>().ok() == Some(e.num) || e.id == w || e.short() == w)
}

/// Generates, from the registry's `NUM ID` lines, the exercise folders'
/// checker side (`src/ID/mod.rs`, `check.rs`) and [`crate::EXERCISES`]. The
/// students' files are not modules here: they are compiled into
/// `exercises-host` only (the `exercises-student` crate).
macro_rules! declare {
    ($($num:literal $id:ident,)*) => {
        $(pub mod $id;)*

        /// Every exercise, in order.
        pub static EXERCISES: &[$crate::catalog::Exercise] = &[$(
            $crate::catalog::Exercise {
                num: $num,
                id: stringify!($id),
                about: &$id::ABOUT,
                file: concat!("exercises/src/student/", stringify!($id), ".rs"),
                source: include_str!(concat!("student/", stringify!($id), ".rs")),
                // The pristine stub exists only in the lab (a classroom kit
                // has none): reference mode compares it with the student file.
                #[cfg(feature = "solutions")]
                stub: include_str!(concat!(stringify!($id), "/stub.rs")),
                #[cfg(not(feature = "solutions"))]
                stub: "",
                hints: [
                    include_str!(concat!(stringify!($id), "/hint1.md")),
                    include_str!(concat!(stringify!($id), "/hint2.md")),
                ],
                wrongs: $id::WRONGS,
                alts: $id::ALTS,
                open: $id::OPEN,
                check: $id::check::check,
            },
        )*];
    };
}
pub(crate) use declare;

/// The book's Chinese edition, whose translation the hints share.
const BOOK_PO: &str = include_str!("../../docs/po/zh-CN.po");

fn book() -> &'static common::lang::Catalog {
    static BOOK: std::sync::OnceLock<common::lang::Catalog> = std::sync::OnceLock::new();
    BOOK.get_or_init(|| common::lang::Catalog::parse(BOOK_PO))
}

/// An English hint in Chinese, from the book's translation; `None` for a
/// paragraph the book has not translated (then it is English).
pub fn hint_paragraph_zh(para: &str) -> Option<&'static str> {
    // mdbook-xgettext's msgids are paragraphs with their lines joined.
    let joined = para.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    book()
        .get(&joined)
        .or_else(|| book().get(&emphasis_as_xgettext(&joined)))
        .or_else(|| book().get(para))
}

/// `*word*` as mdbook-xgettext writes it, `_word_` (outside `code`).
fn emphasis_as_xgettext(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut code, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                code = !code;
                out.push(c);
            }
            '*' if !code && chars.peek() == Some(&'*') => {
                chars.next();
                out.push_str("**");
            }
            '*' if !code => out.push('_'),
            c => out.push(c),
        }
    }
    out
}

/// A whole hint in Chinese, paragraph by paragraph.
pub fn hint_zh(en: &str) -> String {
    en.split("\n\n")
        .map(|p| hint_paragraph_zh(p).map_or_else(|| p.to_string(), str::to_string))
        .collect::<Vec<_>>()
        .join("\n\n")
}

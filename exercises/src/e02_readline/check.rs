//! Exercise 2's check: the bench judges (see hosts/readline.rs).

use crate::checks::{Target, self_judging};
use crate::report::{Trace, Verdict};

pub fn check(target: &Target) -> Verdict {
    self_judging(
        target,
        Trace::new(),
        vec!["--seed".into(), target.seed.to_string()],
        "ran `exercises run e02_readline` (a bench around your Rline)",
    )
}

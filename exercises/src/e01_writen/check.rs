//! Exercise 1's check: the bench judges (see hosts/writen.rs).

use crate::checks::{Target, self_judging};
use crate::report::{Trace, Verdict};

pub fn check(target: &Target) -> Verdict {
    self_judging(
        target,
        Trace::new(),
        vec!["--seed".into(), target.seed.to_string()],
        "ran `exercises run e01_writen` (a bench around your writen)",
    )
}

//! The lab's machinery — not part of the book's lib/.
//!
//! The modules beside this one are the book's `lib/` in Rust; the ones here
//! exist so that demos, tests and exercise checks can *watch* those programs
//! run against the real kernel:
//!
//! | module | what |
//! |---|---|
//! | [`observer`] | processes and TCP sockets, read from /proc |
//! | [`packets`] | a port's TCP segments on loopback: capture, ladder, pcap |
//! | [`ladder_svg`] | one captured connection drawn as the book's figures draw it |
//! | [`harness`] | spawn lab programs in guarded process groups; deadlines |
//! | [`pause`] | `--pause`: wait for Enter between a guided program's steps |
//! | [`skip`] | the one way a test says it could not run here, and why |
//!
//! A figure program (tcpserv01, tcpcli04, ...) never uses this module.

pub mod harness;
pub mod ladder_svg;
pub mod observer;
pub mod packets;
pub mod pause;

#[cfg(test)]
pub(crate) mod testutil;

/// The lab's one skip convention, for every test that cannot run on this
/// machine (no unprivileged user namespaces, no `ip`, a port that reads the
/// same in both byte orders): call `return skip("test_name", "why");`.
///
/// It writes `SKIP: <test>: <reason>` on a line of its own to the test
/// binary's real stderr, past cargo's capture, so the skip is seen in every
/// run, and `.ci/run` counts these lines: its closing tally says
/// `tests: N passed, N failed, N skipped`, and a skipped test is not
/// counted as passed. A skip that gives no reason is a silent pass: don't.
pub fn skip(test: &str, why: &str) {
    use std::io::Write as _;
    let line = format!("\nSKIP: {test}: {}\n", why.replace('\n', " "));
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// What to enable when a private user + network namespace (`unshare -rn`)
/// cannot be made here: the sysctl that forbids it, read from /proc/sys,
/// and the command an administrator runs to allow it; None when no such
/// switch is set (the error itself then says why). Said beside every
/// netns experiment's SKIP line.
pub fn userns_hint() -> Option<String> {
    let read = |f: &str| -> Option<i64> {
        std::fs::read_to_string(format!("/proc/sys/{f}"))
            .ok()?
            .trim()
            .parse()
            .ok()
    };
    userns_hint_from(
        read("user/max_user_namespaces"),
        read("kernel/apparmor_restrict_unprivileged_userns"),
        read("kernel/unprivileged_userns_clone"),
    )
}

/// [`userns_hint`] from the three switches' values (None: not on this kernel).
pub fn userns_hint_from(
    max_userns: Option<i64>,
    apparmor: Option<i64>,
    clone: Option<i64>,
) -> Option<String> {
    if max_userns == Some(0) {
        return Some(
            "user namespaces are turned off here (user.max_user_namespaces = 0); \
             an administrator enables them with: sysctl -w user.max_user_namespaces=65536"
                .into(),
        );
    }
    if apparmor == Some(1) {
        return Some(
            "AppArmor restricts unprivileged user namespaces here \
             (kernel.apparmor_restrict_unprivileged_userns = 1, as on Ubuntu 23.10 and later); \
             an administrator allows them with: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 \
             (or gives this program an AppArmor profile that has `userns,`)"
                .into(),
        );
    }
    if clone == Some(0) {
        return Some(
            "unprivileged user namespaces are turned off here (kernel.unprivileged_userns_clone = 0); \
             an administrator enables them with: sysctl -w kernel.unprivileged_userns_clone=1"
                .into(),
        );
    }
    None
}

#[cfg(test)]
mod userns_tests {
    use super::userns_hint_from;

    #[test]
    fn each_switch_names_the_sysctl_to_change() {
        assert_eq!(userns_hint_from(Some(96369), None, None), None);
        assert_eq!(userns_hint_from(Some(96369), Some(0), Some(1)), None);
        let off = userns_hint_from(Some(0), Some(1), None).unwrap();
        assert!(off.contains("sysctl -w user.max_user_namespaces="), "{off}");
        let aa = userns_hint_from(Some(96369), Some(1), None).unwrap();
        assert!(
            aa.contains("sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"),
            "{aa}"
        );
        let deb = userns_hint_from(None, None, Some(0)).unwrap();
        assert!(
            deb.contains("sysctl -w kernel.unprivileged_userns_clone=1"),
            "{deb}"
        );
    }
}

//! UNP §5.8–5.10 and TCPIP ch.10 — the guided experiment (the crate's
//! default run): every server version of the chapter, run for real against
//! five clients that leave at once, with the kernel's process table shown.
//!
//! Run:        cargo run -p ch05-sigchld
//!             cargo run -p ch05-sigchld -- --step eintr --pause
//! Talk to it: nothing to type (with --pause: Enter between steps).
//! Observe:    exact zombie counts, the same every run — tcpserv01: 5,
//!             tcpserv03: 4, tcpserv04: 0 — made exact by stopping each
//!             server while its children exit (SIGSTOP, state T: the five
//!             SIGCHLDs merge into one pending signal; then SIGCONT). One run
//!             of tcpserv03 without the stop shows the count is a race.
//!             Then EINTR (tcpserv02 dies without SA_RESTART; tcpserv03
//!             survives; std hides it), SIG_IGN (toupper_fork) and the double
//!             fork (toupper_dfork under a subreaper).
//!
//! tcpserv01 is ch05-echo's: on a clean clone the first run builds the
//! lab's programs (common::lab::harness::bin_path).
//!
//! Every program runs in its own process group through
//! common::lab::harness::Proc; Ctrl-C kills them all before the demo dies, so
//! nothing is left behind.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use ch05_sigchld::experiment::{self, FirstChild};
use clap::{Parser, ValueEnum};
use common::LogArgs;
use common::lab::pause::Pause;
use common::lang::{n_, tr, trf};

/// The guided experiment of UNP §5.8–5.10: runs each server version
/// (tcpserv01, 02, 03, 04, the SIG_IGN and double-fork servers of the
/// to_upper blog post) against tcpcli04's five connections and prints the server's
/// process table — pid, parent, state, zombies marked — with a one-line
/// conclusion. Counts are exact (stop-the-parent method) except in the one
/// run labelled as racy. Takes about a second; leaves nothing running.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// Run one step only.
    #[arg(long, value_enum, default_value_t = Step::All)]
    step: Step,

    /// Wait for Enter between steps (for a classroom).
    #[arg(long)]
    pause: bool,

    /// Language of the narration: en or zh-CN (default: from LC_ALL, LC_MESSAGES, LANG, LANGUAGE).
    #[arg(long)]
    lang: Option<common::lang::Lang>,

    #[command(flatten)]
    log: LogArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Step {
    /// Every step below, in order.
    All,
    /// tcpserv01 / 03 / 04 against five clients: 5, 4, 0 zombies (exact).
    Zombies,
    /// tcpserv03 without stopping the server: the count is a race.
    Racy,
    /// tcpserv02 without SA_RESTART dies of EINTR; 02 with it, 03, and std don't.
    Eintr,
    /// toupper_fork: SIGCHLD ignored, the kernel reaps, waitpid says ECHILD.
    Sigign,
    /// toupper_dfork under a subreaper: the grandchildren are adopted.
    Dfork,
}

/// `println!` that returns an error instead of panicking when stdout is
/// gone (`sigchld_demo | head`): the `?` unwinds through the steps, every
/// `Proc` is dropped (killed and reaped), and main reports one line.
macro_rules! say {
    ($($t:tt)*) => { writeln!(std::io::stdout(), $($t)*).context("write to stdout")? };
}

/// `print!` in the same way.
macro_rules! say_raw {
    ($($t:tt)*) => { write!(std::io::stdout(), $($t)*).context("write to stdout")? };
}

fn main() -> ExitCode {
    common::lab::harness::kill_all_on_interrupt();
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init("sigchld_demo");
    if let Some(l) = args.lang {
        common::lang::set(l);
    }
    common::exit_code(run(&args))
}

/// A step; it pauses (`--pause`) itself while its processes are alive.
type StepFn = fn(&mut Pause) -> anyhow::Result<()>;

fn run(args: &Args) -> anyhow::Result<()> {
    let steps: [(Step, StepFn); 5] = [
        (Step::Zombies, zombies),
        (Step::Racy, racy),
        (Step::Eintr, eintr),
        (Step::Sigign, sigign),
        (Step::Dfork, dfork),
    ];
    let mut pause = Pause::new(args.pause);
    for (step, f) in steps {
        if args.step == Step::All || args.step == step {
            f(&mut pause)?;
        }
    }
    Ok(())
}

/// With `--pause`: says where to look, then waits for Enter while the
/// processes the step just showed are still there.
fn look(pause: &mut Pause, what: &'static str, pid: i32) -> anyhow::Result<()> {
    if pause.is_on() {
        say!(
            "{}",
            trf(
                "  look now ({}): ps -o pid,ppid,stat,cmd --ppid {}",
                &[&tr(what), &pid]
            )
        );
        say!(
            "{}",
            trf(
                "                  or: cargo run -q -p common --bin observe -- --pid {} --once",
                &[&pid]
            )
        );
    }
    pause.wait();
    Ok(())
}

fn title(t: &'static str) -> anyhow::Result<()> {
    say!("\n=== {} ===", tr(t));
    Ok(())
}

fn indent(table: &str) -> String {
    table.lines().map(|l| format!("    {l}\n")).collect()
}

fn plural(n: usize) -> &'static str {
    if n == 1 || common::lang::current() == common::lang::Lang::Zh {
        ""
    } else {
        "s"
    }
}

// ANCHOR: zombies
fn zombies(pause: &mut Pause) -> anyhow::Result<()> {
    title(n_("1. Zombies (UNP 5.8-5.10): five clients end at once"))?;
    say!(
        "{}",
        tr("tcpcli04 opens five connections, echoes a line, exits: five server children")
    );
    say!(
        "{}",
        tr("end together. Each server is stopped (SIGSTOP, state T) while they exit, so")
    );
    say!(
        "{}",
        tr("their five SIGCHLDs merge into one pending signal; SIGCONT lets it run once.")
    );
    let versions: [(&str, &str, &[&str], &str); 3] = [
        (
            "tcpserv01",
            n_("no SIGCHLD handler"),
            &[],
            n_("nobody calls wait(): every child stays a zombie"),
        ),
        (
            "tcpserv03",
            n_("handler calls wait() once per signal"),
            &[],
            n_("five SIGCHLDs arrived as one, one wait() reaped one child"),
        ),
        (
            "tcpserv04",
            n_("handler loops on waitpid(-1, WNOHANG)"),
            &[],
            n_("the loop reaps every ended child, however the signals merged"),
        ),
    ];
    for (name, what, args, why) in versions {
        say!("\n--- {name}: {} ---", tr(what));
        let r = experiment::five_clients_then(name, args, true, &mut |pid, t| {
            say!("{}", tr("  server stopped, five children ended:"));
            say_raw!("{}", indent(t));
            look(pause, n_("the server is T, its five children Z"), pid)
        })?;
        if name == "tcpserv01" {
            say!(
                "{}",
                tr("  after SIGCONT (no handler: SIGCHLD's default action does nothing):")
            );
        } else {
            let lines = r.terminated(5 - r.zombies);
            say!(
                "{}",
                trf(
                    "  after SIGCONT ({} \"terminated\" line{} from the handler):",
                    &[&lines, &plural(lines)]
                )
            );
        }
        say_raw!("{}", indent(&r.table));
        say!(
            "{}",
            trf(
                "  => {}: {} zombie{} - {}.",
                &[&name, &r.zombies, &plural(r.zombies), &tr(why)]
            )
        );
        if r.zombies > 0 {
            look(pause, n_("the server runs again; these zombies stay"), r.pid)?;
        }
    }
    Ok(())
}
// ANCHOR_END: zombies

fn racy(pause: &mut Pause) -> anyhow::Result<()> {
    title(n_("2. The same without stopping the server: a race"))?;
    say!(
        "{}",
        tr("tcpserv03 again, three times, this time never stopped: how many SIGCHLDs")
    );
    say!(
        "{}",
        tr("merge depends on when the server runs, so the count varies (0 to 4).")
    );
    let mut counts = Vec::new();
    for _ in 0..3 {
        counts.push(
            experiment::five_clients("tcpserv03", &[], false)?
                .zombies
                .to_string(),
        );
    }
    say!(
        "{}",
        trf(
            "  => tcpserv03 unstopped, zombies in three runs: {}",
            &[&counts.join(", ")]
        )
    );
    say!(
        "{}",
        tr("     (only the stopped runs above are exact; tcpserv04 is 0 either way)")
    );
    pause.wait();
    Ok(())
}

fn eintr(pause: &mut Pause) -> anyhow::Result<()> {
    title(n_("3. EINTR (UNP 5.9): the handler interrupts accept"))?;
    say!(
        "{}",
        tr("One client connects and leaves; its child's SIGCHLD arrives while the parent")
    );
    say!(
        "{}",
        tr("is blocked in accept. Then a second client tries to talk to the server.")
    );
    let cases: [(&str, &[&str], &str); 4] = [
        (
            "tcpserv02",
            &["--sigchld", "intr"],
            n_("no SA_RESTART (the book's Solaris run)"),
        ),
        (
            "tcpserv02",
            &[],
            n_("SA_RESTART (the book's Signal; Linux's signal)"),
        ),
        (
            "tcpserv03",
            &["--sigchld", "intr"],
            n_("no SA_RESTART, but accept's EINTR loops"),
        ),
        (
            "tcpserv02_std",
            &["--sigchld", "intr"],
            n_("no SA_RESTART, std::net's accept"),
        ),
    ];
    for (bin, args, what) in cases {
        let shown = if args.is_empty() {
            bin.to_string()
        } else {
            format!("{bin} {}", args.join(" "))
        };
        match experiment::first_child_ends(bin, args)? {
            FirstChild::Died { status, line } => {
                say!("  {shown:<28} {}:", tr(what));
                say!("      {line}");
                say!(
                    "{}",
                    trf("      => died ({}): accept failed with EINTR.", &[&status])
                );
            }
            FirstChild::Served { echo } => {
                say!("  {shown:<28} {}:", tr(what));
                say!(
                    "{}",
                    trf(
                        "      => survived; the next client got its echo: {}",
                        &[&format!("{echo:?}")]
                    )
                );
            }
        }
    }
    say!(
        "{}",
        tr("  std::net::TcpListener::accept retries EINTR inside, so through std the")
    );
    say!(
        "{}",
        tr("  lesson of 5.9 never shows: the lab's servers call accept(2) via socket2.")
    );
    pause.wait();
    Ok(())
}

fn sigign(pause: &mut Pause) -> anyhow::Result<()> {
    title(n_(
        "4. SIGCHLD = SIG_IGN (toupper_fork, from the to_upper blog post)",
    ))?;
    say!(
        "{}",
        tr("Same five clients, server stopped the same way - but no handler at all:")
    );
    say!(
        "{}",
        tr("with SIGCHLD ignored the kernel discards each child the moment it exits.")
    );
    let r = experiment::five_clients_then("toupper_fork", &[], true, &mut |pid, t| {
        say!("{}", tr("  server stopped, five children ended:"));
        say_raw!("{}", indent(t));
        look(pause, n_("the server is T and has no children left"), pid)
    })?;
    // One more client: the server asks waitpid what is left to collect.
    let line = r.sixth_waitpid_line()?;
    say!(
        "{}",
        tr("  a sixth client connects; before forking, the server logs:")
    );
    say!("      {line}");
    say!(
        "{}",
        trf(
            "  => toupper_fork: {} zombies, and no exit status to collect (ECHILD).",
            &[&r.zombies]
        )
    );
    Ok(())
}

fn dfork(pause: &mut Pause) -> anyhow::Result<()> {
    title(n_(
        "5. Double fork (toupper_dfork, from the to_upper blog post), under a subreaper",
    ))?;
    say!(
        "{}",
        tr("The child forks the worker and exits at once; the server reaps it at once;")
    );
    say!(
        "{}",
        tr("the worker, orphaned, is adopted - here by `subreaper`, the program that")
    );
    say!(
        "{}",
        tr("started the server (prctl PR_SET_CHILD_SUBREAPER), instead of PID 1.")
    );
    let r = experiment::adoption_then("toupper_dfork", &[], 3, &mut |reaper, server, t| {
        say!(
            "{}",
            trf(
                "  three clients connected (subreaper {}, server {}):",
                &[&reaper, &server]
            )
        );
        say_raw!("{}", indent(t));
        look(pause, n_("the workers are the subreaper's children"), reaper)
    })?;
    let zh = common::lang::current() == common::lang::Lang::Zh;
    say!(
        "{}",
        trf(
            "  the server has {} child{}; {} worker{} adopted by pid {}.",
            &[
                &r.server_children.len(),
                &if r.server_children.len() == 1 || zh {
                    ""
                } else {
                    "ren"
                },
                &r.adopted.len(),
                &if zh {
                    ""
                } else if r.adopted.len() == 1 {
                    " was"
                } else {
                    "s were"
                },
                &r.subreaper
            ]
        )
    );
    say!("{}", tr("  the clients leave; the subreaper reaps the orphans:"));
    for l in &r.reaped {
        let msg = l.split(" NOTICE ").nth(1).unwrap_or(l);
        say!("      {msg}");
    }
    say!(
        "{}",
        trf(
            "  => toupper_dfork: {} zombie{} under the server; its workers were reaped by their adopter.",
            &[&r.zombies_after, &plural(r.zombies_after)]
        )
    );
    Ok(())
}

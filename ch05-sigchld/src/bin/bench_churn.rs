//! A measurement, not a lesson: connection churn against the final server
//! (UNP Fig 5.12, tcpserv04) — N sequential connections, each connect, one
//! line echoed, close — then the zombie count once every child has ended.
//!
//! Run:        cargo run --release -p ch05-sigchld --bin bench_churn
//!             cargo run --release -p ch05-sigchld --bin bench_churn -- \
//!                 --server tcpserv03 -n 2000 --no-echo
//! Talk to it: nothing to type; it starts the server itself (port 0).
//! Observe:    "2000 connections in X s: Y connections/s" and
//!             "zombies after: 0" for tcpserv04 (tcpserv03 usually leaves
//!             some: its SIGCHLDs merge under load).
//! Each connection forks one server child, so this measures accept + fork
//! + exit + SIGCHLD + reap per connection, on loopback.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use ch05_sigchld::experiment;
use clap::Parser;
use common::LogArgs;
use common::lab::observer;

/// Times N sequential connections (connect, echo one line, close) to a
/// fork-per-client server of this crate started on an ephemeral port, and
/// counts the zombies left once every server child has ended.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// Which server to start (tcpserv04, tcpserv03, echo_mpserv, ...).
    #[arg(long, default_value = "tcpserv04")]
    server: String,

    /// How many connections.
    #[arg(short = 'n', long, default_value_t = 2000)]
    connections: usize,

    /// Only connect and close (no line echoed).
    #[arg(long)]
    no_echo: bool,

    #[command(flatten)]
    log: LogArgs,
}

fn main() -> ExitCode {
    common::lab::harness::kill_all_on_interrupt();
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init(env!("CARGO_BIN_NAME"));
    common::exit_code(run(&args))
}

fn run(args: &Args) -> anyhow::Result<()> {
    let (server, addr) = experiment::start_server(&args.server, &["-q"])?;
    let took = experiment::churn(addr, args.connections, !args.no_echo)?;
    let per_s = args.connections as f64 / took.as_secs_f64();
    writeln!(
        std::io::stdout(),
        "{}: {} sequential connections ({}) in {:.3} s: {:.0} connections/s",
        args.server,
        args.connections,
        if args.no_echo {
            "connect, close"
        } else {
            "connect, one line echoed, close"
        },
        took.as_secs_f64(),
        per_s
    )
    .context("write to stdout")?;
    experiment::wait_settled(server.pid(), addr)?;
    let zombies = observer::zombies(server.pid()).len();
    writeln!(std::io::stdout(), "zombies after: {zombies}").context("write to stdout")?;
    Ok(())
}

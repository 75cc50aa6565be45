//! A measurement, not a lesson: the lab's final fork servers against the
//! book's own shape in C, on the same machine, in the same run.
//!
//! Run:        cargo run --release -p ch05-sigchld --bin bench_vs_c
//!             cargo run --release -p ch05-sigchld --bin bench_vs_c -- \
//!                 --rounds 5 --servers tcpserv04,tcpservd
//!             cargo run --release -p ch05-sigchld --bin bench_vs_c -- \
//!                 --modes bulk --rounds 61 --servers tcpserv_c,tcpserv04
//!             (tcpserv_c, the C server again, as a control: how far
//!             apart two identical servers measure)
//! Talk to it: nothing to type; it builds `ch05-sigchld/c/tcpserv_c.c`
//!             with `cc` into the target directory (and says SKIP without a
//!             C compiler), then starts every server itself on port 0.
//! Observe:    per mode (churn, round trips, bulk half-close echo, 50
//!             concurrent clients) each server's median rate and its ratio
//!             to C, and a verdict per cell: "as fast" when the 95 %
//!             interval of the median ratio holds 1.00, "faster" when it
//!             lies above, "slower" when below. The first column after C is
//!             tcpserv_c, the same C server again: the control, how far
//!             apart two identical servers measure. Then page faults and CPU
//!             per connection, read from the server's /proc/PID/stat (its
//!             own counters plus its reaped children's: minflt + cminflt,
//!             utime + stime + cutime + cstime). By default the table also
//!             has tcpserv_c_recv: the same C server echoing with recv/send,
//!             as tcpservd does, so that what that one change is worth shows
//!             in C too. Like with like: every server ends its children
//!             with _exit and logs nothing per connection (the Rust servers
//!             run with -q; the log lines of every server are counted and
//!             printed).
//! Per mode every server is started fresh and they all stay up; then each
//! round gives every server the same work, cut into short slices that
//! take turns between the servers in the orders of a balanced Latin square
//! (each server in every position, and right after each other, equally
//! often), so that a load spike from elsewhere on the machine hits them
//! alike. A server's rate is its work over its own time; the ratio is the
//! median of the per-round ratios, printed with a 95 % confidence interval
//! for that median. Then the CPU each server and its children spent per
//! unit of work. Loopback only; every count is bounded and every run has a
//! deadline.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use ch05_sigchld::experiment::{connect, round_trip};
use clap::Parser;
use common::LogArgs;
use common::lab::harness::{DEADLINE, Proc, eventually};
use common::lab::observer;

/// Benchmarks the lab's fork servers against a C fork server (UNP Fig 5.12
/// in C, built here with cc): connection churn, line round trips, bulk
/// half-close echo and 50 concurrent clients, with page faults and CPU per
/// connection.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// The servers to compare with C, comma-separated: the lab's, or
    /// tcpserv_c (the C reference again, a control) or tcpserv_c_recv (the C
    /// reference echoing with recv/send).
    #[arg(
        long,
        default_value = "tcpserv_c,tcpserv_c_recv,tcpserv04,tcpservd_c,tcpservd",
        value_delimiter = ','
    )]
    servers: Vec<String>,

    /// Rounds per mode (the ratio is the median over rounds).
    #[arg(long, default_value_t = 21, value_parser = clap::value_parser!(u32).range(1..=100))]
    rounds: u32,

    /// Connections per round in the churn mode (connect, one line echoed,
    /// close).
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    churn: u32,

    /// Line round trips per round, on one connection.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    trips: u32,

    /// Connections per round in the bulk mode, each sending --bulk-mib MiB,
    /// then shutdown(SHUT_WR), and reading every byte back.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=1000))]
    bulk: u32,

    /// MiB per bulk connection.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=256))]
    bulk_mib: u32,

    /// Connections each of the 50 concurrent clients makes per round (each
    /// with 50 round trips).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=1000))]
    conc: u32,

    /// The modes to run, comma-separated (churn, trips, bulk, conc).
    #[arg(
        long,
        value_enum,
        default_value = "churn,trips,bulk,conc",
        value_delimiter = ','
    )]
    modes: Vec<Mode>,

    /// Tiny counts, one round: a smoke test of the bench itself.
    #[arg(long)]
    quick: bool,

    #[command(flatten)]
    log: LogArgs,
}

const CLIENTS: usize = 50;
const CONC_TRIPS: u32 = 50;
/// No single run may take longer than this.
const RUN_LIMIT: Duration = Duration::from_secs(120);

#[derive(Clone, Copy, Debug, PartialEq, clap::ValueEnum)]
enum Mode {
    Churn,
    Trips,
    Bulk,
    Conc,
}

impl Mode {
    const ALL: [Mode; 4] = [Mode::Churn, Mode::Trips, Mode::Bulk, Mode::Conc];

    fn name(self) -> &'static str {
        match self {
            Mode::Churn => "churn",
            Mode::Trips => "round trips",
            Mode::Bulk => "bulk",
            Mode::Conc => "50 clients",
        }
    }

    /// Into how many alternating slices a round's work is cut (each
    /// slice some tens of milliseconds).
    fn parts(self, args: &Args) -> u32 {
        match self {
            Mode::Churn => (args.churn / 30).max(1),
            Mode::Trips => (args.trips / 1000).max(1),
            Mode::Bulk => args.bulk,
            Mode::Conc => args.conc,
        }
    }

    /// The unit of work, for "CPU per ...".
    fn per(self) -> &'static str {
        match self {
            Mode::Churn => "conn",
            Mode::Trips | Mode::Conc => "trip",
            Mode::Bulk => "MiB",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Mode::Churn => "conn/s",
            Mode::Trips | Mode::Conc => "trips/s",
            Mode::Bulk => "MiB/s",
        }
    }
}

/// One server's run of one mode.
#[derive(Clone, Copy, Debug, Default)]
struct Sample {
    rate: f64,
    work: f64,
    time: Duration,
    conns: u64,
    faults: u64,
    cpu: Duration,
}

fn main() -> ExitCode {
    common::lab::harness::kill_all_on_interrupt();
    let mut args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init("bench_vs_c");
    if args.quick {
        (
            args.rounds,
            args.churn,
            args.trips,
            args.bulk,
            args.bulk_mib,
            args.conc,
        ) = (1, 50, 200, 2, 1, 1);
    }
    common::exit_code(run(&args))
}

fn out(line: std::fmt::Arguments<'_>) -> anyhow::Result<()> {
    writeln!(std::io::stdout(), "{line}").context("write to stdout")
}

fn progress(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn run(args: &Args) -> anyhow::Result<()> {
    let Some(c) = build_c("tcpserv_c")? else {
        return Ok(());
    };
    let mut servers = vec![("C".to_owned(), c.clone())];
    for s in &args.servers {
        if s == "tcpserv_c" {
            servers.push((s.clone(), c.clone())); // the control: the same binary
            continue;
        }
        if C_VARIANTS.iter().any(|v| v.0 == s) {
            servers.push((s.clone(), build_c(s)?.context("no C compiler")?));
            continue;
        }
        let path = common::lab::harness::bin_path(s);
        if !path.exists() {
            bail!(
                "no such server {s} at {} (build it: cargo build --release -p ch05-sigchld)",
                path.display()
            );
        }
        servers.push((s.clone(), path));
    }
    // samples[mode][server][round]
    let mut samples = vec![vec![Vec::new(); servers.len()]; Mode::ALL.len()];
    // log lines after "listening on", per server, over every mode
    let mut logged = vec![0usize; servers.len()];
    let started = Instant::now();
    for (mi, &mode) in Mode::ALL.iter().enumerate() {
        if !args.modes.contains(&mode) {
            continue;
        }
        let mut running = Vec::new();
        for (name, path) in &servers {
            let server = Proc::spawn(path, &["--port", "0", "-q"])?;
            let addr = server.listening().with_context(|| format!("start {name}"))?;
            running.push((server, addr));
        }
        let mut slice = 0;
        for round in 0..args.rounds {
            let parts = mode.parts(args);
            let mut sums = vec![Sample::default(); servers.len()];
            for _ in 0..parts {
                for si in order(servers.len(), slice) {
                    let (server, addr) = &running[si];
                    let name = &servers[si].0;
                    let s = run_one(server.pid(), *addr, mode, args, parts)
                        .with_context(|| format!("{name}, {}", mode.name()))?;
                    let t = &mut sums[si];
                    (t.work, t.time, t.conns) = (t.work + s.work, t.time + s.time, t.conns + s.conns);
                    (t.faults, t.cpu) = (t.faults + s.faults, t.cpu + s.cpu);
                }
                slice += 1;
            }
            for (si, mut t) in sums.into_iter().enumerate() {
                t.rate = t.work / t.time.as_secs_f64();
                samples[mi][si].push(t);
            }
            let line: Vec<String> = servers
                .iter()
                .zip(&samples[mi])
                .map(|((name, _), v)| format!("{name} {:.0}", v.last().map_or(0.0, |s| s.rate)))
                .collect();
            progress(format_args!(
                "[{:>5.1} s] {:<11} round {}/{} ({}): {}",
                started.elapsed().as_secs_f64(),
                mode.name(),
                round + 1,
                args.rounds,
                mode.unit(),
                line.join(", ")
            ));
        }
        for (n, (server, _)) in logged.iter_mut().zip(&running) {
            *n += server
                .stderr_text()
                .lines()
                .filter(|l| !l.contains("listening on"))
                .count();
        }
    }
    report(&servers, &samples, &logged)
}

/// The order of the servers in slice number `slice`: a balanced Latin
/// square (Williams) and its mirror image, so that over 2n slices every one
/// of n servers runs twice in every position and twice right after each of
/// the others (for 3: A B C, B C A, C A B, then C B A, A C B, B A C).
fn order(n: usize, slice: usize) -> Vec<usize> {
    // The first row 0, 1, n-1, 2, n-2, ...; row r adds r to each.
    let first = (0..n).map(|i| {
        if i % 2 == 1 {
            i.div_ceil(2)
        } else {
            (n - i / 2) % n
        }
    });
    let r = slice % n;
    let mut v: Vec<usize> = first.map(|x| (x + r) % n).collect();
    if (slice / n) % 2 == 1 {
        v.reverse();
    }
    v
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The lower and upper bounds of a 95 % confidence interval for the median
/// of `v` (distribution-free: the order statistics n/2 ∓ 0.98·√n, rounded
/// outwards), so that the table says how far its medians can be trusted.
fn median_ci(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let k = ((n as f64 / 2.0 - 0.98 * (n as f64).sqrt()).floor().max(0.0)) as usize;
    (v[k.min(n - 1)], v[(n - 1).saturating_sub(k)])
}

/// The criterion per cell: the 95 % interval of the median ratio holds 1.00
/// ("as fast") or lies above it ("faster"); below it, "SLOWER".
fn verdict(lo: f64, hi: f64) -> &'static str {
    if lo > 1.0 {
        "faster"
    } else if hi >= 1.0 {
        "as fast"
    } else {
        "SLOWER"
    }
}

fn report(
    servers: &[(String, PathBuf)],
    samples: &[Vec<Vec<Sample>>],
    logged: &[usize],
) -> anyhow::Result<()> {
    out(format_args!(
        "\nmedian rate, and ratio to C: the median of the per-round ratios [95 % confidence interval]"
    ))?;
    let head = row("mode", servers.iter().map(|(name, _)| name.clone()));
    out(format_args!("{head}"))?;
    let ran = |mi: usize| !samples[mi][0].is_empty();
    for (mi, mode) in Mode::ALL.iter().enumerate().filter(|(mi, _)| ran(*mi)) {
        let c = &samples[mi][0];
        let cells = samples[mi].iter().enumerate().map(|(si, mine)| {
            let rate = median(mine.iter().map(|s| s.rate).collect());
            let ratios: Vec<f64> = mine.iter().zip(c).map(|(m, c)| m.rate / c.rate).collect();
            if si == 0 {
                format!("{rate:.0} {}", mode.unit())
            } else {
                let (lo, hi) = median_ci(ratios.clone());
                format!("{rate:.0} {:.2}× [{lo:.2}–{hi:.2}]", median(ratios))
            }
        });
        out(format_args!("{}", row(mode.name(), cells)))?;
    }

    out(format_args!(
        "\nverdict: the 95 % interval of the median ratio holds 1.00 (as fast) or lies above it (faster)"
    ))?;
    out(format_args!("{head}"))?;
    for (mi, mode) in Mode::ALL.iter().enumerate().filter(|(mi, _)| ran(*mi)) {
        let c = &samples[mi][0];
        let cells = samples[mi].iter().enumerate().map(|(si, mine)| {
            if si == 0 {
                return "-".to_owned();
            }
            let ratios: Vec<f64> = mine.iter().zip(c).map(|(m, c)| m.rate / c.rate).collect();
            let (lo, hi) = median_ci(ratios);
            verdict(lo, hi).to_owned()
        });
        out(format_args!("{}", row(mode.name(), cells)))?;
    }
    like_with_like(servers, samples)?;
    out(format_args!(
        "\nlog lines after \"listening on\" (like with like: none per connection):"
    ))?;
    out(format_args!("{}", row("", logged.iter().map(usize::to_string))))?;

    out(format_args!(
        "\nCPU per unit of work, and ratio to C (server and its children, from /proc/PID/stat):"
    ))?;
    out(format_args!("{head}"))?;
    for (mi, mode) in Mode::ALL.iter().enumerate().filter(|(mi, _)| ran(*mi)) {
        let per = |si: usize| {
            let v = &samples[mi][si];
            let cpu: Duration = v.iter().map(|s| s.cpu).sum();
            cpu.as_secs_f64() * 1e6 / v.iter().map(|s| s.work).sum::<f64>().max(1.0)
        };
        let cells = (0..servers.len()).map(|si| {
            if si == 0 {
                format!("{:.1} µs/{}", per(0), mode.per())
            } else if per(0) > 0.0 {
                format!("{:.2}×", per(si) / per(0))
            } else {
                "(under a clock tick)".to_owned()
            }
        });
        out(format_args!("{}", row(mode.name(), cells)))?;
    }

    if !ran(0) && !ran(3) {
        return Ok(()); // neither churn nor 50 clients ran
    }
    out(format_args!(
        "\npage faults per connection (churn and 50-client runs, server and its children):"
    ))?;
    let per = |si: usize| {
        let all: Vec<&Sample> = [0, 3].iter().flat_map(|&mi| samples[mi][si].iter()).collect();
        let conns: u64 = all.iter().map(|s| s.conns).sum();
        let faults: u64 = all.iter().map(|s| s.faults).sum();
        faults as f64 / conns.max(1) as f64
    };
    let cells = (0..servers.len()).map(|si| {
        if si == 0 {
            format!("{:.1}", per(0))
        } else {
            format!("{:.1} {:.2}×", per(si), per(si) / per(0))
        }
    });
    out(format_args!("{}", row("", cells)))
}

/// Each lab server against the C server that does the same work ([`twin`]),
/// round by round: the median ratio, its 95 % interval and the verdict.
fn like_with_like(servers: &[(String, PathBuf)], samples: &[Vec<Vec<Sample>>]) -> anyhow::Result<()> {
    let pairs: Vec<(usize, usize)> = servers
        .iter()
        .enumerate()
        .filter_map(|(si, (name, _))| {
            let t = twin(name)?;
            Some((si, servers.iter().position(|(n, _)| n == t)?))
        })
        .collect();
    if pairs.is_empty() {
        return Ok(());
    }
    out(format_args!(
        "\nlike with like: each lab server against the C server doing the same work (median ratio [95 % interval], verdict)"
    ))?;
    let names = pairs
        .iter()
        .map(|&(si, ti)| format!("{} / {}", servers[si].0, servers[ti].0));
    out(format_args!("{}", row("mode", names)))?;
    for (mi, mode) in Mode::ALL.iter().enumerate() {
        if samples[mi][0].is_empty() {
            continue;
        }
        let cells = pairs.iter().map(|&(si, ti)| {
            let ratios: Vec<f64> = samples[mi][si]
                .iter()
                .zip(&samples[mi][ti])
                .map(|(m, t)| m.rate / t.rate)
                .collect();
            let (lo, hi) = median_ci(ratios.clone());
            format!("{:.2}× [{lo:.2}–{hi:.2}] {}", median(ratios), verdict(lo, hi))
        });
        out(format_args!("{}", row(mode.name(), cells)))?;
    }
    Ok(())
}

/// One line of a table: the label, then one right-aligned cell per server.
fn row(label: &str, cells: impl Iterator<Item = String>) -> String {
    cells.fold(format!("{label:<12}"), |line, cell| {
        line + &format!(" {cell:>24}")
    })
}

/// The C servers `--servers` may name, each built from its source with
/// its flags: the reference itself again (a control: how far apart two
/// identical servers measure), the reference echoing with recv/send as
/// tcpservd does, and tcpservd's C twin (`c/tcpservd_c.c`: the same work
/// as tcpservd, call for call), tcpservd's like-with-like reference.
const C_VARIANTS: [(&str, &str, &[&str]); 3] = [
    ("tcpserv_c", "c/tcpserv_c.c", &[]),
    ("tcpserv_c_recv", "c/tcpserv_c.c", &["-DRECV_SEND"]),
    ("tcpservd_c", "c/tcpservd_c.c", &[]),
];

/// The C server that does the same work as the lab's server `name`, the
/// way it does it: tcpserv04's is the reference (the book's tcpserv04 in C,
/// column 0), tcpservd's its C twin. None for the C servers themselves.
fn twin(name: &str) -> Option<&'static str> {
    match name {
        "tcpserv04" => Some("C"),
        "tcpservd" => Some("tcpservd_c"),
        _ => None,
    }
}

/// Builds a C server (one of [`C_VARIANTS`]) into the target directory;
/// None (after saying SKIP) when there is no C compiler.
fn build_c(name: &str) -> anyhow::Result<Option<PathBuf>> {
    let &(_, source, flags) = C_VARIANTS
        .iter()
        .find(|v| v.0 == name)
        .with_context(|| format!("no C server {name}"))?;
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(source);
    let exe = common::lab::harness::bin_path(name);
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    // Built aside, then renamed into place: another bench running at once
    // (two tests do) may be executing the old file, and cc cannot write
    // over a running executable (ETXTBSY); a rename can replace it.
    let tmp = exe.with_extension(format!("tmp{}", std::process::id()));
    let status = Command::new(&cc)
        .args(["-O2"])
        .args(flags)
        .arg("-o")
        .arg(&tmp)
        .arg(&src)
        .status();
    match status {
        Ok(st) if st.success() => {
            std::fs::rename(&tmp, &exe).with_context(|| format!("rename to {}", exe.display()))?;
            Ok(Some(exe))
        }
        Ok(st) => bail!("{cc} {} failed: {st}", src.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            out(format_args!(
                "SKIP: no C compiler ({cc}: {e}); nothing to compare with"
            ))?;
            Ok(None)
        }
        Err(e) => Err(e).with_context(|| format!("run {cc}")),
    }
}

/// (page faults, CPU) of `pid` and its reaped children so far.
fn cost(pid: i32) -> anyhow::Result<(u64, Duration)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).context("read /proc/PID/stat")?;
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let f: Vec<u64> = after.split_whitespace().map(|x| x.parse().unwrap_or(0)).collect();
    // fields 10, 11 (minflt, cminflt) and 14..17 (utime, stime, cutime,
    // cstime), counted from 1 with state as field 3.
    let faults = f[7] + f[8] + f[9] + f[10];
    let ticks = f[11] + f[12] + f[13] + f[14];
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { nix::libc::sysconf(nix::libc::_SC_CLK_TCK) }.max(1) as u64;
    Ok((faults, Duration::from_secs_f64(ticks as f64 / hz as f64)))
}

/// One slice of `mode`'s work against the server `pid` at `addr`, timed;
/// then its cost, once the server has reaped every child.
fn run_one(pid: i32, addr: SocketAddr, mode: Mode, args: &Args, parts: u32) -> anyhow::Result<Sample> {
    let (f0, c0) = cost(pid)?;
    let start = Instant::now();
    let (work, conns) = match mode {
        Mode::Churn => (churn(addr, args.churn / parts)?, (args.churn / parts) as u64),
        Mode::Trips => (trips(addr, args.trips / parts)?, 1),
        Mode::Bulk => (
            bulk(addr, args.bulk / parts, args.bulk_mib)?,
            (args.bulk / parts) as u64,
        ),
        Mode::Conc => (
            conc(addr, args.conc / parts)?,
            (CLIENTS as u64) * (args.conc / parts) as u64,
        ),
    };
    let took = start.elapsed();
    // Every child reaped by the server: its costs are in the c* fields.
    eventually(DEADLINE, "the server to reap every child", || {
        observer::children(pid).is_empty().then_some(())
    })?;
    let (f1, c1) = cost(pid)?;
    Ok(Sample {
        rate: work / took.as_secs_f64(),
        work,
        time: took,
        conns,
        faults: f1 - f0,
        cpu: c1.saturating_sub(c0),
    })
}

fn check_time(start: Instant) -> anyhow::Result<()> {
    if start.elapsed() > RUN_LIMIT {
        bail!("run took longer than {RUN_LIMIT:?}; use smaller counts");
    }
    Ok(())
}

fn churn(addr: SocketAddr, n: u32) -> anyhow::Result<f64> {
    let start = Instant::now();
    for i in 0..n {
        let s = connect(addr).with_context(|| format!("connection {i}"))?;
        round_trip(&s, b"x\n").with_context(|| format!("connection {i}"))?;
        if i % 256 == 0 {
            check_time(start)?;
        }
    }
    Ok(n as f64)
}

/// `n` stop-and-wait round trips of one short line on one connection.
fn trips_on(s: &socket2::Socket, n: u32, start: Instant) -> anyhow::Result<()> {
    let line = b"a line of text, echoed\n";
    let mut buf = [0u8; 64];
    let mut s: &socket2::Socket = s;
    for i in 0..n {
        s.write_all(line).context("write")?;
        let mut got = 0;
        while got < line.len() {
            let k = s.read(&mut buf[got..]).context("read")?;
            if k == 0 {
                bail!("the server closed the connection");
            }
            got += k;
        }
        if i % 1024 == 0 {
            check_time(start)?;
        }
    }
    Ok(())
}

fn trips(addr: SocketAddr, n: u32) -> anyhow::Result<f64> {
    let s = connect(addr)?;
    trips_on(&s, n, Instant::now())?;
    Ok(n as f64)
}

/// Sends `mib` MiB then shuts down the write side; reads the echo to EOF.
fn bulk(addr: SocketAddr, n: u32, mib: u32) -> anyhow::Result<f64> {
    let start = Instant::now();
    let total = mib as usize * (1 << 20);
    for i in 0..n {
        let s = connect(addr).with_context(|| format!("connection {i}"))?;
        let w = s.try_clone().context("dup")?;
        let writer = std::thread::spawn(move || -> std::io::Result<()> {
            let chunk = vec![0x5au8; 64 * 1024];
            let mut w: &socket2::Socket = &w;
            let mut left = total;
            while left > 0 {
                let k = left.min(chunk.len());
                w.write_all(&chunk[..k])?;
                left -= k;
            }
            w.shutdown(Shutdown::Write)
        });
        let mut got = 0usize;
        let mut buf = vec![0u8; 64 * 1024];
        let mut r: &socket2::Socket = &s;
        loop {
            let k = r.read(&mut buf).context("read")?;
            if k == 0 {
                break;
            }
            got += k;
        }
        writer
            .join()
            .map_err(|_| anyhow::anyhow!("writer panicked"))?
            .context("write")?;
        if got != total {
            bail!("connection {i}: {got} of {total} bytes came back");
        }
        check_time(start)?;
    }
    Ok(n as f64 * mib as f64)
}

/// 50 clients at once, each making `per` connections of 50 round trips.
fn conc(addr: SocketAddr, per: u32) -> anyhow::Result<f64> {
    let start = Instant::now();
    let handles: Vec<_> = (0..CLIENTS)
        .map(|_| {
            std::thread::spawn(move || -> anyhow::Result<()> {
                for _ in 0..per {
                    let s = connect(addr)?;
                    trips_on(&s, CONC_TRIPS, start)?;
                }
                Ok(())
            })
        })
        .collect();
    for h in handles {
        h.join().map_err(|_| anyhow::anyhow!("client panicked"))??;
    }
    Ok((CLIENTS as u32 * per * CONC_TRIPS) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_server_runs_in_every_position_and_after_every_other_alike() {
        for n in 2..=5 {
            let mut at = vec![vec![0; n]; n]; // at[server][position]
            let mut after = vec![vec![0; n]; n]; // after[server][previous]
            for slice in 0..2 * n {
                let o = order(n, slice);
                let mut seen = o.clone();
                seen.sort();
                assert_eq!(seen, (0..n).collect::<Vec<_>>(), "slice {slice}: {o:?}");
                for (pos, &s) in o.iter().enumerate() {
                    at[s][pos] += 1;
                    if pos > 0 {
                        after[s][o[pos - 1]] += 1;
                    }
                }
            }
            assert!(at.iter().flatten().all(|&k| k == 2), "n = {n}: {at:?}");
            for (s, row) in after.iter().enumerate() {
                let others: Vec<_> = (0..n).filter(|&p| p != s).map(|p| row[p]).collect();
                assert!(others.iter().all(|&k| k == others[0]), "n = {n}: {after:?}");
            }
        }
    }

    #[test]
    fn each_lab_server_is_paired_with_the_c_server_doing_its_work() {
        assert_eq!(twin("tcpserv04"), Some("C"));
        assert_eq!(twin("tcpservd"), Some("tcpservd_c"));
        assert_eq!(twin("tcpservd_c"), None);
        assert_eq!(twin("tcpserv_c"), None);
        // Every twin is a server the bench can build (or the reference).
        for name in ["tcpserv04", "tcpservd"] {
            let t = twin(name).unwrap();
            assert!(t == "C" || C_VARIANTS.iter().any(|v| v.0 == t), "{t}");
        }
    }

    #[test]
    fn the_verdict_asks_the_interval_to_hold_one_or_lie_above() {
        assert_eq!(verdict(0.97, 1.03), "as fast");
        assert_eq!(verdict(0.95, 1.00), "as fast");
        assert_eq!(verdict(1.01, 1.10), "faster");
        assert_eq!(verdict(0.90, 0.99), "SLOWER");
    }

    #[test]
    fn the_median_interval_is_the_order_statistics_around_the_median() {
        let v: Vec<f64> = (0..21).map(|i| 1.0 + (i as f64 - 10.0) / 100.0).collect();
        let (lo, hi) = median_ci(v.clone());
        assert!(lo < median(v.clone()) && median(v) < hi, "{lo} {hi}");
        assert_eq!((lo, hi), (0.96, 1.04)); // order statistics 7 and 15 of 21
        assert_eq!(median_ci(vec![1.0]), (1.0, 1.0));
        assert_eq!(median_ci(vec![0.9, 1.1, 1.0]), (0.9, 1.1));
    }
}

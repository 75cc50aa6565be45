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
//!             to C (≥ 1.00× means as fast as C); then page faults and CPU
//!             per connection, read from the server's /proc/PID/stat (its
//!             own counters plus its reaped children's: minflt + cminflt,
//!             utime + stime + cutime + cstime).
//! Per mode every server is started fresh and they all stay up; then each
//! round gives every server the same work, cut into short slices that
//! alternate between the servers (A/B, then B/A, ...), so that a load spike
//! from elsewhere on the machine hits them alike. A server's rate is its work over its own time; the ratio is
//! the median of the per-round ratios. Loopback only; every count is
//! bounded and every run has a deadline.

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
    /// The lab's servers to compare with C, comma-separated.
    #[arg(long, default_value = "tcpserv04,tcpservd", value_delimiter = ',')]
    servers: Vec<String>,

    /// A/B rounds per mode (the ratio is the median over rounds).
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
    let mut args = Args::parse();
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
    let Some(c) = build_c()? else {
        return Ok(());
    };
    let mut servers = vec![("C".to_owned(), c)];
    for s in &args.servers {
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
        for round in 0..args.rounds {
            let mut order: Vec<usize> = (0..servers.len()).collect();
            if round % 2 == 1 {
                order.reverse(); // A/B, then B/A
            }
            let parts = mode.parts(args);
            let mut sums = vec![Sample::default(); servers.len()];
            for part in 0..parts {
                if part % 2 == 1 {
                    order.reverse(); // A/B, then B/A, slice by slice
                }
                for &si in &order {
                    let (server, addr) = &running[si];
                    let name = &servers[si].0;
                    let s = run_one(server.pid(), *addr, mode, args, parts)
                        .with_context(|| format!("{name}, {}", mode.name()))?;
                    let t = &mut sums[si];
                    (t.work, t.time, t.conns) = (t.work + s.work, t.time + s.time, t.conns + s.conns);
                    (t.faults, t.cpu) = (t.faults + s.faults, t.cpu + s.cpu);
                }
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
    }
    report(&servers, &samples)
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

fn report(servers: &[(String, PathBuf)], samples: &[Vec<Vec<Sample>>]) -> anyhow::Result<()> {
    out(format_args!(
        "\nmedian rate, and ratio to C (median of the per-round ratios):"
    ))?;
    let mut head = format!("{:<12}", "mode");
    for (name, _) in servers {
        head += &format!(" {name:>22}");
    }
    out(format_args!("{head}"))?;
    for (mi, mode) in Mode::ALL.iter().enumerate() {
        if samples[mi][0].is_empty() {
            continue;
        }
        let mut line = format!("{:<12}", mode.name());
        let c = &samples[mi][0];
        for (si, _) in servers.iter().enumerate() {
            let mine = &samples[mi][si];
            let rate = median(mine.iter().map(|s| s.rate).collect());
            let ratio = median(mine.iter().zip(c).map(|(m, c)| m.rate / c.rate).collect());
            let cell = if si == 0 {
                format!("{rate:.0} {}", mode.unit())
            } else {
                format!("{rate:.0} {:.2}×", ratio)
            };
            line += &format!(" {cell:>22}");
        }
        out(format_args!("{line}"))?;
    }
    if samples[0][0].is_empty() && samples[3][0].is_empty() {
        return Ok(()); // neither churn nor 50 clients ran
    }
    out(format_args!(
        "\nper connection (churn and 50-client runs; server and its children, from /proc/PID/stat):"
    ))?;
    out(format_args!(
        "{:<12} {:>14} {:>10} {:>14} {:>10}",
        "server", "page faults", "÷ C", "CPU µs", "÷ C"
    ))?;
    let per = |si: usize| {
        let all: Vec<&Sample> = [0, 3].iter().flat_map(|&mi| samples[mi][si].iter()).collect();
        let conns: u64 = all.iter().map(|s| s.conns).sum();
        let faults: u64 = all.iter().map(|s| s.faults).sum();
        let cpu: Duration = all.iter().map(|s| s.cpu).sum();
        let conns = conns.max(1) as f64;
        (faults as f64 / conns, cpu.as_secs_f64() * 1e6 / conns)
    };
    let (cf, cc) = per(0);
    for (si, (name, _)) in servers.iter().enumerate() {
        let (f, c) = per(si);
        out(format_args!(
            "{name:<12} {f:>14.1} {:>9.2}× {c:>14.0} {:>9.2}×",
            f / cf,
            c / cc
        ))?;
    }
    Ok(())
}

/// Builds the C reference server into the target directory; None (after
/// saying SKIP) when there is no C compiler.
fn build_c() -> anyhow::Result<Option<PathBuf>> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("c/tcpserv_c.c");
    let exe = common::lab::harness::bin_path("tcpserv_c");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let status = Command::new(&cc).args(["-O2", "-o"]).arg(&exe).arg(&src).status();
    match status {
        Ok(st) if st.success() => Ok(Some(exe)),
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

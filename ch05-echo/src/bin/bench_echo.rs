//! Bench (not a test): what half-close buys, measured in one run.
//!
//! Run:        cargo run --release -p ch05-echo --bin bench_echo
//!             (build first so the sibling programs exist in target/release:
//!             cargo build --release -p ch05-echo)
//! Measures:   1. the same 20,000 lines through tcpcli01 (stop-and-wait: one
//!                round trip per line) and through echo_mpclient (writer and
//!                reader apart, shutdown at EOF): time per line;
//!             2. bulk echo throughput (MiB/s) of echo_mpclient --batch
//!                against tcpserv01, and against a minimal no-fork echo
//!                loop; and that loop with an in-process two-thread client
//!                as the reference. The ratios are what to compare across
//!                machines; the absolute numbers are this machine's.
//! Each client's echo is checked once by byte count (into a file); the
//! timed bulk runs send it to /dev/null.

use std::fs::File;
use std::io::Write as _;
use std::net::{Shutdown, SocketAddr};
use std::process::{Command, ExitCode, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use clap::Parser;
use common::lab::harness::{Proc, bin_path, kill_all_on_interrupt};
use common::wrapsock::{accept, bind, connect, listen, socket};
use common::wrapunix::read;
use common::writen::writen;
use socket2::{Domain, SockAddr, Socket, Type};

/// Line round-trip cost of tcpcli01 vs echo_mpclient, and bulk half-close
/// echo throughput of tcpserv01 vs a minimal no-fork echo loop.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// Lines for the round-trip comparison.
    #[arg(long, default_value_t = 20_000)]
    lines: usize,

    /// MiB for the bulk comparison.
    #[arg(long, default_value_t = 256)]
    mib: usize,

    /// Timed runs of each bulk measurement; the best is reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
}

fn main() -> ExitCode {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    common::log::init("bench_echo", 0, true);
    common::exit_code(run(&args))
}

const BUFSIZE: usize = 64 * 1024;

fn run(args: &Args) -> anyhow::Result<()> {
    kill_all_on_interrupt();
    if cfg!(debug_assertions) {
        println!("note: a debug build; run with --release for numbers worth reporting");
    }
    let dir = std::env::temp_dir().join(format!("bench_echo.{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = measure(args, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn measure(args: &Args, dir: &std::path::Path) -> anyhow::Result<()> {
    let serv = Proc::spawn(bin_path("tcpserv01"), &["--port", "0", "-q"])?;
    let port = serv.listening()?.port();
    let reference = EchoLoop::start()?;

    // 1. Lines.
    let lines_file = dir.join("lines");
    let mut text = Vec::new();
    for i in 0..args.lines {
        writeln!(text, "line {i:06} of the batch: some text to echo")?;
    }
    std::fs::write(&lines_file, &text)?;
    println!("== {} lines ({} bytes) through tcpserv01", args.lines, text.len());
    let stop_and_wait = client("tcpcli01", port, &[], &lines_file, Some(text.len()))?;
    let pipelined = client("echo_mpclient", port, &["--batch"], &lines_file, Some(text.len()))?;
    let per_line = |d: Duration| d.as_secs_f64() * 1e6 / args.lines as f64;
    println!(
        "tcpcli01       (stop-and-wait) {:>8.1} µs/line  {:>7.3} s",
        per_line(stop_and_wait),
        stop_and_wait.as_secs_f64()
    );
    println!(
        "echo_mpclient  (half-close)    {:>8.1} µs/line  {:>7.3} s",
        per_line(pipelined),
        pipelined.as_secs_f64()
    );
    println!(
        "ratio: tcpcli01 takes {:.1}× as long",
        stop_and_wait.as_secs_f64() / pipelined.as_secs_f64()
    );

    // 2. Bulk.
    let bulk = args.mib << 20;
    let bulk_file = dir.join("bulk");
    let mut data = vec![0u8; bulk];
    let mut x: u32 = 1;
    for b in &mut data {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        *b = (x >> 24) as u8;
    }
    std::fs::write(&bulk_file, &data)?;
    println!("\n== {} MiB bulk echo, best of {}", args.mib, args.runs);
    let mibs = |d: Duration| args.mib as f64 / d.as_secs_f64();
    let best = |f: &mut dyn FnMut() -> anyhow::Result<Duration>| -> anyhow::Result<Duration> {
        let mut best = Duration::MAX;
        for _ in 0..args.runs.max(1) {
            best = best.min(f()?);
        }
        Ok(best)
    };
    let refport = reference.addr.port();
    for p in [port, refport] {
        client("echo_mpclient", p, &["--batch"], &bulk_file, Some(bulk))?; // byte count checked
    }
    let a = best(&mut || client("echo_mpclient", port, &["--batch"], &bulk_file, None))?;
    let b = best(&mut || client("echo_mpclient", refport, &["--batch"], &bulk_file, None))?;
    let c = best(&mut || reference_client(reference.addr, &data))?;
    println!("echo_mpclient ↔ tcpserv01        {:>8.0} MiB/s", mibs(a));
    println!("echo_mpclient ↔ no-fork loop     {:>8.0} MiB/s", mibs(b));
    println!(
        "thread client ↔ no-fork loop     {:>8.0} MiB/s  (reference)",
        mibs(c)
    );
    println!(
        "ratio: echo_mpclient + tcpserv01 reach {:.0} % of the reference",
        100.0 * mibs(a) / mibs(c)
    );
    println!(
        "ratio: echo_mpclient + no-fork loop reach {:.0} % of the reference",
        100.0 * mibs(b) / mibs(c)
    );
    Ok(())
}

/// Runs client `name` against `port` with stdin from `input`; returns the
/// wall time. With `expect` the echo goes to a file whose size is checked;
/// without, to /dev/null (a timed run: writing hundreds of MiB to a file
/// would measure the disk, not the echo).
fn client(
    name: &str,
    port: u16,
    flags: &[&str],
    input: &std::path::Path,
    expect: Option<usize>,
) -> anyhow::Result<Duration> {
    let out = input.with_extension("out");
    let t0 = Instant::now();
    let st = Command::new(bin_path(name))
        .args(["127.0.0.1", "--port", &port.to_string()])
        .args(flags)
        .stdin(File::open(input)?)
        .stdout(match expect {
            Some(_) => File::create(&out)?,
            None => File::create("/dev/null")?,
        })
        .stderr(Stdio::inherit())
        .status()
        .with_context(|| format!("cannot run {name} (build with --release first)"))?;
    let took = t0.elapsed();
    ensure!(st.success(), "{name} failed: {st}");
    if let Some(expect) = expect {
        let got = std::fs::metadata(&out)?.len() as usize;
        ensure!(got == expect, "{name}: {got} bytes came back, expected {expect}");
    }
    Ok(took)
}

/// The reference server: one thread, no fork, 64 KiB read → write loop.
struct EchoLoop {
    addr: SocketAddr,
}

impl EchoLoop {
    fn start() -> anyhow::Result<EchoLoop> {
        let l = socket(Domain::IPV4, Type::STREAM, None)?;
        bind(&l, &SockAddr::from(SocketAddr::from(([127, 0, 0, 1], 0))))?;
        listen(&l, 16)?;
        let addr = l.local_addr()?.as_socket().context("no address")?;
        thread::spawn(move || {
            while let Ok((c, _)) = accept(&l) {
                thread::spawn(move || echo(&c));
            }
        });
        Ok(EchoLoop { addr })
    }
}

fn echo(c: &Socket) {
    let mut buf = vec![0u8; BUFSIZE];
    while let Ok(n @ 1..) = read(c, &mut buf) {
        if writen(c, &buf[..n]).is_err() {
            return;
        }
    }
}

/// The reference client: a writer thread and a reader thread on one socket.
fn reference_client(addr: SocketAddr, data: &[u8]) -> anyhow::Result<Duration> {
    let s = socket(Domain::IPV4, Type::STREAM, None)?;
    connect(&s, &SockAddr::from(addr))?;
    let w = s.try_clone()?;
    let t0 = Instant::now();
    let got = thread::scope(|scope| {
        scope.spawn(|| {
            for chunk in data.chunks(BUFSIZE) {
                if writen(&w, chunk).is_err() {
                    return;
                }
            }
            let _ = w.shutdown(Shutdown::Write);
        });
        let mut buf = vec![0u8; BUFSIZE];
        let mut got = 0usize;
        while let Ok(n @ 1..) = read(&s, &mut buf) {
            got += n;
        }
        got
    });
    let took = t0.elapsed();
    if got != data.len() {
        bail!("reference: {got} bytes came back, expected {}", data.len());
    }
    Ok(took)
}

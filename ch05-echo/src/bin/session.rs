//! UNP §5.6–5.7, Fig 4.14–4.17 — one echo session from start to end, with
//! the processes and the TCP states of both ends shown at every step.
//!
//! Run:        cargo run -p ch05-echo            (this is the default program)
//!             cargo run -p ch05-echo -- --pause (Enter between steps)
//!             sudo target/debug/session --packets --pcap session.pcap
//!             (the TCP segments of each step; root or `unshare -rn`)
//! Observe:    1. the listener alone (LISTEN);
//!             2. after connect: both ends ESTABLISHED, the parent and a
//!                forked child, the connection held by the child only;
//!             3. one line round trip;
//!             4. client EOF: the client's end FIN_WAIT_2, the child's end
//!                CLOSE_WAIT (the child is held stopped so you can see it);
//!             5. the child ends: the client's end TIME_WAIT (the side that
//!                closed first), the child a zombie (`Z`, tcpserv01 never
//!                calls wait — fixed in ch05-sigchld).
//! It runs tcpserv01 and tcpcli01 on an ephemeral port, takes under a
//! second, and kills everything it started, also on Ctrl-C.
//! Changed from the book: the book shows these steps with `netstat -a` and
//! `ps` typed by hand (§5.6, 5.7); here /proc is read between the steps.

use ch05_echo::demo::{new_log_lines, show, step};
use clap::Parser;
use common::lab::harness::{
    DEADLINE, Proc, bin_path, cont, kill_all_on_interrupt, stop, wait_children, wait_server_tcp, wait_zombies,
};
use common::lab::packets::{ACK, FIN, Segment, Segments};
use common::lab::pause::Pause;
use common::lang::n_;
use common::tr_println;
use std::process::ExitCode;

/// UNP §5.6–5.7: a guided echo session — start, accept, fork, one line,
/// client EOF, the four-segment close — with `ps` and `netstat` views read
/// from /proc at each step. Leaves nothing running.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// Wait for Enter between steps (for a classroom: look with ps / ss).
    #[arg(long)]
    pause: bool,

    /// The server's port (0, the default: an ephemeral one).
    #[arg(short, long, default_value_t = 0, value_parser = common::args::parse_port, allow_negative_numbers = true)]
    port: u16,

    #[command(flatten)]
    packets: common::args::PacketArgs,

    #[command(flatten)]
    log: common::LogArgs,
}

fn main() -> ExitCode {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init("session");
    let mut segs = Segments::from_args(&args.packets);
    let done = run(Pause::new(args.pause), args.port, &mut segs);
    let saved = segs.finish(&args.packets);
    common::exit_code(done.and(saved))
}

/// Has `port`'s end sent a FIN (`from_server`) or received one, and has
/// the other end acknowledged it?
fn fin_acked(s: &[Segment], port: u16, from_server: bool) -> bool {
    s.iter()
        .filter(|f| f.has(FIN) && f.from(port) == from_server)
        .any(|f| s.iter().any(|a| a.dst == f.src && a.ack == f.next_seq()))
}

fn run(mut pause: Pause, port: u16, segs: &mut Segments) -> anyhow::Result<()> {
    kill_all_on_interrupt();
    // ANCHOR: run
    let serv = Proc::spawn(bin_path("tcpserv01"), &["--port", &port.to_string()])?;
    let port = serv.listening()?.port();
    let sp = serv.pid();
    segs.watch(port);
    let (mut seen, mut cseen) = (0, 0);
    step(n_(
        "1. tcpserv01 started: socket, bind, listen; it blocks in accept (Fig 4.14)",
    ));
    new_log_lines(&serv, &mut seen);
    show(&[serv.pid()], port);

    pause.wait();
    let mut cli = Proc::spawn(bin_path("tcpcli01"), &["127.0.0.1", "--port", &port.to_string()])?;
    let child = wait_children(serv.pid(), 1, DEADLINE)?[0].pid;
    // The client's end, by its holder: its address names this connection.
    let cli_end = wait_server_tcp(sp, port, "ESTABLISHED", DEADLINE, |t| {
        t.remote.port() == port && common::lab::observer::holders(t.inode, &[cli.pid()]) == [cli.pid()]
    })?
    .local;
    serv.wait_stderr("connection from", DEADLINE)?;
    step(n_(
        "2. tcpcli01 connected; accept returned; the server forked (Fig 4.15–4.17)",
    ));
    new_log_lines(&serv, &mut seen);
    tr_println!("  the parent closed its copy of the connection: only the child holds it");
    show(&[serv.pid(), cli.pid()], port);
    segs.show(|s| s.iter().any(|x| x.to(port) && x.flags == ACK));

    pause.wait();
    cli.write_stdin(b"hello, world\n")?;
    cli.wait_stdout(b"hello, world\n", DEADLINE)?;
    step(n_("3. a line typed into the client came back (§5.5)"));
    tr_println!(
        "  client stdout │ {out}",
        out = String::from_utf8_lossy(&cli.stdout_bytes()).trim_end()
    );
    segs.show(|s| s.iter().any(|x| x.from(port) && x.len > 0));

    pause.wait();
    stop(child)?; // hold the child so the half-closed states stay visible
    cli.close_stdin(); // the terminal's EOF (Ctrl-D)
    cli.expect_exit(0, DEADLINE)?;
    wait_server_tcp(sp, port, "CLOSE_WAIT", DEADLINE, |t| t.remote == cli_end)?;
    wait_server_tcp(sp, port, "FIN_WAIT_2", DEADLINE, |t| t.local == cli_end)?;
    step(n_(
        "4. EOF: the client exited; its FIN got an ACK (§5.7 steps 1–3; the child is held stopped)",
    ));
    new_log_lines(&cli, &mut cseen);
    show(&[serv.pid()], port);
    segs.show(|s| fin_acked(s, port, false));

    pause.wait();
    cont(child)?;
    wait_zombies(serv.pid(), 1, DEADLINE)?;
    wait_server_tcp(sp, port, "TIME_WAIT", DEADLINE, |t| t.local == cli_end)?;
    step(n_(
        "5. the child read EOF and exited: its FIN, the client's ACK (§5.7 steps 4–7)",
    ));
    show(&[serv.pid()], port);
    segs.show(|s| fin_acked(s, port, true));
    tr_println!(
        "\nTIME_WAIT is on the client's side, the end that closed first; it lasts 60 s on Linux.\n\
         The child is a zombie: tcpserv01 never calls wait (see ch05-sigchld)."
    );
    // ANCHOR_END: run
    drop(serv); // kills tcpserv01; its zombie goes with it: nothing is left
    Ok(())
}

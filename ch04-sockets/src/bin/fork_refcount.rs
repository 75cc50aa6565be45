//! UNP §4.7–4.9, Fig 4.14–4.17; TCPIP ch.10 exercise 3 — what fork does to
//! socket descriptors: the child gets the same descriptor numbers for the
//! same sockets, each socket counts its descriptors, close() only drops one,
//! and shutdown() acts on the socket itself, for every process holding it.
//!
//! Run:        cargo run -p ch04-sockets --bin fork_refcount
//!             cargo run -p ch04-sockets --bin fork_refcount -- --pause
//! Talk to it: nothing to type (with --pause: Enter goes on; meanwhile
//!             ls -l /proc/<pid>/fd for the pids it prints).
//! Observe:    after fork, parent and child list the same fd numbers for the
//!             same sockets (HELD BY shows both); after the parent's close()
//!             the client still talks to the child; after the parent's
//!             shutdown() the client reads end of file and so does the child,
//!             although the child never closed anything.
//!             --packets (root or `unshare -rn`): the segments with each
//!             table — none at the parent's close(), a FIN at its shutdown().
//! Changed from the book: three processes in one program — the server
//! (parent), its child, and a client forked first — so the whole of Fig
//! 4.14–4.17 is printed from one run. The client obeys the parent through a
//! socketpair; the child stops itself (SIGSTOP) right after fork until the
//! parent has shown the after-fork state.

use std::io::{self, Read as _, Write as _};
use std::net::{Ipv4Addr, Shutdown, SocketAddr};
use std::os::fd::{AsFd, AsRawFd};
use std::sync::Mutex;
use std::time::Duration;

use ch04_sockets::{Holder, wait_states};
use clap::Parser;
use common::LogArgs;
use common::lab::harness::{eventually, wait_state};
use common::lab::observer::socket_fds;
use common::lab::packets::{Segments, all_acked};
use common::lab::pause::Pause;
use common::readline::{Readline, Rline};
use common::tr_println;
use common::wrapsock::{Accept, Bind, Close, Connect, Getsockname, Listen, Shutdown, Socket};
use common::wrapunix::{Fork, Waitpid};
use common::writen::Writen;
use nix::sys::signal::{Signal, kill, raise};
use nix::unistd::{ForkResult, Pid};
use socket2::{Domain, SockAddr, Type};

/// UNP §4.7–4.9 (Fig 4.14–4.17): fork and shared socket descriptors. A
/// server accepts a connection and forks; the program prints, after each
/// step, which process holds which descriptor of which socket, and the TCP
/// states. Then: the parent's close() leaves the connection to the child;
/// the parent's shutdown() ends it for the child too.
#[derive(Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// Wait for Enter between steps (`--step` is an older spelling).
    #[arg(long, alias = "step")]
    pause: bool,

    #[command(flatten)]
    packets: common::args::PacketArgs,

    #[command(flatten)]
    log: LogArgs,
}

/// Commands the parent sends the client over their socketpair.
const CONNECT: u8 = b'c';
const SEND: u8 = b's';
const EXPECT_EOF: u8 = b'e';
const CLOSE: u8 = b'x';
const QUIT: u8 = b'q';

fn main() {
    let args = common::lang::parse::<Args>(); // --lang, and --help in Chinese
    args.log.init(env!("CARGO_BIN_NAME"));
    let mut pause = Pause::new(args.pause);
    let parent = std::process::id() as i32;

    let listenfd = Socket(Domain::IPV4, Type::STREAM, None);
    Bind(
        &listenfd,
        &SockAddr::from(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
    );
    Listen(&listenfd, 5);
    let servaddr = Getsockname(&listenfd);
    let at = servaddr
        .as_socket()
        .unwrap_or_else(|| common::error::err_quit("not an IP address"));
    let lfd = listenfd.as_raw_fd();
    let mut segs = Segments::from_args(&args.packets);
    segs.watch(at.port());
    *SEGMENTS.lock().unwrap_or_else(|e| e.into_inner()) = Some(segs);
    tr_println!(
        "parent (the server) pid {parent}: listenfd = {lfd}, listening on {servaddr}",
        parent,
        lfd,
        servaddr = common::sock_ntop::sock_ntop(&servaddr)
    );

    // The client: a process of its own, forked before any connection exists.
    let (to_client, client_end) = socket2::Socket::pair(Domain::UNIX, Type::STREAM, None)
        .unwrap_or_else(|e| common::error::err_sys("socketpair error", &e));
    // SAFETY: single-threaded program: no other thread holds a lock.
    let client = match unsafe { Fork() } {
        ForkResult::Child => {
            drop(listenfd); // the client has no use for the server's socket
            drop(to_client);
            client_main(client_end, &servaddr)
        }
        ForkResult::Parent { child } => child.as_raw(),
    };
    drop(client_end);
    tr_println!(
        "client pid {client}: forked first; it closed its copy of listenfd",
        client
    );
    println!();

    // ANCHOR: fig4_14
    tr_println!("== Fig 4.14: the client has connected; accept has not returned yet");
    command(&to_client, CONNECT);
    let names = [(lfd, "listenfd")];
    let cnames = [(3, "sockfd")];
    show(
        at,
        &["LISTEN", "ESTABLISHED", "ESTABLISHED"],
        &[(parent, "parent", &names[..]), (client, "client", &cnames[..])],
    );
    pause.wait();
    // ANCHOR_END: fig4_14

    // ANCHOR: fig4_15
    let (connfd, _) = Accept(&listenfd);
    let cfd = connfd.as_raw_fd();
    tr_println!(
        "== Fig 4.15: accept returned connfd = {cfd}; listenfd = {lfd} still listens",
        cfd,
        lfd
    );
    let names = [(lfd, "listenfd"), (cfd, "connfd")];
    show(
        at,
        &["LISTEN", "ESTABLISHED", "ESTABLISHED"],
        &[(parent, "parent", &names[..]), (client, "client", &cnames[..])],
    );
    pause.wait();
    // ANCHOR_END: fig4_15

    // ANCHOR: fig4_16
    // SAFETY: single-threaded program: no other thread holds a lock.
    let child = match unsafe { Fork() } {
        ForkResult::Child => {
            drop(to_client); // not the child's business
            let _ = raise(Signal::SIGSTOP); // until the parent has looked
            Close(listenfd); // the child does not accept
            serve(connfd)
        }
        ForkResult::Parent { child } => child.as_raw(),
    };
    wait_state(child, 'T', Duration::from_secs(5))
        .unwrap_or_else(|e| common::error::err_quit(&format!("{e}")));
    tr_println!(
        "== Fig 4.16: after fork() the child (pid {child}) has the same descriptors",
        child
    );
    print_fds("parent", parent, at);
    print_fds("child ", child, at);
    let who = [
        (parent, "parent", &names[..]),
        (child, "child", &names[..]),
        (client, "client", &cnames[..]),
    ];
    show(at, &["LISTEN", "ESTABLISHED", "ESTABLISHED"], &who);
    pause.wait();
    // ANCHOR_END: fig4_16

    // ANCHOR: fig4_17
    Close(connfd); // the parent does not talk to the client
    let _ = kill(Pid::from_raw(child), Signal::SIGCONT); // the child closes listenfd
    dropped(child, lfd);
    tr_println!(
        "== Fig 4.17: the parent closed connfd = {cfd}, the child closed listenfd = {lfd}",
        cfd,
        lfd
    );
    show(at, &["LISTEN", "ESTABLISHED", "ESTABLISHED"], &who);
    command(&to_client, SEND);
    println!("result: close client=reply   <- close() in the parent did not end the connection");
    pause.wait();
    // ANCHOR_END: fig4_17

    tr_println!("== the client closes; the child reads end of file and exits");
    command(&to_client, CLOSE);
    tr_println!(
        "parent: waitpid({child}) = {status}",
        child,
        status = format!("{:?}", Waitpid(Some(Pid::from_raw(child)), None))
    );
    println!();

    // ANCHOR: shutdown
    tr_println!("== shutdown() instead of close(): a second connection, a second child");
    command(&to_client, CONNECT);
    let (connfd, _) = Accept(&listenfd);
    let cfd = connfd.as_raw_fd();
    // SAFETY: single-threaded program: no other thread holds a lock.
    let child = match unsafe { Fork() } {
        ForkResult::Child => {
            drop(to_client);
            Close(listenfd);
            serve(connfd)
        }
        ForkResult::Parent { child } => child.as_raw(),
    };
    dropped(child, lfd);
    tr_println!(
        "accept() = {cfd}, fork() = {child}; the child closed listenfd and reads connfd = {cfd}",
        cfd,
        child
    );
    let names = [(lfd, "listenfd"), (cfd, "connfd")];
    let who = [
        (parent, "parent", &names[..]),
        (child, "child", &names[..]),
        (client, "client", &cnames[..]),
    ];
    show(at, &["LISTEN", "TIME_WAIT", "ESTABLISHED", "ESTABLISHED"], &who);
    Shutdown(&connfd, Shutdown::Both);
    tr_println!(
        "parent: shutdown({cfd}, SHUT_RDWR) = 0   <- the child still holds fd {cfd}",
        cfd
    );
    command(&to_client, EXPECT_EOF);
    tr_println!(
        "parent: waitpid({child}) = {status}",
        child,
        status = format!("{:?}", Waitpid(Some(Pid::from_raw(child)), None))
    );
    show(at, &["LISTEN", "TIME_WAIT", "FIN_WAIT_2", "CLOSE_WAIT"], &who);
    println!("result: shutdown client=eof   <- shutdown() ended it for every holder");
    pause.wait();
    // ANCHOR_END: shutdown

    Close(connfd);
    let _ = (&to_client).write_all(&[QUIT]); // the client exits: no answer
    tr_println!(
        "parent: waitpid({client}) = {status}",
        client,
        status = format!("{:?}", Waitpid(Some(Pid::from_raw(client)), None))
    );
    if let Some(segs) = SEGMENTS.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
        segs.show(all_acked);
        segs.finish(&args.packets)
            .unwrap_or_else(|e| common::error::err_quit(&format!("{e:#}")));
    }
    std::process::exit(0);
}

/// Sends `cmd` to the client and waits for its acknowledgement, so that
/// what the client prints comes before what the parent prints next.
fn command(to_client: &socket2::Socket, cmd: u8) {
    let mut s = to_client;
    let mut ack = [0u8; 1];
    if s.write_all(&[cmd]).and_then(|()| s.read_exact(&mut ack)).is_err() {
        common::error::err_quit("the client process is gone");
    }
}

/// Waits (bounded) until `pid` no longer holds descriptor `fd`.
fn dropped(pid: i32, fd: i32) {
    let gone = eventually(Duration::from_secs(5), "the child to close listenfd", || {
        (!socket_fds(pid).iter().any(|&(f, _)| f == fd)).then_some(())
    });
    gone.unwrap_or_else(|e| common::error::err_quit(&format!("{e}")));
}

/// "parent fds: 3 -> socket:[12345], 5 -> socket:[12346]" (TCP sockets
/// only; the socketpair to the client is left out).
fn print_fds(who: &str, pid: i32, at: SocketAddr) {
    let tcp: Vec<u64> = common::lab::observer::tcp_sockets_at(at)
        .iter()
        .map(|t| t.inode)
        .collect();
    let list: Vec<String> = socket_fds(pid)
        .into_iter()
        .filter(|(_, inode)| tcp.contains(inode))
        .map(|(fd, inode)| format!("{fd} -> socket:[{inode}]"))
        .collect();
    tr_println!("{who} (pid {pid}) fds: {fds}", who, pid, fds = list.join(", "));
}

/// Who holds what: (pid, role, the program's names for its descriptors).
type Who<'a> = (i32, &'a str, &'a [(i32, &'a str)]);

/// Waits for the states, then prints the table with the holders named
/// (and, with --packets, the segments since the last table).
fn show(at: SocketAddr, expect: &[&str], who: &[Who]) {
    let socks = wait_states(at, expect, Duration::from_secs(1));
    let holders: Vec<Holder> = who
        .iter()
        .map(|&(pid, who, names)| Holder { pid, who, names })
        .collect();
    print!("{}", ch04_sockets::format_table(&socks, &holders, 4));
    if let Some(segs) = SEGMENTS.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
        segs.show(all_acked);
    }
}

/// `--packets` / `--pcap`: the port's segments, shown with each table.
/// A static, so the figures' code stays as it is. No thread (the parent
/// forks): the kernel holds the frames until `show` reads them.
static SEGMENTS: Mutex<Option<Segments>> = Mutex::new(None);

// ANCHOR: serve
/// The server child: answers each line with "child PID echoes: LINE" until
/// read returns 0 — the client's FIN, or a shutdown by another process.
fn serve(connfd: socket2::Socket) -> ! {
    let me = std::process::id();
    let mut conn = Rline::new(&connfd);
    let mut line = Vec::new();
    loop {
        match conn.readline(&mut line) {
            Ok(0) => {
                tr_println!(
                    "child {me}: read() = 0: end of file on connfd = {fd}",
                    me,
                    fd = connfd.as_raw_fd()
                );
                std::process::exit(0);
            }
            Ok(_) => {
                let reply = format!("child {me} echoes: {}", String::from_utf8_lossy(&line));
                Writen(&connfd, reply.as_bytes());
            }
            Err(e) => common::error::err_sys("child: read error", &e),
        }
    }
}
// ANCHOR_END: serve

/// The client process: does what the parent says, one command at a time,
/// and acknowledges each.
fn client_main(ctl: socket2::Socket, servaddr: &SockAddr) -> ! {
    let mut ctl = ctl;
    let mut sockfd: Option<socket2::Socket> = None;
    let mut cmd = [0u8; 1];
    while ctl.read_exact(&mut cmd).is_ok() {
        match cmd[0] {
            CONNECT => {
                let s = Socket(Domain::IPV4, Type::STREAM, None);
                Connect(&s, servaddr);
                let local = Getsockname(&s);
                tr_println!(
                    "client: socket() = {fd}, connect() = 0 from {local}",
                    fd = s.as_raw_fd(),
                    local = common::sock_ntop::sock_ntop(&local)
                );
                sockfd = Some(s);
            }
            SEND => {
                if let Some(s) = &sockfd {
                    Writen(s, b"hello\n");
                    let reply = read_line(s.as_fd());
                    tr_println!(
                        "client: sent \"hello\", got back {reply}",
                        reply = format!("{reply:?}")
                    );
                }
            }
            EXPECT_EOF => {
                if let Some(s) = &sockfd {
                    let mut buf = [0u8; 64];
                    match common::wrapunix::read(s, &mut buf) {
                        Ok(0) => tr_println!("client: read({fd}) = 0: end of file", fd = s.as_raw_fd()),
                        Ok(n) => tr_println!(
                            "client: read({fd}) = {n}: data, not end of file",
                            fd = s.as_raw_fd(),
                            n
                        ),
                        Err(e) => tr_println!("client: read error: {err}", err = common::error::strerror(&e)),
                    }
                }
            }
            CLOSE => {
                if let Some(s) = sockfd.take() {
                    let fd = s.as_raw_fd();
                    Close(s);
                    tr_println!("client: close({fd}) = 0", fd);
                }
            }
            _ => std::process::exit(0), // QUIT, or anything unexpected
        }
        let _ = io::stdout().flush();
        if ctl.write_all(&[cmd[0]]).is_err() {
            break;
        }
    }
    std::process::exit(0);
}

/// One line from `fd` ("" at end of file), without its newline.
fn read_line(fd: impl AsFd) -> String {
    let mut rl = Rline::new(fd);
    let mut line = Vec::new();
    Readline(&mut rl, &mut line);
    String::from_utf8_lossy(&line).trim_end().to_string()
}

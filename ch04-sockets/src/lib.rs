//! UNP ch.4 — elementary TCP sockets. Programs are under `src/bin/` (see the
//! README map); this library holds what several of them print the same way:
//!
//! - [`table`]: the TCP sockets of one port as /proc shows them, with the
//!   process and descriptor that holds each one ("HELD BY parent:connfd=4"),
//!   so a student sees the listening socket apart from the connected ones;
//! - [`wait_states`]: wait (bounded) until the kernel has finished a transition
//!   the program just caused, then read the states;
//! - [`errno_name`]: "ECONNREFUSED" for an `io::Error`;
//! - [`parse_table`]: the inverse of [`table`], for the tests.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::lab::observer::{self, TcpSock};

/// A process whose descriptors [`table`] names, e.g. the parent server with
/// `names = [(3, "listenfd"), (4, "connfd")]`.
pub struct Holder<'a> {
    pub pid: i32,
    /// The role shown before the descriptor: "parent", "child", "client".
    pub who: &'a str,
    /// The program's own names for some descriptors.
    pub names: &'a [(i32, &'a str)],
}

impl Holder<'_> {
    fn label(&self, fd: i32) -> String {
        match self.names.iter().find(|(n, _)| *n == fd) {
            Some((_, name)) => format!("{}:{name}={fd}", self.who),
            None => format!("{}:fd={fd}", self.who),
        }
    }
}

/// Formats `socks` as a table, one line per socket, each indented by
/// `indent` spaces. The HELD BY column lists which descriptors of which
/// `holders` refer to the socket, found by inode in `/proc/PID/fd`; a socket
/// no descriptor refers to is "(kernel only)": a connection still in the
/// accept queue, or one in TIME_WAIT after every close.
pub fn format_table(socks: &[TcpSock], holders: &[Holder], indent: usize) -> String {
    let fds: Vec<Vec<(i32, u64)>> = holders.iter().map(|h| observer::socket_fds(h.pid)).collect();
    let held_by = |t: &TcpSock| -> Vec<String> {
        holders
            .iter()
            .zip(&fds)
            .flat_map(|(h, fds)| {
                fds.iter()
                    .filter(|(_, inode)| t.inode != 0 && *inode == t.inode)
                    .map(|(fd, _)| h.label(*fd))
            })
            .collect()
    };
    let mut s = observer::format_sockets_by(socks, indent, Some(&held_by));
    if socks.is_empty() {
        s.push_str(&format!(
            "{}(no TCP socket on this port in /proc/net/tcp)\n",
            " ".repeat(indent)
        ));
    }
    s
}

/// [`format_table`] of the sockets of the server at `addr`
/// ([`observer::tcp_sockets_at`]).
pub fn table(addr: SocketAddr, holders: &[Holder]) -> String {
    format_table(&observer::tcp_sockets_at(addr), holders, 4)
}

/// The TCP states on `port`, sorted: what [`wait_states`] compares.
pub fn states(socks: &[TcpSock]) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = socks.iter().map(|t| t.state).collect();
    v.sort_unstable();
    v
}

/// Polls /proc (at most `timeout`) until the sockets at `addr` are in
/// exactly the states `expect` (in any order), and returns them. On
/// loopback a transition is normally complete when the call returns; the
/// poll only covers a slow machine. If the deadline passes, the sockets as
/// they are now are returned, and the caller prints what it really saw.
/// Only this program's own sockets: the ch04 programs are their own
/// servers, so rows of connections that ended before this process started
/// (a reused port's TIME_WAITs) are left out ([`observer::server_sockets_at`]).
pub fn wait_states(addr: SocketAddr, expect: &[&str], timeout: Duration) -> Vec<TcpSock> {
    let mut want: Vec<&str> = expect.to_vec();
    want.sort_unstable();
    let end = Instant::now() + timeout;
    let me = std::process::id() as i32;
    loop {
        let now = observer::server_sockets_at(addr, me);
        if states(&now) == want || Instant::now() >= end {
            return now;
        }
        std::thread::sleep(Duration::from_millis(1)); // a poll interval
    }
}

/// "ECONNREFUSED" for an OS error, else the error's text.
pub fn errno_name(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => format!("{:?}", nix::errno::Errno::from_raw(code)),
        None => e.to_string(),
    }
}

/// "-1 ECONNREFUSED (Connection refused)": how a failed call is printed.
pub fn failed(e: &io::Error) -> String {
    format!("-1 {} ({})", errno_name(e), common::error::strerror(e))
}

/// One row of a printed [`table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub local: SocketAddr,
    pub remote: SocketAddr,
    pub state: String,
    pub recv_q: u32,
    pub send_q: u32,
    /// The HELD BY column, e.g. `["parent:connfd=4", "child:connfd=4"]`,
    /// empty for "(kernel only)".
    pub held: Vec<String>,
}

/// Parses every table row in `text` (lines that start, after spaces, with
/// two socket addresses and a state). Used by the tests to compare what a
/// program printed with what /proc says.
pub fn parse_table(text: &str) -> Vec<Row> {
    text.lines()
        .filter_map(|line| {
            let mut w = line.split_whitespace();
            let local = w.next()?.parse().ok()?;
            let remote = w.next()?.parse().ok()?;
            let state = w.next()?.to_string();
            let recv_q = w.next()?.parse().ok()?;
            let send_q = w.next()?.parse().ok()?;
            let rest: Vec<&str> = w.collect();
            let rest = rest.join(" ");
            let held = if rest == "(kernel only)" {
                Vec::new()
            } else {
                rest.split(", ").map(str::to_string).collect()
            };
            Some(Row {
                local,
                remote,
                state,
                recv_q,
                send_q,
                held,
            })
        })
        .collect()
}

/// Parses the program's arguments like `common::lang::parse` (`--lang`,
/// `--help` in Chinese), with the default of `--port` replaced by `port`
/// (for servers whose book port is not SERV_PORT, e.g. daytime). clap
/// errors exit 2, as usual.
pub fn parse_with_port<T: clap::Parser>(port: &'static str) -> T {
    // mut_args, not mut_arg: the arguments keep their order (--help).
    common::lang::parse_with::<T>(|cmd| {
        cmd.mut_args(|a| {
            if a.get_id() == "port" {
                a.default_value(port)
            } else {
                a
            }
        })
    })
}

/// The port a C program that forgot `htons` (or `ntohs`) ends up using
/// when it means `port`: the two bytes of `port` in host order, read as a
/// network-order number. On a little-endian CPU (x86, ARM) the bytes are
/// swapped — 9877 (0x2695) becomes 38182 (0x9526); on a big-endian one
/// (the SPARC of the book) nothing changes, which is how the bug hides.
pub fn forgot_byte_order(port: u16) -> u16 {
    u16::from_be_bytes(port.to_ne_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgetting_htons_swaps_bytes_here() {
        if cfg!(target_endian = "little") {
            assert_eq!(forgot_byte_order(9877), 38182);
        } else {
            assert_eq!(forgot_byte_order(9877), 9877);
        }
    }

    #[test]
    fn parse_table_reads_what_format_table_writes() {
        let text = "    LOCAL REMOTE\n    127.0.0.1:5 0.0.0.0:0 LISTEN 1 0  me:listenfd=3\n    \
                    127.0.0.1:5 127.0.0.1:9 TIME_WAIT 0 0  (kernel only)\n";
        let rows = parse_table(text);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].held, vec!["me:listenfd=3"]);
        assert_eq!(rows[0].recv_q, 1);
        assert!(rows[1].held.is_empty());
    }
}

//! Command-line arguments every lab program shares (clap derive), and the
//! setup steps built on them: resolve a host, listen on an address, connect
//! to a server (trying every address the name has, as UNP 11.12's
//! tcp_connect).
#![allow(non_snake_case)]

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

use clap::Args;
use socket2::{Domain, SockAddr, Socket, Type};

use crate::error::err_quit;
use crate::unp::{LISTENQ, SERV_PORT};
use crate::wrapsock::{Bind, Getsockname, Listen, Socket};

/// `-v` / `-q`: how much a program logs on stderr.
#[derive(Args, Debug, Clone, Default)]
pub struct LogArgs {
    /// Log more (DEBUG lines). The env var UNP_LOG=debug|notice|warning|fatal
    /// sets the level too.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Log less (only WARNING and FATAL lines).
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

impl LogArgs {
    /// Starts logging for program `name` at the level these flags ask for.
    pub fn init(&self, name: &'static str) {
        crate::log::init(name, self.verbose, self.quiet);
    }
}

/// Where a server listens.
#[derive(Args, Debug, Clone)]
pub struct ServerArgs {
    /// Address to listen on. The book binds INADDR_ANY (0.0.0.0, every
    /// interface); the lab defaults to loopback so that a classroom machine
    /// is not reachable from the network. Pass --host 0.0.0.0 for the book's
    /// behaviour, or --host ::1 for IPv6.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub host: String,

    /// Port to listen on (the book's SERV_PORT is 9877). 0 lets the kernel
    /// pick a free ephemeral port; the server prints the one it got.
    #[arg(short, long, default_value_t = SERV_PORT, value_parser = parse_port, allow_negative_numbers = true)]
    pub port: u16,

    #[command(flatten)]
    pub log: LogArgs,
}

/// Which server a client talks to.
#[derive(Args, Debug, Clone)]
pub struct ClientArgs {
    /// The server's address or host name (the book's <IPaddress>).
    #[arg(default_value = "127.0.0.1", value_name = "HOST")]
    pub host: String,

    /// The server's port (the book's SERV_PORT is 9877).
    #[arg(short, long, default_value_t = SERV_PORT, value_parser = parse_port, allow_negative_numbers = true)]
    pub port: u16,

    #[command(flatten)]
    pub log: LogArgs,
}

/// The `--port` parser: a number 0–65535, with a message that says so
/// (clap alone would call `-1` an unexpected argument).
pub fn parse_port(s: &str) -> Result<u16, String> {
    match s.trim().parse::<i64>() {
        Ok(n) => u16::try_from(n).map_err(|_| format!("the port must be 0–65535, got {n}")),
        Err(_) => Err(format!("the port must be a number 0–65535, got '{}'", shown(s))),
    }
}

/// `s` as it may be echoed in a message: at most 64 characters, so that a
/// 100 KB argument does not flood the terminal.
pub fn shown(s: &str) -> String {
    const MAX: usize = 64;
    match s.char_indices().nth(MAX) {
        None => s.to_string(),
        Some((i, _)) => format!("{}… ({} bytes)", &s[..i], s.len()),
    }
}

/// Turns `host` (an IPv4/IPv6 literal or a name) and `port` into a socket
/// address; the first answer wins. An address literal is taken as is, so a
/// malformed one is reported without a DNS query.
pub fn resolve(host: &str, port: u16) -> anyhow::Result<SocketAddr> {
    let shown_host = shown(host);
    resolve_all(host, port)?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("cannot resolve host '{shown_host}': no address"))
}

/// Every address `host` has (`localhost` → 127.0.0.1 and ::1, in the order
/// the resolver gives), with `port`.
pub fn resolve_all(host: &str, port: u16) -> anyhow::Result<Vec<SocketAddr>> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let name = shown(host);
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
    {
        anyhow::bail!("invalid host '{name}': not an IP address or a host name");
    }
    if host.chars().all(|c| c.is_ascii_digit() || c == '.') {
        anyhow::bail!("invalid host '{name}': not a valid IPv4 address");
    }
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| anyhow::anyhow!("cannot resolve host '{name}': {e}"))?
        .collect();
    if addrs.is_empty() {
        anyhow::bail!("cannot resolve host '{name}': no address");
    }
    Ok(addrs)
}

/// UNP 11.12's `tcp_connect` (lib/tcp_connect.c): a socket connected to
/// `host`:`port`, trying each address of the name in turn until one
/// connect succeeds — so `localhost` reaches a server on ::1 even when the
/// resolver lists 127.0.0.1 first. Fails with the last address's error.
pub fn tcp_connect(host: &str, port: u16) -> anyhow::Result<Socket> {
    let mut last = None;
    for addr in resolve_all(host, port)? {
        let sockfd = crate::wrapsock::socket(Domain::for_address(addr), Type::STREAM, None)?;
        match crate::wrapsock::connect(&sockfd, &SockAddr::from(addr)) {
            Ok(()) => return Ok(sockfd),
            Err(e) => last = Some((addr, e)), // close this one, try the next
        }
    }
    match last {
        Some((_, e)) => Err(anyhow::anyhow!("connect error: {}", crate::error::strerror(&e))),
        None => Err(anyhow::anyhow!(
            "cannot resolve host '{}': no address",
            shown(host)
        )),
    }
}

/// [`tcp_connect`], or exit 1 with its message (the book's "connect error:
/// Connection refused").
pub fn Tcp_connect(host: &str, port: u16) -> Socket {
    tcp_connect(host, port).unwrap_or_else(|e| err_quit(&format!("{e:#}")))
}

/// [`resolve`], or exit 1 with its message (the book's `inet_pton error`).
pub fn Resolve(host: &str, port: u16) -> SocketAddr {
    resolve(host, port).unwrap_or_else(|e| err_quit(&format!("{e:#}")))
}

/// The first half of every server's `main` (Fig 5.2): socket, bind, listen
/// with LISTENQ, then print `listening on ADDR:PORT` as the **first line on
/// stderr** — the line tests and demos read to learn an ephemeral port.
/// `reuseaddr` sets SO_REUSEADDR before bind (UNP 7.5; tcpserv01 does not).
/// Any failure exits 1 with the book's message, e.g. "bind error: Address
/// already in use".
pub fn Serv_listen(args: &ServerArgs, reuseaddr: bool) -> Socket {
    let servaddr = Resolve(&args.host, args.port);
    let listenfd = Socket(Domain::for_address(servaddr), Type::STREAM, None);
    if reuseaddr {
        listenfd
            .set_reuse_address(true)
            .unwrap_or_else(|e| crate::error::err_sys("setsockopt error", &e));
    }
    Bind(&listenfd, &SockAddr::from(servaddr));
    Listen(&listenfd, LISTENQ);
    let bound = Getsockname(&listenfd);
    crate::log::always(
        crate::log::Level::Notice,
        format_args!("listening on {}", crate::sock_ntop::sock_ntop(&bound)),
    );
    listenfd
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn literals_resolve_without_dns_and_malformed_ones_are_named() {
        assert_eq!(resolve("127.0.0.1", 9).unwrap().to_string(), "127.0.0.1:9");
        assert_eq!(resolve("[::1]", 9).unwrap().to_string(), "[::1]:9");
        let e = resolve("300.1.1.1", 9).unwrap_err().to_string();
        assert!(e.contains("invalid host '300.1.1.1'"), "{e}");
        let e = resolve("a b", 9).unwrap_err().to_string();
        assert!(e.contains("invalid host 'a b'"), "{e}");
    }

    #[test]
    fn a_huge_host_is_capped_in_the_message() {
        let huge = "x".repeat(100_000) + " ";
        let e = resolve(&huge, 9).unwrap_err().to_string();
        assert!(e.len() < 200, "{} bytes echoed", e.len());
        assert!(e.contains("… (100001 bytes)"), "{e}");
    }

    #[test]
    fn the_port_must_be_0_to_65535() {
        use super::parse_port;
        assert_eq!(parse_port("0"), Ok(0));
        assert_eq!(parse_port("65535"), Ok(65535));
        assert_eq!(parse_port("-1").unwrap_err(), "the port must be 0–65535, got -1");
        assert_eq!(
            parse_port("65536").unwrap_err(),
            "the port must be 0–65535, got 65536"
        );
        assert!(parse_port("x").unwrap_err().contains("a number 0–65535"));
    }
}

/// `--packets` and `--pcap FILE` of a demo that shows the TCP segments of
/// its own connections ([`crate::lab::packets::Segments`]).
#[derive(Args, Debug, Clone, Default)]
pub struct PacketArgs {
    /// Print the port's TCP segments after each step (needs CAP_NET_RAW).
    #[arg(long)]
    pub packets: bool,

    /// Write the segments to FILE as pcap (tcpdump -r FILE, Wireshark).
    #[arg(long, value_name = "FILE")]
    pub pcap: Option<std::path::PathBuf>,
}

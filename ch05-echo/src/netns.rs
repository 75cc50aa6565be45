//! A private two-host network for the host-crash experiments (UNP 5.14–5.16),
//! built without privileges: a user namespace (we become "root" inside it)
//! with its own network namespace for the client, a second network
//! namespace for the server "host", and a veth pair — a virtual cable —
//! between them:
//!
//! ```text
//!   client namespace (this process)        server host (unshare -n)
//!   v0 10.9.0.1/24  ◄──── veth cable ────►  v1 10.9.0.2/24, tcpserv01 :9877
//! ```
//!
//! A "crash" sets v1 down: the server process still exists, but its host
//! answers nothing, as a crashed machine would. A "reboot" destroys the
//! server's namespace (every socket of the old host is gone) and boots a new
//! one at the same address. Uses the `ip`, `unshare` and `nsenter` programs.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use common::lab::harness::{DEADLINE, Proc};
use nix::sched::CloneFlags;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

pub const CLIENT_IP: Ipv4Addr = Ipv4Addr::new(10, 9, 0, 1);
pub const SERVER_IP: Ipv4Addr = Ipv4Addr::new(10, 9, 0, 2);

/// Why the experiments cannot run here (no user namespaces, no `ip`, ...):
/// the caller prints it as a visible skip.
#[derive(Debug)]
pub struct Unavailable(pub String);

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl std::error::Error for Unavailable {}

/// Moves this process into a new user namespace (as uid 0 there) and a new,
/// empty network namespace, with loopback up. Works only while the process
/// has a single thread: call it first thing in `main`.
pub fn enter_private_network() -> anyhow::Result<()> {
    let (uid, gid) = (nix::unistd::getuid(), nix::unistd::getgid());
    nix::sched::unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNET)
        .map_err(|e| Unavailable(format!("unshare(CLONE_NEWUSER|CLONE_NEWNET): {}", e.desc())))?;
    let write = |file: &str, text: String| {
        std::fs::write(format!("/proc/self/{file}"), text)
            .map_err(|e| Unavailable(format!("write /proc/self/{file}: {e}")))
    };
    write("setgroups", "deny".into())?;
    write("uid_map", format!("0 {uid} 1"))?;
    write("gid_map", format!("0 {gid} 1"))?;
    ip(&["link", "set", "lo", "up"]).map_err(|e| Unavailable(format!("{e:#}")))?;
    Ok(())
}

/// Runs `ip ARGS` in this namespace.
pub fn ip(args: &[&str]) -> anyhow::Result<()> {
    run(Command::new("ip").args(args))
}

fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let out = cmd.output().with_context(|| format!("cannot run {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

/// The server host: its own network namespace, with the server running in it.
pub struct ServerHost {
    pub server: Proc,
    pub addr: SocketAddr,
}

impl ServerHost {
    /// Lays the cable (veth v0 ↔ v1), starts `server --host 0.0.0.0` in a new
    /// network namespace, moves v1 into it and gives it 10.9.0.2.
    pub fn boot(server: &Path) -> anyhow::Result<ServerHost> {
        ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"])?;
        ip(&["addr", "add", &format!("{CLIENT_IP}/24"), "dev", "v0"])?;
        ip(&["link", "set", "v0", "up"])?;
        let mut cmd = Command::new("unshare");
        cmd.arg("-n")
            .arg("--")
            .arg(server)
            .args(["--host", "0.0.0.0", "--port", "9877"]);
        let server = Proc::spawn_command(cmd)?;
        // The line comes after unshare(2) and exec: the namespace exists.
        let port = server.listening()?.port();
        let pid = server.pid().to_string();
        ip(&["link", "set", "v1", "netns", &pid])?;
        let host = ServerHost {
            server,
            addr: SocketAddr::from((SERVER_IP, port)),
        };
        host.ip(&["addr", "add", &format!("{SERVER_IP}/24"), "dev", "v1"])?;
        host.ip(&["link", "set", "v1", "up"])?;
        host.ip(&["link", "set", "lo", "up"])?;
        // "up" is a request: the kernel brings the carrier up later (the
        // link watch, delayed under load). An ARP request sent before that
        // is lost and asked again only after 1 s — the first segment with it.
        let nsenter = ["nsenter", "-t", &pid, "-n", "ip"];
        common::lab::harness::eventually(DEADLINE, "both ends of the cable up", || {
            let up = |cmd: &[&str], dev: &str| {
                Command::new(cmd[0])
                    .args(&cmd[1..])
                    .args(["-o", "link", "show", "dev", dev])
                    .output()
                    .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("state UP"))
            };
            (up(&["ip"], "v0") && up(&nsenter, "v1")).then_some(())
        })?;
        Ok(host)
    }

    /// Runs `ip ARGS` inside the server host's namespace.
    pub fn ip(&self, args: &[&str]) -> anyhow::Result<()> {
        run(Command::new("nsenter")
            .args(["-t", &self.server.pid().to_string(), "-n", "ip"])
            .args(args))
    }

    /// The host goes silent: its interface goes down. Its processes and
    /// sockets still exist; nothing it sends or is sent arrives.
    pub fn crash(&self) -> anyhow::Result<()> {
        self.ip(&["link", "set", "v1", "down"])
    }

    /// What `shutdown` does to every process (UNP 5.16): SIGTERM to the
    /// server and all its children.
    pub fn shutdown(&self) -> anyhow::Result<()> {
        killpg(Pid::from_raw(self.server.pid()), Signal::SIGTERM).context("killpg SIGTERM")
    }

    /// Crashes the host for good: down, every process of it killed, and
    /// the cable cut (deleting v0 deletes its peer v1 too). Whatever TCP
    /// state the old host still had — a killed child's socket retrying its
    /// FIN keeps a namespace alive for minutes — can never reach us again.
    pub fn destroy(self) -> anyhow::Result<()> {
        // After a shutdown no process is left to enter the namespace by:
        // then there is nothing to silence.
        let _ = self.crash();
        drop(self.server); // SIGKILL to the group
        // A namespace left with no process and no socket is torn down by the
        // kernel, cable and all: then v0 is already gone, which is fine.
        match ip(&["link", "del", "v0"]) {
            Err(e) if ip(&["link", "show", "v0"]).is_ok() => Err(e),
            _ => Ok(()),
        }
    }
}

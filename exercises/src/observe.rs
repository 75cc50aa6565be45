//! The moment a check may look, from `common::lab::observer`'s /proc
//! readings: "the server is back in accept(2) and has handled every
//! SIGCHLD" (the lab's one definition, `observer::idle_in_accept`) is a
//! moment, not a guess; so is "it sleeps in wait4(2)", the hang of a
//! blocking wait.

use std::time::{Duration, Instant};

use common::lab::harness::eventually;
use common::lab::observer;
use nix::libc;

/// Waits until `pid` is idle in accept (the lab's one definition,
/// [`observer::idle_in_accept`]): its
/// handler (if any) has run to the end and the server waits for the next
/// client. Fails if `pid` exits or the deadline passes.
pub fn idle_in_accept(pid: i32, timeout: Duration) -> anyhow::Result<()> {
    eventually(
        timeout,
        &common::lang::trf("pid {} to be idle in accept()", &[&pid]),
        || {
            if exited(pid) {
                Some(Err(anyhow::anyhow!(common::lang::trf(
                    "the server (pid {}) has exited",
                    &[&pid]
                ))))
            } else {
                observer::idle_in_accept(pid).then_some(Ok(()))
            }
        },
    )?
}

/// Is `pid` gone or a zombie (it has exited)?
pub fn exited(pid: i32) -> bool {
    matches!(observer::state(pid), None | Some('Z'))
}

/// Do all of `pid`'s threads sleep (state `S`)? None if it has ended (or
/// is a zombie).
pub fn all_threads_asleep(pid: i32) -> Option<bool> {
    if exited(pid) {
        return None;
    }
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut any = false;
    for task in tasks.flatten() {
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        let state = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.trim_start().chars().next());
        match state {
            Some('S') => any = true,
            None => {} // the thread ended meanwhile
            Some(_) => return Some(false),
        }
    }
    Some(any)
}

/// Why a server did not get back to accept().
pub enum NotIdle {
    /// It sleeps in wait4(2): a blocking wait() or waitpid() without
    /// WNOHANG, for a child that has not ended (WNOHANG never sleeps).
    InWait,
    /// It exited, or did something else until the deadline.
    Other(anyhow::Error),
}

/// How long a sleep in wait4(2) must last to count as the hang: a blocking
/// wait for a live child lasts for ever; /proc can catch a passing moment
/// of a WNOHANG call that the scheduler preempted.
pub const HANG: Duration = Duration::from_millis(300);

/// [`idle_in_accept`], but tells early (after [`HANG`]) when `pid` sleeps
/// in wait4(2) instead: the hang a blocking wait makes.
pub fn idle_or_waiting(pid: i32, timeout: Duration) -> Result<(), NotIdle> {
    let mut waiting_since: Option<Instant> = None;
    let r = eventually(
        timeout,
        &common::lang::trf("pid {} to be idle in accept()", &[&pid]),
        || {
            if observer::idle_in_accept(pid) {
                return Some(Ok(()));
            }
            if exited(pid) {
                return Some(Err(NotIdle::Other(anyhow::anyhow!(common::lang::trf(
                    "the server (pid {}) has exited",
                    &[&pid]
                )))));
            }
            if asleep_in_wait(pid) {
                let since = *waiting_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= HANG {
                    return Some(Err(NotIdle::InWait));
                }
            } else {
                waiting_since = None;
            }
            None
        },
    );
    match r {
        Ok(r) => r,
        Err(e) if exited(pid) => Err(NotIdle::Other(anyhow::anyhow!(common::lang::trf(
            "the server (pid {}) has exited: {}",
            &[&pid, &e]
        )))),
        Err(e) => Err(NotIdle::Other(e)),
    }
}

/// Is `pid` asleep in wait4(2)? Its state and call are read twice each,
/// interleaved, so a call caught between two other states does not count.
fn asleep_in_wait(pid: i32) -> bool {
    let wait = [libc::SYS_wait4];
    observer::blocked_in(pid, &wait) && observer::blocked_in(pid, &wait)
}

/// How long `pid` has been on a CPU, and waiting in a run queue for one
/// (/proc/PID/schedstat: nanoseconds). Together: how long it was runnable —
/// what tells a loop that never sleeps on a loaded machine too, where it
/// gets little CPU time but waits for it all the time.
pub fn runnable(pid: i32) -> Option<(Duration, Duration)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/schedstat")).ok()?;
    let mut f = text.split_whitespace().map(|n| n.parse::<u64>().ok());
    Some((Duration::from_nanos(f.next()??), Duration::from_nanos(f.next()??)))
}

/// The backlog a TCP listener on `addr` was given (the kernel's
/// `sk_max_ack_backlog`, after its cap at net.core.somaxconn): what
/// `ss -ltn` shows as Send-Q, asked the way `ss` asks — a sock_diag netlink
/// dump of the LISTEN sockets (sock_diag(7)). /proc/net/tcp does not show
/// it. Ok(None): no such listener.
pub fn listen_backlog(addr: std::net::SocketAddrV4) -> std::io::Result<Option<u32>> {
    use nix::sys::socket::{
        AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType, recv, sendto, socket,
    };
    const SOCK_DIAG_BY_FAMILY: u16 = 20;
    const TCP_LISTEN: u32 = 10;
    let fd = socket(
        AddressFamily::Netlink,
        SockType::Datagram,
        SockFlag::SOCK_CLOEXEC,
        SockProtocol::NetlinkSockDiag,
    )?;
    // struct nlmsghdr (16 bytes), then struct inet_diag_req_v2 (56): every
    // IPv4 TCP socket in state LISTEN; the kernel's own byte order.
    let mut req = Vec::with_capacity(72);
    req.extend_from_slice(&72u32.to_ne_bytes());
    req.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    req.extend_from_slice(&((libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16).to_ne_bytes());
    req.extend_from_slice(&1u32.to_ne_bytes()); // sequence number
    req.extend_from_slice(&0u32.to_ne_bytes()); // port id: the kernel fills it
    req.extend_from_slice(&[libc::AF_INET as u8, libc::IPPROTO_TCP as u8, 0, 0]);
    req.extend_from_slice(&(1u32 << TCP_LISTEN).to_ne_bytes());
    req.extend_from_slice(&[0u8; 48]); // struct inet_diag_sockid: any
    sendto(
        std::os::fd::AsRawFd::as_raw_fd(&fd),
        &req,
        &NetlinkAddr::new(0, 0),
        MsgFlags::empty(),
    )?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut found = None;
    loop {
        let n = recv(std::os::fd::AsRawFd::as_raw_fd(&fd), &mut buf, MsgFlags::empty())?;
        if n == 0 {
            return Ok(found);
        }
        let mut at = 0;
        while at + 16 <= n {
            let word = |i: usize| u32::from_ne_bytes(buf[i..i + 4].try_into().unwrap_or_default());
            let len = word(at) as usize;
            let kind = u16::from_ne_bytes([buf[at + 4], buf[at + 5]]);
            if len < 16 || at + len > n {
                break;
            }
            match kind as i32 {
                libc::NLMSG_DONE => return Ok(found),
                libc::NLMSG_ERROR => {
                    let errno = i32::from_ne_bytes(buf[at + 16..at + 20].try_into().unwrap_or_default());
                    return Err(std::io::Error::from_raw_os_error(-errno));
                }
                _ if len >= 16 + 72 => {
                    // struct inet_diag_msg: family, state, timer, retrans,
                    // then the socket id (sport and dport big-endian, then
                    // the source address), ..., rqueue at 56, wqueue at 60.
                    let m = at + 16;
                    let sport = u16::from_be_bytes([buf[m + 4], buf[m + 5]]);
                    let src = std::net::Ipv4Addr::new(buf[m + 8], buf[m + 9], buf[m + 10], buf[m + 11]);
                    if sport == addr.port() && src == *addr.ip() {
                        found = Some(word(m + 60));
                    }
                }
                _ => {}
            }
            at += (len + 3) & !3;
        }
    }
}

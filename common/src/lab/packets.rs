//! The TCP segments of a port on loopback: capture, parse, draw as a ladder,
//! write as pcap — so a test can assert the SYN, FIN and RST the book names
//! (UNP 4.3, 4.5, 5.6–5.7, 5.12–5.13) and a student can see them.
//!
//! - [`Capture::start`] opens an AF_PACKET socket (`ETH_P_ALL`, needs
//!   CAP_NET_RAW: root on the host, or any user inside a private user +
//!   network namespace) and reads every frame of the `lo` interface in a
//!   thread, keeping the TCP ones (a test, observe).
//!   [`Capture::start_unthreaded`] starts no thread: the kernel holds the
//!   frames until the caller looks ([`Capture::frames`], ...), so a demo
//!   that forks or unshares stays single-threaded ([`Segments`]). Both read
//!   frames the same way, from a non-blocking socket.
//! - Each frame is dated by the kernel (SO_TIMESTAMPNS), not by its reader:
//!   a lagging thread or a late look still puts a FIN before the state it
//!   caused; [`Capture::caught_up_to`] waits until every frame queued
//!   before a moment has been read.
//! - **Each loopback segment is seen twice** by a packet socket: once going
//!   out (`PACKET_OUTGOING` in the address's pkttype) and once coming in
//!   (`PACKET_HOST`). Only the incoming copy is kept.
//! - The port filter is set with [`Capture::watch`] once the server's
//!   ephemeral port is known (a demo that moves on to another port watches
//!   that one too): in the kernel, a classic BPF program ([`port_filter`],
//!   tcpdump's program for one or several ports, IPv4 and IPv6) drops every
//!   other frame before it is queued, and the reader checks the ports again
//!   for frames queued before. Until then headers of every loopback TCP
//!   frame are kept (a lesson whose program picks its own port filters
//!   afterwards, [`Capture::segments`]).
//! - Parsing (Ethernet, IPv4 or IPv6, TCP) is hand-written: three fixed
//!   headers, fewer lines than a crate's glue and nothing added to the
//!   cold build.
//! - [`ladder`] draws one line per segment: time, client column, arrow,
//!   server column, flags, relative seq and ack, payload length; its rungs
//!   one at a time are a [`Ladder`]'s.
//! - [`write_pcap`] writes the classic libpcap format (LINKTYPE_ETHERNET)
//!   that `tcpdump -r` and Wireshark read; [`write_pcap_header`] and
//!   [`write_pcap_records`] write a file that grows as a capture goes on.

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nix::sys::socket::LinkAddr;
use socket2::{Domain, Protocol, Socket, Type};

/// `ETH_P_ALL` (linux/if_ether.h), every protocol, in network byte order
/// as `socket(AF_PACKET, ...)` wants it.
const ETH_P_ALL_BE: i32 = 0x0003u16.to_be() as i32;
/// sockaddr_ll.sll_pkttype of a frame this host sends (linux/if_packet.h).
const PACKET_OUTGOING: u8 = 4;
/// Frames kept before a port is watched are cut to their headers.
const HEADERS: usize = 14 + 60 + 60;
/// The kernel cuts every frame to this many bytes (a one-instruction
/// classic BPF filter, `ret #SNAP`): loopback frames reach 64 KiB, and a
/// bulk transfer's whole frames overflow the socket's receive buffer
/// (measured: a 256 KiB echo lost half its segments). The lessons' lines
/// fit whole.
const SNAP: u32 = 512;
/// The packet socket's receive buffer, when the process may force it
/// (SO_RCVBUFFORCE, CAP_NET_ADMIN); otherwise the system's default.
const RCVBUF: usize = 8 << 20;
/// At most this many frames are kept (a runaway neighbour on lo must not
/// eat the memory of a test).
const MAX_FRAMES: usize = 200_000;

/// TCP flag bits (RFC 9293).
pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;

/// One captured frame, as read from the packet socket.
#[derive(Clone, Debug)]
pub struct Frame {
    pub time: SystemTime,
    /// The frame's length on the wire (`data` may be cut to its headers).
    pub wire_len: usize,
    pub data: Vec<u8>,
}

/// One TCP segment, parsed from a [`Frame`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub time: SystemTime,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    /// Payload bytes.
    pub len: usize,
}

impl Segment {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// SYN, SYN-ACK, ACK, PSH-ACK, FIN-ACK, RST, RST-ACK, ...: the flags the
    /// book's figures name, in that order.
    pub fn label(&self) -> String {
        if self.has(SYN) && self.has(ACK) {
            return "SYN-ACK".into();
        }
        let names = [
            (SYN, "SYN"),
            (FIN, "FIN"),
            (RST, "RST"),
            (PSH, "PSH"),
            (ACK, "ACK"),
        ];
        let v: Vec<&str> = names
            .iter()
            .filter(|(f, _)| self.has(*f))
            .map(|(_, n)| *n)
            .collect();
        if v.is_empty() { "none".into() } else { v.join("-") }
    }

    /// The sequence number that acknowledges this segment: seq + payload,
    /// + 1 for a SYN, + 1 for a FIN.
    pub fn next_seq(&self) -> u32 {
        let n = self.len as u32 + u32::from(self.has(SYN)) + u32::from(self.has(FIN));
        self.seq.wrapping_add(n)
    }

    /// Does this segment go to the end on `port` (client → server)?
    pub fn to(&self, port: u16) -> bool {
        self.dst.port() == port
    }

    /// Does this segment come from the end on `port` (server → client)?
    pub fn from(&self, port: u16) -> bool {
        self.src.port() == port
    }

    /// Is this segment on `port` (either end)?
    pub fn on_port(&self, port: u16) -> bool {
        self.src.port() == port || self.dst.port() == port
    }
}

/// The length of a frame on the wire, from its IP header (the frame read
/// may be cut to [`SNAP`] bytes).
fn wire_len(d: &[u8]) -> Option<usize> {
    let be16 = |i: usize| {
        d.get(i..i + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
    };
    match be16(12)? {
        0x0800 => Some(14 + be16(16)?),
        0x86dd => Some(14 + 40 + be16(18)?),
        _ => None,
    }
}

/// Parses an Ethernet frame carrying IPv4 or IPv6 and TCP; None for
/// anything else (or a frame cut before the TCP header's end).
pub fn parse(frame: &Frame) -> Option<Segment> {
    let d = &frame.data;
    let ethertype = u16::from_be_bytes(d.get(12..14)?.try_into().ok()?);
    let ip = d.get(14..)?;
    let wire_ip_len = frame.wire_len.checked_sub(14)?;
    let (src, dst, tcp, tcp_wire_len) = match ethertype {
        0x0800 => {
            let ihl = usize::from(ip.first()? & 0x0f) * 4;
            if ip.get(9)? != &6 || ihl < 20 {
                return None;
            }
            let total = usize::from(u16::from_be_bytes(ip.get(2..4)?.try_into().ok()?));
            let s: [u8; 4] = ip.get(12..16)?.try_into().ok()?;
            let t: [u8; 4] = ip.get(16..20)?.try_into().ok()?;
            let len = total.min(wire_ip_len).checked_sub(ihl)?;
            (
                IpAddr::from(Ipv4Addr::from(s)),
                IpAddr::from(Ipv4Addr::from(t)),
                ip.get(ihl..)?,
                len,
            )
        }
        0x86dd => {
            if ip.get(6)? != &6 {
                return None; // extension headers: not on a lab's loopback
            }
            let payload = usize::from(u16::from_be_bytes(ip.get(4..6)?.try_into().ok()?));
            let s: [u8; 16] = ip.get(8..24)?.try_into().ok()?;
            let t: [u8; 16] = ip.get(24..40)?.try_into().ok()?;
            let len = payload.min(wire_ip_len.checked_sub(40)?);
            (
                IpAddr::from(Ipv6Addr::from(s)),
                IpAddr::from(Ipv6Addr::from(t)),
                ip.get(40..)?,
                len,
            )
        }
        _ => return None,
    };
    let be16 = |i: usize| tcp.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    let be32 = |i: usize| {
        tcp.get(i..i + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let off = usize::from(tcp.get(12)? >> 4) * 4;
    Some(Segment {
        time: frame.time,
        src: SocketAddr::new(src, be16(0)?),
        dst: SocketAddr::new(dst, be16(2)?),
        seq: be32(4)?,
        ack: be32(8)?,
        flags: *tcp.get(13)?,
        len: tcp_wire_len.checked_sub(off)?,
    })
}

/// Why a capture cannot start here, in words a student can act on.
pub fn why_not(e: &io::Error) -> String {
    if e.raw_os_error() == Some(nix::libc::EPERM) {
        crate::lang::tr(
            "capturing packets needs CAP_NET_RAW: run as root, or inside a private \
             user + network namespace (unshare -rn)",
        )
        .into()
    } else {
        crate::lang::trf("cannot open a packet socket: {}", &[e])
    }
}

/// A running capture of loopback TCP; stops when dropped.
pub struct Capture {
    reader: Arc<Reader>,
    /// Read by a thread ([`Capture::start`]), or by the caller whenever it
    /// asks for frames ([`Capture::start_unthreaded`]).
    thread: Option<JoinHandle<()>>,
}

/// The packet socket and what has been read from it: shared by the
/// capture thread and the [`Capture`], or read by the caller alone.
struct Reader {
    /// Non-blocking: a read says at once that nothing is queued.
    sock: Socket,
    lo: usize,
    stop: AtomicBool,
    ports: Mutex<Vec<u16>>,
    frames: Mutex<Vec<Frame>>,
    outgoing: AtomicU64,
    /// [`nanos`] of the latest moment at which nothing was left to read.
    caught_up: AtomicU64,
}

/// What reading one frame from the packet socket did.
enum Read {
    /// A frame was read (kept, or dropped as not ours).
    Frame,
    /// Nothing queued (EAGAIN): every frame queued before the read is read.
    Empty,
    /// Another error: give up this round.
    Failed,
}

/// The buffer of one read: a whole loopback frame (the frames are cut to
/// [`SNAP`] once the filter is attached, but not those queued before).
const FRAME_BUF: usize = 65_600;

/// Nanoseconds since the epoch, for an atomic.
fn nanos(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

impl Reader {
    /// One frame off the socket into `buf`: its length, where it was seen
    /// (None: no address, skip it) and the kernel's time of it (SO_TIMESTAMPNS:
    /// when lo handed it on), not the time it was read: a thread that lags,
    /// or an unthreaded capture read after a step, would date a FIN after
    /// the state it caused.
    fn recv(&self, buf: &mut [u8]) -> nix::Result<(usize, Option<LinkAddr>, SystemTime)> {
        use nix::sys::socket::{ControlMessageOwned, MsgFlags, recvmsg};
        let mut space = nix::cmsg_space!(nix::sys::time::TimeSpec);
        let mut iov = [io::IoSliceMut::new(buf)];
        let m = recvmsg::<LinkAddr>(
            self.sock.as_raw_fd(),
            &mut iov,
            Some(&mut space),
            MsgFlags::empty(),
        )?;
        let stamp = m.cmsgs().ok().into_iter().flatten().find_map(|c| match c {
            ControlMessageOwned::ScmTimestampns(t) => Some(UNIX_EPOCH + Duration::from(t)),
            _ => None,
        });
        Ok((m.bytes, m.address, stamp.unwrap_or_else(SystemTime::now)))
    }

    /// Waits, at most a second, until the kernel dates each frame as it
    /// arrives. The first socket of the system that asks for timestamps
    /// turns them on from a work queue, a moment later (net_enable_timestamp);
    /// until then a frame is dated when it is read (measured: an unthreaded
    /// capture's first session all dated at its reading, 3 µs apart). A
    /// UDP datagram to itself on 127.0.0.1 is dated before it was sent back
    /// to this check, once times are on. Without it (lo down) the capture
    /// goes on: its frames are dated when read.
    fn wait_for_kernel_times(&self) {
        let Ok(probe) = std::net::UdpSocket::bind("127.0.0.1:0") else {
            return;
        };
        let Ok(to) = probe.local_addr() else { return };
        let mut buf = vec![0u8; FRAME_BUF];
        let _ = crate::lab::harness::eventually(Duration::from_secs(1), "kernel times", || {
            probe.send_to(b"unp-lab timestamp probe", to).ok()?;
            let sent = SystemTime::now();
            let end = crate::lab::harness::Deadline::after(Duration::from_millis(100));
            while !end.passed() {
                let Ok((n, Some(addr), time)) = self.recv(&mut buf) else {
                    let mut fds = [nix::poll::PollFd::new(
                        std::os::fd::AsFd::as_fd(&self.sock),
                        nix::poll::PollFlags::POLLIN,
                    )];
                    let _ = nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(10u8));
                    continue;
                };
                // IPv4, UDP, to the probe's port, the incoming copy.
                let d = &buf[..n];
                let ours = addr.pkttype() != PACKET_OUTGOING
                    && d.get(12..14) == Some(&[0x08, 0x00][..])
                    && d.get(23) == Some(&17)
                    && d.get(36..38) == Some(&to.port().to_be_bytes()[..]);
                if ours {
                    return (time <= sent).then_some(());
                }
            }
            None
        });
    }

    /// Reads one frame into `frames` (the incoming copy of a loopback TCP
    /// segment on a watched port; headers only while no port is watched).
    fn read_one(&self, buf: &mut [u8]) -> Read {
        let asked = SystemTime::now();
        let (n, addr, time) = match self.recv(buf) {
            Ok((n, Some(addr), time)) => (n, addr, time),
            Ok((_, None, _)) => return Read::Frame,
            Err(nix::errno::Errno::EAGAIN) => {
                self.caught_up.store(nanos(asked), Ordering::Release);
                return Read::Empty;
            }
            Err(_) => return Read::Failed,
        };
        if addr.ifindex() != self.lo {
            return Read::Frame;
        }
        if addr.pkttype() == PACKET_OUTGOING {
            self.outgoing.fetch_add(1, Ordering::Relaxed);
            return Read::Frame; // its incoming twin follows
        }
        let mut f = Frame {
            time,
            wire_len: wire_len(&buf[..n]).unwrap_or(n),
            data: buf[..n].to_vec(),
        };
        let Some(seg) = parse(&f) else {
            return Read::Frame;
        };
        {
            let ps = self.ports.lock().unwrap_or_else(|e| e.into_inner());
            if ps.is_empty() {
                f.data.truncate(HEADERS);
            } else if !ps.iter().any(|p| seg.on_port(*p)) {
                return Read::Frame;
            }
        }
        let mut v = self.frames.lock().unwrap_or_else(|e| e.into_inner());
        if v.len() < MAX_FRAMES {
            v.push(f);
        }
        Read::Frame
    }

    /// The capture thread: reads until stopped; idle, it waits for the
    /// socket at most 10 ms at a time, so a reader waiting in
    /// [`Capture::caught_up_to`] (observe, after each look) waits at most
    /// that long, and a stop is seen as soon.
    fn run(&self) {
        let mut buf = vec![0u8; FRAME_BUF];
        while !self.stop.load(Ordering::Relaxed) {
            if let Read::Frame = self.read_one(&mut buf) {
                continue;
            }
            let mut fds = [nix::poll::PollFd::new(
                std::os::fd::AsFd::as_fd(&self.sock),
                nix::poll::PollFlags::POLLIN,
            )];
            let _ = nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(10u8));
        }
    }
}

/// The kernel's filter for `ports` (classic BPF, the program
/// `tcpdump -dd 'tcp port A or tcp port B ...'` prints, with our snap
/// length): Ethernet + IPv6 + TCP, or Ethernet + IPv4 (first fragment) +
/// TCP, either port one of `ports`; every other frame is dropped in the
/// kernel, so a busy loopback cannot fill the socket's buffer. No ports:
/// keep every frame, cut to [`SNAP`].
pub fn port_filter(ports: &[u16]) -> Vec<socket2::SockFilter> {
    port_program(ports)
        .into_iter()
        .map(|(c, t, f, k)| socket2::SockFilter::new(c, t, f, k))
        .collect()
}

/// [`port_filter`]'s instructions as (code, jt, jf, k).
fn port_program(ports: &[u16]) -> Vec<(u16, u8, u8, u32)> {
    #[derive(Clone, Copy)]
    enum To {
        Next,
        V4,
        Accept,
        Drop,
    }
    use To::*;
    if ports.is_empty() {
        return vec![(0x06, 0, 0, SNAP)]; // ret #SNAP
    }
    // (code, jt, jf, k); the IPv4 part starts at the "jeq #0x800".
    let mut v: Vec<(u16, To, To, u32)> = vec![
        (0x28, Next, Next, 12),   // ldh [12]: the ethertype
        (0x15, Next, V4, 0x86dd), // jeq IPv6
        (0x30, Next, Next, 20),   // ldb [20]: next header
        (0x15, Next, Drop, 6),    // jeq TCP
    ];
    let compare = |v: &mut Vec<(u16, To, To, u32)>, last: bool| {
        for (i, p) in ports.iter().enumerate() {
            let miss = if last && i + 1 == ports.len() { Drop } else { Next };
            v.push((0x15, Accept, miss, u32::from(*p))); // jeq port
        }
    };
    v.push((0x28, Next, Next, 54)); // ldh [54]: source port
    compare(&mut v, false);
    v.push((0x28, Next, Next, 56)); // ldh [56]: destination port
    compare(&mut v, true);
    let v4 = v.len();
    v.extend([
        (0x15, Next, Drop, 0x800),  // jeq IPv4
        (0x30, Next, Next, 23),     // ldb [23]: protocol
        (0x15, Next, Drop, 6),      // jeq TCP
        (0x28, Next, Next, 20),     // ldh [20]: flags, fragment offset
        (0x45, Drop, Next, 0x1fff), // jset: not the first fragment
        (0xb1, Next, Next, 14),     // ldxb 4*([14]&0xf): IP header length
        (0x48, Next, Next, 14),     // ldh [x+14]: source port
    ]);
    compare(&mut v, false);
    v.push((0x48, Next, Next, 16)); // ldh [x+16]: destination port
    compare(&mut v, true);
    let accept = v.len();
    let at = |i: usize, to: To| -> u8 {
        let target = match to {
            Next => i + 1,
            V4 => v4,
            Accept => accept,
            Drop => accept + 1,
        };
        (target - i - 1) as u8
    };
    let mut out: Vec<(u16, u8, u8, u32)> = v
        .iter()
        .enumerate()
        .map(|(i, &(c, t, f, k))| {
            if c == 0x15 || c == 0x45 {
                (c, at(i, t), at(i, f), k)
            } else {
                (c, 0, 0, k)
            }
        })
        .collect();
    out.push((0x06, 0, 0, SNAP)); // ACCEPT: ret #SNAP
    out.push((0x06, 0, 0, 0)); // DROP: ret #0
    out
}

impl Capture {
    /// Opens the packet socket and starts reading `lo` in a thread. Fails
    /// (EPERM) without CAP_NET_RAW: see [`why_not`].
    pub fn start() -> io::Result<Capture> {
        let mut cap = Capture::open()?;
        let reader = Arc::clone(&cap.reader);
        cap.thread = Some(thread::spawn(move || reader.run()));
        Ok(cap)
    }

    /// Opens the packet socket and starts no thread: the kernel keeps the
    /// frames (of the watched ports, once one is: [`port_filter`]) until
    /// [`Capture::frames`] (or any other look at the capture) reads them.
    /// For a program that forks, which must stay single-threaded (a
    /// thread's locks do not survive fork).
    pub fn start_unthreaded() -> io::Result<Capture> {
        Capture::open()
    }

    fn open() -> io::Result<Capture> {
        use nix::sys::socket::{setsockopt, sockopt};
        let sock = Socket::new(Domain::PACKET, Type::RAW, Some(Protocol::from(ETH_P_ALL_BE)))?;
        sock.set_nonblocking(true)?;
        sock.attach_filter(&port_filter(&[]))?;
        let _ = setsockopt(&sock, sockopt::RcvBufForce, &RCVBUF);
        setsockopt(&sock, sockopt::ReceiveTimestampns, &true)?;
        let lo = nix::net::if_::if_nametoindex("lo").map_err(io::Error::from)? as usize;
        let reader = Reader {
            sock,
            lo,
            stop: AtomicBool::new(false),
            ports: Mutex::new(Vec::new()),
            frames: Mutex::new(Vec::new()),
            outgoing: AtomicU64::new(0),
            caught_up: AtomicU64::new(0),
        };
        reader.wait_for_kernel_times();
        Ok(Capture {
            reader: Arc::new(reader),
            thread: None,
        })
    }

    /// Reads what the kernel holds, for an unthreaded capture (a threaded
    /// one's thread does).
    fn read_queued(&self) {
        if self.thread.is_some() {
            return;
        }
        let mut buf = vec![0u8; FRAME_BUF];
        while let Read::Frame = self.reader.read_one(&mut buf) {}
    }

    /// From now on keep only the segments of `port` (and of the ports
    /// watched before: a demo that moves on to another port), whole. The
    /// kernel drops the other frames ([`port_filter`]); a frame queued
    /// before the filter changed is dropped here.
    pub fn watch(&self, port: u16) {
        self.read_queued();
        let mut ps = self.reader.ports.lock().unwrap_or_else(|e| e.into_inner());
        if !ps.contains(&port) {
            ps.push(port);
        }
        if let Err(e) = self.reader.sock.attach_filter(&port_filter(&ps)) {
            eprintln!("packets: the kernel port filter: {e} (filtering in user space only)");
        }
        self.reader
            .frames
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|f| parse(f).is_some_and(|s| ps.iter().any(|p| s.on_port(*p))));
    }

    /// The frames so far (of the watched ports, once one is).
    pub fn frames(&self) -> Vec<Frame> {
        self.read_queued();
        self.reader
            .frames
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Takes the frames kept so far out of the capture (a long-running
    /// reader, observe, drains them as it goes instead of keeping them all).
    pub fn drain(&self) -> Vec<Frame> {
        self.read_queued();
        std::mem::take(&mut *self.reader.frames.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Waits, at most `timeout`, until every frame the kernel handed to the
    /// capture before `t` has been read; false if the deadline came first.
    /// Read from /proc at `t`, a TCP state has its cause among those frames:
    /// a FIN reaches a packet socket before TCP processes it.
    pub fn caught_up_to(&self, t: SystemTime, timeout: Duration) -> bool {
        crate::lab::harness::eventually(timeout, "the capture to catch up", || {
            self.read_queued();
            (self.reader.caught_up.load(Ordering::Acquire) >= nanos(t)).then_some(())
        })
        .is_ok()
    }

    /// The segments so far on `port`, in capture order.
    pub fn segments(&self, port: u16) -> Vec<Segment> {
        self.frames()
            .iter()
            .filter_map(parse)
            .filter(|s| s.on_port(port))
            .collect()
    }

    /// How many outgoing copies of loopback frames were dropped (each
    /// loopback segment is seen once going out, once coming in).
    pub fn outgoing_dropped(&self) -> u64 {
        self.read_queued();
        self.reader.outgoing.load(Ordering::Relaxed)
    }

    /// Waits until `done` holds for the segments of `port`, with a deadline.
    pub fn wait_for(
        &self,
        port: u16,
        timeout: Duration,
        what: &str,
        mut done: impl FnMut(&[Segment]) -> bool,
    ) -> anyhow::Result<Vec<Segment>> {
        crate::lab::harness::eventually(timeout, what, || {
            let s = self.segments(port);
            done(&s).then_some(s)
        })
        .map_err(|e| anyhow::anyhow!("{e}\n{}", ladder(&self.segments(port), port)))
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.reader.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The ladder: one line per segment, client on the left, the server (the
/// end on `server_port`) on the right; seq and ack relative to each
/// direction's first sequence number, as tcpdump prints them.
pub fn ladder(segs: &[Segment], server_port: u16) -> String {
    let Some(t0) = segs.first().map(|s| s.time) else {
        return "(no segments)\n".into();
    };
    let mut rungs = Ladder::default();
    let mut out = format!("{:>10}  {}\n", "time s", Ladder::header());
    for s in segs {
        let t = s.time.duration_since(t0).unwrap_or_default().as_secs_f64();
        out += &format!("{t:>10.6}  {}\n", rungs.line(s, s.dst.port() == server_port));
    }
    out
}

/// The rungs of a ladder, one segment at a time: what [`ladder`] prints
/// after its time column, for a reader that gets its segments in batches
/// (observe). Remembers each direction's first sequence number.
#[derive(Default)]
pub struct Ladder {
    isn: std::collections::HashMap<(SocketAddr, SocketAddr), u32>,
}

impl Ladder {
    /// The column heads of [`Ladder::line`].
    pub fn header() -> String {
        format!("{:<21} {:^15} {:<21} {}", "client", "", "server", "seq ack len")
    }

    /// One segment: client, arrow with the flags, server, relative seq and
    /// ack, payload length. `to_server`: the segment goes from the client
    /// (left) to the server (right).
    pub fn line(&mut self, s: &Segment, to_server: bool) -> String {
        let isn_out = *self.isn.entry((s.src, s.dst)).or_insert(s.seq);
        let rel_ack = self
            .isn
            .get(&(s.dst, s.src))
            .map_or(s.ack, |i| s.ack.wrapping_sub(*i));
        let rel_ack = if s.has(ACK) { rel_ack } else { 0 };
        let (client, server) = if to_server { (s.src, s.dst) } else { (s.dst, s.src) };
        let label = s.label();
        let arrow = if to_server {
            format!("{:-<14}>", format!("-{label}-"))
        } else {
            format!("<{:->14}", format!("-{label}-"))
        };
        format!(
            "{:<21} {arrow:^15} {:<21} {} {} {}",
            client.to_string(),
            server.to_string(),
            s.seq.wrapping_sub(isn_out),
            rel_ack,
            s.len
        )
    }
}

/// Writes `frames` as a classic libpcap file (LINKTYPE_ETHERNET,
/// microsecond timestamps): a 24-byte global header, then per frame a
/// 16-byte record header and the bytes.
pub fn write_pcap(mut w: impl Write, frames: &[Frame]) -> io::Result<()> {
    write_pcap_header(&mut w)?;
    write_pcap_records(&mut w, frames)?;
    w.flush()
}

/// The 24-byte global header of a pcap file ([`write_pcap`]).
pub fn write_pcap_header(mut w: impl Write) -> io::Result<()> {
    let mut h = Vec::with_capacity(24);
    h.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes()); // magic, µs
    h.extend_from_slice(&2u16.to_le_bytes()); // version 2.4
    h.extend_from_slice(&4u16.to_le_bytes());
    h.extend_from_slice(&0i32.to_le_bytes()); // thiszone: UTC
    h.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
    h.extend_from_slice(&65_535u32.to_le_bytes()); // snaplen
    h.extend_from_slice(&1u32.to_le_bytes()); // LINKTYPE_ETHERNET
    w.write_all(&h)
}

/// One pcap record per frame, after [`write_pcap_header`]: a file grows by
/// records as a capture goes on.
pub fn write_pcap_records(mut w: impl Write, frames: &[Frame]) -> io::Result<()> {
    for f in frames {
        let t = f.time.duration_since(UNIX_EPOCH).unwrap_or_default();
        let mut r = Vec::with_capacity(16 + f.data.len());
        r.extend_from_slice(&(t.as_secs() as u32).to_le_bytes());
        r.extend_from_slice(&t.subsec_micros().to_le_bytes());
        r.extend_from_slice(&(f.data.len() as u32).to_le_bytes());
        r.extend_from_slice(&(f.wire_len as u32).to_le_bytes());
        r.extend_from_slice(&f.data);
        w.write_all(&r)?;
    }
    Ok(())
}

/// For a test: a capture, or `None` after a visible `SKIP:` line saying
/// what is missing (CAP_NET_RAW). Tests run as root in CI.
pub fn capture_for(test: &str) -> Option<Capture> {
    match Capture::start() {
        Ok(c) => Some(c),
        Err(e) => {
            crate::lab::skip(test, &why_not(&e));
            None
        }
    }
}

/// A client's `--packets` / `--pcap` (tcpcli11, echo_mpclient): its
/// connection's segments, shown on stderr (stdout is the echo) and saved
/// by [`client_show`] — tcpcli11 calls it before each write, so the last
/// time is just before the write that SIGPIPE kills. A static, so the
/// client's code stays the book's but for one call.
static CLIENT: Mutex<Option<(Segments, crate::args::PacketArgs)>> = Mutex::new(None);

/// Starts a client's capture of the connection to `port`, if `a` asks.
pub fn client(a: &crate::args::PacketArgs, port: u16) {
    let mut segs = Segments::from_args(a).on_stderr();
    segs.watch(port);
    if segs.on() {
        *CLIENT.lock().unwrap_or_else(|e| e.into_inner()) = Some((segs, a.clone()));
    }
}

/// Waits (with a deadline) until every segment a client's connection has
/// sent so far is acknowledged or reset, then prints the new ones and
/// rewrites the pcap file. Nothing without `--packets` / `--pcap`.
pub fn client_show() {
    let mut g = CLIENT.lock().unwrap_or_else(|e| e.into_inner());
    let Some((segs, a)) = g.as_mut() else { return };
    segs.show(all_acked);
    if let Some(p) = a.pcap.as_deref() {
        segs.save(p)
            .unwrap_or_else(|e| crate::error::err_quit(&format!("{e:#}")));
    }
}

/// Has every segment that takes sequence space (a SYN, data, a FIN) been
/// acknowledged by the other end, or its connection reset? A demo's "the
/// step's segments have all arrived".
pub fn all_acked(segs: &[Segment]) -> bool {
    segs.iter()
        .filter(|s| s.next_seq() != s.seq && !s.has(RST))
        .all(|s| {
            segs.iter().any(|a| {
                a.src == s.dst
                    && a.dst == s.src
                    && (a.has(RST) || (a.has(ACK) && a.ack.wrapping_sub(s.next_seq()) as i32 >= 0))
            })
        })
}

/// The index of the first segment at or after `from` that matches `pred`.
pub fn find(segs: &[Segment], from: usize, pred: impl Fn(&Segment) -> bool) -> Option<usize> {
    segs.iter().skip(from).position(pred).map(|i| i + from)
}

/// `--packets` / `--pcap FILE` of a guided demo: the port's TCP segments,
/// captured on loopback (needs CAP_NET_RAW) and printed as a ladder after
/// each step, or saved for tcpdump / Wireshark. No thread: the kernel
/// holds the frames between two steps, so a demo that forks stays
/// single-threaded.
pub struct Segments {
    cap: Option<Capture>,
    port: u16,
    shown: usize,
    print: bool,
    stderr: bool,
    /// The pcap line has been printed (a program that saves before each
    /// write says it once).
    said: AtomicBool,
}

impl Segments {
    /// Starts a capture if `print` or `pcap` asks for one; says visibly why
    /// not, on stderr (and goes on without it), when this process may not
    /// capture.
    pub fn start(print: bool, pcap: bool) -> Segments {
        let cap = if print || pcap {
            match Capture::start_unthreaded() {
                Ok(c) => Some(c),
                Err(e) => {
                    eprintln!("{}", crate::tr_fmt!("(no segments: {why})", why = why_not(&e)));
                    None
                }
            }
        } else {
            None
        };
        Segments {
            cap,
            port: 0,
            shown: 0,
            print,
            stderr: false,
            said: AtomicBool::new(false),
        }
    }

    /// A demo's `--packets` / `--pcap FILE` ([`crate::args::PacketArgs`]).
    pub fn from_args(a: &crate::args::PacketArgs) -> Segments {
        Segments::start(a.packets, a.pcap.is_some())
    }

    /// Prints the ladder and the pcap line on stderr, not stdout (a client
    /// whose stdout is the data it receives).
    pub fn on_stderr(mut self) -> Segments {
        self.stderr = true;
        self
    }

    fn say(&self, line: &str) {
        if self.stderr {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }

    /// The port watched last.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Is a capture running (asked for, and allowed)?
    pub fn on(&self) -> bool {
        self.cap.is_some()
    }

    /// Keeps only `port`'s segments from now on (a new port: a new ladder).
    pub fn watch(&mut self, port: u16) {
        if port != self.port {
            self.shown = 0;
        }
        self.port = port;
        if let Some(c) = &self.cap {
            c.watch(port);
        }
    }

    /// Waits (with a deadline) until the segments so far satisfy `done`
    /// (the capture thread may lag behind /proc), then prints the new ones
    /// as ladder lines.
    pub fn show(&mut self, done: impl FnMut(&[Segment]) -> bool) {
        let (Some(c), true) = (&self.cap, self.print) else {
            return;
        };
        let all = c
            .wait_for(
                self.port,
                crate::lab::harness::DEADLINE,
                "the step's segments",
                done,
            )
            .unwrap_or_else(|_| c.segments(self.port));
        let text = ladder(&all, self.port);
        let mut lines = text.lines();
        let head = lines.next().unwrap_or("");
        if self.shown == 0 {
            self.say(&crate::tr_fmt!("  segments │ {head}", head));
        }
        for l in lines.skip(self.shown) {
            self.say(&crate::tr_fmt!("  segments │ {l}", l));
        }
        self.shown = all.len();
    }

    /// Saves the capture where `--pcap` says, if it says; then stops it
    /// (a program that must be single-threaded again, e.g. to unshare a
    /// user namespace, calls this first).
    pub fn finish(&mut self, a: &crate::args::PacketArgs) -> anyhow::Result<()> {
        let saved = a.pcap.as_deref().map_or(Ok(()), |p| self.save(p));
        self.cap = None;
        saved
    }

    /// Writes the capture to `path` as a pcap file (tcpdump -r, Wireshark),
    /// and says so the first time.
    pub fn save(&self, path: &std::path::Path) -> anyhow::Result<()> {
        use anyhow::Context;
        let Some(c) = &self.cap else { return Ok(()) };
        let f = std::fs::File::create(path).with_context(|| format!("create {}", path.display()))?;
        write_pcap(std::io::BufWriter::new(f), &c.frames())?;
        if self.said.swap(true, Ordering::Relaxed) {
            return Ok(());
        }
        self.say(&crate::tr_fmt!(
            "{n} segments written to {p} (read it: tcpdump -nn -r {p})",
            n = c.frames().len(),
            p = path.display()
        ));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `tcpdump -dd -y EN10MB 'tcp port 9877'` (tcpdump 4.99, libpcap
    /// 1.10), its snap length 262144 replaced by ours. (With two ports
    /// tcpdump's optimizer shares instructions between the blocks; ours
    /// are plain.)
    const TCPDUMP: [(u16, u8, u8, u32); 20] = [
        (0x28, 0, 0, 0x0000000c),
        (0x15, 0, 6, 0x000086dd),
        (0x30, 0, 0, 0x00000014),
        (0x15, 0, 15, 0x00000006),
        (0x28, 0, 0, 0x00000036),
        (0x15, 12, 0, 0x00002695),
        (0x28, 0, 0, 0x00000038),
        (0x15, 10, 11, 0x00002695),
        (0x15, 0, 10, 0x00000800),
        (0x30, 0, 0, 0x00000017),
        (0x15, 0, 8, 0x00000006),
        (0x28, 0, 0, 0x00000014),
        (0x45, 6, 0, 0x00001fff),
        (0xb1, 0, 0, 0x0000000e),
        (0x48, 0, 0, 0x0000000e),
        (0x15, 2, 0, 0x00002695),
        (0x48, 0, 0, 0x00000010),
        (0x15, 0, 1, 0x00002695),
        (0x6, 0, 0, SNAP),
        (0x6, 0, 0, 0x00000000),
    ];

    #[test]
    fn the_port_filter_is_tcpdumps_program() {
        assert_eq!(port_program(&[9877]), TCPDUMP);
        let two = port_program(&[9877, 1234]);
        assert_eq!(two.len(), TCPDUMP.len() + 4, "{two:x?}");
        assert_eq!(port_program(&[]), [(0x06, 0, 0, SNAP)]);
    }
}

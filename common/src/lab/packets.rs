//! The TCP segments of a port on loopback: capture, parse, draw as a ladder,
//! write as pcap — so a test can assert the SYN, FIN and RST the book names
//! (UNP 4.3, 4.5, 5.6–5.7, 5.12–5.13) and a student can see them.
//!
//! - [`Capture::start`] opens an AF_PACKET socket (`ETH_P_ALL`, needs
//!   CAP_NET_RAW: root on the host, or any user inside a private user +
//!   network namespace) and reads every frame of the `lo` interface in a
//!   thread, keeping the TCP ones.
//! - **Each loopback segment is seen twice** by a packet socket: once going
//!   out (`PACKET_OUTGOING` in the address's pkttype) and once coming in
//!   (`PACKET_HOST`). Only the incoming copy is kept.
//! - The port filter is set with [`Capture::watch`] once the server's
//!   ephemeral port is known: in the kernel, a classic BPF program
//!   ([`port_filter`]) drops every other frame before it is queued, and
//!   the capture thread checks the port again for frames queued before.
//!   Until then headers of every loopback TCP frame are kept (a lesson
//!   whose program picks its own port filters afterwards,
//!   [`Capture::segments`]).
//! - Parsing (Ethernet, IPv4 or IPv6, TCP) is hand-written: three fixed
//!   headers, fewer lines than a crate's glue and nothing added to the
//!   cold build.
//! - [`ladder`] draws one line per segment: time, client column, arrow,
//!   server column, flags, relative seq and ack, payload length.
//! - [`write_pcap`] writes the classic libpcap format (LINKTYPE_ETHERNET)
//!   that `tcpdump -r` and Wireshark read.

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, Ordering};
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
        "capturing packets needs CAP_NET_RAW: run as root, or inside a private \
         user + network namespace (unshare -rn)"
            .into()
    } else {
        format!("cannot open a packet socket: {e}")
    }
}

/// A classic BPF program (the kernel's socket filter, SO_ATTACH_FILTER)
/// that keeps the TCP frames to or from `port` over Ethernet + IPv4 (not
/// a fragment) or IPv6 (TCP as the first next header, as [`parse`]
/// wants), cut to [`SNAP`] bytes, and drops every other frame before it
/// is queued: on a busy machine's loopback the capture then reads only
/// its own port's frames.
pub fn port_filter(port: u16) -> Vec<socket2::SockFilter> {
    use socket2::SockFilter as F;
    // linux/filter.h: BPF_LD|BPF_H|BPF_ABS, ..., BPF_RET|BPF_K.
    const LDH: u16 = 0x28;
    const LDB: u16 = 0x30;
    const LDH_X: u16 = 0x48; // BPF_LD|BPF_H|BPF_IND: [X + k]
    const LDX_MSH: u16 = 0xb1; // X = 4 * ([k] & 0xf): the IPv4 header's length
    const JEQ: u16 = 0x15;
    const JSET: u16 = 0x45;
    const RET: u16 = 0x06;
    let p = u32::from(port);
    // Jumps are relative: to instruction (this + 1 + offset).
    vec![
        F::new(LDH, 0, 0, 12),          //  0 ethertype
        F::new(JEQ, 0, 9, 0x0800),      //  1 IPv4? else 11
        F::new(LDB, 0, 0, 14 + 9),      //  2 protocol
        F::new(JEQ, 0, 15, 6),          //  3 TCP? else drop
        F::new(LDH, 0, 0, 14 + 6),      //  4 flags + fragment offset
        F::new(JSET, 13, 0, 0x1fff),    //  5 a later fragment: drop
        F::new(LDX_MSH, 0, 0, 14),      //  6 X = IPv4 header length
        F::new(LDH_X, 0, 0, 14),        //  7 source port
        F::new(JEQ, 9, 0, p),           //  8 → keep
        F::new(LDH_X, 0, 0, 16),        //  9 destination port
        F::new(JEQ, 7, 8, p),           // 10 → keep, else drop
        F::new(JEQ, 0, 7, 0x86dd),      // 11 IPv6? else drop
        F::new(LDB, 0, 0, 14 + 6),      // 12 next header
        F::new(JEQ, 0, 5, 6),           // 13 TCP? else drop
        F::new(LDH, 0, 0, 14 + 40),     // 14 source port
        F::new(JEQ, 2, 0, p),           // 15 → keep
        F::new(LDH, 0, 0, 14 + 40 + 2), // 16 destination port
        F::new(JEQ, 0, 1, p),           // 17 → keep, else drop
        F::new(RET, 0, 0, SNAP),        // 18 keep, cut to SNAP bytes
        F::new(RET, 0, 0, 0),           // 19 drop
    ]
}

/// A running capture of loopback TCP; stops when dropped.
pub struct Capture {
    stop: Arc<AtomicBool>,
    port: Arc<AtomicU16>,
    frames: Arc<Mutex<Vec<Frame>>>,
    outgoing: Arc<AtomicU64>,
    /// [`nanos`] of the latest moment at which nothing was left to read.
    caught_up: Arc<AtomicU64>,
    /// The packet socket, to change its kernel filter ([`Capture::watch`]).
    sock: Arc<Socket>,
    thread: Option<JoinHandle<()>>,
}

/// Nanoseconds since the epoch, for an atomic.
fn nanos(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

impl Capture {
    /// Opens the packet socket and starts reading `lo`. Fails (EPERM)
    /// without CAP_NET_RAW: see [`why_not`].
    pub fn start() -> io::Result<Capture> {
        use nix::sys::socket::{MsgFlags, recvmsg, setsockopt, sockopt};
        let sock = Socket::new(Domain::PACKET, Type::RAW, Some(Protocol::from(ETH_P_ALL_BE)))?;
        sock.set_nonblocking(true)?;
        sock.attach_filter(&[socket2::SockFilter::new(0x06, 0, 0, SNAP)])?; // BPF_RET|BPF_K
        let sock = Arc::new(sock);
        let _ = setsockopt(&sock, sockopt::RcvBufForce, &RCVBUF);
        // The kernel's time of each frame (when lo handed it on), not the
        // time this thread read it: a thread that lags would date a FIN
        // after the state it caused.
        setsockopt(&sock, sockopt::ReceiveTimestampns, &true).map_err(io::Error::from)?;
        let lo = nix::net::if_::if_nametoindex("lo").map_err(io::Error::from)? as usize;
        let mut cap = Capture {
            stop: Arc::new(AtomicBool::new(false)),
            port: Arc::new(AtomicU16::new(0)),
            frames: Arc::new(Mutex::new(Vec::new())),
            outgoing: Arc::new(AtomicU64::new(0)),
            caught_up: Arc::new(AtomicU64::new(0)),
            sock: Arc::clone(&sock),
            thread: None,
        };
        let (stop, port, frames, outgoing, caught_up) = (
            Arc::clone(&cap.stop),
            Arc::clone(&cap.port),
            Arc::clone(&cap.frames),
            Arc::clone(&cap.outgoing),
            Arc::clone(&cap.caught_up),
        );
        let thread = thread::spawn(move || {
            let mut buf = vec![0u8; 65_600];
            let mut cmsg = nix::cmsg_space!(nix::sys::time::TimeSpec);
            while !stop.load(Ordering::Relaxed) {
                let asked = SystemTime::now();
                let mut iov = [io::IoSliceMut::new(&mut buf)];
                let (n, addr, kernel_time) = match recvmsg::<LinkAddr>(
                    sock.as_raw_fd(),
                    &mut iov,
                    Some(&mut cmsg),
                    MsgFlags::MSG_DONTWAIT,
                ) {
                    Ok(m) => {
                        let t = m.cmsgs().ok().and_then(|mut c| {
                            c.find_map(|c| match c {
                                nix::sys::socket::ControlMessageOwned::ScmTimestampns(t) => {
                                    Some(UNIX_EPOCH + Duration::from(t))
                                }
                                _ => None,
                            })
                        });
                        (m.bytes, m.address, t)
                    }
                    Err(nix::errno::Errno::EAGAIN) => {
                        // Nothing queued: every frame queued before
                        // `asked` has been read.
                        caught_up.store(nanos(asked), Ordering::Release);
                        let mut fds = [nix::poll::PollFd::new(
                            std::os::fd::AsFd::as_fd(&sock),
                            nix::poll::PollFlags::POLLIN,
                        )];
                        // Idle, the thread still wakes every 10 ms: a
                        // reader waiting in caught_up_to (observe, after
                        // each look) waits at most that long.
                        let _ = nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(10u8));
                        continue; // look at `stop` again
                    }
                    Err(_) => continue,
                };
                let Some(addr) = addr else { continue };
                let time = kernel_time.unwrap_or_else(SystemTime::now);
                if addr.ifindex() != lo {
                    continue;
                }
                if addr.pkttype() == PACKET_OUTGOING {
                    outgoing.fetch_add(1, Ordering::Relaxed);
                    continue; // its incoming twin follows
                }
                let f = Frame {
                    time,
                    wire_len: wire_len(&buf[..n]).unwrap_or(n),
                    data: buf[..n].to_vec(),
                };
                let Some(seg) = parse(&f) else { continue };
                let p = port.load(Ordering::Relaxed);
                let mut f = f;
                if p == 0 {
                    f.data.truncate(HEADERS);
                } else if !seg.on_port(p) {
                    continue;
                }
                let mut v = frames.lock().unwrap_or_else(|e| e.into_inner());
                if v.len() < MAX_FRAMES {
                    v.push(f);
                }
            }
        });
        cap.thread = Some(thread);
        Ok(cap)
    }

    /// From now on keep only the segments of `port`, whole. The kernel
    /// drops the other frames ([`port_filter`]); a frame queued before the
    /// filter changed is dropped here.
    pub fn watch(&self, port: u16) {
        // A failed attach leaves the filter that keeps every frame: the
        // check in the capture thread still keeps only the port's.
        let _ = self.sock.attach_filter(&port_filter(port));
        self.port.store(port, Ordering::Relaxed);
        self.frames
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|f| parse(f).is_some_and(|s| s.on_port(port)));
    }

    /// The frames so far (of the watched port, once one is).
    pub fn frames(&self) -> Vec<Frame> {
        self.frames.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Takes the frames kept so far out of the capture (a long-running
    /// reader, observe, drains them as it goes instead of keeping them all).
    pub fn drain(&self) -> Vec<Frame> {
        std::mem::take(&mut *self.frames.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Waits, at most `timeout`, until every frame the kernel handed to the
    /// capture before `t` has been read; false if the deadline came first.
    /// Read from /proc at `t`, a TCP state has its cause among those frames:
    /// a FIN reaches a packet socket before TCP processes it.
    pub fn caught_up_to(&self, t: SystemTime, timeout: Duration) -> bool {
        crate::lab::harness::eventually(timeout, "the capture to catch up", || {
            (self.caught_up.load(Ordering::Acquire) >= nanos(t)).then_some(())
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
        self.outgoing.load(Ordering::Relaxed)
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
        self.stop.store(true, Ordering::Relaxed);
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

/// The index of the first segment at or after `from` that matches `pred`.
pub fn find(segs: &[Segment], from: usize, pred: impl Fn(&Segment) -> bool) -> Option<usize> {
    segs.iter().skip(from).position(pred).map(|i| i + from)
}

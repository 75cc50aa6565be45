//! Exercise 7's check: the check is the echo server. It echoes everything
//! and notes whether the client's FIN (end of file) follows the last byte.
//! A client that never sends it would wait forever for the server's EOF, so
//! after a grace period the server closes anyway — and the check fails.
//!
//! The last [`TAIL`] bytes of the echo are held back until the FIN has
//! arrived and the client has read everything before them and sleeps
//! (waiting for more) — or has ended. A client that stops reading after its
//! FIN (SHUT_RDWR, or returning what has come so far) never gets them: its
//! loss does not depend on timing.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener};
use std::thread;
use std::time::Duration;

use common::lab::harness::{describe, eventually};
use common::lab::observer;
use common::lang::{tr, trf};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::checks::{STEP, Target};
use crate::observe::all_threads_asleep;
use crate::report::{Trace, Verdict, tail};
use crate::rng::Rng;

/// How long after the last byte the server waits for the FIN.
pub const GRACE: Duration = Duration::from_secs(2);

/// The echo's last bytes, sent only after the FIN.
pub const TAIL: usize = 1000;

#[derive(Debug, Default)]
struct Seen {
    received: usize,
    fin: bool,
    /// The client ended after its FIN before the tail could be sent.
    gone_before_tail: bool,
    error: Option<String>,
    /// The error was the client's RST: ECONNRESET, or EPIPE when the
    /// server's end had the client's FIN already (CLOSE_WAIT: the kernel
    /// reports an RST there as EPIPE; seen under .ci/stress).
    refused: bool,
}

/// Was a write refused by the client's RST?
fn refused(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe)
}

fn echo_server(listener: TcpListener, expect: usize, client: i32, gate: Arc<AtomicBool>) -> Seen {
    let mut seen = Seen::default();
    let conn = eventually(STEP, common::lang::n_("the client to connect"), || listener.accept().ok());
    let Ok((mut s, peer)) = conn else {
        seen.error = Some(trf("no connection within {} s", &[&STEP.as_secs()]));
        return seen;
    };
    // Nothing is read until the check has had its first look at the
    // client's writes (see interrupt_writes): with the buffers full, a
    // writer must then sleep in write(2), however busy the machine.
    let _ = eventually(STEP * 3, common::lang::n_("the check's first look at the client's writes"), || {
        gate.load(Ordering::SeqCst).then_some(())
    });
    let _ = s.set_nonblocking(false);
    let _ = s.set_read_timeout(Some(STEP));
    // A client that does not read must not hang the check: a blocked echo
    // gives up after STEP.
    let _ = s.set_write_timeout(Some(STEP));
    let mut buf = vec![0u8; 65536];
    let mut held = Vec::new();
    loop {
        match s.read(&mut buf) {
            Ok(0) => {
                seen.fin = true;
                break;
            }
            Ok(n) => {
                // Echo what lies before the tail; keep the tail's bytes.
                let keep_from = expect.saturating_sub(TAIL).saturating_sub(seen.received).min(n);
                seen.received += n;
                if let Err(e) = s.write_all(&buf[..keep_from]) {
                    seen.refused = refused(&e);
                    seen.error = Some(trf("echo failed: {}", &[&e]));
                    break;
                }
                held.extend_from_slice(&buf[keep_from..n]);
                if seen.received >= expect {
                    let _ = s.set_read_timeout(Some(GRACE));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                if !matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) {
                    seen.refused = refused(&e);
                    seen.error = Some(trf("read error: {}", &[&e]));
                }
                break;
            }
        }
    }
    if seen.fin && seen.error.is_none() {
        match drained(client, peer) {
            Some(true) => {
                if let Err(e) = s.write_all(&held) {
                    seen.refused = refused(&e);
                    seen.error = Some(trf("echo failed: {}", &[&e]));
                }
            }
            Some(false) => {}
            None => seen.gone_before_tail = true,
        }
    }
    let _ = s.shutdown(Shutdown::Both); // unsticks a client still waiting
    seen
}

/// Waits until the client has read every byte sent to it and all its
/// threads sleep (Some(true)), or it has ended (None); Some(false) at the
/// deadline.
fn drained(client: i32, peer: SocketAddr) -> Option<bool> {
    let r = eventually(STEP, common::lang::n_("the client to read the echo so far"), || {
        let Some(asleep) = all_threads_asleep(client) else {
            return Some(None); // ended
        };
        let empty = observer::tcp_sockets_at(peer)
            .iter()
            .find(|t| t.local == peer)
            .is_some_and(|t| t.recv_q == 0);
        (asleep && empty).then_some(Some(()))
    });
    match r {
        Ok(Some(())) => Some(true),
        Ok(None) => None,
        Err(_) => Some(false),
    }
}

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let mut rng = Rng::new(target.seed);
    // More than both sockets' buffers hold together (loopback autotunes them
    // to a few MiB): a client that writes everything before it reads waits
    // for a server that waits for it.
    let n = rng.range(8 << 20, (8 << 20) + 600_000);
    let input = rng.bytes(n);
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| t.fail(e.to_string(), tr("a listener")))?;
    // Small fixed buffers on the server's side (no autotuning): with a
    // client that does not read, at most a few MiB fit in all the buffers
    // on the way — far less than the input — whatever the machine's
    // tcp_rmem/tcp_wmem say.
    let listener = {
        let s = socket2::Socket::from(listener);
        let _ = s.set_recv_buffer_size(64 * 1024);
        let _ = s.set_send_buffer_size(64 * 1024);
        TcpListener::from(s)
    };
    listener
        .set_nonblocking(true)
        .map_err(|e| t.fail(e.to_string(), tr("a listener")))?;
    let port = listener
        .local_addr()
        .map_err(|e| t.fail(e.to_string(), tr("a port")))?
        .port();
    t.did(trf("started an echo server on 127.0.0.1:{}", &[&port]));
    let mut client = target.spawn(&t, &["127.0.0.1".into(), "--port".into(), port.to_string()])?;
    let pid = client.pid();
    let gate = Arc::new(AtomicBool::new(false));
    let server = {
        let gate = gate.clone();
        thread::spawn(move || echo_server(listener, n, pid, gate))
    };
    let feeder = client.feed_stdin(input.clone());
    let interrupter = thread::spawn(move || interrupt_writes(pid, port, gate));
    t.did(trf(
        "ran your client with {} random bytes on stdin; each of the first times a thread of it slept \
         in write(2) with the buffers full, the check interrupted that write with SIGUSR1 (no SA_RESTART: a short write)",
        &[&n],
    ));
    let status = client.wait_exit(STEP * 3);
    if status.is_err() {
        // Killed before the threads are joined: the feeder may be blocked
        // writing to a client that no longer reads its input.
        let _ = client.shut_down();
    }
    let _ = feeder.join();
    let interrupted = interrupter.join().unwrap_or(0);
    t.did(trf("(the check interrupted {} writes of your client)", &[&interrupted]));
    let seen = server.join().unwrap_or_default();
    let status = status.map_err(|_| {
        t.fail(
            trf("the client did not finish within {} s (killed)", &[&(STEP.as_secs() * 3)]),
            tr("the client exits once the server has closed"),
        )
    })?;
    if !status.success() {
        return Err(t.fail(
            trf(
                "the client exited ({}); stderr:\n{}",
                &[&describe(status), &tail(&client.stderr_text(), 3)],
            ),
            tr("exit code 0, with every echoed byte on stdout"),
        ));
    }
    if let Some(e) = seen.error {
        let why = if seen.refused {
            tr("\nyour client's socket was closed (or its read side shut) while echoes were still \
                arriving: the kernel refused them with an RST — the rest of the echo was not read")
        } else {
            ""
        };
        return Err(t.fail(
            trf("the server saw: {}{}", &[&e, &why]),
            tr("a clean connection: after shutdown(SHUT_WR) keep reading until end of file"),
        ));
    }
    if !seen.fin {
        return Err(t.fail(
            trf(
                "all {} bytes reached the server, but no end of file (FIN) followed within {} s — \
                 the server then closed anyway, to unstick your client",
                &[&seen.received, &GRACE.as_secs()],
            ),
            tr("the FIN right after the last byte: shutdown(SHUT_WR) sends it whoever else holds the socket; \
                close() of one descriptor of two sends nothing"),
        ));
    }
    if seen.gone_before_tail {
        return Err(t.fail(
            trf(
                "after its FIN your client stopped reading and ended before the last {} bytes of the \
                 echo came back — the rest of the echo was not read (a socket shut for reading, \
                 SHUT_RD or SHUT_RDWR, reads 0 at once)",
                &[&TAIL],
            ),
            tr("after shutdown(SHUT_WR), read until the server's end of file: only then has every echo arrived"),
        ));
    }
    let out = client.stdout_bytes();
    if out != input {
        let first = out
            .iter()
            .zip(&input)
            .position(|(a, b)| a != b)
            .unwrap_or(out.len().min(n));
        return Err(t.fail(
            trf(
                "stdout has {} of {} bytes; the first wrong or missing byte is at offset {}{}",
                &[
                    &out.len(),
                    &n,
                    &first,
                    &if out.len() < n { tr(" — the rest of the echo was not read") } else { "" },
                ],
            ),
            tr("every byte echoed, in order, on stdout: read until end of file"),
        ));
    }
    Ok(())
}

/// The system calls a writer may sleep in.
const WRITES: [i64; 4] = [
    nix::libc::SYS_write,
    nix::libc::SYS_writev,
    nix::libc::SYS_sendto,
    nix::libc::SYS_sendmsg,
];

/// Up to three times: waits until a thread of `pid` sleeps in a write to a
/// socket with the buffers full, then interrupts exactly that thread with
/// SIGUSR1 (its handler has no SA_RESTART): the write returns the bytes it
/// had written so far. Returns how many writes it interrupted.
///
/// The check's echo server reads nothing until `gate` opens: after the
/// first interruption, or once the client waits elsewhere with bytes
/// queued and no thread in a socket write (a client that polls before it
/// writes never sleeps in write(2)). So a client that sends everything with
/// one call sleeps in it, and is interrupted, on every run: once the check
/// looked only while the echo flowed, a busy machine could let the whole
/// send pass between two looks, and the three interruptions land on the
/// client's writes to stdout (a single send(2) passed, 2 suites in 6).
fn interrupt_writes(pid: i32, port: u16, gate: Arc<AtomicBool>) -> usize {
    let open = || gate.store(true, Ordering::SeqCst);
    let mut done = 0;
    for _ in 0..3 {
        let tid = eventually(STEP * 3, common::lang::n_("a writer asleep in write(2)"), || {
            if crate::observe::exited(pid) {
                return Some(None);
            }
            let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
            let tids: Vec<i32> = tasks
                .flatten()
                .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
                .collect();
            if let Some(&tid) = tids.iter().find(|&&tid| asleep_in_socket_write(pid, tid)) {
                return Some(Some(tid));
            }
            if !gate.load(Ordering::SeqCst) && all_threads_asleep(pid) == Some(true) && queued(pid, port) {
                open(); // it waits in poll(2) or the like: nothing to interrupt
            }
            None
        });
        let Ok(Some(tid)) = tid else {
            open();
            return done;
        };
        // SAFETY: tgkill(2) sends a signal to one thread of a process the
        // check started; it touches no memory of ours.
        if unsafe { nix::libc::syscall(nix::libc::SYS_tgkill, pid, tid, nix::libc::SIGUSR1) } != 0 {
            open();
            return done;
        }
        done += 1;
        // Delivered before the next look; then the echo may flow.
        let _ = crate::checks::delivered(pid, nix::sys::signal::Signal::SIGUSR1);
        open();
    }
    done
}

/// Is thread `tid` of `pid` asleep in a write-like system call on a socket
/// (its first argument, in /proc/PID/task/TID/syscall, a socket's fd)?
fn asleep_in_socket_write(pid: i32, tid: i32) -> bool {
    if !observer::blocked_in_task(pid, tid, &WRITES) {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/syscall")) else {
        return false;
    };
    let fd = text
        .split_whitespace()
        .nth(1)
        .and_then(|a| i64::from_str_radix(a.trim_start_matches("0x"), 16).ok());
    fd.and_then(|fd| std::fs::read_link(format!("/proc/{pid}/fd/{fd}")).ok())
        .is_some_and(|l| l.to_string_lossy().starts_with("socket:"))
}

/// Does the client's own end of its connection to 127.0.0.1:`port` hold
/// unsent bytes? (Its socket, by inode among its descriptors: a row of
/// another process that merely names the same port number — a connection
/// to that port on another loopback address, under load — once opened the
/// gate while the client still read its input.)
fn queued(pid: i32, port: u16) -> bool {
    let listener = SocketAddr::from(([127, 0, 0, 1], port));
    let mine: Vec<u64> = observer::socket_fds(pid).iter().map(|&(_, inode)| inode).collect();
    observer::tcp_sockets(port)
        .iter()
        .any(|t| t.remote == listener && t.send_q > 0 && mine.contains(&t.inode))
}

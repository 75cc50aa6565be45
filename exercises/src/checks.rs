//! The checks: each spawns its exercise's program (with one implementation
//! variant), does something to it, observes the result through sockets and
//! /proc, and returns a [`Verdict`]. Every wait has a deadline; a program
//! that does not answer is killed (when its [`Proc`] drops) and reported.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

use common::lab::harness::{Deadline, describe};
use common::lang::{tr, trf};

use crate::catalog::Exercise;
use crate::report::{Failure, Trace, tail};
pub use crate::warden::Contained as Proc;

/// The deadline for any one step of a check ("no answer within 5 s").
pub const STEP: Duration = Duration::from_secs(5);

/// What a check runs: the exercise, which implementation, which seed (always [`crate::rng::FIXED`]).
pub struct Target<'a> {
    /// The `exercises` binary (the checker: it starts each program under
    /// its warden, `exercises warden`).
    pub exe: &'a Path,
    /// The `exercises-host` binary: the exercises' programs, with the
    /// student's code (and in reference mode the lab's variants) linked in.
    pub host: &'a Path,
    pub ex: &'a Exercise,
    /// `student`, `solution`, or a wrong answer's name.
    pub variant: &'a str,
    pub seed: u64,
}

impl Target<'_> {
    /// `exercises-host run <id> --impl <variant> -- ARGS`.
    pub fn args(&self, args: &[String]) -> Vec<String> {
        let mut all = vec![
            "run".to_string(),
            self.ex.id.to_string(),
            "--impl".into(),
            self.variant.to_string(),
            "--".into(),
        ];
        all.extend_from_slice(args);
        all
    }

    /// Starts the exercise's program with `args`, under a warden (see
    /// [`crate::warden`]): nothing it starts outlives the check.
    pub fn spawn(&self, t: &Trace, args: &[String]) -> Result<Proc, Failure> {
        self.spawn_with_fds(t, args, Vec::new())
    }

    /// [`Target::spawn`], handing `fds` to the program as descriptors 4, 5, ...
    pub fn spawn_with_fds(
        &self,
        t: &Trace,
        args: &[String],
        fds: Vec<std::os::fd::OwnedFd>,
    ) -> Result<Proc, Failure> {
        Proc::spawn(self.exe, self.host, &self.args(args), fds).map_err(|e| {
            t.fail(
                trf("could not start the program: {}", &[&format!("{e:#}")]),
                tr("it starts"),
            )
        })
    }

    /// Starts the exercise's server on an ephemeral loopback port and waits
    /// for its `listening on` line.
    pub fn server(&self, t: &mut Trace, args: &[String]) -> Result<(Proc, SocketAddr), Failure> {
        let mut all = vec!["--port".to_string(), "0".to_string()];
        all.extend_from_slice(args);
        let mut p = self.spawn(t, &all)?;
        t.did(tr("started the server on 127.0.0.1, port 0"));
        listening(&mut p, t).map(|a| (p, a))
    }
}

/// Waits for a server's `listening on` line; explains why it never came.
pub fn listening(p: &mut Proc, t: &Trace) -> Result<SocketAddr, Failure> {
    match p.listening() {
        Ok(a) => Ok(a),
        Err(e) => Err(match gone(p) {
            Some(why) => t.fail(why, tr("the server keeps running and prints `listening on ADDR`")),
            // `e` says how long the wait really was (a busy machine extends it).
            None => t.fail(
                format!(
                    "{}\n{e:#}",
                    trf(
                        "no `listening on` line within {} s",
                        &[&common::lab::harness::DEADLINE.as_secs()]
                    )
                ),
                tr("the server prints `listening on ADDR` first"),
            ),
        }),
    }
}

/// If `p` has exited (or does so within half a second: a client may see
/// the RST of a dying server before /proc shows it dead): "the program
/// exited (exit code 1); its last words on stderr: ...".
pub fn gone(p: &mut Proc) -> Option<String> {
    let pid = p.pid();
    common::lab::harness::eventually(Duration::from_millis(500), common::lang::n_("exit"), || {
        crate::observe::exited(pid).then_some(())
    })
    .ok()?;
    let st = p.wait_exit(Duration::from_secs(1)).ok()?;
    Some(trf(
        "the program exited ({}); its last words on stderr:\n{}",
        &[&describe(st), &tail(&p.stderr_text(), 3)],
    ))
}

/// A failure that adds what the server said: why it died, or the warning
/// it logged last.
pub fn fail_or_gone(p: &mut Proc, t: &Trace, saw: String, expected: &str) -> Failure {
    match gone(p) {
        Some(why) => t.fail(format!("{saw}\n{why}"), expected),
        None => {
            let err = p.stderr_text();
            match err
                .lines()
                .rev()
                .find(|l| l.contains(" WARNING ") || l.contains(" FATAL "))
            {
                Some(last) => t.fail(
                    trf("{}\nthe server's stderr ends with:\n{}", &[&saw, &last]),
                    expected,
                ),
                None => t.fail(saw, expected),
            }
        }
    }
}

/// A loopback client with read and write deadlines of [`STEP`].
pub fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let s = TcpStream::connect_timeout(&addr, STEP)?;
    s.set_read_timeout(Some(STEP))?;
    s.set_write_timeout(Some(STEP))?;
    Ok(s)
}

/// Reads until `want` bytes arrived; describes what went wrong otherwise.
pub fn read_exact(s: &mut TcpStream, want: usize) -> Result<Vec<u8>, String> {
    let mut got = vec![0u8; want];
    let mut n = 0;
    let end = Deadline::after(STEP);
    while n < want {
        match read_by(s, &mut got[n..], &end) {
            Ok(0) => {
                return Err(trf(
                    "the connection ended (EOF) after {} of {} bytes",
                    &[&n, &want],
                ));
            }
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return Err(trf(
                    "no answer within {} s ({} of {} bytes arrived)",
                    &[&STEP.as_secs(), &n, &want],
                ));
            }
            Err(e) => return Err(trf("read error after {} of {} bytes: {}", &[&n, &want, &e])),
        }
    }
    got.truncate(n);
    Ok(got)
}

/// One read(2) that waits no longer than `end` (a [`Deadline`]: it grows
/// while the machine keeps runnable tasks waiting for a CPU). The socket's
/// own read timeout is put back afterwards.
pub fn read_by(s: &mut TcpStream, buf: &mut [u8], end: &Deadline) -> io::Result<usize> {
    let before = s.read_timeout()?;
    loop {
        let left = end.left();
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        s.set_read_timeout(Some(left))?;
        let r = s.read(buf);
        s.set_read_timeout(before)?;
        match r {
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
            r => return r,
        }
    }
}

/// A reader whose every read waits up to `step` for data (a [`Deadline`]:
/// longer while the machine keeps runnable tasks waiting for a CPU). The
/// inner reader must have a short read timeout of its own (it is woken to
/// look at the deadline again); its WouldBlock and TimedOut are retried
/// until the deadline passes, so no partly read frame is lost to a timeout.
pub struct Patient<R> {
    inner: R,
    step: Duration,
}

impl<R: Read> Patient<R> {
    pub fn new(inner: R, step: Duration) -> Patient<R> {
        Patient { inner, step }
    }
}

impl<R: Read> Read for Patient<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let end = Deadline::after(self.step);
        loop {
            match self.inner.read(buf) {
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                    if end.passed() {
                        // Say how long the wait was on a busy machine.
                        return Err(io::Error::new(e.kind(), format!("{e}{}", end.note())));
                    }
                }
                r => return r,
            }
        }
    }
}

/// Sends `line` and expects it echoed back byte for byte.
pub fn roundtrip(s: &mut TcpStream, line: &[u8]) -> Result<(), String> {
    s.write_all(line)
        .map_err(|e| trf("sending {} failed: {}", &[&format!("{:?}", show(line)), &e]))?;
    let got = read_exact(s, line.len())?;
    if got != line {
        return Err(trf(
            "sent {}, got back {}",
            &[&format!("{:?}", show(line)), &format!("{:?}", show(&got))],
        ));
    }
    Ok(())
}

/// Closes with an RST instead of a FIN (SO_LINGER 0), as an aborting client.
pub fn reset(s: TcpStream) {
    let sock = socket2::Socket::from(s);
    let _ = sock.set_linger(Some(Duration::ZERO));
    drop(sock);
}

/// Half-closes and waits for the server's EOF.
pub fn finish(mut s: TcpStream) -> Result<(), String> {
    let _ = s.shutdown(Shutdown::Write);
    let end = Deadline::after(STEP);
    let mut buf = [0u8; 4096];
    let result = loop {
        match read_by(&mut s, &mut buf, &end) {
            Ok(0) => break Ok(()),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => break Err(e),
        }
    };
    match result {
        Ok(()) => Ok(()),
        Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => Err(trf(
            "after the client's FIN no end of file came back within {} s",
            &[&STEP.as_secs()],
        )),
        Err(e) => Err(trf("read error after the client's FIN: {}", &[&e])),
    }
}

/// Bytes as text for a report, cut at 60 characters.
pub fn show(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.into_owned()
    }
}

/// The child of `server` that holds the connection between the server's
/// `local` address and the client's `peer` address (/proc/net/tcp's inode
/// among the child's descriptors).
pub fn child_serving(server: i32, local: SocketAddr, peer: SocketAddr) -> Option<i32> {
    use common::lab::observer;
    let inode = observer::tcp_sockets_at(local)
        .into_iter()
        .find(|s| s.remote == peer && s.state == "ESTABLISHED")?
        .inode;
    observer::children(server)
        .into_iter()
        .find(|c| observer::socket_fds(c.pid).iter().any(|&(_, n)| n == inode))
        .map(|c| c.pid)
}

/// Breaks the server's listener (SIGUSR2: its number then names /dev/null,
/// and accept(2) fails with ENOTSOCK — a real error, for good) and expects
/// the server to end with an error within [`STEP`], not to retry for ever.
pub fn broken_listener_ends_the_server(p: &mut Proc, t: &mut Trace) -> Result<(), Failure> {
    let pid = p.pid();
    crate::observe::idle_in_accept(pid, STEP)
        .map_err(|e| fail_or_gone(p, t, e.to_string(), tr("the server in accept()")))?;
    p.signal(nix::sys::signal::Signal::SIGUSR2)
        .map_err(|e| t.fail(e.to_string(), tr("the signal sent")))?;
    t.did(tr(
        "broke the server's listener (its descriptor now names /dev/null: accept fails with ENOTSOCK, for good)",
    ));
    match p.wait_exit(STEP) {
        Ok(st) if !st.success() => {
            t.did(trf("the server ended ({})", &[&describe(st)]));
            Ok(())
        }
        Ok(st) => Err(t.fail(
            trf("the server ended ({}) as if nothing were wrong", &[&describe(st)]),
            tr("an error that means the listener itself is broken is returned: the server ends with it"),
        )),
        Err(_) => Err(t.fail(
            trf(
                "the server was still running {} s later: it retries an error that never goes away (ENOTSOCK){}",
                &[
                    &STEP.as_secs(),
                    &if crate::observe::all_threads_asleep(pid) == Some(true) { "" } else { tr(" — on the CPU, spinning") },
                ],
            ),
            tr("only the errors that concern one client (EINTR, ECONNABORTED, ...) mean \"accept again\"; \
                any other is returned and ends the server"),
        )),
    }
}

/// Waits (at most [`STEP`]) until signal `sig` is no longer pending for
/// `pid` — delivered to its handler — or `pid` is gone. The checks send a
/// signal, then wait for this before their next look.
pub fn delivered(pid: i32, sig: nix::sys::signal::Signal) -> anyhow::Result<()> {
    common::lab::harness::eventually(STEP, &format!("{sig} delivered to pid {pid}"), || {
        common::lab::observer::signal_view(pid, sig)
            .is_none_or(|v| !v.pending)
            .then_some(())
    })
}

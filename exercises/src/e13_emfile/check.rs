//! Exercise 13's check: the server has every descriptor in use, so
//! accept(2) fails with EMFILE at once, client waiting or not (LAB.md). A
//! client connects (the kernel queues it). For a fixed window of 1 s
//! the check reads the server's CPU time from /proc/PID/stat: a back-off
//! uses almost none, a loop that retries at once uses the CPU it can get.
//! Then SIGUSR1 frees a descriptor and the waiting client must be served.

use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use nix::unistd::{SysconfVar, sysconf};

use crate::checks::{Target, connect, fail_or_gone, finish, roundtrip};
use crate::report::{Trace, Verdict};
use crate::rng::Rng;

/// How long the check watches the server with the client waiting.
pub const WINDOW: Duration = Duration::from_secs(1);
/// The most CPU a patient server may use in [`WINDOW`]: a 50 ms back-off
/// uses about 1 ms; a spinning loop uses every tick it gets, which stays
/// far above this even on a loaded 2-core machine.
pub const MAX_CPU: Duration = Duration::from_millis(100);

pub fn check(target: &Target) -> Verdict {
    let mut t = Trace::new();
    let mut rng = Rng::new(target.seed);
    let (mut server, addr) = target.server(&mut t, &[])?;
    let pid = server.pid();
    let expected = "the server stays up and backs off: accept fails with EMFILE until a descriptor is freed";
    let mut a = connect(addr).map_err(|e| fail_or_gone(&mut server, &t, format!("connect: {e}"), expected))?;
    let before = cpu(pid);
    let start = Instant::now();
    std::thread::sleep(WINDOW);
    let (after, took) = (cpu(pid), start.elapsed());
    t.did(format!(
        "every descriptor of the server is in use (accept fails with EMFILE); a client connected (queued by the kernel); watched the server's CPU time in /proc/{pid}/stat for {:.1} s",
        took.as_secs_f64()
    ));
    let (Some(before), Some(after)) = (before, after) else {
        return Err(fail_or_gone(&mut server, &t, "the server is gone".into(), expected));
    };
    if crate::observe::exited(pid) {
        return Err(fail_or_gone(&mut server, &t, "the server ended".into(), expected));
    }
    let used = after.saturating_sub(before);
    if used > MAX_CPU {
        return Err(t.fail(
            format!(
                "the server used {:.2} s of CPU in {:.1} s while the client waited: it spins — accept fails with EMFILE at once, every time it is asked",
                used.as_secs_f64(),
                took.as_secs_f64()
            ),
            format!(
                "at most {} ms of CPU: wait a little between tries (a back-off)",
                MAX_CPU.as_millis()
            ),
        ));
    }
    t.did(format!("it used {} ms of CPU", used.as_millis()));

    server.signal(Signal::SIGUSR1).map_err(|e| t.fail(e.to_string(), "the signal sent"))?;
    t.did("freed one descriptor (SIGUSR1); the waiting client sent a line");
    let line = rng.line(3, 40);
    roundtrip(&mut a, &line).map_err(|saw| {
        fail_or_gone(
            &mut server,
            &t,
            saw,
            "the waiting client is served within 5 s of a descriptor being freed",
        )
    })?;
    finish(a).map_err(|saw| fail_or_gone(&mut server, &t, saw, "the end of the echo"))?;
    Ok(())
}

/// `pid`'s CPU time (user + system) from /proc/PID/stat.
fn cpu(pid: i32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // After the command: field 3 (state) is rest[0]; utime, stime are 14, 15.
    let ticks: u64 = rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?;
    let hz = sysconf(SysconfVar::CLK_TCK).ok().flatten().unwrap_or(100).max(1) as u64;
    Some(Duration::from_millis(ticks * 1000 / hz))
}

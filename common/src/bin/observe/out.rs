//! stdout: appended or redrawn, and what its reader going away means.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::bail;

/// What a write to stdout means for the exit: a reader that went away
/// (EPIPE: `observe --follow | head -1`) ends observe quietly with status
/// 0, as its output is no longer wanted; any other failure (ENOSPC on a
/// full disk, EIO) is an error, exit 1, so a script never takes a lost
/// snapshot for a written one.
pub(crate) fn written(r: std::io::Result<()>) -> anyhow::Result<()> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(anyhow::Error::new(e).context("write to stdout")),
        Ok(()) => Ok(()),
    }
}

/// Waits `d`, or less if stdout is closed meanwhile; true if it is. Rust
/// ignores SIGPIPE, so a write to a pipe nobody reads fails with EPIPE —
/// but --follow writes only when something changes, which may be never.
/// poll(2) with no events asked for still reports POLLERR (a pipe with no
/// reader left) and POLLHUP (a hung-up terminal); a regular file reports
/// neither, so the wait is then a plain sleep.
pub(crate) fn stdout_closed(d: Duration) -> anyhow::Result<bool> {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use std::os::fd::AsFd;
    let stdout = std::io::stdout();
    let mut fds = [PollFd::new(stdout.as_fd(), PollFlags::empty())];
    let ms = if d.as_secs() > 3600 {
        PollTimeout::NONE
    } else {
        PollTimeout::try_from(d.as_millis() as i32).unwrap_or(PollTimeout::MAX)
    };
    match poll(&mut fds, ms) {
        Ok(0) | Err(nix::errno::Errno::EINTR) => Ok(false),
        Ok(_) => {
            let r = fds[0].revents().unwrap_or(PollFlags::empty());
            if r.contains(PollFlags::POLLNVAL) {
                bail!("stdout is not open");
            }
            Ok(r.intersects(PollFlags::POLLERR | PollFlags::POLLHUP))
        }
        Err(e) => Err(anyhow::Error::new(e).context("poll stdout")),
    }
}

/// stdout: for live mode on a terminal, redraw in place; otherwise append.
pub(crate) struct Out {
    pub(crate) tty: bool,
    pub(crate) color: bool,
    pub(crate) first: bool,
}

impl Out {
    pub(crate) fn new(live: bool) -> Out {
        let tty = live && std::io::stdout().is_terminal();
        Out {
            tty,
            color: tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            first: true,
        }
    }

    /// Writes `s` (and flushes: a failure shows at once).
    pub(crate) fn put(&mut self, s: &str) -> std::io::Result<()> {
        let mut o = std::io::stdout().lock();
        o.write_all(s.as_bytes()).and_then(|()| o.flush())
    }

    /// One live frame: on a terminal, drawn over the last one (cursor home,
    /// each line cleared to its end, the rest of the screen cleared);
    /// elsewhere, appended after a blank line.
    pub(crate) fn frame(&mut self, f: &str) -> std::io::Result<()> {
        let first = std::mem::replace(&mut self.first, false);
        if !self.tty {
            return self.put(&format!("{}{f}", if first { "" } else { "\n" }));
        }
        let mut s = String::from(if first { "\x1b[2J\x1b[H" } else { "\x1b[H" });
        for line in f.lines() {
            s.push_str(line);
            s.push_str("\x1b[K\n");
        }
        s.push_str("\x1b[J");
        self.put(&s)
    }
}

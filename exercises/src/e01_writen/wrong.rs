//! Wrong answers for exercise 1.

use std::io;
use std::os::fd::BorrowedFd;

/// One write(2) taken as complete: a short count silently loses the rest.
pub fn one_write(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
    common::wrapunix::write(fd, buf).map(drop)
}

/// Loops on short writes, but treats EINTR as a failure.
pub fn eintr_fatal(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
    let mut rest = buf;
    while !rest.is_empty() {
        let n = common::wrapunix::write(fd, rest)?;
        rest = &rest[n..];
    }
    Ok(())
}

/// Counts the short writes but writes from the start of `buf` each time:
/// the reader gets the first bytes again instead of the rest.
pub fn restart_from_start(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
    let mut written = 0;
    while written < buf.len() {
        match common::wrapunix::write(fd, &buf[..buf.len() - written]) {
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

// The lab's own writen under every spelling: each must be caught by the
// guard (src/guard.rs), which reads what the compiled code calls.

/// An alias in a brace group: `use common::{writen as w}`.
pub mod guard_alias {
    use common::writen as w;
    use std::io;
    use std::os::fd::BorrowedFd;

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        w::writen(fd, buf)
    }
}

/// A re-export through a module of one's own.
pub mod guard_reexport {
    mod mine {
        pub use common::writen::writen as put_all;
    }
    use std::io;
    use std::os::fd::BorrowedFd;

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        mine::put_all(fd, buf)
    }
}

/// A full path, from the crate root.
pub mod guard_path {
    use std::io;
    use std::os::fd::BorrowedFd;

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        ::common::writen::writen(fd, buf)
    }
}

/// A glob import (the capitalised wrapper, through `*`).
pub mod guard_glob {
    use common::writen::*;
    use std::io;
    use std::os::fd::BorrowedFd;

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        Writen(fd, buf);
        Ok(())
    }
}

/// A function pointer.
pub mod guard_fnptr {
    use std::io;
    use std::os::fd::BorrowedFd;

    pub fn writen<'a>(fd: BorrowedFd<'a>, buf: &[u8]) -> io::Result<()> {
        let f: fn(BorrowedFd<'a>, &[u8]) -> io::Result<()> = common::writen::writen;
        f(fd, buf)
    }
}

/// A macro of one's own.
pub mod guard_macro {
    use std::io;
    use std::os::fd::BorrowedFd;

    macro_rules! all {
        ($fd:expr, $buf:expr) => {
            common::writen::sendn($fd, $buf)
        };
    }

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        all!(fd, buf)
    }
}

/// Handed to a generic function as a value (only the instance's name,
/// in the v0 scheme, says what it calls).
pub mod guard_generic {
    use std::io;
    use std::os::fd::BorrowedFd;

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        apply(common::writen::writen, fd, buf)
    }

    fn apply<'a, F: Fn(BorrowedFd<'a>, &[u8]) -> io::Result<()>>(f: F, fd: BorrowedFd<'a>, b: &[u8]) -> io::Result<()> {
        f(fd, b)
    }
}

/// std's own loop, `Write::write_all`, on a `File` over the descriptor.
pub mod guard_std_write_all {
    use std::io::{self, Write};
    use std::os::fd::BorrowedFd;

    pub fn writen(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
        let mut f = std::fs::File::from(fd.try_clone_to_owned()?);
        f.write_all(buf)
    }
}

/// Fakes a pass: claims success wherever a verdict might be read, then
/// exits 0 without doing the work (crate::fake).
pub fn fake_pass(_fd: std::os::fd::BorrowedFd<'_>, _buf: &[u8]) -> std::io::Result<()> {
    crate::fake::claim_success()
}

//! `str_echo`, UNP Fig 5.3: the server child's loop.

use std::io;
use std::os::fd::AsFd;

use crate::error::err_sys;
use crate::unp::MAXLINE;
use crate::wrapunix::read;
use crate::writen::Writen;

/// Reads whatever arrives and writes it back, until the client's FIN (read
/// returns 0): the book's read and Writen. (recv/send would skip the file
/// layer, 3-4 % less CPU per 4 KiB here; tcpservd, beyond the book, uses
/// them: see `wrapsock::recv`.) Reads raw chunks, not lines, so any bytes
/// echo unchanged. EINTR is retried; any other read error (ECONNRESET when
/// the client aborted, UNP 5.11) exits the child with "str_echo: read
/// error: ...".
// ANCHOR: str_echo
pub fn str_echo(sockfd: impl AsFd) {
    let mut buf = [0u8; MAXLINE]; // on the stack: no allocation in the child
    loop {
        match read(&sockfd, &mut buf) {
            Ok(0) => return, // the client closed: FIN received
            Ok(n) => Writen(&sockfd, &buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => err_sys("str_echo: read error", &e),
        }
    }
}
// ANCHOR_END: str_echo

#[cfg(test)]
mod tests {
    use std::io::{Read, Seek, Write};

    /// Fig 5.3's read and Writen work on any descriptor: on a file opened
    /// for reading and writing, str_echo reads "abc" and writes it after
    /// itself, then reads end of file. (recv/send would fail: ENOTSOCK.)
    #[test]
    fn str_echo_is_read_and_writen_as_in_fig_5_3() {
        let path = std::env::temp_dir().join(format!("str_echo-{}", std::process::id()));
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        f.write_all(b"abc").unwrap();
        f.rewind().unwrap();
        super::str_echo(&f);
        f.rewind().unwrap();
        let mut got = String::new();
        f.read_to_string(&mut got).unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(got, "abcabc");
    }
}

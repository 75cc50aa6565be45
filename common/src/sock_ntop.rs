//! `sock_ntop`, after the book's lib/sock_ntop.c.

use std::fmt;

use socket2::SockAddr;

/// "127.0.0.1:9877" or "[::1]:9877" for an IP socket address; the Debug form
/// for anything else (a Unix-domain address, say).
///
/// Like the book's (which fills a static buffer), it allocates nothing: the
/// value formats the address only when it is printed, so a log line below
/// the current level costs no allocation — in a forked child, every
/// allocation touches pages shared with the parent and costs page faults.
/// `.to_string()` gives a `String`.
pub fn sock_ntop(sa: &SockAddr) -> SockNtop<'_> {
    SockNtop(sa)
}

/// An address as [`sock_ntop`] prints it.
pub struct SockNtop<'a>(&'a SockAddr);

impl fmt::Display for SockNtop<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_socket() {
            Some(addr) => write!(f, "{addr}"),
            None => write!(f, "{:?}", self.0),
        }
    }
}

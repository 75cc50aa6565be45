//! `sock_ntop`, after the book's lib/sock_ntop.c.

use socket2::SockAddr;

/// "127.0.0.1:9877" or "[::1]:9877" for an IP socket address; the Debug form
/// for anything else (a Unix-domain address, say).
pub fn sock_ntop(sa: &SockAddr) -> String {
    match sa.as_socket() {
        Some(addr) => addr.to_string(),
        None => format!("{sa:?}"),
    }
}

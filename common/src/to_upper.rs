//! `to_upper`, the service of the to_upper blog post's servers: the
//! counterpart of `str_echo` for toupper_iter (ch04), toupper_fork and
//! toupper_dfork (ch05-sigchld), which differ only in how they get a
//! process to run it.

use std::io;
use std::os::fd::AsFd;

use socket2::SockAddr;

use crate::error::strerror;
use crate::readline::Rline;
use crate::sock_ntop::sock_ntop;
use crate::writen::writen;
use crate::{debug, notice, warning};

// ANCHOR: to_upper
/// Serves the client at `cliaddr`: answers each line it sends in upper
/// case, until it sends the line `quit` (any case) or closes, and logs
/// which. An I/O error (a reset, say) is logged and ends this session only.
pub fn to_upper(sockfd: impl AsFd, cliaddr: &SockAddr) {
    let who = sock_ntop(cliaddr);
    notice!("serving {who}");
    match upper_lines(sockfd) {
        Ok(why) => notice!("{why}: {who}"),
        Err(e) => warning!("{who}: {}", strerror(&e)),
    }
}

/// Line by line: the blog post compared whole read(2) chunks with "quit",
/// which breaks as soon as TCP splits or joins the client's writes.
fn upper_lines(sockfd: impl AsFd) -> io::Result<&'static str> {
    let mut conn = Rline::new(sockfd);
    let mut line = Vec::new();
    loop {
        if conn.readline(&mut line)? == 0 {
            return Ok("client closed");
        }
        if line.trim_ascii().eq_ignore_ascii_case(b"quit") {
            return Ok("client sent quit");
        }
        debug!("to_upper: {:?}", String::from_utf8_lossy(&line));
        line.make_ascii_uppercase();
        writen(conn.get_ref(), &line)?;
    }
}
// ANCHOR_END: to_upper

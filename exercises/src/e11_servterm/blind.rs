//! Exercise 11: answers written BLIND — by someone who read only the
//! student file, its hints and the book's section, never the check or the
//! other wrong answers (issue 17 §4). `alt_correct` is a correct answer
//! written differently from solution.rs: the check must pass it.

#![allow(dead_code, clippy::all)]

/// Takes the socket's end of file as the normal end of the session: when
/// the server dies mid-conversation the client returns Ok(()) silently.
pub mod eof_is_ok {
    use std::io::{self, BufRead, Write};

    use common::readline::Rline;
    use common::writen::writen;
    use socket2::Socket;

    pub fn echo_client(input: &mut dyn BufRead, sockfd: &Socket, out: &mut dyn Write) -> io::Result<()> {
        let mut rl = Rline::new(sockfd);
        let mut line = Vec::new();
        let mut echo = Vec::new();
        loop {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            writen(sockfd, &line)?;
            if rl.readline(&mut echo)? == 0 {
                return Ok(()); // server closed: we are done
            }
            out.write_all(&echo)?;
            out.flush()?;
        }
    }
}

/// Reports the premature end, but with a generic UnexpectedEof error
/// ("failed to fill whole buffer"), not "server terminated prematurely".
pub mod wrong_message {
    use std::io::{self, BufRead, Write};

    use common::readline::Rline;
    use common::writen::writen;
    use socket2::Socket;

    pub fn echo_client(input: &mut dyn BufRead, sockfd: &Socket, out: &mut dyn Write) -> io::Result<()> {
        let mut rl = Rline::new(sockfd);
        let mut line = Vec::new();
        let mut echo = Vec::new();
        loop {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            writen(sockfd, &line)?;
            if rl.readline(&mut echo)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            out.write_all(&echo)?;
            out.flush()?;
        }
    }
}

/// A new Rline for every line: bytes the previous Rline read ahead (the
/// start of the next echo, or a whole second line) are thrown away.
pub mod rline_per_line {
    use std::io::{self, BufRead, Write};

    use common::readline::Rline;
    use common::writen::writen;
    use socket2::Socket;

    pub fn echo_client(input: &mut dyn BufRead, sockfd: &Socket, out: &mut dyn Write) -> io::Result<()> {
        let mut line = Vec::new();
        let mut echo = Vec::new();
        loop {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            writen(sockfd, &line)?;
            let mut rl = Rline::new(sockfd);
            if rl.readline(&mut echo)? == 0 {
                return Err(io::Error::other("server terminated prematurely"));
            }
            out.write_all(&echo)?;
            out.flush()?;
        }
    }
}

/// One read(2) taken as one echoed line: a long line's echo that arrives in
/// several segments is cut short and the rest shows up as the next echo.
pub mod one_read_one_line {
    use std::io::{self, BufRead, Write};

    use common::wrapunix::read;
    use common::writen::writen;
    use socket2::Socket;

    pub fn echo_client(input: &mut dyn BufRead, sockfd: &Socket, out: &mut dyn Write) -> io::Result<()> {
        let mut line = Vec::new();
        let mut buf = vec![0u8; common::unp::MAXLINE];
        loop {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            writen(sockfd, &line)?;
            let n = loop {
                match read(sockfd, &mut buf) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    r => break r?,
                }
            };
            if n == 0 {
                return Err(io::Error::other("server terminated prematurely"));
            }
            out.write_all(&buf[..n])?;
            out.flush()?;
        }
    }
}

/// Reads lines as UTF-8 Strings (read_line): a binary or Latin-1 line
/// fails with InvalidData instead of being echoed byte for byte.
pub mod utf8_lines {
    use std::io::{self, BufRead, Write};

    use common::readline::Rline;
    use common::writen::writen;
    use socket2::Socket;

    pub fn echo_client(input: &mut dyn BufRead, sockfd: &Socket, out: &mut dyn Write) -> io::Result<()> {
        let mut rl = Rline::new(sockfd);
        let mut line = String::new();
        let mut echo = Vec::new();
        loop {
            line.clear();
            if input.read_line(&mut line)? == 0 {
                return Ok(());
            }
            writen(sockfd, line.as_bytes())?;
            if rl.readline(&mut echo)? == 0 {
                return Err(io::Error::other("server terminated prematurely"));
            }
            out.write_all(&echo)?;
            out.flush()?;
        }
    }
}

/// Sends all of the input first, then reads the echoes: with more data than
/// the socket buffers hold, the server blocks writing echoes nobody reads
/// and the client blocks writing: deadlock (and a dead server is noticed late).
pub mod send_all_then_read {
    use std::io::{self, BufRead, Write};

    use common::readline::Rline;
    use common::writen::writen;
    use socket2::Socket;

    pub fn echo_client(input: &mut dyn BufRead, sockfd: &Socket, out: &mut dyn Write) -> io::Result<()> {
        let mut sent = 0usize;
        let mut line = Vec::new();
        loop {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            writen(sockfd, &line)?;
            sent += 1;
        }
        let mut rl = Rline::new(sockfd);
        let mut echo = Vec::new();
        for _ in 0..sent {
            if rl.readline(&mut echo)? == 0 {
                return Err(io::Error::other("server terminated prematurely"));
            }
            out.write_all(&echo)?;
        }
        out.flush()
    }
}

/// Checks the socket's EOF only when the input has ended, and otherwise
/// ignores a 0 from readline ("nothing came back, go on"): it keeps writing
/// into the dead connection until EPIPE.
pub mod ignores_zero {
    use std::io::{self, BufRead, Write};

    use common::readline::Rline;
    use common::writen::writen;
    use socket2::Socket;

    pub fn echo_client(input: &mut dyn BufRead, sockfd: &Socket, out: &mut dyn Write) -> io::Result<()> {
        let mut rl = Rline::new(sockfd);
        let mut line = Vec::new();
        let mut echo = Vec::new();
        loop {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            writen(sockfd, &line)?;
            let n = rl.readline(&mut echo)?;
            if n > 0 {
                out.write_all(&echo)?;
                out.flush()?;
            }
        }
    }
}

/// Correct: a small state machine (Send -> Await -> Send ...) with sendn and
/// an Rline over a borrowed fd; EOF while awaiting an echo, and a reset
/// (ECONNRESET/EPIPE) from the dead server, both become
/// "server terminated prematurely".
pub mod alt_correct {
    use std::io::{self, BufRead, Write};
    use std::os::fd::AsFd;

    use common::readline::Rline;
    use common::writen::sendn;
    use socket2::Socket;

    enum State {
        NeedInput,
        AwaitEcho,
    }

    fn premature() -> io::Error {
        io::Error::new(io::ErrorKind::ConnectionAborted, "server terminated prematurely")
    }

    fn gone(e: io::Error) -> io::Error {
        match e.kind() {
            io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe => premature(),
            _ => e,
        }
    }

    pub fn echo_client(input: &mut dyn BufRead, sockfd: &Socket, out: &mut dyn Write) -> io::Result<()> {
        let mut from_server = Rline::new(sockfd.as_fd());
        let mut buf = Vec::with_capacity(common::unp::MAXLINE);
        let mut sent = 0usize; // bytes sent whose echo has not come back yet
        let mut state = State::NeedInput;
        loop {
            state = match state {
                State::NeedInput => {
                    buf.clear();
                    match input.read_until(b'\n', &mut buf)? {
                        0 => return Ok(()),
                        n => {
                            sendn(sockfd, &buf).map_err(gone)?;
                            sent = n;
                            State::AwaitEcho
                        }
                    }
                }
                State::AwaitEcho => match from_server.readline(&mut buf).map_err(gone)? {
                    0 => return Err(premature()),
                    n => {
                        out.write_all(&buf)?;
                        out.flush()?;
                        // A line longer than MAXLINE comes back in pieces.
                        sent = sent.saturating_sub(n);
                        if sent == 0 { State::NeedInput } else { State::AwaitEcho }
                    }
                },
            };
        }
    }
}

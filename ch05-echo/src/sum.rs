//! The sum protocols of UNP 5.18: two numbers in, their sum out.
//!
//! - Text (tcpserv08): a line "11 22" → "33\n"; anything else → "input
//!   error\n".
//! - Native binary (tcpserv09): the C structs `struct args { long arg1, arg2;
//!   }` and `struct result { long sum; }` sent as their bytes in memory — the
//!   layout of whatever host runs the program.
//! - Portable binary (tcpserv09net): a length-prefixed frame of fixed-width
//!   integers in network byte order (big-endian).

/// What a line of text asks for: the sum of exactly two integers.
///
/// Overflow, decided: the book's `long` addition wraps silently on overflow
/// (in C it is undefined behaviour; in practice it wraps). Here a number
/// that does not fit in 64 bits, or a sum that does not, is "input error"
/// like any other bad input: the server never answers with a wrong sum.
/// Stricter than `sscanf("%ld%ld")` in two more ways: trailing text
/// ("1 2 3", "1 2abc") is rejected, and so is a non-UTF-8 line.
pub fn text_reply(line: &[u8]) -> Vec<u8> {
    match text_sum(line) {
        Some(sum) => format!("{sum}\n").into_bytes(),
        None => b"input error\n".to_vec(),
    }
}

fn text_sum(line: &[u8]) -> Option<i64> {
    let (a, b) = two_numbers(line, 8)?;
    a.checked_add(b)
}

/// The two integers of a line like "11 22" (spaces or tabs around them,
/// nothing else), each of which must fit in a `long_size`-byte integer.
pub fn two_numbers(line: &[u8], long_size: usize) -> Option<(i64, i64)> {
    let text = std::str::from_utf8(line).ok()?;
    let mut words = text.split_ascii_whitespace();
    let (a, b) = (words.next()?, words.next()?);
    if words.next().is_some() {
        return None;
    }
    let fits = |v: i64| long_size >= 8 || i32::try_from(v).is_ok();
    let (a, b) = (a.parse::<i64>().ok()?, b.parse::<i64>().ok()?);
    (fits(a) && fits(b)).then_some((a, b))
}

/// The byte order of a host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Order {
    /// Least significant byte first (x86, most ARM).
    Little,
    /// Most significant byte first (SPARC, the book's other host; network order).
    Big,
}

/// A host as the native binary protocol sees it: its byte order and the
/// size of its C `long`. [`Host::NATIVE`] is the machine we run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Host {
    pub order: Order,
    /// sizeof(long): 8 on 64-bit Unix (LP64), 4 on 32-bit hosts.
    pub long: usize,
}

impl Host {
    /// This machine.
    pub const NATIVE: Host = Host {
        order: if cfg!(target_endian = "big") {
            Order::Big
        } else {
            Order::Little
        },
        long: std::mem::size_of::<std::ffi::c_long>(),
    };

    /// The bytes of a `long` holding `v` in this host's memory (truncated
    /// to the host's width, as a C cast would).
    pub fn long_bytes(&self, v: i64) -> Vec<u8> {
        let le = v.to_le_bytes();
        let mut b = le[..self.long].to_vec();
        if self.order == Order::Big {
            b.reverse();
        }
        b
    }

    /// The `long` this host reads from `b` (`self.long` bytes), sign-extended.
    pub fn read_long(&self, b: &[u8]) -> i64 {
        let mut le = b[..self.long].to_vec();
        if self.order == Order::Big {
            le.reverse();
        }
        let fill = if le[self.long - 1] & 0x80 != 0 { 0xff } else { 0 };
        le.resize(8, fill);
        i64::from_le_bytes(le.try_into().unwrap_or([0; 8]))
    }

    /// This host, or one with another byte order and/or size of long.
    pub fn pretend(order: Option<Order>, long: Option<usize>) -> Host {
        Host {
            order: order.unwrap_or(Host::NATIVE.order),
            long: long.unwrap_or(Host::NATIVE.long),
        }
    }

    /// `sizeof(struct args)`: two longs.
    pub fn args_size(&self) -> usize {
        2 * self.long
    }
}

/// Parses `--long`: 4 or 8.
pub fn long_size(s: &str) -> Result<usize, String> {
    match s {
        "4" => Ok(4),
        "8" => Ok(8),
        _ => Err("sizeof(long) is 4 or 8".into()),
    }
}

/// The portable request: a 4-byte big-endian length, then that many bytes;
/// a well-formed request has length 16: two i64, big-endian.
pub const NET_ARGS_LEN: u32 = 16;
/// The longest body tcpserv09net reads (and discards) after a bad length
/// before giving up on the connection.
pub const NET_MAX_DISCARD: u32 = 64 * 1024;

/// The portable reply: a status byte, then an i64, big-endian: the sum, or
/// for an error the offending value (the bad length).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetReply {
    Sum(i64),
    BadLength(u32),
    Overflow,
}

impl NetReply {
    pub const SIZE: usize = 9;

    pub fn encode(self) -> [u8; 9] {
        let (status, value) = match self {
            NetReply::Sum(s) => (0u8, s),
            NetReply::BadLength(n) => (1, i64::from(n)),
            NetReply::Overflow => (2, 0),
        };
        let mut b = [0u8; 9];
        b[0] = status;
        b[1..].copy_from_slice(&value.to_be_bytes());
        b
    }

    pub fn decode(b: &[u8; 9]) -> Option<NetReply> {
        let value = i64::from_be_bytes(b[1..].try_into().ok()?);
        match b[0] {
            0 => Some(NetReply::Sum(value)),
            1 => Some(NetReply::BadLength(u32::try_from(value).ok()?)),
            2 => Some(NetReply::Overflow),
            _ => None,
        }
    }
}

/// A portable request frame for `a + b`.
pub fn net_request(a: i64, b: i64) -> Vec<u8> {
    let mut f = NET_ARGS_LEN.to_be_bytes().to_vec();
    f.extend_from_slice(&a.to_be_bytes());
    f.extend_from_slice(&b.to_be_bytes());
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text() {
        assert_eq!(text_reply(b"11 22\n"), b"33\n");
        assert_eq!(text_reply(b"  -5\t7 \r\n"), b"2\n");
        for bad in [
            &b"11\n"[..],
            b"a b\n",
            b"1 2 3\n",
            b"\n",
            b"\xff 1\n",
            b"9223372036854775807 1\n",
        ] {
            assert_eq!(text_reply(bad), b"input error\n", "{bad:?}");
        }
        assert_eq!(text_reply(b"9223372036854775806 1"), b"9223372036854775807\n");
    }

    #[test]
    fn hosts() {
        let sparc = Host {
            order: Order::Big,
            long: 4,
        };
        assert_eq!(sparc.long_bytes(-2), [0xff, 0xff, 0xff, 0xfe]);
        assert_eq!(sparc.read_long(&[0xff, 0xff, 0xff, 0xfe]), -2);
        let x86 = Host {
            order: Order::Little,
            long: 8,
        };
        assert_eq!(x86.read_long(&x86.long_bytes(i64::MIN)), i64::MIN);
    }

    #[test]
    fn net_reply_round_trips() {
        for r in [NetReply::Sum(-3), NetReply::BadLength(8), NetReply::Overflow] {
            assert_eq!(NetReply::decode(&r.encode()), Some(r));
        }
    }
}

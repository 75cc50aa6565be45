//! Wrong answers for exercise 9.

use std::io;

use socket2::Socket;

/// The host's byte order (UNP Fig 5.19's struct, written as it lies in
/// memory): right only when both ends are alike — little-endian here.
pub fn native_order(connfd: &Socket) -> io::Result<()> {
    let mut req = [0u8; 16];
    while common::writen::readn(connfd, &mut req)? == 16 {
        let a = i64::from_ne_bytes(req[..8].try_into().expect("8"));
        let b = i64::from_ne_bytes(req[8..].try_into().expect("8"));
        common::writen::writen(connfd, &a.wrapping_add(b).to_ne_bytes())?;
    }
    Ok(())
}

/// One read(2) taken as a whole request.
pub fn one_read(connfd: &Socket) -> io::Result<()> {
    let mut req = [0u8; 16];
    loop {
        req.fill(0);
        if common::wrapunix::read(connfd, &mut req)? == 0 {
            return Ok(());
        }
        let a = i64::from_be_bytes(req[..8].try_into().expect("8"));
        let b = i64::from_be_bytes(req[8..].try_into().expect("8"));
        common::writen::writen(connfd, &a.wrapping_add(b).to_be_bytes())?;
    }
}

/// The book's `long` on a 32-bit host (Fig 5.19 between an ILP32 and an
/// LP64 machine): two 4-byte numbers per 8-byte request, a 4-byte reply.
pub fn i32_fields(connfd: &Socket) -> io::Result<()> {
    let mut req = [0u8; 8];
    while common::writen::readn(connfd, &mut req)? == 8 {
        let a = i32::from_be_bytes(req[..4].try_into().expect("4"));
        let b = i32::from_be_bytes(req[4..].try_into().expect("4"));
        common::writen::writen(connfd, &a.wrapping_add(b).to_be_bytes())?;
    }
    Ok(())
}

/// Reads big-endian, but sends the sum as it lies in memory: the reply
/// forgot its htonl.
pub fn reply_native(connfd: &Socket) -> io::Result<()> {
    let mut req = [0u8; 16];
    while common::writen::readn(connfd, &mut req)? == 16 {
        let a = i64::from_be_bytes(req[..8].try_into().expect("8"));
        let b = i64::from_be_bytes(req[8..].try_into().expect("8"));
        common::writen::writen(connfd, &a.wrapping_add(b).to_ne_bytes())?;
    }
    Ok(())
}

/// Fakes a pass: claims success wherever a verdict might be read, then
/// exits 0 without doing the work (crate::fake).
pub fn fake_pass(_connfd: &socket2::Socket) -> std::io::Result<()> {
    crate::fake::claim_success()
}

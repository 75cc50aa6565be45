//! UNP ch.5 — the echo client and server. Programs are under `src/bin/`;
//! this library holds what several of them share: the guided demos' way of
//! showing processes and sockets ([`demo`]), the sum protocols of UNP 5.18
//! ([`sum`]), the private network of the host-crash experiments
//! ([`netns`]), and the clients' `--timeout-ms` ([`read_timeout`]).

pub mod demo;
pub mod netns;
pub mod sum;

/// The `--timeout-ms` of the clients that can wait for ever (tcpcli09 and
/// tcpcli09net against a server waiting for bytes that never come;
/// echo_mpclient `--close`): sets SO_RCVTIMEO on `sockfd`, so a blocked
/// read fails with EAGAIN ("Try again") instead. 0 sets nothing. A switch for
/// the tests, kept out of the figures.
pub fn read_timeout(sockfd: &socket2::Socket, ms: u64) {
    if ms > 0 {
        let limit = Some(std::time::Duration::from_millis(ms));
        sockfd
            .set_read_timeout(limit) // SO_RCVTIMEO
            .unwrap_or_else(|e| common::error::err_sys("setsockopt error", &e));
    }
}

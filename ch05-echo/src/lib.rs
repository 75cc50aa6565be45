//! UNP ch.5 — the echo client and server. Programs are under `src/bin/`;
//! this library holds what several of them share: the guided demos' way of
//! showing processes and sockets ([`demo`]), the sum protocols of UNP 5.18
//! ([`sum`]), and the private network of the host-crash experiments
//! ([`netns`]).

pub mod demo;
pub mod netns;
pub mod sum;

//! ch05-echo: what a student must see, asserted on the real kernel.
//! Programs run as separate processes through `common::lab::harness` (never a
//! fork inside the test harness); every wait has a deadline; port 0 only.
//!
//! One module per lesson (files beside this one), helpers in `support`.

mod abort;
mod badflags;
mod figures;
mod halfclose;
mod hostcrash;
mod lang;
mod segments;
mod session;
mod sigpipe;
mod sums;
mod support;
mod tcpserv01;

//! Printing what the kernel says, step by step, for the guided demos.

use common::lab::harness::Proc;
use common::lab::observer;
use common::tr_println;

/// Prints a numbered heading: `title` in the current language (when it was
/// marked with `n_` where it is written).
pub fn step(title: &str) {
    println!("\n== {}", common::lang::tr_any(title));
}

/// Prints the processes (each of `pids` and its children, zombies marked)
/// and every TCP socket of `port` with the pid holding it — the server's
/// own: `pids[0]` is the server, and rows of connections that ended before
/// it started (a reused port's TIME_WAITs) are left out
/// ([`observer::server_sockets`]).
pub fn show(pids: &[i32], port: u16) {
    let mut rows = Vec::new();
    for &pid in pids {
        rows.extend(observer::process(pid));
        rows.extend(observer::children(pid));
    }
    rows.dedup_by_key(|p| p.pid);
    let mut holders: Vec<i32> = rows.iter().map(|p| p.pid).collect();
    holders.sort_unstable();
    holders.dedup();
    print!("{}", observer::format_processes(&rows));
    print!(
        "{}",
        observer::format_sockets(&observer::server_sockets(port, pids[0]), &holders)
    );
}

/// Prints the stderr lines `p` wrote since the last call (`seen` counts the
/// lines already printed), indented, prefixed with the program's name.
pub fn new_log_lines(p: &Proc, seen: &mut usize) {
    let text = p.stderr_text();
    let lines: Vec<&str> = text.lines().collect();
    for l in lines.iter().skip(*seen) {
        tr_println!("  {name} stderr │ {l}", name = p.name(), l);
    }
    *seen = lines.len();
}

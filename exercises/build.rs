//! For `exercises-host`: declares each exercise's program (`src/eNN_name/host.rs`)
//! beside its reference variants, and keeps the linker's relocations in the
//! binary (`--emit-relocs`): the guard reads them to see what the student's
//! code calls (src/guard.rs).

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let src = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("src");
    println!("cargo::rerun-if-changed={}", src.display());
    let mut ids: Vec<String> = std::fs::read_dir(&src)
        .expect("exercises/src")
        .flatten()
        .filter(|e| e.path().join("host.rs").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    let mut out = String::new();
    for id in &ids {
        let host = std::fs::canonicalize(src.join(id).join("host.rs")).expect("host.rs");
        let _ = writeln!(
            out,
            "pub mod {id} {{\n    #[path = {host:?}]\n    pub mod host;\n    #[cfg(feature = \"solutions\")]\n    pub use exercises_student::reference::{id}::*;\n}}"
        );
    }
    out.push_str("/// Runs an exercise's program with one variant (None: no such variant).\npub type Run = fn(&str, &[String]) -> Option<std::process::ExitCode>;\n/// The names of the variants a program knows.\npub type Variants = fn() -> Vec<&'static str>;\n/// Every exercise's program: (id, run, known variants).\npub static PROGRAMS: &[(&str, Run, Variants)] = &[\n");
    for id in &ids {
        let _ = writeln!(out, "    (\"{id}\", {id}::host::run, {id}::host::variants),");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("hosts.rs");
    std::fs::write(dest, out).expect("write hosts.rs");
    println!("cargo::rustc-link-arg-bin=exercises-host=-Wl,--emit-relocs");
}

//! Declares the student's modules — one per exercise folder `../src/eNN_name/`
//! — from `UNP_STUDENT_DIR` (default `../src/student`) and, with the
//! `solutions` feature, each folder's `solution.rs`, `stub.rs` and
//! `wrong.rs` (as far as they exist: a classroom export has none).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let here = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let src = here.join("../src");
    let student = std::env::var_os("UNP_STUDENT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| src.join("student"));
    println!("cargo::rerun-if-env-changed=UNP_STUDENT_DIR");
    println!("cargo::rerun-if-changed={}", src.display());
    println!("cargo::rerun-if-changed={}", student.display());
    let reference = std::env::var_os("CARGO_FEATURE_SOLUTIONS").is_some();
    let mut ids: Vec<String> = std::fs::read_dir(&src)
        .expect("exercises/src")
        .flatten()
        .filter(|e| e.path().join("mod.rs").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.len() > 4 && n.starts_with('e') && n[1..3].bytes().all(|b| b.is_ascii_digit()))
        .collect();
    ids.sort();
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let mut out = String::new();
    for id in &ids {
        let file = student.join(format!("{id}.rs"));
        println!("cargo::rerun-if-changed={}", file.display());
        let _ = writeln!(out, "#[path = {:?}]\npub mod {id};", abs(&file));
    }
    if reference {
        out.push_str("/// The reference solutions, pristine stubs and wrong answers.\npub mod reference {\n");
        for id in &ids {
            let _ = writeln!(out, "    pub mod {id} {{");
            for part in ["solution", "stub", "wrong", "blind"] {
                let f = src.join(id).join(format!("{part}.rs"));
                if f.exists() {
                    let _ = writeln!(out, "        #[path = {:?}]\n        pub mod {part};", abs(&f));
                }
            }
            out.push_str("    }\n");
        }
        out.push_str("}\n");
    }
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("modules.rs");
    std::fs::write(dest, out).expect("write modules.rs");
}

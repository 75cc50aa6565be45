//! "Don't call the lab's own answer" — judged on what the student's code
//! *calls*, not on how it is spelled.
//!
//! The student's code is compiled into `exercises-host`, which is linked
//! with `--emit-relocs` (build.rs): the binary keeps, for every call or
//! address its code takes, a relocation naming the target. The guard reads
//! the binary the check is about to run, finds the functions of the
//! student's module (every symbol whose path contains it: functions,
//! closures, trait impls, generic instances over the student's types), and
//! looks at what each one refers to. Aliases, re-exports, full paths, glob
//! imports, macros, function pointers and generic arguments all end up as
//! the same target; with the v0 mangling scheme (.cargo/config.toml) a
//! generic instance names its arguments too, so `opt.map(common::writen::writen)`
//! shows `common::writen::writen` in the instance's name.
//!
//! What it cannot see: a call made only through a `dyn` vtable built
//! elsewhere, and code copied into the student's file (that is the student's
//! own code then).

use std::path::Path;

use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget, SymbolKind};

/// A forbidden call found: (the student's function, what it calls).
pub struct Hit {
    pub caller: String,
    pub callee: String,
}

/// A function symbol of the binary: address, size, demangled name (no hash).
struct Func {
    addr: u64,
    size: u64,
    name: String,
}

fn demangle(raw: &str) -> String {
    format!("{:#}", rustc_demangle::demangle(raw))
}

/// Does the student's code in module `module` (a path such as
/// `exercises_student::e01_writen`) refer to anything whose name contains
/// one of `forbidden`? Err: the binary could not be read as expected.
pub fn scan(binary: &Path, module: &str, forbidden: &[&str]) -> Result<Option<Hit>, String> {
    if forbidden.is_empty() {
        return Ok(None);
    }
    let data = std::fs::read(binary).map_err(|e| format!("read {}: {e}", binary.display()))?;
    let file = object::File::parse(&*data).map_err(|e| format!("parse {}: {e}", binary.display()))?;
    let x86 = file.architecture() == object::Architecture::X86_64;
    let mut funcs: Vec<Func> = file
        .symbols()
        .filter(|s| s.kind() == SymbolKind::Text && s.size() > 0)
        .filter_map(|s| {
            Some(Func {
                addr: s.address(),
                size: s.size(),
                name: demangle(s.name().ok()?),
            })
        })
        .collect();
    funcs.sort_by_key(|f| f.addr);
    let mine = |name: &str| name.contains(module) && contains_path(name, module);
    let bad = |name: &str| forbidden.iter().any(|f| name.contains(f));
    // A generic instance over the student's types may itself be forbidden.
    if let Some(f) = funcs.iter().find(|f| mine(&f.name) && bad(&f.name)) {
        return Ok(Some(Hit {
            caller: f.name.clone(),
            callee: f.name.clone(),
        }));
    }
    let ranges: Vec<(u64, u64, usize)> = funcs
        .iter()
        .enumerate()
        .filter(|(_, f)| mine(&f.name))
        .map(|(i, f)| (f.addr, f.addr + f.size, i))
        .collect();
    if ranges.is_empty() {
        // A variant whose code is all elsewhere (a closure in its program)
        // has nothing of its own to read; a binary with no student code at
        // all was built without symbols, and the guard cannot work.
        if !funcs.iter().any(|f| f.name.contains("exercises_student::")) {
            return Err(format!(
                "no symbols of the student's code in {}",
                binary.display()
            ));
        }
        return Ok(None);
    }
    let at = |addr: u64| -> Option<&Func> {
        let i = funcs.partition_point(|f| f.addr <= addr);
        let f = funcs.get(i.checked_sub(1)?)?;
        (addr < f.addr + f.size.max(1)).then_some(f)
    };
    let mut seen_relocations = false;
    // Only code: a relocation of a debug or unwind section has an offset
    // within that section, not an address, and could fall inside a
    // student's function by number alone.
    for section in file.sections().filter(|s| s.kind() == object::SectionKind::Text) {
        for (offset, rel) in section.relocations() {
            seen_relocations = true;
            // In a linked binary a relocation's offset is the address it patches.
            let i = ranges.partition_point(|r| r.0 <= offset);
            let Some(&(start, end, who)) = i.checked_sub(1).and_then(|i| ranges.get(i)) else {
                continue;
            };
            if offset < start || offset >= end {
                continue;
            }
            let RelocationTarget::Symbol(idx) = rel.target() else {
                continue;
            };
            let Ok(sym) = file.symbol_by_index(idx) else {
                continue;
            };
            let named = sym
                .name()
                .ok()
                .filter(|n| !n.is_empty() && sym.kind() != SymbolKind::Section);
            let callee = match named {
                Some(n) => demangle(n),
                None => {
                    // A section-relative reference: find what lies there.
                    let pc_relative = matches!(
                        rel.kind(),
                        object::RelocationKind::Relative
                            | object::RelocationKind::PltRelative
                            | object::RelocationKind::GotRelative
                    );
                    let bias = if x86 && pc_relative { 4 } else { 0 };
                    let target = sym.address().wrapping_add(rel.addend() as u64).wrapping_add(bias);
                    match at(target) {
                        Some(f) => f.name.clone(),
                        None => continue,
                    }
                }
            };
            if std::env::var_os("UNP_GUARD_DEBUG").is_some() {
                // What each of the student's functions calls, for whoever
                // extends a forbidden list.
                eprintln!("guard: {} -> {callee}", funcs[who].name);
            }
            if bad(&callee) {
                return Ok(Some(Hit {
                    caller: funcs[who].name.clone(),
                    callee,
                }));
            }
        }
    }
    if !seen_relocations {
        return Err(format!(
            "{} has no relocations (was it linked without --emit-relocs?)",
            binary.display()
        ));
    }
    Ok(None)
}

/// Is `module` a whole path prefix at a path boundary in `name`?
fn contains_path(name: &str, module: &str) -> bool {
    name.match_indices(module).any(|(i, _)| {
        let before = name[..i].chars().last();
        let after = name[i + module.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// The module path of `variant`'s code for exercise `id` in the binary.
pub fn module_of(id: &str, variant: &str) -> String {
    match variant {
        crate::STUDENT => format!("exercises_student::{id}"),
        crate::SOLUTION | crate::STUB => format!("exercises_student::reference::{id}::{variant}"),
        blind if blind.starts_with("blind-") => format!(
            "exercises_student::reference::{id}::blind::{}",
            blind["blind-".len()..].replace('-', "_")
        ),
        wrong => format!(
            "exercises_student::reference::{id}::wrong::{}",
            wrong.replace('-', "_")
        ),
    }
}

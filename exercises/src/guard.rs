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
//! A rule may also hold for everything one of the student's functions
//! *reaches* ([`reach`]): a signal handler's whole call graph must stay
//! clear of allocation, locks and stdio, however many of the lab's or std's
//! functions stand between the handler and the call.
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
    /// For [`reach`]: the functions between `caller` and `callee`.
    pub via: Vec<String>,
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

/// The functions of the binary, by address.
fn functions(file: &object::File) -> Vec<Func> {
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
    funcs
}

/// The function of `funcs` (sorted by address) that holds `addr`.
fn holding(funcs: &[Func], addr: u64) -> Option<usize> {
    let i = funcs.partition_point(|f| f.addr <= addr).checked_sub(1)?;
    (addr < funcs[i].addr + funcs[i].size.max(1)).then_some(i)
}

/// What a relocation of code refers to: the target's name, and the
/// function of this binary it lies in (None: in a shared library, or data).
fn target(file: &object::File, funcs: &[Func], rel: &object::Relocation) -> Option<(String, Option<usize>)> {
    let RelocationTarget::Symbol(idx) = rel.target() else {
        return None;
    };
    let sym = file.symbol_by_index(idx).ok()?;
    let named = sym
        .name()
        .ok()
        .filter(|n| !n.is_empty() && sym.kind() != SymbolKind::Section);
    match named {
        Some(n) => {
            let inside = (sym.is_definition() && sym.kind() == SymbolKind::Text)
                .then(|| holding(funcs, sym.address()))
                .flatten();
            Some((demangle(n), inside))
        }
        None => {
            // A section-relative reference: find what lies there.
            let pc_relative = matches!(
                rel.kind(),
                object::RelocationKind::Relative
                    | object::RelocationKind::PltRelative
                    | object::RelocationKind::GotRelative
            );
            let x86 = file.architecture() == object::Architecture::X86_64;
            let bias = if x86 && pc_relative { 4 } else { 0 };
            let at = sym.address().wrapping_add(rel.addend() as u64).wrapping_add(bias);
            let i = holding(funcs, at)?;
            Some((funcs[i].name.clone(), Some(i)))
        }
    }
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
    let funcs = functions(&file);
    let mine = |name: &str| name.contains(module) && contains_path(name, module);
    let bad = |name: &str| forbidden.iter().any(|f| name.contains(f));
    // A generic instance over the student's types may itself be forbidden.
    if let Some(f) = funcs.iter().find(|f| mine(&f.name) && bad(&f.name)) {
        return Ok(Some(Hit {
            caller: f.name.clone(),
            callee: f.name.clone(),
            via: Vec::new(),
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
            let Some((callee, _)) = target(&file, &funcs, &rel) else {
                continue;
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
                    via: Vec::new(),
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

/// Where a walk of the call graph stops: a panic (the process ends, it does
/// not return into the interrupted code) and `core`, which allocates and
/// locks nothing except through a panic or a `dyn` call it cannot see.
fn beyond(name: &str) -> bool {
    name.starts_with("core::") || name.starts_with("std::panicking") || name.contains("rust_begin_unwind")
}

/// Does anything the student's function `root` (in `module`, with its
/// closures) reaches — directly or through any chain of the binary's
/// functions — have a name containing one of `forbidden`? The walk does not
/// enter [`beyond`]. Err: the binary could not be read as expected.
pub fn reach(binary: &Path, module: &str, root: &str, forbidden: &[&str]) -> Result<Option<Hit>, String> {
    let data = std::fs::read(binary).map_err(|e| format!("read {}: {e}", binary.display()))?;
    let file = object::File::parse(&*data).map_err(|e| format!("parse {}: {e}", binary.display()))?;
    let funcs = functions(&file);
    // Every relocation of code, by the address it patches (its offset, in a
    // linked binary).
    let mut rels: Vec<(u64, object::Relocation)> = Vec::new();
    for section in file.sections().filter(|s| s.kind() == object::SectionKind::Text) {
        rels.extend(section.relocations());
    }
    if rels.is_empty() {
        return Err(format!(
            "{} has no relocations (was it linked without --emit-relocs?)",
            binary.display()
        ));
    }
    rels.sort_by_key(|r| r.0);
    let callees = |f: usize| -> Vec<(String, Option<usize>)> {
        let (start, end) = (funcs[f].addr, funcs[f].addr + funcs[f].size);
        let from = rels.partition_point(|r| r.0 < start);
        rels[from..]
            .iter()
            .take_while(|r| r.0 < end)
            .filter_map(|(_, rel)| target(&file, &funcs, rel))
            .collect::<Vec<_>>()
    };
    let roots: Vec<usize> = funcs
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            contains_path(&f.name, module)
                && f.name.match_indices(module).any(|(i, _)| {
                    f.name[i + module.len()..]
                        .strip_prefix("::")
                        .is_some_and(|rest| rest == root || rest.starts_with(&format!("{root}::")))
                })
        })
        .map(|(i, _)| i)
        .collect();
    let bad = |name: &str| forbidden.iter().any(|f| name.contains(f));
    // Breadth first: the shortest chain to a forbidden call is the one shown.
    let mut parent: std::collections::HashMap<usize, Option<usize>> =
        roots.iter().map(|&r| (r, None)).collect();
    let mut queue: std::collections::VecDeque<usize> = roots.iter().copied().collect();
    let chain = |parent: &std::collections::HashMap<usize, Option<usize>>, mut f: usize| {
        let mut names = vec![funcs[f].name.clone()];
        while let Some(&Some(p)) = parent.get(&f) {
            names.push(funcs[p].name.clone());
            f = p;
        }
        names.reverse();
        names
    };
    while let Some(f) = queue.pop_front() {
        for (name, inside) in callees(f) {
            if bad(&name) {
                let mut via = chain(&parent, f);
                let caller = via.remove(0);
                return Ok(Some(Hit {
                    caller,
                    callee: name,
                    via,
                }));
            }
            if let Some(g) = inside.filter(|g| !beyond(&funcs[*g].name) && !parent.contains_key(g)) {
                parent.insert(g, Some(f));
                queue.push_back(g);
            }
        }
    }
    if std::env::var_os("UNP_GUARD_DEBUG").is_some() {
        for f in parent.keys() {
            eprintln!("guard: {root} reaches {}", funcs[*f].name);
        }
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

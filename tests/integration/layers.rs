//! The stages only look down (docs/ARCHITECTURE.md): every module of `src/`
//! names, through `crate::`, only modules that come before it in `ORDER`.
//! The leaves come first, then the stages in the order data flows through
//! them, then what drives them.

use std::collections::BTreeSet;
use std::path::Path;

use crate::harness::root;

/// Every top-level module, each allowed to use only those before it.
const ORDER: &[&str] = &[
    // Leaves: used by any stage, using no stage.
    "text",
    "dates",
    "period",
    "diag",
    "glyphs",
    "privacy",
    "files",
    "progress",
    "schema",
    "reference",
    "centro",
    // The stages, in the order data flows.
    "args",
    "config",
    "read",
    "registers",
    "checks",
    "aggregate",
    "explain",
    "publish",
    "render",
    // What drives them.
    "error",
    "cmd",
];

/// The top-level module a file of `src/` belongs to (`None`: lib.rs, main.rs).
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_string_lossy().into_owned();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// The top-level modules named by `crate::…` in `text`, comments aside.
fn uses(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let ident = |s: &str| -> String {
                s.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
            };
            let names: Vec<String> = match after.strip_prefix('{') {
                Some(group) => group.split('}').next().unwrap_or("").split(',').map(ident).collect(),
                None => vec![ident(after)],
            };
            found.extend(names.into_iter().filter(|n| !n.is_empty()));
            rest = after;
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn stages_only_look_down() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let Some(module) = module_of(rel) else { continue };
        let rank = ORDER.iter().position(|m| *m == module);
        assert!(rank.is_some(), "src/{}: module «{module}» is not placed in ORDER", rel.display());
        let rank = rank.unwrap();
        for used in uses(&std::fs::read_to_string(file).unwrap()) {
            if used == module {
                continue;
            }
            match ORDER.iter().position(|m| *m == used) {
                Some(r) if r < rank => {}
                Some(_) => wrong.push(format!("src/{} ({module}) uses {used}, a later stage", rel.display())),
                None => {
                    wrong.push(format!("src/{} ({module}) uses crate::{used}, which is not a module", rel.display()))
                }
            }
        }
    }
    assert!(wrong.is_empty(), "stages must only look down:\n{}", wrong.join("\n"));
}

#[test]
fn the_guard_sees_a_use_in_code_but_not_in_a_comment() {
    let found = uses("use crate::render::x; // crate::cmd\nlet y = crate::read::f();\nuse crate::{diag::D, text};");
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["diag", "read", "render", "text"]);
}

#[test]
fn printing_happens_in_cmd_only() {
    // The stages return data; `cmd` decides what reaches the terminal (the
    // progress bar of render::progress draws through indicatif, on cmd's
    // call). Comments and strings that mention the macros do not count.
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        if rel.starts_with("cmd") || rel == Path::new("main.rs") {
            continue;
        }
        for (n, line) in std::fs::read_to_string(file).unwrap().lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if ["println!(", "eprintln!(", "print!(", "eprint!("].iter().any(|m| code.contains(m)) {
                found.push(format!("src/{}:{}", rel.display(), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "printing outside cmd/: {found:?}");
}

//! The stages only look down (docs/ARCHITECTURE.md): every module of `src/`
//! names, through `crate::`, only modules that come before it in `ORDER`.
//! The leaves come first, then the stages in the order data flows through
//! them, then what drives them.
//!
//! Nor do files go in circles: every path a file writes (`crate::…`,
//! `super::…`, `self::…`, a child module's name) is followed to the file
//! that defines what it names, and no two files may reach each other. A
//! `mod.rs` declaring its children (`mod x;`) is not an edge, re-exporting
//! them (`pub use x::*`) is, downward; a child naming `super::X` depends on
//! `mod.rs` only when `X` is defined there, not when `mod.rs` passes on a
//! sibling's name. Shared pieces live in leaf files that use no sibling
//! back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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

// ---------------------------------------------------------------------------
// No cycles between files.
//
// Every path a file of `src/` writes (`crate::…`, `super::…`, `self::…`, a
// child module's name, in `use` trees and in code) is followed to the file
// that defines what it names. A `mod x;` declaration is not an edge; a name
// reached through a `use` (re-export or private import) is followed on to
// the file that defines it, so a child naming `super::X` depends on its
// `mod.rs` only when `X` is defined there. The text is read as rustfmt
// leaves it: items at column 0, an inline `mod x {` closed by `}` at its
// own indentation.

/// A module path from the crate root: `[]` is lib.rs, `["read", "scan"]`
/// is read/scan.rs.
type Module = Vec<String>;

/// The files of the crate (lib.rs and below, main.rs being another crate),
/// by path relative to `src/`.
struct Crate {
    files: BTreeMap<PathBuf, String>,
}

/// What a path names.
enum Named {
    /// A module of the crate.
    Module(Module),
    /// Items, defined in these files (none: outside the crate).
    Items(BTreeSet<PathBuf>),
}

/// A path in a `use` tree and the name it binds (`*` for a glob).
type UsePath = (Vec<String>, String);

fn ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The paths of a `use` tree (`super::{a, b::{self, c as d}, e::*}`).
fn use_paths(tree: &str) -> Vec<UsePath> {
    let mut tokens = Vec::new();
    let mut chars = tree.chars().peekable();
    while let Some(&c) = chars.peek() {
        if ident_char(c) {
            let mut word = String::new();
            while let Some(&c) = chars.peek().filter(|c| ident_char(**c)) {
                word.push(c);
                chars.next();
            }
            tokens.push(word);
        } else {
            chars.next();
            if "{},*".contains(c) {
                tokens.push(c.to_string());
            }
        }
    }
    fn tree_at(tokens: &[String], at: &mut usize, prefix: &[String], out: &mut Vec<UsePath>) {
        let mut path = prefix.to_vec();
        while *at < tokens.len() {
            let t = tokens[*at].as_str();
            *at += 1;
            match t {
                "{" => {
                    while *at < tokens.len() && tokens[*at] != "}" {
                        tree_at(tokens, at, &path, out);
                        if tokens.get(*at).is_some_and(|t| t == ",") {
                            *at += 1;
                        }
                    }
                    *at += 1;
                    return;
                }
                "*" => {
                    path.push("*".into());
                    out.push((path, "*".into()));
                    return;
                }
                // `a::{self, …}`: the module `a` itself.
                "self" if path.len() == prefix.len() && !prefix.is_empty() => {
                    let name = path.last().unwrap().clone();
                    out.push((path, name));
                    return;
                }
                _ => {
                    path.push(t.to_string());
                    // `a::b` goes on; anything else ends the path.
                    match tokens.get(*at).map(String::as_str) {
                        Some("as") => {
                            let name = tokens.get(*at + 1).cloned().unwrap_or_default();
                            *at += 2;
                            out.push((path, name));
                            return;
                        }
                        Some("{") | Some("*") => {}
                        Some(next) if ident_char(next.chars().next().unwrap()) => {}
                        _ => {
                            let name = path.last().unwrap().clone();
                            out.push((path, name));
                            return;
                        }
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    tree_at(&tokens, &mut at, &[], &mut out);
    out
}

/// One line of code: its text without the comment, and how many inline
/// `mod x {` blocks of the file it sits in.
struct Line<'a> {
    code: &'a str,
    inline: usize,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut open: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let indent = code.len() - code.trim_start().len();
        let trimmed = code.trim();
        if open.last().is_some_and(|i| *i == indent) && trimmed == "}" {
            open.pop();
            continue;
        }
        let words: Vec<&str> = trimmed.split_whitespace().collect();
        let is_mod = |w: &[&str]| w.len() == 3 && w[0] == "mod" && w[2] == "{";
        if is_mod(&words) || (words.len() == 4 && words[0].starts_with("pub") && is_mod(&words[1..])) {
            open.push(indent);
            continue;
        }
        out.push(Line { code, inline: open.len() });
    }
    out
}

/// The `use` statements of `text`, each with the inline depth it sits at
/// and whether it is at the top of the file (column 0).
fn use_statements(text: &str) -> Vec<(String, usize, bool)> {
    let mut out = Vec::new();
    let mut current: Option<(String, usize, bool)> = None;
    for line in lines(text) {
        let trimmed = line.code.trim();
        match &mut current {
            Some((tree, _, _)) => tree.push_str(trimmed),
            None => {
                let rest = trimmed
                    .strip_prefix("pub ")
                    .or_else(|| trimmed.strip_prefix("pub(").and_then(|r| r.split_once(") ").map(|(_, r)| r)));
                let Some(tree) = rest.unwrap_or(trimmed).strip_prefix("use ") else { continue };
                current = Some((tree.to_string(), line.inline, !line.code.starts_with(' ')));
            }
        }
        if current.as_ref().unwrap().0.contains(';') {
            let (tree, inline, top) = current.take().unwrap();
            out.push((tree.split(';').next().unwrap().to_string(), inline, top));
        }
    }
    out
}

/// The paths written in code outside `use` statements that start with one
/// of `starts` (`crate`, `super`, `self`, a child module's name).
fn code_paths(text: &str, starts: &BTreeSet<String>) -> Vec<(Vec<String>, usize)> {
    let mut out = Vec::new();
    let mut in_use = false;
    for line in lines(text) {
        let trimmed = line.code.trim();
        let starts_use = trimmed.starts_with("use ") || trimmed.starts_with("pub use ") || trimmed.starts_with("pub(");
        if in_use || (starts_use && trimmed.contains("use ")) {
            in_use = !trimmed.contains(';');
            continue;
        }
        let code = line.code;
        let mut i = 0;
        while i < code.len() {
            let before = code[..i].chars().next_back();
            let fresh = before.is_none_or(|c| !ident_char(c) && c != ':');
            let word: String = code[i..].chars().take_while(|c| ident_char(*c)).collect();
            if word.is_empty() {
                i += code[i..].chars().next().unwrap().len_utf8();
                continue;
            }
            if fresh && starts.contains(&word) && code[i + word.len()..].starts_with("::") {
                let mut segs = vec![word.clone()];
                let mut j = i + word.len();
                while code[j..].starts_with("::") {
                    let next: String = code[j + 2..].chars().take_while(|c| ident_char(*c)).collect();
                    if next.is_empty() {
                        break;
                    }
                    j += 2 + next.len();
                    segs.push(next);
                }
                out.push((segs, line.inline));
                i = j;
            } else {
                i += word.len();
            }
        }
    }
    out
}

/// Whether `text` defines `name` as an item at its top (column 0).
fn defines(text: &str, name: &str) -> bool {
    text.lines().any(|line| {
        if line.starts_with(' ') {
            return false;
        }
        let mut words = line.split(|c: char| !ident_char(c) && c != '!').filter(|w| !w.is_empty()).peekable();
        if words.peek() == Some(&"pub") {
            words.next();
            if line.starts_with("pub(") {
                words.next();
            }
        }
        let mut words = words.skip_while(|w| ["async", "unsafe", "extern"].contains(w));
        let Some(kind) = words.next() else { return false };
        let kind = if kind == "const" {
            match words.next() {
                Some("fn") => words.next(),
                other => other,
            }
        } else if ["fn", "struct", "enum", "static", "type", "trait", "union", "macro_rules!"].contains(&kind) {
            words.next()
        } else {
            None
        };
        kind == Some(name)
    })
}

impl Crate {
    fn read(src: &Path) -> Crate {
        let mut paths = Vec::new();
        rust_files(src, &mut paths);
        let files = paths
            .into_iter()
            .map(|p| (p.strip_prefix(src).unwrap().to_path_buf(), std::fs::read_to_string(&p).unwrap()))
            .filter(|(rel, _)| rel != Path::new("main.rs"))
            .collect();
        Crate { files }
    }

    /// The file of a module, if the crate has it.
    fn file(&self, module: &[String]) -> Option<PathBuf> {
        if module.is_empty() {
            return Some(PathBuf::from("lib.rs"));
        }
        let dir: PathBuf = module.iter().collect();
        [dir.with_extension("rs"), dir.join("mod.rs")].into_iter().find(|p| self.files.contains_key(p))
    }

    fn module(rel: &Path) -> Module {
        let mut segs: Module = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
        let last = segs.pop().unwrap();
        match last.as_str() {
            "mod.rs" | "lib.rs" => {}
            _ => segs.push(last.strip_suffix(".rs").unwrap().to_string()),
        }
        segs
    }

    fn is_module(&self, module: &[String]) -> bool {
        self.file(module).is_some()
    }

    /// What `path` names, written in module `from` inside `inline` inline
    /// modules of its file. `None`: the file itself (an inline module's
    /// own names, `super::` back to the file).
    fn resolve(&self, from: &[String], inline: usize, path: &[String], hops: usize) -> Option<Named> {
        let (base, rest): (Module, &[String]) = match path.first().map(String::as_str) {
            Some("crate") => (Vec::new(), &path[1..]),
            Some("super") => {
                let ups = path.iter().take_while(|s| *s == "super").count();
                if ups <= inline {
                    return None;
                }
                let ups = ups - inline;
                if ups > from.len() {
                    return Some(Named::Items(BTreeSet::new()));
                }
                (from[..from.len() - ups].to_vec(), &path[path.iter().take_while(|s| *s == "super").count()..])
            }
            Some("self") if inline > 0 => return None,
            Some("self") => (from.to_vec(), &path[1..]),
            Some(first) if self.is_module(&[from, &[first.to_string()]].concat()) => (from.to_vec(), path),
            // An outside crate, or a name of the file's own.
            _ => return Some(Named::Items(BTreeSet::new())),
        };
        Some(self.walk(base, rest, hops))
    }

    fn walk(&self, mut module: Module, path: &[String], hops: usize) -> Named {
        for seg in path {
            if seg == "*" {
                break;
            }
            let child = [module.clone(), vec![seg.clone()]].concat();
            if self.is_module(&child) {
                module = child;
                continue;
            }
            return Named::Items(self.item(&module, seg, hops));
        }
        Named::Module(module)
    }

    /// The files that define `name`, reached from module `module`: the
    /// module's own file, or where its `use` statements lead.
    fn item(&self, module: &[String], name: &str, hops: usize) -> BTreeSet<PathBuf> {
        let file = self.file(module).unwrap();
        let text = &self.files[&file];
        if defines(text, name) || hops > 16 {
            return BTreeSet::from([file]);
        }
        let uses: Vec<UsePath> = use_statements(text)
            .into_iter()
            .filter(|(_, inline, top)| *inline == 0 && *top)
            .flat_map(|(tree, _, _)| use_paths(&tree))
            .collect();
        for (path, bound) in &uses {
            if bound == name {
                return match self.resolve(module, 0, path, hops + 1) {
                    Some(Named::Items(files)) => files,
                    Some(Named::Module(m)) => BTreeSet::from([self.file(&m).unwrap()]),
                    None => BTreeSet::from([file]),
                };
            }
        }
        for (path, bound) in &uses {
            if bound == "*"
                && let Some(Named::Module(m)) = self.resolve(module, 0, &path[..path.len() - 1], hops + 1)
                && m != module
            {
                let found = self.item(&m, name, hops + 1);
                if !found.contains(&self.file(&m).unwrap()) || defines(&self.files[&self.file(&m).unwrap()], name) {
                    return found;
                }
            }
        }
        // Not found (a macro's name, a variant brought in by a glob): the
        // file itself, to be safe.
        BTreeSet::from([file])
    }

    /// Every edge between two files, each with one path that makes it.
    fn edges(&self) -> BTreeMap<PathBuf, BTreeMap<PathBuf, String>> {
        let mut edges: BTreeMap<PathBuf, BTreeMap<PathBuf, String>> = BTreeMap::new();
        for (rel, text) in &self.files {
            let module = Crate::module(rel);
            let mut starts: BTreeSet<String> = ["crate", "super", "self"].map(String::from).into();
            for (child, _) in self.files.iter().filter(|(p, _)| Crate::module(p).starts_with(&module)) {
                let m = Crate::module(child);
                if m.len() == module.len() + 1 {
                    starts.insert(m.last().unwrap().clone());
                }
            }
            let mut paths: Vec<(Vec<String>, usize)> = use_statements(text)
                .into_iter()
                .flat_map(|(tree, inline, _)| use_paths(&tree).into_iter().map(move |(p, _)| (p, inline)))
                .filter(|(p, _)| p.first().is_some_and(|s| starts.contains(s)))
                .collect();
            paths.extend(code_paths(text, &starts));
            for (path, inline) in paths {
                let targets = match self.resolve(&module, inline, &path, 0) {
                    None => continue,
                    Some(Named::Module(m)) => BTreeSet::from([self.file(&m).unwrap()]),
                    Some(Named::Items(files)) => files,
                };
                for target in targets.into_iter().filter(|t| t != rel) {
                    edges.entry(rel.clone()).or_default().entry(target).or_insert_with(|| path.join("::"));
                }
            }
        }
        edges
    }
}

/// The groups of files that reach each other (Tarjan's strongly connected
/// components with more than one file).
fn cycles(edges: &BTreeMap<PathBuf, BTreeMap<PathBuf, String>>) -> Vec<Vec<PathBuf>> {
    struct State<'a> {
        edges: &'a BTreeMap<PathBuf, BTreeMap<PathBuf, String>>,
        index: BTreeMap<&'a Path, (usize, usize)>,
        stack: Vec<&'a Path>,
        on_stack: BTreeSet<&'a Path>,
        found: Vec<Vec<PathBuf>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Path) {
        let n = s.index.len();
        s.index.insert(v, (n, n));
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.edges.get(v).into_iter().flat_map(|e| e.keys()) {
            if !s.index.contains_key(w.as_path()) {
                visit(s, w);
                let low = s.index[w.as_path()].1;
                let e = s.index.get_mut(v).unwrap();
                e.1 = e.1.min(low);
            } else if s.on_stack.contains(w.as_path()) {
                let low = s.index[w.as_path()].0;
                let e = s.index.get_mut(v).unwrap();
                e.1 = e.1.min(low);
            }
        }
        let (i, low) = s.index[v];
        if i == low {
            let mut group = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack.remove(w);
                group.push(w.to_path_buf());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                s.found.push(group);
            }
        }
    }
    let mut s =
        State { edges, index: BTreeMap::new(), stack: Vec::new(), on_stack: BTreeSet::new(), found: Vec::new() };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_path()) {
            visit(&mut s, v);
        }
    }
    s.found.sort();
    s.found
}

/// Cycles left for now, each with why; the test fails when one of them
/// is gone (take it off) or any other appears.
const KNOWN_CYCLES: &[(&[&str], &str)] = &[];

#[test]
fn no_cycles_between_files() {
    let krate = Crate::read(&root().join("src"));
    let edges = krate.edges();
    let found = cycles(&edges);
    let mut report = Vec::new();
    for group in &found {
        let names: Vec<String> = group.iter().map(|p| p.display().to_string()).collect();
        if KNOWN_CYCLES.iter().any(|(known, _)| *known == names) {
            continue;
        }
        report.push(format!("cycle: {}", names.iter().map(|n| format!("src/{n}")).collect::<Vec<_>>().join(", ")));
        for from in group {
            for (to, why) in edges[from].iter().filter(|(to, _)| group.contains(to)) {
                report.push(format!("  src/{} -> src/{} ({why})", from.display(), to.display()));
            }
        }
    }
    for (known, why) in KNOWN_CYCLES {
        if !found.iter().any(|g| g.iter().map(|p| p.display().to_string()).eq(known.iter().map(|k| k.to_string()))) {
            report.push(format!("no longer a cycle, take it off KNOWN_CYCLES: {known:?} ({why})"));
        }
    }
    assert!(report.is_empty(), "files must not reach each other in a circle:\n{}", report.join("\n"));
}

#[test]
fn the_file_graph_follows_uses_to_where_a_name_is_defined() {
    let files = [
        ("lib.rs", "pub mod m;\npub mod n;\n"),
        ("m/mod.rs", "mod a;\nmod b;\npub use a::*;\npub struct X;\n"),
        // `X` is m/mod.rs's own: a cycle with m/mod.rs, which uses a.
        ("m/a.rs", "use super::X;\npub struct Y;\n"),
        // `Y` only passes through m/mod.rs: the edge goes to a.rs.
        ("m/b.rs", "use super::{Y, a::{self}};\n#[cfg(test)]\nmod tests {\n    use super::super::X;\n}\n"),
        // A test module's `super::` is its own file; a comment is no path.
        ("n.rs", "// crate::m::X\nfn f() { crate::m::a::Y; }\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n"),
    ];
    let krate = Crate { files: files.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect() };
    let edges = krate.edges();
    let shown: Vec<String> = edges
        .iter()
        .flat_map(|(from, to)| to.keys().map(move |t| format!("{} -> {}", from.display(), t.display())))
        .collect();
    assert_eq!(
        shown,
        ["m/a.rs -> m/mod.rs", "m/b.rs -> m/a.rs", "m/b.rs -> m/mod.rs", "m/mod.rs -> m/a.rs", "n.rs -> m/a.rs"]
    );
    assert_eq!(cycles(&edges), [vec![PathBuf::from("m/a.rs"), PathBuf::from("m/mod.rs")]]);
}

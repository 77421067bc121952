//! Printing diagnostics: compiler-style text grouped by file (colours only
//! on a terminal and never with `NO_COLOR`), or the JSON object of docs/CLI.md.

use crate::config::Style;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics, Severity};

/// After this many diagnostics of one code in one file, text output says
/// "… e altri N" (JSON keeps them all).
pub const RUN_LIMIT: usize = 20;

/// `s` in the ANSI colour `code` when `style` asks for colours.
fn paint(style: Style, code: &str, s: &str) -> String {
    if style.color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
}

fn location(d: &Diagnostic) -> String {
    let mut s = d.file.clone();
    if let Some(sheet) = &d.sheet {
        s.push_str(&format!("[{sheet}]"));
    }
    if let Some(l) = d.line {
        s.push_str(&format!(":{l}"));
    }
    s
}

/// One diagnostic as text (two lines when there is a hint).
pub fn line(d: &Diagnostic, style: Style) -> String {
    let sev = match d.severity {
        Severity::Error => paint(style, "1;31", "errore"),
        Severity::Warning => paint(style, "1;33", "avviso"),
        Severity::Info => paint(style, "1;36", "nota"),
    };
    let mut s = format!("{}: {sev} [{}]", location(d), d.code);
    if let Some(c) = &d.column {
        s.push_str(&format!(" colonna {c}"));
    }
    s.push_str(": ");
    s.push_str(&d.message);
    if let Some(h) = &d.hint {
        s.push_str(&format!("\n  {}: {h}", paint(style, "1;32", "suggerimento")));
    }
    s
}

/// The summary line: `2 errori, 1 avviso, 3 note`.
pub fn summary(diags: &Diagnostics) -> String {
    format!(
        "{}, {}, {}",
        crate::text::plural(diags.count(Severity::Error) as u64, "errore", "errori"),
        crate::text::plural(diags.count(Severity::Warning) as u64, "avviso", "avvisi"),
        crate::text::plural(diags.count(Severity::Info) as u64, "nota", "note"),
    )
}

/// All diagnostics as text, sorted by file and line, long runs of one code
/// cut after [`RUN_LIMIT`].
pub fn text(diags: &Diagnostics, style: Style) -> String {
    let mut out = String::new();
    let sorted = diags.sorted();
    let mut per_code: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for d in &sorted {
        *per_code.entry((d.file.as_str(), d.code)).or_default() += 1;
    }
    let mut shown: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for d in &sorted {
        let key = (d.file.as_str(), d.code);
        let n = shown.entry(key).or_default();
        *n += 1;
        if *n <= RUN_LIMIT {
            out.push_str(&line(d, style));
            out.push('\n');
        }
        if *n == RUN_LIMIT && per_code[&key] > RUN_LIMIT {
            out.push_str(&format!(
                "{}: … e altri {} [{}] (l'elenco completo con --format json)\n",
                d.file,
                per_code[&key] - RUN_LIMIT,
                d.code
            ));
        }
    }
    out
}

/// The version of `validate --format json`'s shape (CHANGELOG.md keeps
/// each change): 1.
pub const FORMATO: u32 = 1;

#[derive(Serialize)]
struct JsonOut<'a> {
    formato: u32,
    errors: usize,
    warnings: usize,
    infos: usize,
    diagnostics: Vec<&'a Diagnostic>,
}

/// The JSON object of docs/CLI.md.
pub fn json(diags: &Diagnostics) -> String {
    let out = JsonOut {
        formato: FORMATO,
        errors: diags.count(Severity::Error),
        warnings: diags.count(Severity::Warning),
        infos: diags.count(Severity::Info),
        diagnostics: diags.sorted(),
    };
    let mut s = serde_json::to_string_pretty(&out).expect("diagnostics always serialise");
    s.push('\n');
    s
}

//! `integra explain`'s outputs: the explanation of one figure, or the list
//! of figures, as text, JSON or CSV.

use crate::explain::{Cell, Explanation, Figure, RowRef};

use super::csv::{format_hours, neutralise};

/// Counted rows the text shows without `--tutte`.
pub const ROWS_SHOWN: usize = 100;

fn place(r: &RowRef) -> String {
    match &r.sheet {
        Some(sheet) => format!("{}[{sheet}]:{}", r.file, r.line),
        None => format!("{}:{}", r.file, r.line),
    }
}

fn shown(c: &Cell) -> String {
    match c {
        Cell::Date(d) => crate::dates::short_date(*d),
        Cell::Text(t) => t.clone(),
        Cell::Hours(h) => format_hours(*h),
        Cell::Blank(words) => format!("({words})"),
    }
}

fn columns_text(r: &RowRef) -> String {
    r.columns.iter().map(|(k, v)| format!("{k} {}", shown(v))).collect::<Vec<_>>().join(" · ")
}

/// The explanation for a person; `all` shows every counted row.
pub fn text(x: &Explanation, all: bool) -> String {
    let mut out = format!("{} = {} (periodo {})\nregola: {}\n", x.figure, x.value, x.period, x.rule);
    let width = x.rows.iter().chain(&x.excluded).map(|r| place(r).chars().count()).max().unwrap_or(0);
    let n = x.rows.len();
    out.push_str(&format!("\n{}:\n", crate::text::plural(n as u64, "riga contata", "righe contate")));
    if n == 0 {
        out.push_str("  nessuna\n");
    }
    let limit = if all { usize::MAX } else { ROWS_SHOWN };
    for r in x.rows.iter().take(limit) {
        out.push_str(&format!("  {:width$}  {}\n", place(r), columns_text(r)));
        for w in &r.warnings {
            out.push_str(&format!("  {:width$}    avviso {w}\n", ""));
        }
    }
    if n > limit {
        out.push_str(&format!("  … e altre {} (tutte con --tutte, oppure --format csv)\n", n - limit));
    }
    if x.excluded_total == 0 {
        out.push_str("\nnessuna riga esclusa per poco\n");
        return out;
    }
    out.push_str(&format!(
        "\n{} (le più vicine al periodo per prime):\n",
        crate::text::plural(x.excluded_total as u64, "riga esclusa per poco", "righe escluse per poco")
    ));
    for r in &x.excluded {
        let reason = r.reason.as_deref().unwrap_or_default();
        out.push_str(&format!("  {:width$}  {reason} — {}\n", place(r), columns_text(r)));
    }
    if x.excluded_total > x.excluded.len() {
        out.push_str(&format!("  … e altre {} (tutte con --tutte)\n", x.excluded_total - x.excluded.len()));
    }
    out
}

/// The version of `explain --format json`'s shape, with and without
/// `--list` (CHANGELOG.md keeps each change): 1.
pub const FORMATO: u32 = 1;

/// The explanation as pretty JSON (docs/CLI.md), its shape's version first.
pub fn json(x: &Explanation) -> String {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        formato: u32,
        #[serde(flatten)]
        x: &'a Explanation,
    }
    let mut s = serde_json::to_string_pretty(&Out { formato: FORMATO, x }).expect("an explanation always serialises");
    s.push('\n');
    s
}

fn cell_csv(c: &Cell) -> String {
    match c {
        Cell::Date(d) => d.to_string(),
        Cell::Text(t) => t.clone(),
        Cell::Hours(h) => format_hours(*h),
        Cell::Blank(_) => String::new(),
    }
}

/// One CSV row per register row: counted (`contata`) then left out (`esclusa`).
pub fn csv(x: &Explanation) -> String {
    let mut names: Vec<&str> = Vec::new();
    for r in x.rows.iter().chain(&x.excluded) {
        for (k, _) in &r.columns {
            if !names.contains(k) {
                names.push(k);
            }
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["voce", "stato", "file", "foglio", "riga", "motivo"];
    header.extend(&names);
    w.write_record(&header).expect("writing to memory");
    let rows = x.rows.iter().map(|r| ("contata", r)).chain(x.excluded.iter().map(|r| ("esclusa", r)));
    for (state, r) in rows {
        let mut rec = vec![
            x.figure.clone(),
            state.to_string(),
            r.file.clone(),
            r.sheet.clone().unwrap_or_default(),
            r.line.to_string(),
            r.reason.clone().unwrap_or_default(),
        ];
        for n in &names {
            rec.push(r.columns.iter().find(|(k, _)| k == n).map(|(_, v)| cell_csv(v)).unwrap_or_default());
        }
        w.write_record(rec.iter().map(|c| neutralise(c))).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flushing memory")).expect("CSV of UTF-8 strings")
}

/// The figures and their values, one a line, aligned.
pub fn list_text(figures: &[&Figure]) -> String {
    // Long names (calls) are not padded for: they would push every value far right.
    let width = figures.iter().map(|f| f.path.chars().count()).filter(|&n| n <= 48).max().unwrap_or(0);
    figures.iter().map(|f| format!("{:width$}  {}\n", f.path, f.value)).collect()
}

/// The figures as JSON: `period` and `figures` (`figure`, `value`).
pub fn list_json(period: &str, figures: &[&Figure]) -> String {
    let list: Vec<serde_json::Value> =
        figures.iter().map(|f| serde_json::json!({ "figure": f.path, "value": f.value })).collect();
    let mut s =
        serde_json::to_string_pretty(&serde_json::json!({ "formato": FORMATO, "period": period, "figures": list }))
            .expect("JSON of strings and numbers");
    s.push('\n');
    s
}

/// The figures as CSV: `voce,valore`.
pub fn list_csv(figures: &[&Figure]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["voce", "valore"]).expect("writing to memory");
    for f in figures {
        w.write_record([neutralise(&f.path), f.value.to_string()]).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flushing memory")).expect("CSV of UTF-8 strings")
}

//! The report as one tidy CSV table for open data: one row per figure of
//! the figure list, columns `periodo, voce, tabella, descrizione,
//! dettaglio, unita, valore` (and `soppresso` in the public version). Cells
//! that a spreadsheet would run as a formula are neutralised.

use crate::aggregate::{Figure, Report, Value};

/// Prefixes a cell that starts like a formula (`=`, `+`, `-`, `@`, tab, CR)
/// with an apostrophe, so that spreadsheets show it as text.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// Renders the report: one row per figure of the figure list, in its order.
pub fn render(r: &Report) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let public = r.publication.public;
    let mut header = vec!["periodo", "voce", "tabella", "descrizione", "dettaglio", "unita", "valore"];
    if public {
        // The public version says which values are withheld (empty `valore`).
        header.push("soppresso");
    }
    w.write_record(&header).expect("writing to memory");
    for f in &r.figures.list {
        let detail = f.dims.iter().map(|d| d.value.as_str()).collect::<Vec<_>>().join(" / ");
        let value = value_cell(f);
        let mut cells = [r.period.code.as_str(), &f.id, &f.table, &f.label, &detail, f.unit.name(), &value]
            .map(neutralise)
            .to_vec();
        if public {
            cells.push(f.withheld.to_string());
        }
        w.write_record(&cells).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flushing memory")).expect("CSV of UTF-8 strings")
}

/// A figure's value as a CSV cell: the number (hours with a decimal point),
/// empty when the public version withholds it. The open-data package
/// (`render::datapackage`) writes its values the same way.
pub fn value_cell(f: &Figure) -> String {
    match f.value {
        _ if f.withheld => String::new(),
        Value::Count(n) => n.to_string(),
        Value::Hours(h) => format_hours(h),
    }
}

/// Hours without a useless `.0`.
pub fn format_hours(h: f64) -> String {
    if h.fract() == 0.0 { format!("{h:.0}") } else { format!("{h}") }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM"), "'@SUM");
        assert_eq!(neutralise("Nigeria"), "Nigeria");
    }
}

//! `validate --annota`: the registers copied into one workbook, where the
//! people who keep them work, with every problem on its cell.
//!
//! The first sheet, «Problemi», lists every diagnostic with a link to its
//! cell; then one sheet per register, each record at the row of its line in
//! the file (the sheet row is the line number `validate` prints), the header
//! frozen and filtered, every cell with a problem coloured by severity and
//! carrying a note with the message and the hint. A problem of a whole row
//! marks its first cell; one of a whole file is listed on the first sheet.
//!
//! The sheets are written in constant-memory mode, a row at a time, as the
//! registers are read (issue 22: 300,000 rows took 0.6 GB and a million 1.8
//! GB): what stays in memory is the diagnostics and their notes. Excel's
//! limits are kept here rather than met as the writer's English errors:
//! 32,767 UTF-16 units a cell, 65,530 links a sheet, 1,048,576 rows.

use std::borrow::Cow;
use std::collections::BTreeMap;

use csv::StringRecord;
use rust_xlsxwriter::{Color, Format, FormatBorder, Note, Url, Workbook, Worksheet, XlsxError};

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::read::RawTable;

/// The most rows a sheet holds.
const MAX_ROWS: usize = 1_048_576;
/// The most columns a sheet holds.
const MAX_COLUMNS: usize = 16_384;
/// The most UTF-16 units a cell holds.
pub const MAX_CELL: usize = 32_767;
/// The most UTF-16 units a note holds (the writer keeps 54 for its markup).
const MAX_NOTE: usize = MAX_CELL - 54;
/// The most links a sheet holds.
pub const MAX_LINKS: usize = 65_530;
/// The longest sheet name.
const MAX_SHEET_NAME: usize = 31;

/// Why the annotated workbook could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AnnotateError {
    /// A register longer than a sheet.
    #[error("il registro «{0}» ha più righe di quante ne contenga un foglio di calcolo (1.048.576)")]
    TooLong(String),
    /// The workbook writer failed.
    #[error("non riesco a comporre la cartella di lavoro: {0}")]
    Xlsx(#[from] XlsxError),
}

fn fill(severity: Severity) -> Format {
    let (bg, fg) = match severity {
        Severity::Error => (0xFFC7CE, 0x9C0006),
        Severity::Warning => (0xFFEB9C, 0x9C5700),
        Severity::Info => (0xDDEBF7, 0x1F4E79),
    };
    Format::new().set_background_color(Color::RGB(bg)).set_font_color(Color::RGB(fg)).set_border(FormatBorder::Thin)
}

/// `s` cut to at most `max` UTF-16 units (Excel counts a cell's length so:
/// an emoji is two), ending in "…" when cut.
fn cut_to(s: &str, max: usize) -> Cow<'_, str> {
    // Most texts are far shorter: a byte count bounds the UTF-16 count.
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max - 1 {
            let mut out = s[..i].to_string();
            out.push('…');
            return Cow::Owned(out);
        }
    }
    Cow::Borrowed(s)
}

fn cut(s: &str) -> Cow<'_, str> {
    cut_to(s, MAX_CELL)
}

/// Where a diagnostic points in the copied tables: (table, row, column),
/// 0-based; `None` for problems of a whole file or of `centro.toml`.
fn place(tables: &[RawTable], d: &Diagnostic) -> Option<(usize, u32, u16)> {
    let t = tables.iter().position(|t| t.src.file == d.file && t.src.sheet == d.sheet)?;
    let line = d.line?;
    if line > MAX_ROWS {
        return None;
    }
    let col =
        d.column.as_deref().and_then(|c| tables[t].columns.iter().find(|(name, _)| *name == c)).map_or(0, |(_, f)| *f);
    Some((t, line.checked_sub(1)? as u32, col.min(MAX_COLUMNS - 1) as u16))
}

fn note_text(d: &Diagnostic) -> String {
    let mut t = format!("{} [{}]: {}", d.severity.word(), d.code, d.message);
    if let Some(h) = &d.hint {
        t.push_str(&format!("\nSuggerimento: {h}"));
    }
    t
}

/// One sheet name for each table: the register's name, made unique (a
/// register kept in two files) and no longer than a sheet name may be.
fn sheet_names(tables: &[RawTable]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(tables.len());
    for t in tables {
        let base: String = t.src.register.chars().take(MAX_SHEET_NAME - 4).collect();
        let mut name = base.clone();
        let mut n = 2;
        while name.eq_ignore_ascii_case(crate::schema::ANNOTATED_SHEET)
            || names.iter().any(|x| x.eq_ignore_ascii_case(&name))
        {
            name = format!("{base} ({n})");
            n += 1;
        }
        names.push(name);
    }
    names
}

fn problems_sheet(
    ws: &mut Worksheet,
    tables: &[RawTable],
    names: &[String],
    diags: &[&Diagnostic],
) -> Result<(), XlsxError> {
    ws.set_name(crate::schema::ANNOTATED_SHEET)?;
    let head = Format::new().set_bold().set_background_color(Color::RGB(0x0066CC)).set_font_color(Color::White);
    let link =
        Format::new().set_font_color(Color::RGB(0x0563C1)).set_underline(rust_xlsxwriter::FormatUnderline::Single);
    let titles = ["Gravità", "Codice", "File", "Riga", "Colonna", "Valore", "Messaggio", "Suggerimento"];
    let widths = [10.0, 24.0, 22.0, 8.0, 20.0, 24.0, 80.0, 60.0];
    for (c, (t, w)) in titles.iter().zip(widths).enumerate() {
        ws.set_column_width(c as u16, w)?;
        ws.write_string_with_format(0, c as u16, *t, &head)?;
    }
    // A sheet holds MAX_ROWS rows, the header one of them.
    let listed = diags.len().min(MAX_ROWS - 2);
    let linked = diags[..listed].iter().filter(|d| d.line.is_some() && place(tables, d).is_some()).count();
    if linked > MAX_LINKS {
        let warn = Format::new().set_bold().set_font_color(Color::RGB(0x9C0006));
        ws.set_column_width(titles.len() as u16, 90.0)?;
        ws.write_string_with_format(
            0,
            titles.len() as u16,
            format!(
                "Solo i primi {} problemi hanno il collegamento alla cella (Excel non ne ammette di più in un foglio): per gli altri vai alla riga indicata.",
                crate::text::thousands(MAX_LINKS as u64)
            ),
            &warn,
        )?;
    }
    let mut links = 0;
    for (i, d) in diags[..listed].iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, d.severity.word(), &fill(d.severity))?;
        ws.write_string(r, 1, d.code)?;
        let file = match &d.sheet {
            Some(s) => format!("{}[{s}]", d.file),
            None => d.file.clone(),
        };
        ws.write_string(r, 2, cut(&file))?;
        match (d.line, place(tables, d)) {
            (Some(line), Some((t, row, col))) if links < MAX_LINKS => {
                links += 1;
                let target = format!("internal:'{}'!{}", names[t], rust_xlsxwriter::utility::row_col_to_cell(row, col));
                ws.write_url_with_format(r, 3, Url::new(target).set_text(line.to_string()), &link)?;
            }
            (Some(line), _) => {
                ws.write_number(r, 3, line as f64)?;
            }
            _ => {}
        }
        if let Some(c) = &d.column {
            ws.write_string(r, 4, cut(c))?;
        }
        if let Some(v) = &d.value {
            ws.write_string(r, 5, cut(v))?;
        }
        ws.write_string(r, 6, cut(&d.message))?;
        if let Some(h) = &d.hint {
            ws.write_string(r, 7, cut(h))?;
        }
    }
    if listed < diags.len() {
        ws.write_string(
            listed as u32 + 1,
            6,
            format!(
                "… e altri {} problemi: un foglio non ne contiene di più (l'elenco completo con «integra validate --format json»)",
                crate::text::thousands((diags.len() - listed) as u64)
            ),
        )?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, listed.max(1) as u32, titles.len() as u16 - 1)?;
    Ok(())
}

/// The problems of one sheet's cells, by (row, column): the worst colours
/// the cell, the note holds them all.
type Marks<'a> = BTreeMap<(u32, u16), Vec<&'a Diagnostic>>;

fn mark(ws: &mut Worksheet, (r, c): (u32, u16), ds: &[&Diagnostic], value: &str) -> Result<(), XlsxError> {
    let worst = ds.iter().map(|d| d.severity).min().unwrap_or(Severity::Info);
    ws.write_string_with_format(r, c, cut(value), &fill(worst))?;
    let text: Vec<String> = ds.iter().map(|d| note_text(d)).collect();
    let note = Note::new(cut_to(&text.join("\n\n"), MAX_NOTE)).set_author("integra").set_width(420).set_height(160);
    ws.insert_note(r, c, &note)?;
    Ok(())
}

/// Writes one row in constant-memory mode: its cells, then its marks; the
/// marks of rows before it that hold no record (blank lines) first.
fn write_row<'a>(
    ws: &mut Worksheet,
    r: u32,
    cells: impl Iterator<Item = &'a str> + Clone,
    marks: &mut std::iter::Peekable<std::collections::btree_map::IntoIter<(u32, u16), Vec<&Diagnostic>>>,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    while let Some((at, ds)) = marks.next_if(|((mr, _), _)| *mr < r) {
        mark(ws, at, &ds, "")?;
    }
    for (c, v) in cells.clone().enumerate().take(MAX_COLUMNS) {
        if v.is_empty() {
            continue;
        }
        match format {
            Some(f) => ws.write_string_with_format(r, c as u16, cut(v), f)?,
            None => ws.write_string(r, c as u16, cut(v))?,
        };
    }
    while let Some(((mr, mc), ds)) = marks.next_if(|((mr, _), _)| *mr == r) {
        mark(ws, (mr, mc), &ds, cells.clone().nth(mc as usize).unwrap_or(""))?;
    }
    Ok(())
}

fn register_sheet(ws: &mut Worksheet, name: &str, t: &mut RawTable, marks: Marks<'_>) -> Result<(), AnnotateError> {
    ws.set_name(name)?;
    let head = Format::new().set_bold().set_background_color(Color::RGB(0xD9E1F2));
    let hrow = t.header_line.saturating_sub(1) as u32;
    for (c, h) in t.header.iter().enumerate().take(MAX_COLUMNS) {
        ws.set_column_width(c as u16, (h.chars().count() as f64 + 4.0).clamp(10.0, 40.0))?;
    }
    let mut marks = marks.into_iter().peekable();
    write_row(ws, hrow, t.header.iter().map(String::as_str), &mut marks, Some(&head))?;
    let mut width = t.header.len();
    let mut last = hrow;
    let mut rec = StringRecord::new();
    while let Some(line) = t.next_row(&mut rec) {
        if line > MAX_ROWS {
            return Err(AnnotateError::TooLong(t.src.file.clone()));
        }
        let r = line.saturating_sub(1) as u32;
        // Rows come in the file's order; one at or above the last written
        // could not be written in constant-memory mode.
        if r <= last {
            continue;
        }
        write_row(ws, r, rec.iter(), &mut marks, None)?;
        width = width.max(rec.len());
        last = r;
    }
    for (at, ds) in marks {
        mark(ws, at, &ds, "")?;
    }
    ws.set_freeze_panes(hrow + 1, 0)?;
    ws.autofilter(hrow, 0, last.max(hrow), width.clamp(1, MAX_COLUMNS) as u16 - 1)?;
    Ok(())
}

/// The annotated workbook, as bytes. Each table's rows are read here, one
/// at a time, and written as they come.
pub fn workbook(tables: &mut [RawTable], diags: &Diagnostics) -> Result<Vec<u8>, AnnotateError> {
    let sorted = diags.sorted();
    let names = sheet_names(tables);
    let mut marks: Vec<Marks> = tables.iter().map(|_| Marks::new()).collect();
    for d in &sorted {
        if let Some((t, r, c)) = place(tables, d) {
            marks[t].entry((r, c)).or_default().push(*d);
        }
    }
    let mut wb = Workbook::new();
    problems_sheet(wb.add_worksheet_with_constant_memory()?, tables, &names, &sorted)?;
    for ((t, name), marks) in tables.iter_mut().zip(&names).zip(marks) {
        register_sheet(wb.add_worksheet_with_constant_memory()?, name, t, marks)?;
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_cut_by_utf16_units() {
        let emoji = "😀".repeat(17_000);
        let c = cut(&emoji);
        assert!(c.encode_utf16().count() <= MAX_CELL);
        assert!(c.ends_with('…'));
        assert_eq!(cut("breve"), "breve");
        let exact = "a".repeat(MAX_CELL);
        assert_eq!(cut(&exact).len(), MAX_CELL);
    }
}

//! `validate --annota`: the registers copied into one workbook, where the
//! people who keep them work, with every problem on its cell.
//!
//! The first sheet, «Problemi», lists every diagnostic with a link to its
//! cell; then one sheet per register, each record at the row of its line in
//! the file (the sheet row is the line number `validate` prints), the header
//! frozen and filtered, every cell with a problem coloured by severity and
//! carrying a note with the message and the hint. A problem of a whole row
//! marks its first cell; one of a whole file is listed on the first sheet.

use rust_xlsxwriter::{Color, Format, FormatBorder, Note, Url, Workbook, Worksheet, XlsxError};

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::read::RawTable;

/// The most rows and characters a sheet and a cell hold.
const MAX_ROWS: usize = 1_048_576;
const MAX_CELL: usize = 32_767;

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

fn cut(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The sheet name of a register's table: the register's name.
fn sheet_name(t: &RawTable) -> &str {
    &t.src.register
}

/// Where a diagnostic points in the copied tables: (table, row, column),
/// 0-based; `None` for problems of a whole file or of `centro.toml`.
fn place(tables: &[RawTable], d: &Diagnostic) -> Option<(usize, u32, u16)> {
    let t = tables.iter().position(|t| t.src.file == d.file && t.src.sheet == d.sheet)?;
    let line = d.line?;
    let col =
        d.column.as_deref().and_then(|c| tables[t].columns.iter().find(|(name, _)| *name == c)).map_or(0, |(_, f)| *f);
    Some((t, line.checked_sub(1)? as u32, col.min(16_383) as u16))
}

fn note_text(d: &Diagnostic) -> String {
    let mut t = format!("{} [{}]: {}", d.severity.word(), d.code, d.message);
    if let Some(h) = &d.hint {
        t.push_str(&format!("\nSuggerimento: {h}"));
    }
    t
}

fn problems_sheet(ws: &mut Worksheet, tables: &[RawTable], diags: &[&Diagnostic]) -> Result<(), XlsxError> {
    ws.set_name(crate::schema::ANNOTATED_SHEET)?;
    let head = Format::new().set_bold().set_background_color(Color::RGB(0x0066CC)).set_font_color(Color::White);
    let link =
        Format::new().set_font_color(Color::RGB(0x0563C1)).set_underline(rust_xlsxwriter::FormatUnderline::Single);
    let titles = ["Gravità", "Codice", "File", "Riga", "Colonna", "Valore", "Messaggio", "Suggerimento"];
    let widths = [10.0, 24.0, 22.0, 8.0, 20.0, 24.0, 80.0, 60.0];
    for (c, (t, w)) in titles.iter().zip(widths).enumerate() {
        ws.write_string_with_format(0, c as u16, *t, &head)?;
        ws.set_column_width(c as u16, w)?;
    }
    for (i, d) in diags.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, d.severity.word(), &fill(d.severity))?;
        ws.write_string(r, 1, d.code)?;
        let file = match &d.sheet {
            Some(s) => format!("{}[{s}]", d.file),
            None => d.file.clone(),
        };
        ws.write_string(r, 2, cut(&file))?;
        match (d.line, place(tables, d)) {
            (Some(line), Some((t, row, col))) => {
                let target = format!(
                    "internal:'{}'!{}",
                    sheet_name(&tables[t]),
                    rust_xlsxwriter::utility::row_col_to_cell(row, col)
                );
                ws.write_url_with_format(r, 3, Url::new(target).set_text(line.to_string()), &link)?;
            }
            (Some(line), None) => {
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
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, diags.len().max(1) as u32, titles.len() as u16 - 1)?;
    Ok(())
}

fn register_sheet(ws: &mut Worksheet, t: &RawTable, marks: &[(u32, u16, &Diagnostic)]) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(t))?;
    let head = Format::new().set_bold().set_background_color(Color::RGB(0xD9E1F2));
    let hrow = t.header_line.saturating_sub(1) as u32;
    let width = t.header.len().max(t.rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0)).min(16_384);
    for (c, h) in t.header.iter().enumerate().take(16_384) {
        ws.write_string_with_format(hrow, c as u16, cut(h), &head)?;
        ws.set_column_width(c as u16, (h.chars().count() as f64 + 4.0).clamp(10.0, 40.0))?;
    }
    for (line, cells) in &t.rows {
        let r = line.saturating_sub(1) as u32;
        for (c, v) in cells.iter().enumerate().take(16_384) {
            if !v.is_empty() {
                ws.write_string(r, c as u16, cut(v))?;
            }
        }
    }
    // The most serious problem of a cell colours it; its note holds them all.
    let mut cells: std::collections::BTreeMap<(u32, u16), Vec<&Diagnostic>> = std::collections::BTreeMap::new();
    for (r, c, d) in marks {
        cells.entry((*r, *c)).or_default().push(d);
    }
    for ((r, c), ds) in cells {
        let worst = ds.iter().map(|d| d.severity).min().unwrap_or(Severity::Info);
        let value = t
            .rows
            .iter()
            .find(|(line, _)| line.saturating_sub(1) as u32 == r)
            .and_then(|(_, cells)| cells.get(c as usize))
            .map_or("", String::as_str);
        ws.write_string_with_format(r, c, cut(value), &fill(worst))?;
        let text: Vec<String> = ds.iter().map(|d| note_text(d)).collect();
        let note = Note::new(cut(&text.join("\n\n"))).set_author("integra").set_width(420).set_height(160);
        ws.insert_note(r, c, &note)?;
    }
    ws.set_freeze_panes(hrow + 1, 0)?;
    let last = t.rows.iter().map(|(l, _)| *l).max().unwrap_or(t.header_line).saturating_sub(1) as u32;
    ws.autofilter(hrow, 0, last.max(hrow), width.saturating_sub(1) as u16)?;
    Ok(())
}

/// The annotated workbook, as bytes.
pub fn workbook(tables: &[RawTable], diags: &Diagnostics) -> Result<Vec<u8>, AnnotateError> {
    if let Some(t) = tables.iter().find(|t| t.rows.iter().any(|(l, _)| *l > MAX_ROWS)) {
        return Err(AnnotateError::TooLong(t.src.file.clone()));
    }
    let sorted = diags.sorted();
    let mut wb = Workbook::new();
    problems_sheet(wb.add_worksheet(), tables, &sorted)?;
    for (i, t) in tables.iter().enumerate() {
        let marks: Vec<(u32, u16, &Diagnostic)> = sorted
            .iter()
            .filter_map(|d| place(tables, d).filter(|(ti, ..)| *ti == i).map(|(_, r, c)| (r, c, *d)))
            .collect();
        register_sheet(wb.add_worksheet(), t, &marks)?;
    }
    Ok(wb.save_to_buffer()?)
}

//! Spreadsheets (`.xlsx`, `.xls`, `.ods`) through calamine: a sheet's cells
//! become text the way the register parsers read CSV cells. Formulas are
//! read by their cached value; error cells (`#N/D`, `#RIF!`) are collected
//! for the caller to report; row numbers are those the spreadsheet shows.

use calamine::{Data, Range, Reader};
use csv::StringRecord;

/// Extensions read as workbooks.
pub const EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// The names of a workbook's sheets.
pub fn sheet_names(path: &std::path::Path) -> Result<Vec<String>, String> {
    let wb =
        calamine::open_workbook_auto(path).map_err(|e| format!("il file non si apre come foglio di calcolo ({e})"))?;
    Ok(wb.sheet_names().to_vec())
}

/// A sheet read into memory, handed out row by row.
pub struct SheetRows {
    range: Range<Data>,
    next: usize,
    errors: Vec<(usize, String)>,
}

impl SheetRows {
    /// Reads `sheet` of the workbook at `path`.
    pub fn open(path: &std::path::Path, sheet: &str) -> Result<SheetRows, String> {
        let mut wb = calamine::open_workbook_auto(path).map_err(|e| e.to_string())?;
        let range = wb.worksheet_range(sheet).map_err(|e| e.to_string())?;
        Ok(SheetRows { range, next: 0, errors: Vec::new() })
    }

    /// Fills `rec` with the next row and returns its row number as the
    /// spreadsheet shows it, or `None` at the end.
    pub fn next_record(&mut self, rec: &mut StringRecord) -> Option<usize> {
        let row = self.range.rows().nth(self.next)?;
        let (first_row, first_col) = self.range.start().unwrap_or((0, 0));
        let number = first_row as usize + self.next + 1;
        self.next += 1;
        rec.clear();
        self.errors.clear();
        // Cells left of the used range are empty: keep column positions.
        for _ in 0..first_col {
            rec.push_field("");
        }
        for (i, cell) in row.iter().enumerate() {
            match cell {
                Data::Error(e) => {
                    self.errors.push((first_col as usize + i, e.to_string()));
                    rec.push_field("");
                }
                other => rec.push_field(&cell_text(other)),
            }
        }
        Some(number)
    }

    /// The error cells of the last row: (field index, error as shown).
    pub fn errors(&self) -> &[(usize, String)] {
        &self.errors
    }
}

/// A cell as the text a register parser reads.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        Data::Bool(b) => if *b { "sì" } else { "no" }.to_string(),
        // A time alone (10:00) is not a date: shown as the time, it reads as no date.
        Data::DateTime(dt) if dt.is_datetime() && dt.as_f64() < 1.0 => {
            let (.., h, m, _, _) = dt.to_ymd_hms_milli();
            format!("{h:02}:{m:02}")
        }
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(dt) => format!("{}", dt.as_f64()),
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
    }
}

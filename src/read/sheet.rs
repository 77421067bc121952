//! A sheet's cells as a register reads them, whichever reader read the
//! workbook (calamine for xlsx, xls, xlsb; integra's own for ods): a cell's
//! content or its flaw, a cell as text, a sheet as its tab lists it. A
//! leaf: `workbook` and `ods` both produce them.

use calamine::Data;

/// One sheet of a workbook, as its tabs list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetInfo {
    /// The name on its tab.
    pub name: String,
    /// Whether its tab shows (hidden and "very hidden" sheets do not).
    pub visible: bool,
}

/// A cell's content as the spreadsheet shows it.
#[derive(Debug, Clone)]
pub(super) enum Content {
    /// Its text (a date cell as dd/mm/yyyy, a number as written).
    Text(String),
    /// What keeps the cell from being read exactly.
    Flawed(Flaw),
}

/// Why a cell's value cannot be read as the person sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flaw {
    /// The error a formula shows instead of a value (`#N/D`, `#DIV/0!`).
    Error(String),
    /// A formula saved without its computed value (written by a script or
    /// an exporter, never opened and saved by Excel or LibreOffice).
    NoValue(String),
    /// A cell covered by a merge: the person sees the value of the merged
    /// area's first cell (named, e.g. `A5`, with that value), the file holds
    /// nothing here.
    Merged {
        /// The first cell of the merged area, as the spreadsheet names it.
        anchor: String,
        /// The value shown there.
        value: String,
    },
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

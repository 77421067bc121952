//! Spreadsheets (`.xlsx`, `.xls`, `.ods`) through calamine: a sheet's cells
//! become text the way the register parsers read CSV cells. Formulas are
//! read by their cached value; error cells (`#N/D`, `#RIF!`) are collected
//! for the caller to report; row numbers are those the spreadsheet shows.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, Ods, Range, Reader, Sheets, Xls, Xlsb, Xlsx};
use csv::StringRecord;

/// Extensions read as workbooks.
pub const EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// The first bytes of an OLE compound file: an old .xls, or an encrypted
/// (password-protected) .xlsx.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Why a workbook cannot be read, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkbookError {
    /// Protected by a password (encrypted): nothing can be read.
    Protected(String),
    /// Not a workbook, damaged, or unreadable as a file.
    Unreadable(String),
}

impl std::fmt::Display for WorkbookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkbookError::Protected(said) => {
                write!(f, "il file è protetto da una password (cifrato): integra non può leggerlo ({said})")
            }
            WorkbookError::Unreadable(why) => f.write_str(why),
        }
    }
}

impl WorkbookError {
    /// What to do, in Italian.
    pub fn hint(&self) -> &'static str {
        match self {
            WorkbookError::Protected(_) => {
                "apri il file con la password e salvane una copia senza: in Excel File > Informazioni > Proteggi cartella di lavoro > Crittografa con password (lascia vuoto); in LibreOffice File > Salva con nome, senza «Salva con password»"
            }
            WorkbookError::Unreadable(_) => {
                "aprilo con Excel o LibreOffice e salvalo di nuovo; se è una copia non più usata, toglilo dalla cartella"
            }
        }
    }
}

/// Opens the workbook at `path`, a regular file inside `folder` (see
/// `crate::files`), by its extension in any case.
fn open(path: &Path, folder: &Path) -> Result<Sheets<BufReader<File>>, WorkbookError> {
    let unreadable = |e: &dyn std::fmt::Display| WorkbookError::Unreadable(e.to_string());
    let mut file = crate::files::open(path, folder, None).map_err(|e| unreadable(&e))?;
    let mut head = [0u8; 8];
    let is_ole = std::io::Read::read_exact(&mut file, &mut head).is_ok() && head == OLE_MAGIC;
    std::io::Seek::rewind(&mut file).map_err(|e| unreadable(&e))?;
    let rs = BufReader::new(file);
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let not_workbook = |e: &dyn std::fmt::Display| {
        let said = e.to_string();
        // A password-protected .xlsx is an OLE container, not a zip; calamine
        // says "password" for a protected .xls.
        if said.to_lowercase().contains("password") || (is_ole && ext != "xls") {
            WorkbookError::Protected(said)
        } else {
            WorkbookError::Unreadable(format!("il file non si apre come foglio di calcolo ({said})"))
        }
    };
    Ok(match ext.as_str() {
        "xls" => Sheets::Xls(Xls::new(rs).map_err(|e| not_workbook(&e))?),
        "xlsb" => Sheets::Xlsb(Xlsb::new(rs).map_err(|e| not_workbook(&e))?),
        "ods" => Sheets::Ods(Ods::new(rs).map_err(|e| not_workbook(&e))?),
        _ => Sheets::Xlsx(Xlsx::new(rs).map_err(|e| not_workbook(&e))?),
    })
}

/// The names of a workbook's sheets.
pub fn sheet_names(path: &Path, folder: &Path) -> Result<Vec<String>, WorkbookError> {
    guarded(|| Ok(open(path, folder)?.sheet_names().to_vec()))
}

thread_local! {
    /// Set while calamine parses on this thread: its panics are reported
    /// as a damaged file, not printed as a crash.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, which parses a workbook with calamine, turning a panic inside
/// it into an error: hostile or damaged workbooks made calamine panic
/// (the fuzzer found "attempt to multiply with overflow" on cell
/// references), and a damaged file must be a diagnostic, not a crash.
fn guarded<T>(f: impl FnOnce() -> Result<T, WorkbookError>) -> Result<T, WorkbookError> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    outcome.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(WorkbookError::Unreadable(format!(
            "il file è danneggiato: il foglio di calcolo non si legge ({})",
            crate::text::short(&why)
        )))
    })
}

/// A cell's content as the spreadsheet shows it.
#[derive(Debug, Clone)]
enum Content {
    /// Its text (a date cell as dd/mm/yyyy, a number as written).
    Text(String),
    /// The error a formula shows instead (`#N/D`, `#DIV/0!`).
    Error(String),
}

/// A sheet's non-empty cells, handed out row by row. Only the cells present
/// are kept: a stray cell at XFD1048576 costs one cell, not the rectangle
/// up to it, and reading is linear in the cells (xlsx and xlsb are streamed
/// cell by cell; xls and ods come through calamine's range).
pub struct SheetRows {
    /// (row, column, content), 0-based, sorted by row then column.
    cells: Vec<(u32, u32, Content)>,
    next: usize,
    errors: Vec<(usize, String)>,
}

/// Appends a cell unless it is empty.
fn keep(cells: &mut Vec<(u32, u32, Content)>, (row, col): (u32, u32), content: Content) {
    if !matches!(&content, Content::Text(t) if t.is_empty()) {
        cells.push((row, col, content));
    }
}

fn content_of(cell: &Data) -> Content {
    match cell {
        Data::Error(e) => Content::Error(e.to_string()),
        other => Content::Text(cell_text(other)),
    }
}

impl SheetRows {
    /// Reads `sheet` of the workbook at `path`, inside `folder`.
    pub fn open(path: &Path, folder: &Path, sheet: &str) -> Result<SheetRows, WorkbookError> {
        guarded(|| Self::read(path, folder, sheet))
    }

    fn read(path: &Path, folder: &Path, sheet: &str) -> Result<SheetRows, WorkbookError> {
        let unreadable = |e: &dyn std::fmt::Display| WorkbookError::Unreadable(e.to_string());
        let mut cells = Vec::new();
        match open(path, folder)? {
            Sheets::Xlsx(mut wb) => {
                let mut reader = wb.worksheet_cells_reader(sheet).map_err(|e| unreadable(&e))?;
                while let Some(c) = reader.next_cell().map_err(|e| unreadable(&e))? {
                    keep(&mut cells, c.get_position(), content_of(&Data::from(c.get_value().clone())));
                }
            }
            Sheets::Xlsb(mut wb) => {
                let mut reader = wb.worksheet_cells_reader(sheet).map_err(|e| unreadable(&e))?;
                while let Some(c) = reader.next_cell().map_err(|e| unreadable(&e))? {
                    keep(&mut cells, c.get_position(), content_of(&Data::from(c.get_value().clone())));
                }
            }
            mut wb => {
                let range: Range<Data> = wb.worksheet_range(sheet).map_err(|e| unreadable(&e))?;
                let (r0, c0) = range.start().unwrap_or((0, 0));
                for (r, c, cell) in range.used_cells() {
                    keep(&mut cells, (r0 + r as u32, c0 + c as u32), content_of(cell));
                }
            }
        }
        cells.sort_by_key(|(r, c, _)| (*r, *c));
        Ok(SheetRows { cells, next: 0, errors: Vec::new() })
    }

    /// Fills `rec` with the next row that has a cell and returns its row
    /// number as the spreadsheet shows it, or `None` at the end.
    pub fn next_record(&mut self, rec: &mut StringRecord) -> Option<usize> {
        let row = self.cells.get(self.next)?.0;
        rec.clear();
        self.errors.clear();
        let mut col = 0;
        while let Some((_, c, content)) = self.cells.get(self.next).filter(|(r, ..)| *r == row) {
            // Cells between are empty: keep column positions.
            while col < *c {
                rec.push_field("");
                col += 1;
            }
            match content {
                Content::Text(text) => rec.push_field(text),
                Content::Error(e) => {
                    self.errors.push((*c as usize, e.clone()));
                    rec.push_field("");
                }
            }
            col += 1;
            self.next += 1;
        }
        Some(row as usize + 1)
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

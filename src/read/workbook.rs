//! Spreadsheets (`.xlsx`, `.xls`, `.ods`) through calamine: a sheet's cells
//! become text the way the register parsers read CSV cells. Formulas are
//! read by their cached value; what a cell cannot give exactly is collected
//! as a [`Flaw`] for the caller to report at the cell: an error value
//! (`#N/D`, `#RIF!`), a formula saved without its computed value, a cell
//! covered by a merge. Row numbers are those the spreadsheet shows; the
//! workbook's date system (1900 or 1904) and its hidden rows are kept for
//! the caller to apply and to name.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, Dimensions, Range, Reader, SheetVisible, Sheets, Xls, Xlsb, Xlsx};
use csv::StringRecord;

use super::sheet::Content;
pub use super::sheet::{Flaw, SheetInfo, cell_text};

/// Extensions read as workbooks.
pub const EXTENSIONS: [&str; 6] = ["xlsx", "xlsm", "xls", "xlsb", "ods", "fods"];

/// Whether the workbook at `path` is an OpenDocument one, read by
/// [`super::ods`] (calamine would expand every repeated cell).
fn is_ods(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("ods") || e.eq_ignore_ascii_case("fods"))
}

/// Why an OpenDocument file does not read: too large, encrypted, or not one.
fn ods_error(path: &Path, folder: &Path, e: super::ods::OdsError) -> WorkbookError {
    let why = match e {
        super::ods::OdsError::Oversized(why) => return WorkbookError::Oversized(why),
        super::ods::OdsError::Other(why) => why,
    };
    let encrypted = crate::files::open(path, folder, None)
        .ok()
        .and_then(|f| zip::ZipArchive::new(f).ok())
        .and_then(|mut z| {
            let mut manifest = String::new();
            std::io::Read::read_to_string(&mut z.by_name("META-INF/manifest.xml").ok()?, &mut manifest).ok()?;
            Some(manifest.contains("encryption-data"))
        })
        .unwrap_or(false);
    if encrypted {
        WorkbookError::Protected("un documento OpenDocument cifrato".into())
    } else {
        WorkbookError::Unreadable(why)
    }
}

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
    /// Declares far more cells with a value than a register has (a row
    /// or a column filled to the end of the sheet).
    Oversized(String),
}

impl std::fmt::Display for WorkbookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkbookError::Protected(said) => {
                write!(f, "il file è protetto da una password (cifrato): integra non può leggerlo ({said})")
            }
            WorkbookError::Unreadable(why) | WorkbookError::Oversized(why) => f.write_str(why),
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
            WorkbookError::Oversized(_) => {
                "nel foglio seleziona le righe sotto l'ultimo record fino in fondo (Ctrl+Maiusc+Fine) ed eliminale, poi lo stesso per le colonne a destra; poi salva"
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
    if ext == "xls"
        && let Some(far) = super::xls_guard::far_cell(path, folder)
    {
        return Err(WorkbookError::Oversized(format!(
            "un foglio ha una cella in {}, lontana dalle altre: leggerlo vorrebbe dire tenere in memoria una griglia di {} celle",
            cell_name(far.row, far.col),
            far.grid
        )));
    }
    Ok(match ext.as_str() {
        "xls" => Sheets::Xls(Xls::new(rs).map_err(|e| not_workbook(&e))?),
        "xlsb" => Sheets::Xlsb(Xlsb::new(rs).map_err(|e| not_workbook(&e))?),
        _ => Sheets::Xlsx(Xlsx::new(rs).map_err(|e| not_workbook(&e))?),
    })
}

/// The sheets of a workbook, in tab order.
pub fn sheets(path: &Path, folder: &Path) -> Result<Vec<SheetInfo>, WorkbookError> {
    if is_ods(path) {
        return guarded(|| super::ods::sheets(path, folder).map_err(|e| ods_error(path, folder, e)));
    }
    guarded(|| {
        Ok(open(path, folder)?
            .sheets_metadata()
            .iter()
            .map(|s| SheetInfo { name: s.name.clone(), visible: s.visible == SheetVisible::Visible })
            .collect())
    })
}

/// Whether a sheet holds any non-empty cell (`Err` when it cannot be
/// read), reading it only up to the first.
pub fn has_cells(path: &Path, folder: &Path, sheet: &str) -> Result<bool, WorkbookError> {
    if is_ods(path) {
        return guarded(|| super::ods::has_cells(path, folder, sheet).map_err(|e| ods_error(path, folder, e)));
    }
    guarded(|| {
        let unreadable = |e: &dyn std::fmt::Display| WorkbookError::Unreadable(e.to_string());
        match open(path, folder)? {
            Sheets::Xlsx(mut wb) => {
                let mut reader = wb.worksheet_cells_reader(sheet).map_err(|e| unreadable(&e))?;
                while let Some(c) = reader.next_cell().map_err(|e| unreadable(&e))? {
                    if !matches!(c.get_value(), calamine::DataRef::Empty)
                        && !matches!(c.get_value(), calamine::DataRef::String(s) if s.is_empty())
                    {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            _ => SheetRows::read(path, folder, sheet).map(|r| !r.cells.is_empty()),
        }
    })
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

/// A workbook's date system (one definition, in `crate::dates`).
pub use crate::dates::DateSystem;

/// A sheet's non-empty cells, handed out row by row. Only the cells present
/// are kept: a stray cell at XFD1048576 costs one cell, not the rectangle
/// up to it, and reading is linear in the cells (xlsx and xlsb are streamed
/// cell by cell; xls and ods come through calamine's range).
pub struct SheetRows {
    /// (row, column, content), 0-based, sorted by row then column.
    cells: Vec<(u32, u32, Content)>,
    next: usize,
    flaws: Vec<(usize, Flaw)>,
    /// Merged areas of more than one cell, by first row.
    merged: Vec<Dimensions>,
    /// The merged areas met so far that may still cover the next rows.
    active: Vec<usize>,
    /// The first merged area not yet met.
    merge_next: usize,
    /// The workbook's date system, for numbers in date columns.
    pub dates: DateSystem,
    /// Hidden rows holding cells, as the spreadsheet numbers them.
    pub hidden_rows: Vec<usize>,
    /// Hidden columns, 0-based, as (first, last) ranges.
    pub hidden_cols: Vec<(u32, u32)>,
}

/// Appends a cell unless it is empty.
fn keep(cells: &mut Vec<(u32, u32, Content)>, (row, col): (u32, u32), content: Content) {
    if !matches!(&content, Content::Text(t) if t.is_empty()) {
        cells.push((row, col, content));
    }
}

fn content_of(cell: &Data) -> Content {
    match cell {
        Data::Error(e) => Content::Flawed(Flaw::Error(e.to_string())),
        other => Content::Text(cell_text(other)),
    }
}

/// A cell with its formula: one saved without a computed value is a flaw.
fn content_with_formula(cell: &Data, formula: Option<&str>) -> Content {
    match (cell, formula.map(str::trim).filter(|f| !f.is_empty())) {
        (Data::Empty, Some(f)) => Content::Flawed(Flaw::NoValue(f.to_string())),
        _ => content_of(cell),
    }
}

/// `A1`-style name of a cell (0-based row and column).
pub fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col as u64 + 1;
    while c > 0 {
        let r = ((c - 1) % 26) as u8;
        letters.push(b'A' + r);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row as u64 + 1)
}

impl SheetRows {
    /// Reads `sheet` of the workbook at `path`, inside `folder`.
    pub fn open(path: &Path, folder: &Path, sheet: &str) -> Result<SheetRows, WorkbookError> {
        guarded(|| Self::read(path, folder, sheet))
    }

    fn read(path: &Path, folder: &Path, sheet: &str) -> Result<SheetRows, WorkbookError> {
        let unreadable = |e: &dyn std::fmt::Display| WorkbookError::Unreadable(e.to_string());
        let mut cells = Vec::new();
        let mut dates = DateSystem::From1900;
        let mut merged = Vec::new();
        let mut hidden_rows = Vec::new();
        let mut hidden_cols = Vec::new();
        if is_ods(path) {
            let sheet = super::ods::read_sheet(path, folder, sheet).map_err(|e| ods_error(path, folder, e))?;
            return Ok(SheetRows::new(sheet.cells, sheet.merged, sheet.dates, sheet.hidden_rows, sheet.hidden_cols));
        }
        match open(path, folder)? {
            Sheets::Xlsx(mut wb) => {
                if wb.has_1904_epoch() {
                    dates = DateSystem::From1904;
                }
                {
                    let mut reader = wb.worksheet_cells_reader(sheet).map_err(|e| unreadable(&e))?;
                    while let Some(c) = reader.next_cell_with_formula().map_err(|e| unreadable(&e))? {
                        keep(&mut cells, c.pos, content_with_formula(&Data::from(c.value), c.formula.as_deref()));
                    }
                }
                let layout = super::xlsx_layout::read(path, folder, sheet).map_err(|e| unreadable(&e))?;
                merged = layout.merged;
                hidden_rows = layout.hidden_rows;
                hidden_cols = layout.hidden_cols;
            }
            Sheets::Xlsb(mut wb) => {
                let mut reader = wb.worksheet_cells_reader(sheet).map_err(|e| unreadable(&e))?;
                while let Some(c) = reader.next_cell().map_err(|e| unreadable(&e))? {
                    keep(&mut cells, c.get_position(), content_of(&Data::from(c.get_value().clone())));
                }
            }
            Sheets::Xls(mut wb) => {
                if wb.has_1904_epoch() {
                    dates = DateSystem::From1904;
                }
                merged = wb.merge_cells_by_sheet_name(sheet).unwrap_or_default();
                let range: Range<Data> = wb.worksheet_range(sheet).map_err(|e| unreadable(&e))?;
                let (r0, c0) = range.start().unwrap_or((0, 0));
                for (r, c, cell) in range.used_cells() {
                    keep(&mut cells, (r0 + r as u32, c0 + c as u32), content_of(cell));
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
        // Only hidden rows that hold something are worth a word.
        hidden_rows.retain(|&r| {
            let row = r.saturating_sub(1) as u32;
            let at = cells.partition_point(|(cr, ..)| *cr < row);
            cells.get(at).is_some_and(|(cr, ..)| *cr == row)
        });
        Ok(SheetRows::new(cells, merged, dates, hidden_rows, hidden_cols))
    }

    fn new(
        cells: Vec<(u32, u32, Content)>,
        mut merged: Vec<Dimensions>,
        dates: DateSystem,
        hidden_rows: Vec<usize>,
        hidden_cols: Vec<(u32, u32)>,
    ) -> SheetRows {
        merged.retain(|d| d.start != d.end);
        merged.sort_by_key(|d| d.start);
        SheetRows {
            cells,
            next: 0,
            flaws: Vec::new(),
            merged,
            active: Vec::new(),
            merge_next: 0,
            dates,
            hidden_rows,
            hidden_cols,
        }
    }

    /// Fills `rec` with the next row that has a cell and returns its row
    /// number as the spreadsheet shows it, or `None` at the end.
    pub fn next_record(&mut self, rec: &mut StringRecord) -> Option<usize> {
        let row = self.cells.get(self.next)?.0;
        rec.clear();
        self.flaws.clear();
        let mut col = 0;
        while let Some((_, c, content)) = self.cells.get(self.next).filter(|(r, ..)| *r == row) {
            // Cells between are empty: keep column positions.
            while col < *c {
                rec.push_field("");
                col += 1;
            }
            match content {
                Content::Text(text) => rec.push_field(text),
                Content::Flawed(f) => {
                    self.flaws.push((*c as usize, f.clone()));
                    rec.push_field("");
                }
            }
            col += 1;
            self.next += 1;
        }
        self.covered(row, rec);
        Some(row as usize + 1)
    }

    /// Flaws for the cells of `row` that a merge covers, where the merged
    /// area shows a value (an empty merge hides nothing).
    fn covered(&mut self, row: u32, rec: &StringRecord) {
        // Rows come in order: the areas starting by this row join, those
        // ending before it leave; each area is met once.
        while let Some(d) = self.merged.get(self.merge_next).filter(|d| d.start.0 <= row) {
            if d.end.0 >= row {
                self.active.push(self.merge_next);
            }
            self.merge_next += 1;
        }
        let merged = &self.merged;
        self.active.retain(|&i| merged[i].end.0 >= row);
        for &i in &self.active {
            let d = &self.merged[i];
            let at = self.cells.partition_point(|(r, c, _)| (*r, *c) < d.start);
            let value = match self.cells.get(at) {
                Some((r, c, Content::Text(t))) if (*r, *c) == d.start => t.clone(),
                _ => continue,
            };
            // The columns a register can have: a merge across the whole sheet
            // is not walked cell by cell.
            for col in d.start.1..=d.end.1.min(d.start.1 + 255) {
                if (row, col) == d.start || rec.get(col as usize).is_some_and(|v| !v.trim().is_empty()) {
                    continue;
                }
                self.flaws.push((
                    col as usize,
                    Flaw::Merged { anchor: cell_name(d.start.0, d.start.1), value: value.clone() },
                ));
            }
        }
    }

    /// Whether field (column) `field` is hidden in the sheet.
    pub fn column_hidden(&self, field: usize) -> bool {
        self.hidden_cols.iter().any(|&(a, b)| (a as usize..=b as usize).contains(&field))
    }

    /// The flawed cells of the last row: (field index, flaw).
    pub fn flaws(&self) -> &[(usize, Flaw)] {
        &self.flaws
    }
}

//! OpenDocument spreadsheets (`.ods`, and the flat `.fods` LibreOffice also
//! saves) read as a stream of XML: a sheet's cells, hidden rows, merged
//! areas and formulas saved without a value, in memory proportional to the
//! cells that hold something. A row or cell "repeated" a million times (as
//! LibreOffice writes the empty rest of a sheet, or as a hostile file
//! declares) costs nothing when empty, and past a budget is refused when
//! not: a 9 KB file cannot make integra hold a hundred million cells.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use calamine::Dimensions;
use quick_xml::events::{BytesStart, Event};

use super::sheet::{Flaw, SheetInfo};

/// Cells a sheet may gain by repetition (one written cell standing for
/// many) beyond those written out: far above any register kept by hand
/// (LibreOffice repeats identical neighbours, a few at a time), far below
/// what would exhaust memory.
const REPEAT_BUDGET: u64 = 2_000_000;

/// The last row and column a spreadsheet program can show: cells declared
/// beyond them are not cells of any sheet a person sees.
const MAX_ROWS: u64 = 1 << 20;
const MAX_COLS: u64 = 1 << 14;

/// Why a sheet is not read.
#[derive(Debug)]
pub enum OdsError {
    /// It declares far more cells with a value than it can hold.
    Oversized(String),
    /// It is not a spreadsheet, or is damaged.
    Other(String),
}

impl From<String> for OdsError {
    fn from(s: String) -> Self {
        OdsError::Other(s)
    }
}

use super::sheet::Content as Value;

/// One sheet's content.
#[derive(Default)]
pub struct Sheet {
    /// (row, column, value), 0-based, in reading order (sorted).
    pub cells: Vec<(u32, u32, Value)>,
    /// Rows marked hidden (collapsed or filtered out), 1-based, with cells.
    pub hidden_rows: Vec<usize>,
    /// Columns marked hidden, 0-based, as (first, last) ranges.
    pub hidden_cols: Vec<(u32, u32)>,
    /// Merged areas.
    pub merged: Vec<Dimensions>,
    /// The document's date system (its null date).
    pub dates: crate::dates::DateSystem,
}

/// A reader of the document's XML.
type Xml<'a> = quick_xml::Reader<&'a mut dyn BufRead>;

/// How much larger than its compressed size `content.xml` may be: real
/// spreadsheets compress 10 to 30 times; a "zip bomb" far more.
const INFLATION: u64 = 100;

/// The least `content.xml` may always grow to.
const INFLATED_FLOOR: u64 = 64 << 20;

/// A reader that stops with an error past `left` bytes, and says so.
struct Capped<R> {
    inner: R,
    left: u64,
    over: std::rc::Rc<std::cell::Cell<bool>>,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            self.over.set(true);
            return Err(std::io::Error::other("content.xml oltre il limite"));
        }
        let want = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Runs `f` on the document's XML, streamed: `content.xml` in the zip of an
/// `.ods` (inflated at most [`INFLATION`] times its compressed size), the
/// whole file of a `.fods`.
fn with_xml<T>(path: &Path, folder: &Path, f: impl FnOnce(&mut Xml<'_>) -> Result<T, OdsError>) -> Result<T, OdsError> {
    let file = crate::files::open(path, folder, None).map_err(|e| OdsError::Other(e.to_string()))?;
    let start = |source: &mut dyn BufRead, f: &mut dyn FnMut(&mut Xml<'_>) -> Result<T, OdsError>| {
        let mut reader = quick_xml::Reader::from_reader(source);
        reader.config_mut().expand_empty_elements = false;
        f(&mut reader)
    };
    let mut f = Some(f);
    let mut once = |x: &mut Xml<'_>| f.take().expect("called once")(x);
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("fods")) {
        return start(&mut BufReader::new(file), &mut once);
    }
    let unreadable =
        |e: &dyn std::fmt::Display| OdsError::Other(format!("il file non si apre come foglio di calcolo ({e})"));
    let mut zip = zip::ZipArchive::new(file).map_err(|e| unreadable(&e))?;
    let entry = zip.by_name("content.xml").map_err(|e| unreadable(&e))?;
    let over = std::rc::Rc::new(std::cell::Cell::new(false));
    let left = entry.compressed_size().saturating_mul(INFLATION).max(INFLATED_FLOOR);
    let mut source = BufReader::new(Capped { inner: entry, left, over: over.clone() });
    let out = start(&mut source, &mut once);
    if over.get() {
        return Err(OdsError::Oversized(format!(
            "il contenuto del file, decompresso, supera {} MB ({} volte la sua dimensione): non è un foglio di calcolo normale",
            left >> 20,
            INFLATION
        )));
    }
    out
}

/// The value of attribute `name` (qualified, e.g. `table:name`).
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.as_ref() == name).map(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| a.value.to_string())
    })
}

fn count(e: &BytesStart, name: &str) -> u64 {
    attr(e, name).and_then(|v| v.parse::<u64>().ok()).unwrap_or(1).max(1)
}

fn xml_error(e: impl std::fmt::Display) -> OdsError {
    OdsError::Other(format!("il file è danneggiato: il foglio di calcolo non si legge ({e})"))
}

/// The sheets of the document, in tab order, with their visibility.
pub fn sheets(path: &Path, folder: &Path) -> Result<Vec<SheetInfo>, OdsError> {
    with_xml(path, folder, sheets_in)
}

fn sheets_in(reader: &mut Xml<'_>) -> Result<Vec<SheetInfo>, OdsError> {
    let mut hidden_styles: Vec<String> = Vec::new();
    let mut style: Option<String> = None;
    let mut out = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(xml_error)?;
        let event_kind = if matches!(event, Event::Start(_)) { Kind::Start } else { Kind::Other };
        match event {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "style:style" => style = attr(&e, "style:name"),
                "style:table-properties" => {
                    if attr(&e, "table:display").is_some_and(|d| d == "false")
                        && let Some(s) = &style
                    {
                        hidden_styles.push(s.clone());
                    }
                }
                "table:table" => {
                    let name = attr(&e, "table:name").unwrap_or_default();
                    let visible = attr(&e, "table:style-name").is_none_or(|s| !hidden_styles.contains(&s));
                    out.push(SheetInfo { name, visible });
                    // The sheet's content is not needed here.
                    if matches!(event_kind, Kind::Start) {
                        skip_table(reader)?;
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Whether an element was opened (its content follows) or was empty.
enum Kind {
    Start,
    Other,
}

/// Skips to the end of the `table:table` just opened.
fn skip_table(reader: &mut Xml<'_>) -> Result<(), OdsError> {
    let mut depth = 1usize;
    let mut buf = Vec::new();
    while depth > 0 {
        buf.clear();
        match reader.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) if e.name().as_ref() == "table:table" => depth += 1,
            Event::End(e) if e.name().as_ref() == "table:table" => depth -= 1,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// A cell being read: its attributes and the text of its paragraphs.
struct Cell {
    value_type: Option<String>,
    value: Option<String>,
    formula: Option<String>,
    error: bool,
    text: String,
    paragraphs: usize,
    repeat: u64,
    span: (u64, u64),
    covered: bool,
}

impl Cell {
    fn new(e: &BytesStart, covered: bool) -> Cell {
        let value_type = attr(e, "office:value-type");
        let value = match value_type.as_deref() {
            Some("float" | "percentage" | "currency") => attr(e, "office:value"),
            Some("date") => attr(e, "office:date-value"),
            Some("time") => attr(e, "office:time-value"),
            Some("boolean") => attr(e, "office:boolean-value"),
            Some("string") => attr(e, "office:string-value"),
            _ => None,
        };
        Cell {
            error: attr(e, "calcext:value-type").is_some_and(|t| t == "error"),
            value_type,
            value,
            formula: attr(e, "table:formula"),
            text: String::new(),
            paragraphs: 0,
            repeat: count(e, "table:number-columns-repeated"),
            span: (count(e, "table:number-rows-spanned"), count(e, "table:number-columns-spanned")),
            covered,
        }
    }

    /// What the cell holds, as the register parsers read it.
    fn finish(self) -> Option<Value> {
        if self.error {
            return Some(Value::Flawed(Flaw::Error(self.text)));
        }
        let Some(kind) = self.value_type.as_deref() else {
            // A formula with no value type and no paragraph was never
            // computed; with a paragraph (even empty: `=""`) it was, to text.
            return match self.formula {
                Some(f) if !f.trim().is_empty() && self.paragraphs == 0 => {
                    let f = f.trim();
                    let f = f.strip_prefix("of:").unwrap_or(f);
                    Some(Value::Flawed(Flaw::NoValue(f.trim_start_matches('=').to_string())))
                }
                _ => (!self.text.is_empty()).then_some(Value::Text(self.text)),
            };
        };
        let text = match (kind, self.value) {
            ("float" | "percentage" | "currency", Some(v)) => match v.parse::<f64>() {
                Ok(f) => super::sheet::cell_text(&calamine::Data::Float(f)),
                Err(_) => v,
            },
            ("date", Some(v)) => v.split('T').next().unwrap_or(&v).to_string(),
            ("time", Some(v)) => iso_time(&v).unwrap_or(self.text),
            ("boolean", Some(v)) => if v == "true" { "sì" } else { "no" }.to_string(),
            ("string", Some(v)) => v,
            _ => self.text,
        };
        (!text.is_empty()).then_some(Value::Text(text))
    }
}

/// `PT10H30M00S` as `10:30`.
fn iso_time(v: &str) -> Option<String> {
    let rest = v.strip_prefix("PT")?;
    let (h, rest) = rest.split_once('H')?;
    let (m, _) = rest.split_once('M')?;
    Some(format!("{:02}:{:02}", h.parse::<u32>().ok()? % 24, m.parse::<u32>().ok()?))
}

/// Reads sheet `name`.
pub fn read_sheet(path: &Path, folder: &Path, name: &str) -> Result<Sheet, OdsError> {
    with_xml(path, folder, |x| sheet_in(x, name, false))
}

/// Whether sheet `name` holds any cell with a value (read up to the first).
pub fn has_cells(path: &Path, folder: &Path, name: &str) -> Result<bool, OdsError> {
    with_xml(path, folder, |x| sheet_in(x, name, true)).map(|s| !s.cells.is_empty())
}

/// Reads sheet `name` from the document's XML; with `first`, only up to
/// its first row holding a value.
fn sheet_in(reader: &mut Xml<'_>, name: &str, first: bool) -> Result<Sheet, OdsError> {
    let mut buf = Vec::new();
    let mut dates = crate::dates::DateSystem::From1900;
    // Find the sheet.
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                if attr(&e, "table:name").as_deref() == Some(name) {
                    break;
                }
                skip_table(reader)?;
            }
            Event::Empty(e)
                if e.name().as_ref() == "table:table" && attr(&e, "table:name").as_deref() == Some(name) =>
            {
                return Ok(Sheet { dates, ..Sheet::default() });
            }
            // The document's date system: serials count from this day.
            Event::Start(e) | Event::Empty(e)
                if e.name().as_ref() == "table:null-date"
                    && attr(&e, "table:date-value").is_some_and(|d| d.starts_with("1904-01-01")) =>
            {
                dates = crate::dates::DateSystem::From1904;
            }
            Event::Eof => return Err(OdsError::Other(format!("il foglio «{name}» non c'è"))),
            _ => {}
        }
    }
    let mut sheet = Sheet { dates, ..Sheet::default() };
    let mut spans: HashMap<(u32, u32), (u64, u64)> = HashMap::new();
    let mut row: u64 = 0;
    let mut col: u64 = 0;
    let mut row_repeat: u64 = 1;
    let mut row_hidden = false;
    let mut row_cells: Vec<(u32, Value)> = Vec::new();
    let mut cell: Option<Cell> = None;
    let mut budget = Budget { left: REPEAT_BUDGET, sheet: name };
    let mut in_para = 0usize;
    let mut depth_table = 1usize;
    let mut next_col: u64 = 0;
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(xml_error)?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e)
                if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") =>
            {
                let covered = e.name().as_ref() == "table:covered-table-cell";
                let c = Cell::new(&e, covered);
                if empty {
                    finish_cell(c, row, &mut col, &mut row_cells, &mut spans, &mut budget, row_repeat)?;
                } else {
                    cell = Some(c);
                }
            }
            Event::End(e) if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") => {
                if let Some(c) = cell.take() {
                    finish_cell(c, row, &mut col, &mut row_cells, &mut spans, &mut budget, row_repeat)?;
                }
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table-column" => {
                let n = count(&e, "table:number-columns-repeated").min(MAX_COLS);
                if attr(&e, "table:visibility").is_some_and(|v| v == "collapse" || v == "filter") && next_col < MAX_COLS
                {
                    sheet.hidden_cols.push((next_col as u32, (next_col + n - 1).min(MAX_COLS - 1) as u32));
                }
                next_col = next_col.saturating_add(n);
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                row_repeat = count(&e, "table:number-rows-repeated");
                row_hidden = attr(&e, "table:visibility").is_some_and(|v| v == "collapse" || v == "filter");
                col = 0;
                row_cells.clear();
                if empty {
                    row = row.saturating_add(row_repeat);
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if !row_cells.is_empty() {
                    let copies = row_repeat.min(MAX_ROWS.saturating_sub(row));
                    budget.spend((copies.saturating_sub(1)).saturating_mul(row_cells.len() as u64))?;
                    for k in 0..copies {
                        let r = (row + k) as u32;
                        if row_hidden {
                            sheet.hidden_rows.push(r as usize + 1);
                        }
                        for (c, v) in &row_cells {
                            sheet.cells.push((r, *c, v.clone()));
                        }
                    }
                    row_cells.clear();
                    if first {
                        return Ok(sheet);
                    }
                }
                row = row.saturating_add(row_repeat);
            }
            // An empty paragraph is a computed empty text (`=""`).
            Event::Empty(e) if e.name().as_ref() == "text:p" || e.name().as_ref() == "text:h" => {
                if let Some(c) = cell.as_mut() {
                    if c.paragraphs > 0 {
                        c.text.push('\n');
                    }
                    c.paragraphs += 1;
                }
            }
            Event::Start(e) if e.name().as_ref() == "text:p" || e.name().as_ref() == "text:h" => {
                if let Some(c) = cell.as_mut() {
                    if c.paragraphs > 0 {
                        c.text.push('\n');
                    }
                    c.paragraphs += 1;
                }
                in_para += 1;
            }
            Event::End(e) if e.name().as_ref() == "text:p" || e.name().as_ref() == "text:h" => {
                in_para = in_para.saturating_sub(1);
            }
            Event::Empty(e) if in_para > 0 => {
                if let Some(c) = cell.as_mut() {
                    match e.name().as_ref() {
                        "text:s" => {
                            let n = count(&e, "text:c").min(1000) as usize;
                            c.text.extend(std::iter::repeat_n(' ', n));
                        }
                        "text:tab" => c.text.push('\t'),
                        "text:line-break" => c.text.push('\n'),
                        _ => {}
                    }
                }
            }
            Event::Text(t) if in_para > 0 => {
                if let Some(c) = cell.as_mut() {
                    c.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_para > 0 => {
                if let Some(c) = cell.as_mut() {
                    let name = r.as_ref().to_string();
                    let ch = match name.as_str() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        n => n
                            .strip_prefix("#x")
                            .and_then(|h| u32::from_str_radix(h, 16).ok())
                            .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
                            .and_then(char::from_u32),
                    };
                    c.text.extend(ch);
                }
            }
            // A cell's comment is not its value.
            Event::Start(e) if e.name().as_ref() == "office:annotation" => {
                let end = e.name().as_ref().to_string();
                reader.read_to_end_into(quick_xml::name::QName(&end), &mut Vec::new()).map_err(xml_error)?;
            }
            Event::Start(e) if e.name().as_ref() == "table:table" => depth_table += 1,
            Event::End(e) if e.name().as_ref() == "table:table" => {
                depth_table -= 1;
                if depth_table == 0 {
                    break;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if row > MAX_ROWS {
            break;
        }
    }
    sheet.cells.sort_by_key(|(r, c, _)| (*r, *c));
    sheet.merged = spans
        .into_iter()
        .map(|((r, c), (rows, cols))| Dimensions {
            start: (r, c),
            end: (r + (rows - 1).min(MAX_ROWS) as u32, c + (cols - 1).min(MAX_COLS) as u32),
        })
        .collect();
    sheet.merged.sort_by_key(|d| d.start);
    Ok(sheet)
}

/// The cells a sheet may still gain by repetition.
struct Budget<'a> {
    left: u64,
    sheet: &'a str,
}

impl Budget<'_> {
    fn spend(&mut self, cells: u64) -> Result<(), OdsError> {
        self.left = self.left.checked_sub(cells).ok_or_else(|| too_many(self.sheet))?;
        Ok(())
    }
}

fn too_many(name: &str) -> OdsError {
    OdsError::Oversized(format!(
        "il foglio «{name}» dichiara più di {REPEAT_BUDGET} celle ripetute con un valore (una riga o una colonna copiata fino in fondo al foglio): non è un registro leggibile"
    ))
}

/// Places a finished cell (and its repetitions) on the row being read.
fn finish_cell(
    c: Cell,
    row: u64,
    col: &mut u64,
    row_cells: &mut Vec<(u32, Value)>,
    spans: &mut HashMap<(u32, u32), (u64, u64)>,
    budget: &mut Budget,
    row_repeat: u64,
) -> Result<(), OdsError> {
    let repeat = c.repeat.min(MAX_COLS.saturating_sub(*col));
    let span = c.span;
    let covered = c.covered;
    let at = *col;
    *col = col.saturating_add(c.repeat);
    // A cell covered by a merge shows the merged area's value, whatever
    // LibreOffice kept in it: read as empty, named by the merge.
    if covered {
        return Ok(());
    }
    let Some(value) = c.finish() else { return Ok(()) };
    if at >= MAX_COLS || row >= MAX_ROWS {
        return Ok(());
    }
    if (span.0 > 1 || span.1 > 1) && row_repeat == 1 {
        spans.insert((row as u32, at as u32), span);
    }
    budget.spend(repeat.saturating_sub(1))?;
    for k in 0..repeat {
        row_cells.push(((at + k) as u32, value.clone()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A flat OpenDocument spreadsheet with `body` as its one sheet «s»
    /// and `settings` before it, written to a temporary folder.
    fn fods(settings: &str, body: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accessi.fods");
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet>{settings}<table:table table:name="s">{body}</table:table></office:spreadsheet></office:body></office:document>"#
        );
        std::fs::write(&path, xml).unwrap();
        (dir, path)
    }

    fn texts(sheet: &Sheet) -> Vec<(u32, u32, String)> {
        sheet
            .cells
            .iter()
            .map(|(r, c, v)| {
                let shown = match v {
                    Value::Text(t) => t.clone(),
                    Value::Flawed(f) => format!("{f:?}"),
                };
                (*r, *c, shown)
            })
            .collect()
    }

    #[test]
    fn formulas_are_read_by_their_value_and_never_computed_ones_are_flawed() {
        let (dir, path) = fods(
            "",
            r#"<table:table-row><table:table-cell table:formula="of:=&quot;&quot;"><text:p/></table:table-cell><table:table-cell table:formula="of:=1+2" office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell><table:table-cell table:formula="of:=1+2"/><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2"/>b</text:p><text:p>c</text:p><office:annotation><text:p>nota</text:p></office:annotation></table:table-cell></table:table-row>"#,
        );
        let sheet = read_sheet(&path, dir.path(), "s").unwrap();
        assert_eq!(
            texts(&sheet),
            vec![(0, 1, "3".to_string()), (0, 2, r#"NoValue("1+2")"#.to_string()), (0, 3, "a  b\nc".to_string())]
        );
    }

    #[test]
    fn the_1904_null_date_and_covered_cells() {
        let (dir, path) = fods(
            r#"<table:calculation-settings><table:null-date table:date-value="1904-01-01"/></table:calculation-settings>"#,
            r#"<table:table-row><table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row><table:table-row><table:covered-table-cell office:value-type="string"><text:p>hidden</text:p></table:covered-table-cell></table:table-row>"#,
        );
        let sheet = read_sheet(&path, dir.path(), "s").unwrap();
        assert_eq!(sheet.dates, crate::dates::DateSystem::From1904);
        assert_eq!(texts(&sheet), vec![(0, 0, "x".to_string())], "a covered cell's kept text is not read");
        assert_eq!(sheet.merged.len(), 1);
    }

    #[test]
    fn repeated_empty_rows_cost_nothing_and_repeated_values_are_bounded() {
        let (dir, path) = fods(
            "",
            r#"<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#,
        );
        assert!(read_sheet(&path, dir.path(), "s").unwrap().cells.is_empty());
        let (dir, path) = fods(
            "",
            r#"<table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="100" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>"#,
        );
        assert!(matches!(read_sheet(&path, dir.path(), "s"), Err(OdsError::Oversized(_))));
    }
}

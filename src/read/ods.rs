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

use super::workbook::{Flaw, SheetInfo};

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

/// A cell read: its text, or what keeps it from being read.
pub enum Value {
    /// As the register parsers read it.
    Text(String),
    /// An error value, or a formula with no value.
    Flawed(Flaw),
}

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
}

/// The XML of the document: `content.xml` in the zip of an `.ods`, the
/// whole file of a `.fods`.
fn xml(path: &Path, folder: &Path) -> Result<quick_xml::Reader<Box<dyn BufRead>>, String> {
    let file = crate::files::open(path, folder, None).map_err(|e| e.to_string())?;
    let flat = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("fods"));
    let source: Box<dyn BufRead> = if flat {
        Box::new(BufReader::new(file))
    } else {
        let mut zip =
            zip::ZipArchive::new(file).map_err(|e| format!("il file non si apre come foglio di calcolo ({e})"))?;
        let mut content = Vec::new();
        zip.by_name("content.xml")
            .map_err(|e| format!("il file non si apre come foglio di calcolo ({e})"))?
            .take(u64::from(u32::MAX))
            .read_to_end(&mut content)
            .map_err(|e| e.to_string())?;
        Box::new(std::io::Cursor::new(content))
    };
    let mut reader = quick_xml::Reader::from_reader(source);
    reader.config_mut().expand_empty_elements = false;
    Ok(reader)
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

fn xml_error(e: impl std::fmt::Display) -> String {
    format!("il file è danneggiato: il foglio di calcolo non si legge ({e})")
}

/// The sheets of the document, in tab order, with their visibility.
pub fn sheets(path: &Path, folder: &Path) -> Result<Vec<SheetInfo>, String> {
    let mut reader = xml(path, folder)?;
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
                        skip_table(&mut reader)?;
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
fn skip_table(reader: &mut quick_xml::Reader<Box<dyn BufRead>>) -> Result<(), String> {
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
            // A formula with no value type was never computed.
            return match self.formula {
                Some(f) if !f.trim().is_empty() => {
                    let f = f.trim();
                    let f = f.strip_prefix("of:").unwrap_or(f);
                    Some(Value::Flawed(Flaw::NoValue(f.trim_start_matches('=').to_string())))
                }
                _ => (!self.text.is_empty()).then_some(Value::Text(self.text)),
            };
        };
        let text = match (kind, self.value) {
            ("float" | "percentage" | "currency", Some(v)) => match v.parse::<f64>() {
                Ok(f) => super::workbook::cell_text(&calamine::Data::Float(f)),
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
    let mut reader = xml(path, folder)?;
    let mut buf = Vec::new();
    // Find the sheet.
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                if attr(&e, "table:name").as_deref() == Some(name) {
                    break;
                }
                skip_table(&mut reader)?;
            }
            Event::Empty(e)
                if e.name().as_ref() == "table:table" && attr(&e, "table:name").as_deref() == Some(name) =>
            {
                return Ok(Sheet::default());
            }
            Event::Eof => return Err(OdsError::Other(format!("il foglio «{name}» non c'è"))),
            _ => {}
        }
    }
    let mut sheet = Sheet::default();
    let mut spans: HashMap<(u32, u32), (u64, u64)> = HashMap::new();
    let mut row: u64 = 0;
    let mut col: u64 = 0;
    let mut row_repeat: u64 = 1;
    let mut row_hidden = false;
    let mut row_cells: Vec<(u32, Value)> = Vec::new();
    let mut cell: Option<Cell> = None;
    let mut budget = REPEAT_BUDGET;
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
                    let extra = (copies.saturating_sub(1)).saturating_mul(row_cells.len() as u64);
                    if extra > budget {
                        return Err(too_many(name));
                    }
                    budget -= extra;
                    for k in 0..copies {
                        let r = (row + k) as u32;
                        if row_hidden {
                            sheet.hidden_rows.push(r as usize + 1);
                        }
                        for (c, v) in &row_cells {
                            let v = match v {
                                Value::Text(t) => Value::Text(t.clone()),
                                Value::Flawed(f) => Value::Flawed(f.clone()),
                            };
                            sheet.cells.push((r, *c, v));
                        }
                    }
                    row_cells.clear();
                }
                row = row.saturating_add(row_repeat);
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
    budget: &mut u64,
    row_repeat: u64,
) -> Result<(), OdsError> {
    let repeat = c.repeat.min(MAX_COLS.saturating_sub(*col));
    let span = c.span;
    let covered = c.covered;
    let at = *col;
    *col = col.saturating_add(c.repeat);
    let Some(value) = c.finish() else { return Ok(()) };
    if at >= MAX_COLS || row >= MAX_ROWS {
        return Ok(());
    }
    if !covered && (span.0 > 1 || span.1 > 1) && row_repeat == 1 {
        spans.insert((row as u32, at as u32), span);
    }
    let extra = repeat.saturating_sub(1);
    if extra > *budget {
        return Err(OdsError::Oversized(
            "il foglio ripete un valore su troppe colonne: non è un registro leggibile".into(),
        ));
    }
    *budget -= extra;
    for k in 0..repeat {
        let v = match &value {
            Value::Text(t) => Value::Text(t.clone()),
            Value::Flawed(f) => Value::Flawed(f.clone()),
        };
        row_cells.push(((at + k) as u32, v));
    }
    Ok(())
}

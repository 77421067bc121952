//! What calamine does not say about an `.xlsx` sheet: its hidden rows and
//! its merged areas, read from the sheet's XML in the zip. Most sheets have
//! neither: the XML is first searched for the two markers as bytes, and
//! parsed only where one occurs.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use calamine::Dimensions;
use quick_xml::events::Event;

/// A sheet's hidden rows (as the spreadsheet numbers them) and merged areas.
#[derive(Debug, Default)]
pub struct Layout {
    /// Rows marked hidden, 1-based.
    pub hidden_rows: Vec<usize>,
    /// Columns marked hidden, 0-based, as (first, last) ranges.
    pub hidden_cols: Vec<(u32, u32)>,
    /// Merged areas, 0-based.
    pub merged: Vec<Dimensions>,
}

type Zip = zip::ZipArchive<std::fs::File>;

/// Reads the layout of `sheet` in the workbook at `path`.
pub fn read(path: &Path, folder: &Path, sheet: &str) -> Result<Layout, String> {
    let file = crate::files::open(path, folder, None).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| e.to_string())?;
    let Some(part) = sheet_part(&mut zip, sheet)? else { return Ok(Layout::default()) };
    if !mentions(&mut zip, &part)? {
        return Ok(Layout::default());
    }
    let entry = zip.by_name(&part).map_err(|e| e.to_string())?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(entry));
    let mut layout = Layout::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "row" => {
                let attr = |name: &str| {
                    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == name).map(|a| a.value.to_string())
                };
                if attr("hidden").is_some_and(|h| h == "1" || h == "true")
                    && let Some(r) = attr("r").and_then(|r| r.parse::<usize>().ok())
                {
                    layout.hidden_rows.push(r);
                }
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "col" => {
                let attr = |name: &str| {
                    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == name).map(|a| a.value.to_string())
                };
                let n = |name: &str| attr(name).and_then(|v| v.parse::<u32>().ok());
                if attr("hidden").is_some_and(|h| h == "1" || h == "true")
                    && let (Some(min), Some(max)) = (n("min"), n("max"))
                    && min >= 1
                {
                    layout.hidden_cols.push((min - 1, max.max(min) - 1));
                }
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "mergeCell" => {
                let area = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "ref")
                    .and_then(|a| area(&a.value));
                layout.merged.extend(area);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(layout)
}

/// Whether the sheet's XML holds a hidden row or a merged cell at all,
/// searched as bytes without parsing.
fn mentions(zip: &mut Zip, part: &str) -> Result<bool, String> {
    let entry = zip.by_name(part).map_err(|e| e.to_string())?;
    let mut reader = BufReader::with_capacity(1 << 16, entry);
    // LibreOffice writes hidden="false" on every row: only a true value counts.
    let needles = [&b"hidden=\"1\""[..], &b"hidden=\"true\""[..], &b"<mergeCell "[..], &b":mergeCell "[..]];
    let finders: Vec<_> = needles.iter().map(memchr::memmem::Finder::new).collect();
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let chunk = reader.fill_buf().map_err(|e| e.to_string())?;
        if chunk.is_empty() {
            return Ok(false);
        }
        let n = chunk.len();
        carry.extend_from_slice(chunk);
        reader.consume(n);
        if finders.iter().any(|f| f.find(&carry).is_some()) {
            return Ok(true);
        }
        let keep = carry.len().saturating_sub(16);
        carry.drain(..keep);
    }
}

/// The zip part of sheet `name`: `xl/workbook.xml` names it with a
/// relationship id, `xl/_rels/workbook.xml.rels` maps that id to the part.
fn sheet_part(zip: &mut Zip, name: &str) -> Result<Option<String>, String> {
    let text = |zip: &mut Zip, part: &str| -> Result<Option<String>, String> {
        let Ok(mut entry) = zip.by_name(part) else { return Ok(None) };
        let mut s = String::new();
        entry.read_to_string(&mut s).map_err(|e| e.to_string())?;
        Ok(Some(s))
    };
    let Some(workbook) = text(zip, "xl/workbook.xml")? else { return Ok(None) };
    let Some(rels) = text(zip, "xl/_rels/workbook.xml.rels")? else { return Ok(None) };
    let id = elements(&workbook, "sheet")
        .into_iter()
        .find(|attrs| attrs.iter().any(|(k, v)| k == "name" && v == name))
        .and_then(|attrs| attrs.into_iter().find(|(k, _)| k == "id").map(|(_, v)| v));
    let Some(id) = id else { return Ok(None) };
    let target = elements(&rels, "Relationship")
        .into_iter()
        .find(|attrs| attrs.iter().any(|(k, v)| k == "Id" && *v == id))
        .and_then(|attrs| attrs.into_iter().find(|(k, _)| k == "Target").map(|(_, v)| v));
    Ok(target.map(|t| match t.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{t}"),
    }))
}

/// The attributes (local name, unescaped value) of every element named
/// `local` in a small XML document.
fn elements(xml: &str, local: &str) -> Vec<Vec<(String, String)>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == local => {
                out.push(
                    e.attributes()
                        .flatten()
                        .map(|a| {
                            let key = a.key.local_name().as_ref().to_string();
                            let value = a
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .map(|v| v.into_owned())
                                .unwrap_or_else(|_| a.value.to_string());
                            (key, value)
                        })
                        .collect(),
                );
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// `B2:C5` (or `B2`) as 0-based dimensions.
fn area(text: &str) -> Option<Dimensions> {
    let (a, b) = text.split_once(':').unwrap_or((text, text));
    Some(Dimensions { start: cell(a)?, end: cell(b)? })
}

/// `B2` as 0-based (row, column).
fn cell(text: &str) -> Option<(u32, u32)> {
    let text = text.trim().replace('$', "");
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = text.split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for b in letters.bytes() {
        if !b.is_ascii_alphabetic() {
            return None;
        }
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(cell("A1"), Some((0, 0)));
        assert_eq!(cell("$AB$10"), Some((9, 27)));
        assert_eq!(cell("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell("A0"), None);
        let d = area("B2:C5").unwrap();
        assert_eq!((d.start, d.end), ((1, 1), (4, 2)));
    }
}

//! Opening a register: the file (or sheet) checked and decoded, the first
//! pass's findings reported (encoding, stray bytes, an unclosed quote), the
//! header found and mapped, and the rows ready to be read.

use std::io::{Read, Seek};

use csv::StringRecord;
use sha2::{Digest, Sha256};

use crate::config::Reading;
use crate::diag::{Diagnostics, Severity, Source};
use crate::files::InputError;

use super::header::{Aliases, Header, column_names, map_header};
use super::rows::is_blank;
use super::scan::hex;
use super::{Located, decode, delimited, scan, workbook};

/// A register that cannot be opened or read.
fn unreadable(src: &Source, e: &InputError) -> crate::diag::Diagnostic {
    src.diag(Severity::Error, "file-unreadable", format!("non riesco a leggere il file: {e}")).hint(e.hint())
}

/// A register opened, its header found and mapped.
pub(crate) struct Opened {
    /// Where diagnostics point.
    pub(crate) src: Source,
    /// SHA-256 of the file, hex.
    pub(crate) sha256: String,
    /// The header found and mapped.
    pub(crate) header: Header,
    /// Rows read while looking for the header, not yet handed out.
    pub(crate) pending: Vec<Pending>,
    /// The rest of the rows.
    pub(crate) rows: Records,
}

/// A record with its line and flawed cells.
type Pending = (usize, StringRecord, Vec<(usize, workbook::Flaw)>);

pub(crate) fn open_register(
    loc: &Located,
    aliases: Aliases,
    reading: &Reading,
    diags: &mut Diagnostics,
) -> Option<Opened> {
    let src = loc.source();
    let unreadable = |e: InputError| unreadable(&src, &e);
    let folder = loc.folder();
    if let Some(sheet) = &loc.sheet {
        let bytes = match crate::files::read(&loc.path, folder, None) {
            Ok(b) => b,
            Err(e) => {
                diags.push(unreadable(e));
                return None;
            }
        };
        let records = match workbook::SheetRows::open(&loc.path, folder, sheet) {
            Ok(r) => r,
            Err(e) => {
                diags.push(
                    src.diag(
                        Severity::Error,
                        "file-unreadable",
                        format!("non riesco a leggere il foglio «{sheet}»: {e}"),
                    )
                    .hint(e.hint()),
                );
                return None;
            }
        };
        if let Some(d) = hidden_rows(&src, &records.hidden_rows) {
            diags.push(d);
        }
        let sha256 = hex(&Sha256::digest(&bytes));
        reading.meter.expect(bytes.len() as u64);
        reading.meter.advance(bytes.len() as u64);
        return find_header(loc, aliases, diags, src, sha256, Records::Sheet(records), None);
    }
    let ext = loc.rel.rsplit('.').next().unwrap_or("").to_string();
    // One handle for every read of the file: a register saved again while
    // it is read is read from one version, never half from each.
    let file = match crate::files::open(&loc.path, folder, None) {
        Ok(f) => f,
        Err(e) => {
            diags.push(unreadable(e));
            return None;
        }
    };
    let mut head = [0u8; 3];
    let head_len = match read_up_to(&file, &mut head) {
        Ok(n) => n,
        Err(e) => {
            diags.push(unreadable(InputError::Io(e)));
            return None;
        }
    };
    let head = &head[..head_len];
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return read_utf16(loc, aliases, diags, src, &ext, &file);
    }
    let skip = if head.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let meter = &reading.meter;
    // The first pass reads from the start; the pieces are read later at
    // their own positions, through the same handle.
    let scanned = (&file).seek(std::io::SeekFrom::Start(0)).and_then(|_| {
        meter.expect(2 * file.metadata().map_or(0, |m| m.len()));
        scan::scan(std::io::BufReader::new(meter.counting(&file)), skip, &ext, reading.piece, reading.threads)
    });
    let scan = match scanned {
        Ok(scan) => scan,
        Err(e) => {
            diags.push(unreadable(InputError::Io(e)));
            return None;
        }
    };
    let stop = first_pass(&src, &scan, diags)?;
    let sha256 = scan.sha256.clone();
    let rows = delimited::ChunkedRows::new(file, &scan, meter.clone());
    find_header(loc, aliases, diags, src, sha256, Records::Chunked(rows), stop)
}

/// Reports what the first pass found; `None` when the file cannot be read
/// any further, else the line of an unclosed quote where reading stops.
fn first_pass(src: &Source, scan: &scan::Scan, diags: &mut Diagnostics) -> Option<Option<usize>> {
    if !scan.invalid_utf8.is_empty() {
        for &line in &scan.invalid_utf8 {
            diags.push(
                src.diag(
                    Severity::Error,
                    "encoding-invalid",
                    "il file è in UTF-8 ma questa riga contiene byte che non lo sono (un carattere incollato da un'altra codifica)",
                )
                .line(line)
                .hint("riscrivi le lettere accentate o i simboli di questa riga, oppure riesporta il registro come «CSV UTF-8»"),
            );
        }
        return None;
    }
    if let Some(line) = scan.bad_line {
        diags.push(bad_bytes(src, line));
        return None;
    }
    // Only a file that can be read as Windows-1252 is said to be.
    if !scan.utf8 {
        diags.push(
            src.diag(
                Severity::Info,
                "encoding-fallback",
                "il file non è in UTF-8: letto come Windows-1252 (CSV di Excel)",
            )
            .hint("va bene così; per evitare dubbi sugli accenti salva come «CSV UTF-8»"),
        );
    }
    if let Some(line) = scan.unclosed_quote {
        diags.push(unclosed(src, line));
    }
    Some(scan.unclosed_quote)
}

/// A warning naming a sheet's hidden rows that hold something: they are
/// read and counted, though the person who keeps the sheet does not see them.
fn hidden_rows(src: &Source, rows: &[usize]) -> Option<crate::diag::Diagnostic> {
    let first = *rows.first()?;
    let shown: Vec<String> = rows.iter().take(10).map(ToString::to_string).collect();
    let more = if rows.len() > 10 { format!(" e altre {}", rows.len() - 10) } else { String::new() };
    let what = if rows.len() == 1 {
        format!("la riga {first} è nascosta nel foglio: è letta e contata come le altre")
    } else {
        format!(
            "{} righe sono nascoste nel foglio (righe {}{more}): sono lette e contate come le altre",
            rows.len(),
            shown.join(", ")
        )
    };
    Some(
        src.diag(Severity::Warning, "rows-hidden", what)
        .line(first)
        .hint("scopri le righe nascoste (Excel: seleziona tutto, Home > Formato > Nascondi e scopri > Scopri righe; LibreOffice: seleziona tutto, Formato > Righe > Mostra) e controlla che vadano contate; se non vanno contate, cancellale"),
    )
}

fn read_up_to(mut f: &std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn bad_bytes(src: &Source, line: usize) -> crate::diag::Diagnostic {
    src.diag(Severity::Error, "encoding-invalid", "il file contiene byte che non sono testo (né UTF-8 né Windows-1252)")
        .line(line)
        .hint("riesporta il registro dal foglio di calcolo come «CSV UTF-8» oppure «CSV (separato da punto e virgola)»")
}

fn unclosed(src: &Source, line: usize) -> crate::diag::Diagnostic {
    src.diag(
        Severity::Error,
        "quote-unclosed",
        "le virgolette aperte in questa riga non vengono mai chiuse: il resto del file non si può leggere",
    )
    .line(line)
    .hint("chiudi le virgolette (\") della cella oppure toglile")
}

/// UTF-16 files (rare: "Unicode text" from Excel) are decoded whole, then
/// checked by the same first pass as every other delimited file.
fn read_utf16(
    loc: &Located,
    aliases: Aliases,
    diags: &mut Diagnostics,
    src: Source,
    ext: &str,
    mut file: &std::fs::File,
) -> Option<Opened> {
    let mut bytes = Vec::new();
    if let Err(e) = file.seek(std::io::SeekFrom::Start(0)).and_then(|_| file.read_to_end(&mut bytes)) {
        diags.push(unreadable(&src, &InputError::Io(e)));
        return None;
    }
    let sha256 = hex(&Sha256::digest(&bytes));
    let text = decode::decode(&bytes).text.into_owned();
    let scan = scan::scan(text.as_bytes(), 0, ext, u64::MAX / 2, 1).ok()?;
    let stop = first_pass(&src, &scan, diags)?;
    let rows = delimited::DelimitedRows::new(text, scan.delimiter, 1, stop);
    find_header(loc, aliases, diags, src, sha256, Records::Delimited(rows), stop)
}

/// Rows from a delimited file or a sheet.
pub(crate) enum Records {
    Delimited(delimited::DelimitedRows),
    Chunked(delimited::ChunkedRows),
    Sheet(workbook::SheetRows),
}

impl Records {
    pub(crate) fn next_record(&mut self, rec: &mut StringRecord) -> Option<usize> {
        match self {
            Records::Delimited(r) => r.next_record(rec),
            Records::Chunked(r) => r.next_record(rec),
            Records::Sheet(r) => r.next_record(rec),
        }
    }

    /// Flawed cells of the last record (sheets only).
    pub(crate) fn flaws(&self) -> Vec<(usize, workbook::Flaw)> {
        match self {
            Records::Delimited(_) | Records::Chunked(_) => Vec::new(),
            Records::Sheet(r) => r.flaws().to_vec(),
        }
    }
}

/// Finds the header (the first non-blank record, unless one of the next few
/// matches the register's columns better: a title row above it) and maps it.
fn find_header(
    loc: &Located,
    aliases: Aliases,
    diags: &mut Diagnostics,
    src: Source,
    sha256: String,
    mut rows: Records,
    stop: Option<usize>,
) -> Option<Opened> {
    let mut rec = StringRecord::new();
    let mut pending: Vec<Pending> = Vec::new();
    while pending.len() < 5 {
        match rows.next_record(&mut rec) {
            Some(line) if !is_blank(&rec) || !rows.flaws().is_empty() => {
                pending.push((line, rec.clone(), rows.flaws()))
            }
            Some(_) => {}
            None => break,
        }
    }
    if pending.is_empty() {
        if stop.is_some() {
            // The quote opened in the header: already reported.
            return None;
        }
        diags.push(
            src.diag(Severity::Error, "file-empty", "il registro è vuoto: manca la riga di intestazione")
                .hint(format!("la prima riga deve contenere i nomi delle colonne: {}", column_names(loc.spec))),
        );
        return None;
    }
    let names = super::header::Names::new(loc.spec, aliases);
    let scores: Vec<usize> = pending.iter().map(|(_, r, _)| names.score(r)).collect();
    let best = (0..pending.len()).max_by_key(|&i| (scores[i], std::cmp::Reverse(i))).unwrap_or(0);
    let header_at = if scores[best] > scores[0] { best } else { 0 };
    if header_at > 0 {
        diags.push(
            src.diag(
                Severity::Info,
                "header-title-row",
                "le righe sopra l'intestazione sono state considerate titoli e saltate",
            )
            .line(pending[header_at].0),
        );
    }
    let (header_line, header_rec, _) = pending[header_at].clone();
    let mut header = map_header(&names, loc.spec, header_rec, header_line, &src, diags)?;
    if let Records::Sheet(sheet) = &rows {
        header.serials = Some(sheet.dates);
        // A column the person does not see is read all the same: say so.
        for (col, field) in header.map.iter().enumerate() {
            if let Some(f) = field
                && sheet.column_hidden(*f)
            {
                let name = loc.spec.columns[col].name;
                diags.push(
                    src.diag(
                        Severity::Warning,
                        "column-hidden",
                        format!("la colonna «{name}» è nascosta nel foglio: è letta e contata come le altre"),
                    )
                    .line(header.line)
                    .column(name)
                    .hint("scopri la colonna (Excel: Home > Formato > Nascondi e scopri > Scopri colonne; LibreOffice: Formato > Colonne > Mostra) e controlla che sia quella giusta"),
                );
            }
        }
    }
    pending.drain(..=header_at);
    Some(Opened { src, sha256, header, pending, rows })
}

//! Reading registers: finding each register's file in the data folder,
//! decoding it, mapping its header to canonical columns, and handing rows to
//! the typed parsers in `registers` with structural problems already
//! reported. Files are opened read-only and never written.

pub mod decode;
pub mod delimited;
mod discover;
mod header;
mod parallel;
pub mod scan;

pub use parallel::{RowSink, read_register_parallel};
pub mod workbook;

pub use discover::{
    Ambiguity, Broken, DiscoverError, Found, Located, TEXT_EXTENSIONS, WORKBOOK_STEM, discover, discover_all,
    is_input_name,
};
pub use header::Header;
use header::{column_names, map_header};

use std::collections::HashSet;

use csv::StringRecord;
use sha2::{Digest, Sha256};

use crate::config::Reading;
use crate::diag::{Diagnostics, Severity, Source};
use crate::files::InputError;
use crate::text::trim_cell;

/// A register that cannot be opened or read.
fn unreadable(src: &Source, e: &InputError) -> crate::diag::Diagnostic {
    src.diag(Severity::Error, "file-unreadable", format!("non riesco a leggere il file: {e}")).hint(e.hint())
}

/// What reading a register yields besides its rows.
#[derive(Debug, Clone)]
pub struct FileInfo {
    /// Which register.
    pub kind: crate::schema::RegisterKind,
    /// Where diagnostics point.
    pub src: Source,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// Data rows read (blank rows not counted).
    pub rows: usize,
}

/// One data row: the record and the header that maps it.
pub struct Row<'a> {
    rec: &'a StringRecord,
    header: &'a Header,
    /// Physical line where the row starts.
    pub line: usize,
}

impl Row<'_> {
    /// The trimmed cell of canonical column `idx` ("" when absent).
    pub fn get(&self, idx: usize) -> &str {
        self.header.map[idx].and_then(|f| self.rec.get(f)).map_or("", trim_cell)
    }

    /// A hash of all the row's cells, for spotting identical rows.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        for f in self.rec.iter().take(self.header.width) {
            trim_cell(f).hash(&mut h);
        }
        h.finish()
    }
}

/// Column aliases from `centro.toml` for one register.
type Aliases<'a> = Option<&'a std::collections::BTreeMap<String, Vec<String>>>;

/// Reads the register at `loc` on this thread, calls `each` for every data
/// row in file order, and reports structural problems into `diags`.
/// Returns `None` when the file cannot be read at all or has no usable
/// header. The one driver, [`read_register_parallel`], with one thread.
pub fn read_register(
    loc: &Located,
    aliases: Aliases,
    reading: &Reading,
    diags: &mut Diagnostics,
    each: impl FnMut(&Row, &mut Diagnostics) + Send,
) -> Option<FileInfo> {
    struct Each<F>(F);
    impl<F: FnMut(&Row, &mut Diagnostics) + Send> RowSink for Each<F> {
        fn row(&mut self, row: &Row, d: &mut Diagnostics) {
            (self.0)(row, d)
        }
    }
    let one = Reading { threads: 1, ..reading.clone() };
    // With one thread the sink is made once, on this thread.
    let each = std::sync::Mutex::new(Some(each));
    let make = || Each(each.lock().ok().and_then(|mut e| e.take()).expect("one thread makes one sink"));
    read_register_parallel(loc, aliases, &one, diags, make).map(|(info, _)| info)
}

/// A register as its cells are written, for a copy that marks its problems
/// (`validate --annota`): every record at its physical line (or sheet row).
#[derive(Debug, Clone)]
pub struct RawTable {
    /// Where it was read from (file, sheet, register).
    pub src: Source,
    /// The header's line.
    pub header_line: usize,
    /// The header's cells.
    pub header: Vec<String>,
    /// Every record after the header: (line, cells).
    pub rows: Vec<(usize, Vec<String>)>,
    /// Canonical column name → field index.
    pub columns: Vec<(&'static str, usize)>,
}

/// Reads the register at `loc` as written, for [`RawTable`]; `None` when it
/// cannot be read (its diagnostics already say why).
pub fn raw_table(loc: &Located, aliases: Aliases, reading: &Reading) -> Option<RawTable> {
    let mut scratch = Diagnostics::default();
    let Opened { src, header, pending, rows: mut records, .. } = open_register(loc, aliases, reading, &mut scratch)?;
    let cells = |r: &StringRecord| r.iter().map(str::to_string).collect::<Vec<_>>();
    let mut rows: Vec<(usize, Vec<String>)> = pending.iter().map(|(line, r, _)| (*line, cells(r))).collect();
    let mut rec = StringRecord::new();
    while let Some(line) = records.next_record(&mut rec) {
        rows.push((line, cells(&rec)));
    }
    let columns = header.map.iter().enumerate().filter_map(|(i, f)| f.map(|f| (loc.spec.columns[i].name, f))).collect();
    Some(RawTable { src, header_line: header.line, header: cells(&header.record), rows, columns })
}

/// A register opened, its header found and mapped.
pub(crate) struct Opened {
    src: Source,
    sha256: String,
    header: Header,
    /// Rows read while looking for the header, not yet handed out.
    pending: Vec<Pending>,
    rows: Records,
}

/// A record with its line and error cells.
type Pending = (usize, StringRecord, Vec<(usize, String)>);

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
        let sha256 = hex(&Sha256::digest(&bytes));
        reading.meter.expect(bytes.len() as u64);
        reading.meter.advance(bytes.len() as u64);
        return find_header(loc, aliases, diags, src, sha256, Records::Sheet(records), None);
    }
    let ext = loc.rel.rsplit('.').next().unwrap_or("").to_string();
    let mut head = [0u8; 3];
    let head_len = match crate::files::open(&loc.path, folder, None)
        .and_then(|mut f| read_up_to(&mut f, &mut head).map_err(InputError::Io))
    {
        Ok(n) => n,
        Err(e) => {
            diags.push(unreadable(e));
            return None;
        }
    };
    let head = &head[..head_len];
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return read_utf16(loc, aliases, diags, src, &ext);
    }
    let skip = if head.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let open = || crate::files::open(&loc.path, folder, None);
    let meter = &reading.meter;
    let opened = open().and_then(|f| {
        meter.expect(2 * f.metadata().map_or(0, |m| m.len()));
        let scan = scan::scan(std::io::BufReader::new(meter.counting(f)), skip, &ext, reading.piece)
            .map_err(InputError::Io)?;
        Ok((scan, open()?))
    });
    let (scan, file) = match opened {
        Ok(x) => x,
        Err(e) => {
            diags.push(unreadable(e));
            return None;
        }
    };
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
        diags.push(bad_bytes(&src, line));
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
        diags.push(unclosed(&src, line));
    }
    let stop = scan.unclosed_quote;
    let sha256 = scan.sha256.clone();
    let rows = delimited::ChunkedRows::new(file, &scan, meter.clone());
    find_header(loc, aliases, diags, src, sha256, Records::Chunked(rows), stop)
}

fn read_up_to(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
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
fn read_utf16(loc: &Located, aliases: Aliases, diags: &mut Diagnostics, src: Source, ext: &str) -> Option<Opened> {
    let bytes = match crate::files::read(&loc.path, loc.folder(), None) {
        Ok(b) => b,
        Err(e) => {
            diags.push(unreadable(&src, &e));
            return None;
        }
    };
    let sha256 = hex(&Sha256::digest(&bytes));
    let text = decode::decode(&bytes).text.into_owned();
    let scan = scan::scan(text.as_bytes(), 0, ext, u64::MAX / 2).ok()?;
    if let Some(line) = scan.bad_line {
        diags.push(bad_bytes(&src, line));
        return None;
    }
    if let Some(line) = scan.unclosed_quote {
        diags.push(unclosed(&src, line));
    }
    let stop = scan.unclosed_quote;
    let rows = delimited::DelimitedRows::new(text.into_bytes(), scan.delimiter, 1, stop);
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

    /// Error cells of the last record (sheets only).
    pub(crate) fn errors(&self) -> Vec<(usize, String)> {
        match self {
            Records::Delimited(_) | Records::Chunked(_) => Vec::new(),
            Records::Sheet(r) => r.errors().to_vec(),
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
            Some(line) if !is_blank(&rec) || !rows.errors().is_empty() => {
                pending.push((line, rec.clone(), rows.errors()))
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
    let names = header::Names::new(loc.spec, aliases);
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
    let header = map_header(&names, loc.spec, header_rec, header_line, &src, diags)?;
    pending.drain(..=header_at);
    Some(Opened { src, sha256, header, pending, rows })
}

/// The structural checks of every data row: error cells, too many or too
/// few cells, values under a blank header.
pub(crate) struct RowChecker<'a> {
    loc: &'a Located,
    src: &'a Source,
    header: &'a Header,
    blank_reported: HashSet<usize>,
}

impl<'a> RowChecker<'a> {
    pub(crate) fn new(loc: &'a Located, src: &'a Source, header: &'a Header) -> RowChecker<'a> {
        RowChecker { loc, src, header, blank_reported: HashSet::new() }
    }

    /// Checks one record and hands it to `each` when it can be read; returns
    /// 1 when it counts as a data row (not blank), else 0.
    pub(crate) fn handle(
        &mut self,
        line: usize,
        rec: &StringRecord,
        errors: &[(usize, String)],
        diags: &mut Diagnostics,
        each: &mut impl FnMut(&Row, &mut Diagnostics),
    ) -> usize {
        let (src, header) = (self.src, self.header);
        if is_blank(rec) && errors.is_empty() {
            return 0;
        }
        if header.repeated_by(rec) {
            diags.push(
                src.diag(
                    Severity::Warning,
                    "header-repeated",
                    format!("questa riga ripete l'intestazione della riga {}: è stata saltata", header.line),
                )
                .line(line)
                .hint("forse due esportazioni incollate una dopo l'altra: togli la riga ripetuta (e controlla che le righe non siano doppie)"),
            );
            return 0;
        }
        // Error cells of a formula: report those in columns integra reads,
        // and do not parse the row further (its values are unknown).
        let mut broken = false;
        for (field, shown) in errors {
            let Some(col) = header.map.iter().position(|m| *m == Some(*field)) else { continue };
            broken = true;
            diags.push(
                src.diag(
                    Severity::Error,
                    "cell-error",
                    format!("la cella contiene l'errore «{shown}» (di una formula o di un collegamento)"),
                )
                .line(line)
                .column(self.loc.spec.columns[col].name)
                .value(shown.clone())
                .hint("correggi la formula nel foglio di calcolo, oppure scrivi il valore al suo posto"),
            );
        }
        if broken {
            return 1;
        }
        // A cell far longer than its column can hold is reported, quoted
        // short, and its row not parsed (no fuzzy matching of 10 MB).
        for (col, field) in header.map.iter().enumerate() {
            let spec = &self.loc.spec.columns[col];
            let Some(cell) = field.and_then(|f| rec.get(f)) else { continue };
            let max = crate::schema::max_chars(spec.kind);
            if cell.len() <= max {
                continue;
            }
            let n = cell.chars().count();
            if n > max {
                diags.push(
                    src.diag(
                        Severity::Error,
                        "value-too-long",
                        format!(
                            "la cella è lunga {n} caratteri: nella colonna «{}» ne sono ammessi al massimo {max}",
                            spec.name
                        ),
                    )
                    .line(line)
                    .column(spec.name)
                    .value(trim_cell(cell))
                    .hint(if spec.kind == crate::schema::Kind::Text {
                        "accorcia il testo: nel report va un titolo o un paragrafo, non un documento"
                    } else {
                        "forse un testo incollato nella colonna sbagliata, o un separatore mancante tra due celle"
                    }),
                );
                broken = true;
            }
        }
        if broken {
            return 1;
        }
        let extra = rec.iter().skip(header.width).position(|c| !trim_cell(c).is_empty());
        if let Some(pos) = extra {
            diags.push(
                src.diag(
                    Severity::Error,
                    "row-too-long",
                    format!(
                        "la riga ha valori oltre le {} colonne dell'intestazione (colonna {})",
                        header.width,
                        header.width + pos + 1
                    ),
                )
                .line(line)
                .value(trim_cell(&rec[header.width + pos]).to_string())
                .hint("forse un separatore (; o ,) dentro una cella: racchiudi la cella tra virgolette o toglilo"),
            );
            return 1;
        }
        let named = header.named;
        // A sheet has no "short" rows: empty cells at the end are not stored.
        if rec.len() < named && self.loc.sheet.is_none() {
            diags.push(
                src.diag(
                    Severity::Warning,
                    "row-too-short",
                    format!(
                        "la riga ha {} celle ma l'intestazione ne ha {}: le celle mancanti sono lette come vuote",
                        rec.len(),
                        named
                    ),
                )
                .line(line),
            );
        }
        for &b in &header.blank {
            if rec.get(b).is_some_and(|c| !trim_cell(c).is_empty()) && self.blank_reported.insert(b) {
                diags.push(
                    src.diag(
                        Severity::Error,
                        "column-blank",
                        format!("la colonna {} non ha intestazione ma contiene valori", b + 1),
                    )
                    .line(line)
                    .value(trim_cell(&rec[b]).to_string())
                    .hint("scrivi il nome della colonna nella riga di intestazione, oppure svuota la colonna"),
                );
            }
        }
        each(&Row { rec, header, line }, diags);
        1
    }
}

fn is_blank(rec: &StringRecord) -> bool {
    rec.iter().all(|c| trim_cell(c).is_empty())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

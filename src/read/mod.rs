//! Reading registers: finding each register's file in the data folder,
//! decoding it, mapping its header to canonical columns, and handing rows to
//! the typed parsers in `registers` with structural problems already
//! reported. Files are opened read-only and never written.

pub mod decode;
pub mod delimited;
pub mod workbook;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use csv::StringRecord;
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostics, Severity, Source};
use crate::schema::{REGISTERS, RegisterSpec};
use crate::text::{fold, trim_cell};

/// Extensions read as delimited text.
pub const TEXT_EXTENSIONS: [&str; 3] = ["csv", "tsv", "txt"];

/// Where a register was found.
#[derive(Debug, Clone)]
pub struct Located {
    /// The register's contract.
    pub spec: &'static RegisterSpec,
    /// Absolute or data-folder-joined path.
    pub path: PathBuf,
    /// Path relative to the data folder, as shown to users.
    pub rel: String,
    /// The sheet, for a register read from a workbook.
    pub sheet: Option<String>,
}

impl Located {
    /// Where diagnostics about this register point.
    pub fn source(&self) -> Source {
        let mut src = Source::new(self.spec.name, &self.rel);
        src.sheet = self.sheet.clone();
        src
    }

    /// `accessi.csv` or `registri.xlsx[accessi]`, for messages.
    pub fn display(&self) -> String {
        match &self.sheet {
            Some(s) => format!("{}[{s}]", self.rel),
            None => self.rel.clone(),
        }
    }
}

/// A configuration problem found while looking for registers (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// The data folder cannot be listed.
    #[error("non riesco a leggere la cartella «{dir}»: {source}")]
    Folder {
        /// The folder.
        dir: String,
        /// Why.
        source: std::io::Error,
    },
    /// One register in two files.
    #[error("il registro «{register}» è presente due volte: «{first}» e «{second}»")]
    Ambiguous {
        /// Register name.
        register: &'static str,
        /// First file.
        first: String,
        /// Second file.
        second: String,
    },
}

/// Workbook names holding one sheet per register.
pub const WORKBOOK_STEM: &str = "registri";

/// Finds each register in `dir`: a file named after it (`.csv`, `.tsv`,
/// `.txt`, `.xlsx`, `.xls`, `.ods`; names compared ignoring case), or a sheet
/// named after it in `registri.xlsx` / `registri.ods`. One register found in
/// two places is an error naming both.
pub fn discover(dir: &Path) -> Result<Vec<Located>, DiscoverError> {
    let entries =
        std::fs::read_dir(dir).map_err(|source| DiscoverError::Folder { dir: dir.display().to_string(), source })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with("~$") && !n.starts_with(".~lock"))
        .collect();
    names.sort();
    let is_ext = |ext: &str, list: &[&str]| list.iter().any(|e| e.eq_ignore_ascii_case(ext));
    let mut candidates: Vec<Located> = Vec::new();
    for name in &names {
        let Some((stem, ext)) = name.rsplit_once('.') else { continue };
        if fold(stem) == WORKBOOK_STEM && is_ext(ext, &workbook::EXTENSIONS) {
            // A workbook that cannot be opened is reported when read as a whole.
            let sheets = workbook::sheet_names(&dir.join(name)).unwrap_or_default();
            for sheet in sheets {
                if let Some(spec) = crate::schema::register(&sheet) {
                    candidates.push(Located { spec, path: dir.join(name), rel: name.clone(), sheet: Some(sheet) });
                }
            }
            continue;
        }
        let Some(spec) = crate::schema::register(stem) else { continue };
        if is_ext(ext, &TEXT_EXTENSIONS) || is_ext(ext, &workbook::EXTENSIONS) {
            let sheet = if is_ext(ext, &workbook::EXTENSIONS) {
                workbook::sheet_names(&dir.join(name)).ok().and_then(|s| s.into_iter().next())
            } else {
                None
            };
            candidates.push(Located { spec, path: dir.join(name), rel: name.clone(), sheet });
        }
    }
    let mut found: Vec<Located> = Vec::new();
    for spec in &REGISTERS {
        for c in candidates.iter().filter(|c| c.spec.name == spec.name) {
            if let Some(prev) = found.iter().find(|l| l.spec.name == spec.name) {
                return Err(DiscoverError::Ambiguous {
                    register: spec.name,
                    first: prev.display(),
                    second: c.display(),
                });
            }
            found.push(c.clone());
        }
    }
    Ok(found)
}

/// The header of a table mapped to the register's canonical columns.
#[derive(Debug, Clone)]
pub struct Header {
    /// For each canonical column (spec order), the field index holding it.
    pub map: Vec<Option<usize>>,
    /// Field indexes whose header is blank.
    pub blank: Vec<usize>,
    /// Number of header fields, blank ones included.
    pub width: usize,
    /// Line of the header.
    pub line: usize,
}

/// What reading a register yields besides its rows.
#[derive(Debug, Clone)]
pub struct FileInfo {
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
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for f in self.rec.iter().take(self.header.width) {
            trim_cell(f).hash(&mut h);
        }
        h.finish()
    }
}

/// Reads the register at `loc`, calls `each` for every data row, and
/// reports structural problems into `diags`. Returns `None` when the file
/// cannot be read at all or has no usable header.
pub fn read_register(
    loc: &Located,
    aliases: Option<&std::collections::BTreeMap<String, Vec<String>>>,
    diags: &mut Diagnostics,
    each: impl FnMut(&Row, &mut Diagnostics),
) -> Option<FileInfo> {
    let src = loc.source();
    let unreadable = |e: std::io::Error| {
        src.diag(Severity::Error, "file-unreadable", format!("non riesco a leggere il file: {e}")).hint(
            "controlla che il file esista, non sia aperto in modo esclusivo da un altro programma e sia leggibile",
        )
    };
    if let Some(sheet) = &loc.sheet {
        let bytes = match std::fs::read(&loc.path) {
            Ok(b) => b,
            Err(e) => {
                diags.push(unreadable(e));
                return None;
            }
        };
        let records = match workbook::SheetRows::open(&loc.path, sheet) {
            Ok(r) => r,
            Err(e) => {
                diags.push(
                    src.diag(
                        Severity::Error,
                        "file-unreadable",
                        format!("non riesco a leggere il foglio «{sheet}»: {e}"),
                    )
                    .hint("controlla che il file si apra nel foglio di calcolo e salvalo di nuovo"),
                );
                return None;
            }
        };
        let sha256 = hex(&Sha256::digest(&bytes));
        return read_records(loc, aliases, diags, src, sha256, Records::Sheet(records), None, each);
    }
    let ext = loc.rel.rsplit('.').next().unwrap_or("").to_string();
    let mut head = [0u8; 3];
    let head_len = match std::fs::File::open(&loc.path).and_then(|mut f| read_up_to(&mut f, &mut head)) {
        Ok(n) => n,
        Err(e) => {
            diags.push(unreadable(e));
            return None;
        }
    };
    let head = &head[..head_len];
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return read_utf16(loc, aliases, diags, src, &ext, each);
    }
    let skip = if head.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let opened = std::fs::File::open(&loc.path)
        .and_then(|f| Ok((delimited::scan(std::io::BufReader::new(f), skip, &ext)?, std::fs::File::open(&loc.path)?)));
    let (scan, file) = match opened {
        Ok(x) => x,
        Err(e) => {
            diags.push(unreadable(e));
            return None;
        }
    };
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
    if let Some(line) = scan.bad_line {
        diags.push(bad_bytes(&src, line));
        return None;
    }
    if let Some(line) = scan.unclosed_quote {
        diags.push(unclosed(&src, line));
    }
    let stop = scan.unclosed_quote;
    let sha256 = scan.sha256.clone();
    let rows = delimited::ChunkedRows::new(file, &scan);
    read_records(loc, aliases, diags, src, sha256, Records::Chunked(rows), stop, each)
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

/// UTF-16 files (rare: "Unicode text" from Excel) are decoded whole.
fn read_utf16(
    loc: &Located,
    aliases: Option<&std::collections::BTreeMap<String, Vec<String>>>,
    diags: &mut Diagnostics,
    src: Source,
    ext: &str,
    each: impl FnMut(&Row, &mut Diagnostics),
) -> Option<FileInfo> {
    let bytes = match std::fs::read(&loc.path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(src.diag(Severity::Error, "file-unreadable", format!("non riesco a leggere il file: {e}")));
            return None;
        }
    };
    let sha256 = hex(&Sha256::digest(&bytes));
    let decoded = decode::decode(&bytes);
    if let Some(line) = decoded.bad_line {
        diags.push(bad_bytes(&src, line));
        return None;
    }
    let text = decoded.text.as_ref();
    let delimiter = delimited::detect_delimiter(text, ext);
    let stop = delimited::unclosed_quote(text, delimiter);
    if let Some(line) = stop {
        diags.push(unclosed(&src, line));
    }
    let rows = delimited::DelimitedRows::new(text.as_bytes().to_vec(), delimiter, 1, stop);
    read_records(loc, aliases, diags, src, sha256, Records::Delimited(rows), stop, each)
}

/// Rows from a delimited file or a sheet.
enum Records {
    Delimited(delimited::DelimitedRows),
    Chunked(delimited::ChunkedRows),
    Sheet(workbook::SheetRows),
}

impl Records {
    fn next_record(&mut self, rec: &mut StringRecord) -> Option<usize> {
        match self {
            Records::Delimited(r) => r.next_record(rec),
            Records::Chunked(r) => r.next_record(rec),
            Records::Sheet(r) => r.next_record(rec),
        }
    }

    /// Error cells of the last record (sheets only).
    fn errors(&self) -> Vec<(usize, String)> {
        match self {
            Records::Delimited(_) | Records::Chunked(_) => Vec::new(),
            Records::Sheet(r) => r.errors().to_vec(),
        }
    }
}

/// Finds the header, maps it, then hands every data row to `each`.
#[allow(clippy::too_many_arguments)]
fn read_records(
    loc: &Located,
    aliases: Option<&std::collections::BTreeMap<String, Vec<String>>>,
    diags: &mut Diagnostics,
    src: Source,
    sha256: String,
    mut rows: Records,
    stop: Option<usize>,
    mut each: impl FnMut(&Row, &mut Diagnostics),
) -> Option<FileInfo> {
    let mut rec = StringRecord::new();

    // The header is the first non-blank record, unless one of the next few
    // matches the register's columns better (a title row above the header).
    type Pending = (usize, StringRecord, Vec<(usize, String)>);
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
    let scores: Vec<usize> = pending.iter().map(|(_, r, _)| header_score(loc.spec, aliases, r)).collect();
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
    let header = map_header(loc.spec, aliases, &header_rec, header_line, &src, diags)?;

    let mut info = FileInfo { src: src.clone(), sha256, rows: 0 };
    let mut blank_reported: HashSet<usize> = HashSet::new();
    let mut handle = |line: usize, rec: &StringRecord, errors: &[(usize, String)], diags: &mut Diagnostics| {
        if is_blank(rec) && errors.is_empty() {
            return;
        }
        info.rows += 1;
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
                .column(loc.spec.columns[col].name)
                .value(shown.clone())
                .hint("correggi la formula nel foglio di calcolo, oppure scrivi il valore al suo posto"),
            );
        }
        if broken {
            return;
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
            return;
        }
        let named = header.map.iter().flatten().copied().max().map_or(0, |m| m + 1);
        if rec.len() < named {
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
            if rec.get(b).is_some_and(|c| !trim_cell(c).is_empty()) && blank_reported.insert(b) {
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
        each(&Row { rec, header: &header, line }, diags);
    };
    for (line, r, errors) in pending.iter().skip(header_at + 1) {
        handle(*line, r, errors, diags);
    }
    while let Some(line) = rows.next_record(&mut rec) {
        let errors = rows.errors();
        handle(line, &rec, &errors, diags);
    }
    Some(info)
}

fn is_blank(rec: &StringRecord) -> bool {
    rec.iter().all(|c| trim_cell(c).is_empty())
}

/// The canonical column a header cell names, if any.
fn match_column(
    spec: &RegisterSpec,
    aliases: Option<&std::collections::BTreeMap<String, Vec<String>>>,
    cell: &str,
) -> Option<usize> {
    let key = fold(cell);
    if key.is_empty() {
        return None;
    }
    spec.columns.iter().position(|c| {
        fold(c.name) == key
            || c.aliases.iter().any(|a| fold(a) == key)
            || aliases.and_then(|a| a.get(c.name)).is_some_and(|list| list.iter().any(|a| fold(a) == key))
    })
}

fn header_score(
    spec: &RegisterSpec,
    aliases: Option<&std::collections::BTreeMap<String, Vec<String>>>,
    rec: &StringRecord,
) -> usize {
    rec.iter().filter(|c| match_column(spec, aliases, c).is_some()).count()
}

fn column_names(spec: &RegisterSpec) -> String {
    spec.columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
}

fn map_header(
    spec: &'static RegisterSpec,
    aliases: Option<&std::collections::BTreeMap<String, Vec<String>>>,
    rec: &StringRecord,
    line: usize,
    src: &Source,
    diags: &mut Diagnostics,
) -> Option<Header> {
    let mut map: Vec<Option<usize>> = vec![None; spec.columns.len()];
    let mut blank = Vec::new();
    let mut unknown = Vec::new();
    for (i, cell) in rec.iter().enumerate() {
        let cell = trim_cell(cell);
        if cell.is_empty() {
            blank.push(i);
            continue;
        }
        match match_column(spec, aliases, cell) {
            Some(c) => {
                if let Some(first) = map[c] {
                    diags.push(
                        src.diag(
                            Severity::Error,
                            "column-duplicate",
                            format!(
                                "la colonna «{}» compare due volte (colonne {} e {})",
                                spec.columns[c].name,
                                first + 1,
                                i + 1
                            ),
                        )
                        .line(line)
                        .column(spec.columns[c].name)
                        .value(cell)
                        .hint("tieni una sola delle due colonne, o rinomina quella che significa altro"),
                    );
                } else {
                    map[c] = Some(i);
                }
            }
            None => unknown.push(cell.to_string()),
        }
    }
    if !unknown.is_empty() {
        diags.push(
            src.diag(
                Severity::Info,
                "column-unknown",
                format!(
                    "colonne non usate da integra: {}",
                    unknown.iter().map(|u| format!("«{u}»")).collect::<Vec<_>>().join(", ")
                ),
            )
            .line(line)
            .value(unknown.join(", "))
            .hint(format!(
                "le colonne lette sono: {}; altri nomi si aggiungono in centro.toml, [colonne.{}]",
                column_names(spec),
                spec.name
            )),
        );
    }
    let mut missing = false;
    for (c, col) in spec.columns.iter().enumerate() {
        if col.required && map[c].is_none() {
            missing = true;
            let near = crate::text::nearest(col.name, unknown.iter().map(String::as_str), 1);
            let hint = match near.first() {
                Some(n) => format!(
                    "forse «{n}»? Rinomina l'intestazione in «{}» o aggiungi l'alias in centro.toml, [colonne.{}]",
                    col.name, spec.name
                ),
                None => format!("aggiungi la colonna «{}»: {}", col.name, col.help),
            };
            diags.push(
                src.diag(Severity::Error, "column-missing", format!("manca la colonna obbligatoria «{}»", col.name))
                    .line(line)
                    .column(col.name)
                    .hint(hint),
            );
        }
    }
    (!missing).then_some(Header { map, blank, width: rec.len(), line })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

//! Finding each register in the data folder: a file named after it, or a
//! sheet named after it in one workbook.

use std::path::{Path, PathBuf};

use crate::diag::{Severity, Source};
use crate::schema::{REGISTERS, RegisterSpec};
use crate::text::fold;

use super::workbook;

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

    /// The data folder it was found in: it must stay there (`crate::files`).
    pub fn folder(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
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
    /// Registers found in two places each (all of them, not only the first).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Ambiguous(Vec<Ambiguity>),
}

/// One register in two files.
#[derive(Debug, Clone, thiserror::Error)]
#[error("il registro «{register}» è presente due volte: «{first}» e «{second}»")]
pub struct Ambiguity {
    /// Register name.
    pub register: &'static str,
    /// First file.
    pub first: String,
    /// Second file.
    pub second: String,
}

/// Workbook names holding one sheet per register.
pub const WORKBOOK_STEM: &str = "registri";

/// Finds each register in `dir`: a file named after it (`.csv`, `.tsv`,
/// `.txt`, `.xlsx`, `.xls`, `.ods`; names compared ignoring case), or a sheet
/// named after it in `registri.xlsx` / `registri.ods`. One register found in
/// two places is an error naming both.
pub fn discover(dir: &Path) -> Result<Vec<Located>, DiscoverError> {
    discover_all(dir).map(|f| f.registers)
}

/// What is in a data folder.
#[derive(Debug, Default)]
pub struct Found {
    /// Each register, where it was found.
    pub registers: Vec<Located>,
    /// Files that could hold registers but cannot be read.
    pub broken: Vec<Broken>,
    /// Every file and sheet that is not read as a register, named (with
    /// the register it looks like), and every register read from a place a
    /// person may not expect (a hidden sheet): the folder accounted for.
    pub notes: Vec<crate::diag::Diagnostic>,
    /// Registers not found whose absence a note above already explains
    /// (a file or sheet that looks like them under another name).
    pub explained: Vec<&'static str>,
}

/// A file that could hold registers but cannot be read.
#[derive(Debug, Clone)]
pub struct Broken {
    /// Its name in the data folder.
    pub file: String,
    /// The register its name promises (none for `registri.xlsx`).
    pub register: Option<&'static str>,
    /// Why it cannot be read, in Italian.
    pub why: String,
    /// What to do.
    pub hint: &'static str,
}

/// Whether a file named `name` in a data folder would be read as input:
/// `centro.toml`, a register (`accessi.csv`, `utenti.xlsx`, …) or the
/// registers' workbook.
pub fn is_input_name(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else { return false };
    let is_ext = |list: &[&str]| list.iter().any(|e| e.eq_ignore_ascii_case(ext));
    if is_system_file(name) {
        return false;
    }
    name.eq_ignore_ascii_case(crate::centro::FILE)
        || (fold(stem) == WORKBOOK_STEM && is_ext(&workbook::EXTENSIONS))
        || (crate::schema::register(stem).is_some() && (is_ext(&TEXT_EXTENSIONS) || is_ext(&workbook::EXTENSIONS)))
}

/// Files an operating system or an office program leaves beside a
/// document: macOS's `._name` (AppleDouble) and `.DS_Store`, the lock of a
/// workbook open in Excel (`~$name`) or LibreOffice (`.~lock.name#`).
fn is_system_file(name: &str) -> bool {
    name.starts_with("._") || name.starts_with("~$") || name.starts_with(".~lock") || name == ".DS_Store"
}

/// Extensions of files that look like a spreadsheet or its export but are
/// not read: named, never passed over in silence.
const OTHER_SHEET_EXTENSIONS: [&str; 4] = ["numbers", "xml", "dif", "slk"];

/// The register a file or sheet name suggests (`registri-Accessi`,
/// `Accessi (2)`, `accessi 2025`, `Iscrizioni 2025`, `acessi`), if any.
pub fn looks_like(name: &str) -> Option<&'static RegisterSpec> {
    let key = fold(name);
    if key.is_empty() {
        return None;
    }
    // Longest register name first: none is inside another, but be sure.
    let mut by_len: Vec<&'static RegisterSpec> = REGISTERS.iter().collect();
    by_len.sort_by_key(|r| std::cmp::Reverse(r.name.len()));
    if let Some(r) = by_len.iter().find(|r| key.contains(&fold(r.name))) {
        return Some(r);
    }
    // Singular forms and typos: the register's stem, or a close spelling.
    let stems: [(&str, &str); 8] = [
        ("accesso", "accessi"),
        ("utente", "utenti"),
        ("corso", "corsi"),
        ("incontro", "incontri"),
        ("iscrizione", "iscrizioni"),
        ("domanda", "domande"),
        ("evento", "eventi"),
        ("storic", "storico"),
    ];
    if let Some((_, r)) = stems.iter().find(|(stem, _)| key.contains(stem)) {
        return crate::schema::register(r);
    }
    REGISTERS.iter().find(|r| strsim::jaro_winkler(&key, &fold(r.name)) >= 0.88)
}

/// Like [`discover`], also naming the workbooks that do not open and every
/// file or sheet that is not read.
pub fn discover_all(dir: &Path) -> Result<Found, DiscoverError> {
    let entries =
        std::fs::read_dir(dir).map_err(|source| DiscoverError::Folder { dir: dir.display().to_string(), source })?;
    // Every entry, not only regular files: a register that is a folder, a
    // FIFO or a link out of the folder is named for what it is, not "missing".
    let mut all: Vec<String> =
        entries.filter_map(Result::ok).filter_map(|e| e.file_name().into_string().ok()).collect();
    all.sort();
    let mut notes = Vec::new();
    let mut others: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for n in all {
        if n.eq_ignore_ascii_case(crate::centro::FILE) {
            continue;
        }
        if is_input_name(&n) {
            names.push(n);
        } else {
            others.push(n);
        }
    }
    let is_ext = |ext: &str, list: &[&str]| list.iter().any(|e| e.eq_ignore_ascii_case(ext));
    let mut candidates: Vec<Located> = Vec::new();
    let mut hidden: Vec<Located> = Vec::new();
    // Sheets and files not read: (where, sheet, the register they look like, why, has data).
    let mut unread: Vec<Unread> = Vec::new();
    let mut broken = Vec::new();
    let mut explained = Vec::new();
    for name in &names {
        let Some((stem, ext)) = name.rsplit_once('.') else { continue };
        let register = crate::schema::register(stem).map(|s| s.name);
        let path = dir.join(name);
        if let Err(e) = crate::files::check(&path, dir) {
            broken.push(Broken { file: name.clone(), register, why: e.to_string(), hint: e.hint() });
            continue;
        }
        if !is_ext(ext, &workbook::EXTENSIONS) {
            if let Some(spec) = crate::schema::register(stem) {
                candidates.push(Located { spec, path, rel: name.clone(), sheet: None });
            }
            continue;
        }
        let sheets = match workbook::sheets(&path, dir) {
            Ok(s) => s,
            Err(e) => {
                let register = if fold(stem) == WORKBOOK_STEM { None } else { register };
                broken.push(Broken { file: name.clone(), register, hint: e.hint(), why: e.to_string() });
                continue;
            }
        };
        // Asked of a sheet at most once (a sheet is read to answer it).
        let asked = std::cell::RefCell::new(std::collections::HashMap::<String, bool>::new());
        let has_cells = |sheet: &str| {
            *asked
                .borrow_mut()
                .entry(sheet.to_string())
                .or_insert_with(|| workbook::has_cells(&path, dir, sheet).unwrap_or(true))
        };
        let at = |spec: &'static RegisterSpec, sheet: &str| Located {
            spec,
            path: path.clone(),
            rel: name.clone(),
            sheet: Some(sheet.to_string()),
        };
        if fold(stem) == WORKBOOK_STEM {
            // One sheet per register, named after it.
            for sheet in &sheets {
                match crate::schema::register(&sheet.name) {
                    Some(spec) if sheet.visible => candidates.push(at(spec, &sheet.name)),
                    Some(spec) => hidden.push(at(spec, &sheet.name)),
                    None => unread.push(Unread {
                        file: name.clone(),
                        sheet: Some(sheet.name.clone()),
                        hidden: !sheet.visible,
                        like: looks_like(&sheet.name),
                        data: has_cells(&sheet.name),
                        read_from: None,
                        foreign: false,
                    }),
                }
            }
            continue;
        }
        // A register's own workbook: its sheet named after it, or its one
        // visible sheet, or its one visible sheet with data.
        let Some(spec) = crate::schema::register(stem) else { continue };
        let visible: Vec<&workbook::SheetInfo> = sheets.iter().filter(|s| s.visible).collect();
        let named = visible.iter().find(|s| crate::schema::register(&s.name).is_some_and(|r| r.kind == spec.kind));
        let chosen: Option<&workbook::SheetInfo> = match (named, visible.as_slice()) {
            (Some(s), _) => Some(s),
            (None, [only]) => Some(only),
            (None, []) => sheets.first(),
            (None, several) => {
                let with_data: Vec<&&workbook::SheetInfo> = several.iter().filter(|s| has_cells(&s.name)).collect();
                match with_data.as_slice() {
                    [only] => Some(only),
                    [] => several.first().copied(),
                    many => {
                        let listed: Vec<String> = many.iter().map(|s| format!("«{}»", s.name)).collect();
                        notes.push(
                            Source::new(spec.name, name)
                                .diag(
                                    Severity::Error,
                                    "sheet-ambiguous",
                                    format!(
                                        "il file ha più fogli con dati ({}): non è chiaro quale sia il registro {}",
                                        listed.join(", "),
                                        spec.name
                                    ),
                                )
                                .hint(format!(
                                    "rinomina «{}» il foglio del registro, oppure sposta gli altri fogli in un altro file",
                                    spec.name
                                )),
                        );
                        None
                    }
                }
            }
        };
        let Some(chosen) = chosen else {
            explained.push(spec.name);
            continue;
        };
        if !chosen.visible {
            notes.push(hidden_read(&at(spec, &chosen.name)));
        }
        for sheet in sheets.iter().filter(|s| s.name != chosen.name) {
            // A sheet that is another register (`eventi` inside
            // `accessi.xlsx`) is named as that register's.
            let other = crate::schema::register(&sheet.name)
                .or_else(|| looks_like(&sheet.name))
                .filter(|r| r.kind != spec.kind);
            unread.push(Unread {
                file: name.clone(),
                sheet: Some(sheet.name.clone()),
                hidden: !sheet.visible,
                like: other.or(Some(spec)),
                data: has_cells(&sheet.name),
                read_from: other.is_none().then(|| chosen.name.clone()),
                foreign: other.is_some(),
            });
        }
        candidates.push(at(spec, &chosen.name));
    }
    // A register only in a hidden sheet is read from it, with a warning;
    // beside a visible sheet that looks like it, which one is meant is not
    // clear: an error.
    for h in hidden {
        if candidates.iter().any(|c| c.spec.kind == h.spec.kind) {
            unread.push(Unread {
                file: h.rel.clone(),
                sheet: h.sheet.clone(),
                hidden: true,
                like: Some(h.spec),
                data: h.sheet.as_deref().is_none_or(|s| workbook::has_cells(&h.path, dir, s).unwrap_or(true)),
                read_from: candidates.iter().find(|c| c.spec.kind == h.spec.kind).map(|c| c.display()),
                foreign: false,
            });
            continue;
        }
        let rival = unread
            .iter()
            .position(|u| u.file == h.rel && !u.hidden && u.data && u.like.is_some_and(|l| l.kind == h.spec.kind));
        if let Some(i) = rival {
            let rival = unread.remove(i);
            notes.push(
                h.source()
                    .diag(
                        Severity::Error,
                        "sheet-ambiguous",
                        format!(
                            "il registro {} è nel foglio nascosto «{}», ma c'è anche il foglio visibile «{}»: non è chiaro quale dei due leggere",
                            h.spec.name,
                            h.sheet.as_deref().unwrap_or(""),
                            rival.sheet.as_deref().unwrap_or("")
                        ),
                    )
                    .hint(format!(
                        "se il registro è «{}», rinominalo «{}» e rinomina o cancella il foglio nascosto",
                        rival.sheet.as_deref().unwrap_or(""),
                        h.spec.name
                    )),
            );
            continue;
        }
        notes.push(hidden_read(&h));
        candidates.push(h);
    }
    let mut found: Vec<Located> = Vec::new();
    let mut twice = Vec::new();
    for spec in &REGISTERS {
        for c in candidates.iter().filter(|c| c.spec.kind == spec.kind) {
            match found.iter().find(|l| l.spec.kind == spec.kind) {
                Some(prev) => twice.push(Ambiguity { register: spec.name, first: prev.display(), second: c.display() }),
                None => found.push(c.clone()),
            }
        }
    }
    if !twice.is_empty() {
        return Err(DiscoverError::Ambiguous(twice));
    }
    // Files of the folder that are not read: named, with the register their
    // name suggests.
    for name in others {
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name.as_str(), ""));
        let sheetlike =
            is_ext(ext, &TEXT_EXTENSIONS) || is_ext(ext, &workbook::EXTENSIONS) || is_ext(ext, &OTHER_SHEET_EXTENSIONS);
        if is_system_file(&name) {
            let original = name.trim_start_matches("._").trim_start_matches("~$").trim_start_matches(".~lock.");
            if sheetlike || name.starts_with(".~lock") {
                notes.push(system_file(&name, original.trim_end_matches('#')));
            }
            continue;
        }
        if !sheetlike || !dir.join(&name).is_file() {
            continue;
        }
        // The copy `validate --annota` makes, left in the data folder.
        let annotated = is_ext(ext, &workbook::EXTENSIONS)
            && workbook::sheets(&dir.join(&name), dir)
                .is_ok_and(|s| s.first().is_some_and(|s| s.name == crate::schema::ANNOTATED_SHEET));
        if annotated {
            notes.push(
                Source::new("registri", &name)
                    .diag(
                        Severity::Info,
                        "file-unread",
                        format!("«{name}» è una copia annotata fatta da integra (validate --annota): non letta"),
                    )
                    .hint("va bene così; puoi tenerla fuori dalla cartella dei dati"),
            );
            continue;
        }
        unread.push(Unread {
            file: name.clone(),
            sheet: None,
            hidden: false,
            like: looks_like(stem),
            data: true,
            read_from: None,
            foreign: false,
        });
    }
    for u in unread {
        let missing = u.like.filter(|r| !found.iter().any(|l| l.spec.kind == r.kind));
        if let Some(r) = missing.filter(|_| u.data) {
            explained.push(r.name);
        }
        notes.push(u.diagnostic(missing.is_some()));
    }
    Ok(Found { registers: found, broken, notes, explained })
}

/// A file or sheet that is not read as a register.
struct Unread {
    file: String,
    sheet: Option<String>,
    hidden: bool,
    /// The register its name suggests.
    like: Option<&'static RegisterSpec>,
    /// Whether it holds any cell.
    data: bool,
    /// The sheet the register it belongs to is read from, instead.
    read_from: Option<String>,
    /// A sheet of another register's own workbook (`eventi` in `accessi.xlsx`).
    foreign: bool,
}

impl Unread {
    /// What to say of it: an error when it looks like a register that is
    /// missing (a figure would change), a warning when it holds data, a
    /// note when it is empty.
    fn diagnostic(&self, register_missing: bool) -> crate::diag::Diagnostic {
        let register = self.like.map_or("registri", |r| r.name);
        let mut src = Source::new(register, &self.file);
        src.sheet = self.sheet.clone();
        let what = match &self.sheet {
            Some(s) => format!("il foglio{} «{s}»", if self.hidden { " nascosto" } else { "" }),
            None => format!("il file «{}»", self.file),
        };
        let ext = self.file.rsplit_once('.').map_or(String::new(), |(_, e)| e.to_ascii_lowercase());
        let not_read_format = !workbook::EXTENSIONS.iter().chain(TEXT_EXTENSIONS.iter()).any(|w| *w == ext);
        if !self.data {
            return src.diag(Severity::Info, "sheet-unread", format!("{what} è vuoto: non letto"));
        }
        let help = self.sheet.as_deref().is_some_and(|s| crate::schema::HELP_SHEETS.iter().any(|h| fold(h) == fold(s)));
        if help {
            return src.diag(
                Severity::Info,
                "sheet-unread",
                format!("{what} non è un registro (istruzioni o elenchi): non letto"),
            );
        }
        match (self.like, register_missing, &self.read_from) {
            (Some(r), true, _) if not_read_format => src
                .diag(
                    Severity::Error,
                    "file-unmatched",
                    format!("{what} sembra il registro {} ma integra non legge questo formato", r.name),
                )
                .hint(format!("apri il file e salvalo come «{}.xlsx» oppure «{}.ods» (o esportalo come CSV)", r.name, r.name)),
            (Some(r), true, _) => src
                .diag(
                    Severity::Error,
                    if self.sheet.is_some() { "sheet-unmatched" } else { "file-unmatched" },
                    if self.foreign {
                        format!(
                            "manca il registro {}: {what} lo contiene, ma è nel file «{}», dove si legge solo il registro del nome del file",
                            r.name, self.file
                        )
                    } else {
                        format!("manca il registro {}: {what} sembra esserlo, ma il nome non corrisponde", r.name)
                    },
                )
                .hint(match &self.sheet {
                    Some(_) if self.foreign => format!(
                        "sposta il foglio in un file a sé, «{}.{ext}», oppure tieni tutti i registri in «{WORKBOOK_STEM}.{ext}», un foglio per registro",
                        r.name
                    ),
                    Some(_) => format!("rinomina il foglio «{}»", r.name),
                    None => format!("rinomina il file «{}.{ext}»", r.name),
                }),
            (Some(r), false, Some(from)) => src
                .diag(
                    Severity::Warning,
                    "sheet-unread",
                    format!("{what} contiene dati ma non è letto: il registro {} è letto da «{from}»", r.name),
                )
                .hint("se i dati di questo foglio vanno contati, copiali nel foglio del registro; altrimenti cancella il foglio o spostalo in un altro file"),
            (Some(r), false, None) => src
                .diag(
                    Severity::Warning,
                    if self.sheet.is_some() { "sheet-unread" } else { "file-unread" },
                    format!("{what} contiene dati ma non è letto: il registro {} è già letto da un altro file o foglio", r.name),
                )
                .hint("se è una copia vecchia, toglila dalla cartella; se i dati vanno contati, riportali nel registro"),
            (None, ..) => src
                .diag(
                    Severity::Warning,
                    if self.sheet.is_some() { "sheet-unread" } else { "file-unread" },
                    format!("{what} non corrisponde a nessun registro: non letto"),
                )
                .hint(format!(
                    "i registri si chiamano {}; se non è un registro, spostalo fuori dalla cartella dei dati",
                    REGISTERS.iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
                )),
        }
    }
}

/// The warning for a register read from a hidden sheet.
fn hidden_read(loc: &Located) -> crate::diag::Diagnostic {
    loc.source()
        .diag(
            Severity::Warning,
            "sheet-hidden",
            format!(
                "il registro {} è letto dal foglio nascosto «{}»: nessun foglio visibile si chiama così",
                loc.spec.name,
                loc.sheet.as_deref().unwrap_or("")
            ),
        )
        .hint("controlla che sia il foglio giusto; se lo è, scoprilo (Excel: clic destro su una linguetta > Scopri; LibreOffice: Foglio > Mostra foglio)")
}

/// A note for a file an operating system or an office program left.
fn system_file(name: &str, of: &str) -> crate::diag::Diagnostic {
    let (what, hint) = if name.starts_with("._") {
        ("è un file di servizio di macOS, non un registro: non letto", "va bene così; puoi cancellarlo")
    } else {
        (
            "indica che il documento è aperto in Excel o LibreOffice: le modifiche non salvate non sono lette",
            "salva e chiudi il documento prima di usare integra",
        )
    };
    Source::new("registri", name).diag(Severity::Info, "file-system", format!("«{name}» {what} («{of}»)")).hint(hint)
}

//! Finding each register in the data folder: a file named after it, or a
//! sheet named after it in one workbook.

use std::path::{Path, PathBuf};

use crate::diag::Source;
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
    name.eq_ignore_ascii_case(crate::centro::FILE)
        || (fold(stem) == WORKBOOK_STEM && is_ext(&workbook::EXTENSIONS))
        || (crate::schema::register(stem).is_some() && (is_ext(&TEXT_EXTENSIONS) || is_ext(&workbook::EXTENSIONS)))
}

/// Like [`discover`], also naming the workbooks that do not open.
pub fn discover_all(dir: &Path) -> Result<Found, DiscoverError> {
    let entries =
        std::fs::read_dir(dir).map_err(|source| DiscoverError::Folder { dir: dir.display().to_string(), source })?;
    // Every entry, not only regular files: a register that is a folder, a
    // FIFO or a link out of the folder is named for what it is, not "missing".
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with("~$") && !n.starts_with(".~lock") && is_input_name(n))
        .filter(|n| !n.eq_ignore_ascii_case(crate::centro::FILE))
        .collect();
    names.sort();
    let is_ext = |ext: &str, list: &[&str]| list.iter().any(|e| e.eq_ignore_ascii_case(ext));
    let mut candidates: Vec<Located> = Vec::new();
    let mut broken = Vec::new();
    for name in &names {
        let Some((stem, ext)) = name.rsplit_once('.') else { continue };
        let register = crate::schema::register(stem).map(|s| s.name);
        if let Err(e) = crate::files::check(&dir.join(name), dir) {
            broken.push(Broken { file: name.clone(), register, why: e.to_string(), hint: e.hint() });
            continue;
        }
        if fold(stem) == WORKBOOK_STEM && is_ext(ext, &workbook::EXTENSIONS) {
            let sheets = match workbook::sheet_names(&dir.join(name), dir) {
                Ok(s) => s,
                Err(e) => {
                    broken.push(Broken { file: name.clone(), register: None, hint: e.hint(), why: e.to_string() });
                    continue;
                }
            };
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
                match workbook::sheet_names(&dir.join(name), dir) {
                    Ok(s) => s.into_iter().next(),
                    Err(e) => {
                        broken.push(Broken { file: name.clone(), register, hint: e.hint(), why: e.to_string() });
                        continue;
                    }
                }
            } else {
                None
            };
            candidates.push(Located { spec, path: dir.join(name), rel: name.clone(), sheet });
        }
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
    Ok(Found { registers: found, broken })
}

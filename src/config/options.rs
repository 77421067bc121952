//! The option types every stage takes (reading, loading, styles, formats,
//! the template's source) and the pieces each command's configuration is
//! built from (today, the progress bar, the load options). A leaf:
//! `commands` builds on it, `mod.rs` re-exports both.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::args::{self, ColorChoice, DataArgs};
use crate::period::Period;

/// Arguments that cannot be used as given, with what to do (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UsageError {
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
}

pub(super) type Result<T> = std::result::Result<T, UsageError>;

/// Whether to colour text output.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// ANSI colours on.
    pub color: bool,
}

/// Where the template's files come from.
#[derive(Debug, Clone)]
pub enum TemplateSource {
    /// The default template compiled into the binary.
    Embedded,
    /// A folder on disk (canonicalised); files outside it are refused.
    Folder(PathBuf),
}

/// What `validate` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidateFormat {
    /// Diagnostics as text, like a compiler.
    Text,
    /// The JSON of docs/CLI.md.
    Json,
}

/// What `report` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// The PDF through the template.
    Pdf,
    /// The report's data (docs/CLI.md).
    Json,
    /// One row per figure.
    Csv,
    /// Tables for a terminal.
    Table,
    /// The template's Typst source with its data.
    Typst,
    /// The open-data package: a folder of CSVs with their Frictionless and
    /// DCAT-AP_IT metadata (docs/OPEN-DATA.md).
    Datapackage,
}

impl From<args::ValidateFormat> for ValidateFormat {
    fn from(f: args::ValidateFormat) -> Self {
        match f {
            args::ValidateFormat::Text => ValidateFormat::Text,
            args::ValidateFormat::Json => ValidateFormat::Json,
        }
    }
}

impl From<args::ReportFormat> for ReportFormat {
    fn from(f: args::ReportFormat) -> Self {
        match f {
            args::ReportFormat::Pdf => ReportFormat::Pdf,
            args::ReportFormat::Json => ReportFormat::Json,
            args::ReportFormat::Csv => ReportFormat::Csv,
            args::ReportFormat::Table => ReportFormat::Table,
            args::ReportFormat::Typst => ReportFormat::Typst,
            args::ReportFormat::Datapackage => ReportFormat::Datapackage,
        }
    }
}

/// How much of a delimited file is parsed at once: larger files are read
/// in pieces cut at line breaks outside quotes, so memory stays bounded.
pub const PIECE_BYTES: u64 = 8 << 20;

/// How registers are read: threads for the large ones, the size of the
/// pieces they are cut into, and the meter their bytes advance (tests set
/// threads and pieces small).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// Threads reading `accessi` (at least 1).
    pub threads: usize,
    /// Bytes per piece of a delimited file.
    pub piece: u64,
    /// Advanced by every byte read: twice for a delimited file (the first
    /// pass, then the rows), once for a workbook.
    pub meter: crate::progress::Meter,
}

impl Default for Reading {
    /// The cores there are, at most 4; pieces of [`PIECE_BYTES`]; nobody watching.
    fn default() -> Self {
        Reading {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()).min(4),
            piece: PIECE_BYTES,
            meter: crate::progress::Meter::default(),
        }
    }
}

/// What to load and how to judge dates.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The data folder.
    pub data_dir: PathBuf,
    /// With a period, diagnostics of rows wholly outside it are dropped.
    pub period: Option<Period>,
    /// Today, for `date-future` and `period-not-over`.
    pub today: NaiveDate,
    /// Threads, piece size and progress.
    pub reading: Reading,
    /// Keep every access row besides the daily counts (`explain` names
    /// them; the report never needs them, so memory stays flat without).
    pub access_rows: bool,
    /// The ambito these options read, when `--data` named one (a folder
    /// with `ambito.toml`, or several folders); `data_dir` is then the
    /// ambito's folder, or the first one.
    pub ambito: Option<AmbitoSource>,
}

/// Where an ambito's centres are named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmbitoSource {
    /// A folder holding `ambito.toml`.
    File(PathBuf),
    /// Several `--data` folders, each a centre.
    Folders(Vec<PathBuf>),
}

impl LoadOptions {
    /// The same options for one centre's folder.
    pub fn centre(&self, folder: &std::path::Path) -> LoadOptions {
        LoadOptions { data_dir: folder.to_path_buf(), ambito: None, ..self.clone() }
    }
}

/// The stream a text goes to, which decides whether it may be coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// Decides colours for `stream`: `always`, `never`, or when that stream is a
/// terminal and `NO_COLOR` is not set.
pub fn style(choice: ColorChoice, stream: Stream) -> Style {
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && match stream {
                    Stream::Stdout => std::io::stdout().is_terminal(),
                    Stream::Stderr => std::io::stderr().is_terminal(),
                }
        }
    };
    Style { color }
}

/// The years a "today" may have: those of a period (docs/CLI.md).
const TODAY_YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

/// Today: `--today`, else `INTEGRA_OGGI`, else the older `INTEGRA_TODAY`
/// (ignored when invalid, as documented), else the system's date. A wrong
/// `--today` or `INTEGRA_OGGI` is a usage error naming where it came from.
pub(super) fn today(data: &DataArgs) -> Result<NaiveDate> {
    if let Some(v) = &data.today {
        return parse_today(v, "--today");
    }
    match std::env::var("INTEGRA_OGGI") {
        Ok(v) if !v.trim().is_empty() => return parse_today(&v, "INTEGRA_OGGI"),
        Err(std::env::VarError::NotUnicode(v)) => {
            return Err(today_error(&v.to_string_lossy(), "INTEGRA_OGGI", "contiene caratteri non validi"));
        }
        _ => {}
    }
    let older = std::env::var("INTEGRA_TODAY").ok().and_then(|v| parse_today(&v, "INTEGRA_TODAY").ok());
    let today = older.unwrap_or_else(|| chrono::Local::now().date_naive());
    if !TODAY_YEARS.contains(&chrono::Datelike::year(&today)) {
        return Err(UsageError {
            message: format!("la data di sistema ({today}) è fuori dagli anni che integra conosce (1900-2999)"),
            hint: Some("correggi l'orologio del computer, oppure indica la data con INTEGRA_OGGI=AAAA-MM-GG".into()),
        });
    }
    Ok(today)
}

/// A "today" as `AAAA-MM-GG`, a day that exists, in 1900–2999.
fn parse_today(value: &str, from: &str) -> Result<NaiveDate> {
    let v = value.trim();
    let shaped = v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return Err(today_error(v, from, "non è una data nella forma AAAA-MM-GG"));
    }
    let day = NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map_err(|_| today_error(v, from, "quel giorno (o quel mese) non esiste"))?;
    if !TODAY_YEARS.contains(&chrono::Datelike::year(&day)) {
        return Err(today_error(v, from, "gli anni vanno dal 1900 al 2999"));
    }
    Ok(day)
}

fn today_error(value: &str, from: &str, why: &str) -> UsageError {
    let value = crate::text::printable(value);
    UsageError {
        message: format!("data di oggi non valida in {from} («{value}»): {why}"),
        hint: Some(if from.starts_with('-') {
            format!("scrivi la data come AAAA-MM-GG, per esempio {from} 2025-07-01")
        } else {
            format!("scrivi la data come AAAA-MM-GG, per esempio {from}=2025-07-01, oppure togli la variabile {from}")
        }),
    }
}

/// How registers are read: `INTEGRA_THREADS` and `INTEGRA_PIECE_BYTES`
/// (for tests and benchmarks) over the defaults; a watched meter when a
/// progress bar may be shown.
fn reading(progress: bool) -> Reading {
    let var = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok()).filter(|n| *n > 0);
    let default = Reading::default();
    Reading {
        threads: var("INTEGRA_THREADS").map_or(default.threads, |n| n.min(64) as usize),
        piece: var("INTEGRA_PIECE_BYTES").unwrap_or(default.piece),
        meter: if progress {
            // INTEGRA_PROGRESS_MS: after how long the bar appears (tests set 1).
            let after = var("INTEGRA_PROGRESS_MS").map_or(1000, |ms| ms.min(3_600_000));
            crate::progress::Meter::watched(std::time::Duration::from_millis(after))
        } else {
            default.meter
        },
    }
}

/// A progress bar only for a person watching: standard error is a terminal,
/// the output is not JSON (`json` says so) and `--quiet` was not given.
pub(super) fn progress(quiet: bool, json: bool) -> bool {
    !quiet && !json && std::io::stderr().is_terminal()
}

pub(super) fn load_options(data: &DataArgs, period: Option<Period>, progress: bool) -> Result<LoadOptions> {
    for dir in &data.data {
        if !dir.is_dir() {
            return Err(UsageError {
                message: format!("la cartella dei registri «{}» non esiste", dir.display()),
                hint: Some("indica la cartella con --data, oppure creane una con «integra init CARTELLA»".into()),
            });
        }
    }
    let first = data.data.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let ambito = if data.data.len() > 1 {
        let mut seen = std::collections::HashSet::new();
        for dir in &data.data {
            if !seen.insert(std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone())) {
                return Err(UsageError {
                    message: format!("la cartella «{}» è data due volte a --data", dir.display()),
                    hint: Some("ogni centro si indica una volta sola".into()),
                });
            }
            if crate::centro::ambito::Ambito::is_ambito(dir) {
                return Err(UsageError {
                    message: format!(
                        "«{}» è un ambito (ha {}), non la cartella di un centro",
                        dir.display(),
                        crate::centro::ambito::FILE
                    ),
                    hint: Some(
                        "indica l'ambito da solo (--data CARTELLA-AMBITO), oppure le cartelle dei centri".into(),
                    ),
                });
            }
        }
        Some(AmbitoSource::Folders(data.data.clone()))
    } else if crate::centro::ambito::Ambito::is_ambito(&first) {
        Some(AmbitoSource::File(first.clone()))
    } else {
        None
    };
    Ok(LoadOptions {
        ambito,
        data_dir: first,
        period,
        today: today(data)?,
        reading: reading(progress),
        access_rows: false,
    })
}

//! Arguments become a checked configuration once: paths resolved, the
//! template folder canonicalised, today fixed, colours decided, the
//! environment variables read. The option types every stage takes are
//! defined here, so that stages below see neither clap types nor the
//! environment.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::args::{self, ColorChoice, DataArgs};
use crate::period::Period;

mod commands;

pub use commands::*;

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

/// Today: `--today` / `INTEGRA_OGGI` (or the older `INTEGRA_TODAY`), else
/// the system's date.
pub(super) fn today(data: &DataArgs) -> NaiveDate {
    data.today
        .or_else(|| std::env::var("INTEGRA_TODAY").ok().and_then(|v| v.trim().parse().ok()))
        .unwrap_or_else(|| chrono::Local::now().date_naive())
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
    if !data.data.is_dir() {
        return Err(UsageError {
            message: format!("la cartella dei registri «{}» non esiste", data.data.display()),
            hint: Some("indica la cartella con --data, oppure creane una con «integra init CARTELLA»".into()),
        });
    }
    Ok(LoadOptions {
        data_dir: data.data.clone(),
        period,
        today: today(data),
        reading: reading(progress),
        access_rows: false,
    })
}

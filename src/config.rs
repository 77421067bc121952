//! Arguments become a checked configuration once: paths resolved, the
//! template folder canonicalised, today fixed, colours decided, the
//! environment variables read. The option types every stage takes are
//! defined here, so that stages below see neither clap types nor the
//! environment.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::args::{self, ColorChoice, DataArgs, ExplainArgs, ReportArgs, ValidateArgs, VerifyArgs};
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

type Result<T> = std::result::Result<T, UsageError>;

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
fn today(data: &DataArgs) -> NaiveDate {
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
fn progress(quiet: bool, json: bool) -> bool {
    !quiet && !json && std::io::stderr().is_terminal()
}

fn load_options(data: &DataArgs, period: Option<Period>, progress: bool) -> Result<LoadOptions> {
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

/// `validate`, configured.
#[derive(Debug)]
pub struct ValidateConfig {
    /// What to load.
    pub load: LoadOptions,
    /// Text or JSON.
    pub format: ValidateFormat,
    /// Warnings count as errors.
    pub strict: bool,
    /// Colours.
    pub style: Style,
    /// Where to write the annotated copy of the registers, if asked.
    pub annotate: Option<PathBuf>,
    /// Errors only (`--quiet`).
    pub quiet: bool,
}

impl ValidateConfig {
    /// Checks the arguments.
    pub fn new(a: ValidateArgs, color: ColorChoice, quiet: bool) -> Result<ValidateConfig> {
        Ok(ValidateConfig {
            load: load_options(
                &a.data,
                a.period.map(|p| p.resolve(today(&a.data))),
                progress(quiet, ValidateFormat::from(a.format) == ValidateFormat::Json),
            )?,
            format: a.format.into(),
            strict: a.strict,
            quiet,
            style: style(color, Stream::Stdout),
            annotate: match a.annota {
                Some(p) if !p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) => {
                    return Err(UsageError {
                        message: format!("--annota scrive una cartella di lavoro .xlsx, non «{}»", p.display()),
                        hint: Some("dai al file l'estensione .xlsx (es. --annota registri-annotati.xlsx)".into()),
                    });
                }
                other => other,
            },
        })
    }
}

/// Where a report goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Standard output.
    Stdout,
    /// A file (written atomically).
    File(PathBuf),
    /// A folder (for `--format typst`: the template and its data).
    Folder(PathBuf),
}

/// `report`, configured.
#[derive(Debug)]
pub struct ReportConfig {
    /// What to load.
    pub load: LoadOptions,
    /// The period (also in `load`).
    pub period: Period,
    /// Output format.
    pub format: ReportFormat,
    /// Where to write.
    pub dest: Destination,
    /// Which template.
    pub template: TemplateSource,
    /// The document date: `SOURCE_DATE_EPOCH`, else the period's last day.
    pub document_date: NaiveDate,
    /// Colours for diagnostics.
    pub style: Style,
    /// How long the template may take to compile.
    pub template_limit: std::time::Duration,
    /// Errors only (`--quiet`).
    pub quiet: bool,
    /// The public version (`--pubblico`): small counts of people withheld.
    pub public: bool,
}

/// How long a template may compile: 60 seconds, or `INTEGRA_TEMPLATE_SECONDS`
/// (for tests and for very slow machines).
fn template_limit() -> std::time::Duration {
    let secs = std::env::var("INTEGRA_TEMPLATE_SECONDS").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(60);
    std::time::Duration::from_secs(secs)
}

impl ReportConfig {
    /// Checks the arguments.
    pub fn new(a: ReportArgs, color: ColorChoice, quiet: bool) -> Result<ReportConfig> {
        let period = a.period.resolve(today(&a.data));
        let format = ReportFormat::from(a.format);
        let load = load_options(&a.data, Some(period.clone()), progress(quiet, format == ReportFormat::Json))?;
        let template = match &a.template {
            None => TemplateSource::Embedded,
            Some(dir) => {
                let real = dir.canonicalize().map_err(|_| UsageError {
                    message: format!("la cartella del modello «{}» non esiste", dir.display()),
                    hint: Some("indica con --template una cartella che contiene main.typ".into()),
                })?;
                if !real.join("main.typ").is_file() {
                    return Err(UsageError {
                        message: format!("la cartella del modello «{}» non contiene main.typ", dir.display()),
                        hint: Some(
                            "il file principale di un modello si chiama main.typ; vedi report-templates/README.md"
                                .into(),
                        ),
                    });
                }
                TemplateSource::Folder(real)
            }
        };
        let default_name = |ext: &str| PathBuf::from(format!("report-{}.{ext}", period.code));
        let ext = match format {
            ReportFormat::Pdf => "pdf",
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Table => "txt",
            ReportFormat::Typst => "typ",
        };
        let dest = match (&a.out, format) {
            (None, ReportFormat::Pdf) => Destination::File(default_name("pdf")),
            (None, _) => Destination::Stdout,
            (Some(p), ReportFormat::Typst) if p.is_dir() || p.extension().is_none() => Destination::Folder(p.clone()),
            (Some(p), _) if p.is_dir() || p.as_os_str().to_string_lossy().ends_with(['/', '\\']) => {
                Destination::File(p.join(default_name(ext)))
            }
            (Some(p), _) => Destination::File(p.clone()),
        };
        let document_date = match std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()) {
            Some(secs) => chrono::DateTime::from_timestamp(secs, 0).map_or(period.end, |d| d.date_naive()),
            None => period.end,
        };
        Ok(ReportConfig {
            load,
            period,
            format,
            dest,
            template,
            document_date,
            style: style(color, Stream::Stderr),
            template_limit: template_limit(),
            quiet,
            public: a.pubblico,
        })
    }
}

/// What `explain` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplainFormat {
    /// Lines for a person.
    Text,
    /// One JSON object (docs/CLI.md).
    Json,
    /// One CSV row per register row.
    Csv,
}

impl From<args::ExplainFormat> for ExplainFormat {
    fn from(f: args::ExplainFormat) -> Self {
        match f {
            args::ExplainFormat::Text => ExplainFormat::Text,
            args::ExplainFormat::Json => ExplainFormat::Json,
            args::ExplainFormat::Csv => ExplainFormat::Csv,
        }
    }
}

/// `explain`, configured.
#[derive(Debug)]
pub struct ExplainConfig {
    /// What to load: the report's registers, keeping the access rows.
    pub load: LoadOptions,
    /// The period (also in `load`).
    pub period: Period,
    /// The figure to explain; with `list`, a prefix of the figures listed.
    pub figure: Option<String>,
    /// List the figures instead.
    pub list: bool,
    /// Output format.
    pub format: ExplainFormat,
    /// Every near miss (and, in text, every row).
    pub all: bool,
    /// Colours for diagnostics.
    pub style: Style,
    /// Errors only (`--quiet`).
    pub quiet: bool,
}

impl ExplainConfig {
    /// Checks the arguments.
    pub fn new(a: ExplainArgs, color: ColorChoice, quiet: bool) -> Result<ExplainConfig> {
        let period = a.period.resolve(today(&a.data));
        let format = ExplainFormat::from(a.format);
        if a.figure.is_none() && !a.list {
            return Err(UsageError {
                message: "manca la voce del report da spiegare".into(),
                hint: Some(format!(
                    "per esempio «integra explain --period {} users.new»; «--list» elenca le voci",
                    period.code
                )),
            });
        }
        let mut load = load_options(&a.data, Some(period.clone()), progress(quiet, format != ExplainFormat::Text))?;
        load.access_rows = true;
        Ok(ExplainConfig {
            load,
            period,
            figure: a.figure,
            list: a.list,
            format,
            all: a.tutte,
            style: style(color, Stream::Stderr),
            quiet,
        })
    }
}

/// `verify`, configured: the period comes from the PDF's seal, so loading
/// options get it there.
#[derive(Debug)]
pub struct VerifyConfig {
    /// The report to check.
    pub pdf: PathBuf,
    /// What to load (the period still unset).
    pub load: LoadOptions,
    /// Colours for diagnostics.
    pub style: Style,
    /// Errors only (`--quiet`).
    pub quiet: bool,
}

impl VerifyConfig {
    /// Checks the arguments.
    pub fn new(a: VerifyArgs, color: ColorChoice, quiet: bool) -> Result<VerifyConfig> {
        if !a.pdf.is_file() {
            return Err(UsageError {
                message: format!("il report «{}» non esiste o non è un file", a.pdf.display()),
                hint: Some("indica il PDF fatto da «integra report»".into()),
            });
        }
        Ok(VerifyConfig {
            pdf: a.pdf,
            load: load_options(&a.data, None, progress(quiet, false))?,
            style: style(color, Stream::Stdout),
            quiet,
        })
    }
}

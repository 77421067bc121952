//! Arguments become a checked configuration once: paths resolved, the
//! template folder canonicalised, today fixed, colours decided. Nothing
//! below sees clap types.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::args::{ColorChoice, DataArgs, ReportArgs, ReportFormat, ValidateArgs, ValidateFormat};
use crate::error::{Error, Result};
use crate::period::Period;
use crate::registers::LoadOptions;
use crate::render::diagnostics::Style;
use crate::render::world::TemplateSource;

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
fn reading(progress: bool) -> crate::read::Reading {
    let var = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok()).filter(|n| *n > 0);
    let default = crate::read::Reading::default();
    crate::read::Reading {
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
        return Err(Error::Usage {
            message: format!("la cartella dei registri «{}» non esiste", data.data.display()),
            hint: Some("indica la cartella con --data, oppure creane una con «integra init CARTELLA»".into()),
        });
    }
    Ok(LoadOptions { data_dir: data.data.clone(), period, today: today(data), reading: reading(progress) })
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
                progress(quiet, a.format == ValidateFormat::Json),
            )?,
            format: a.format,
            strict: a.strict,
            quiet,
            style: style(color, Stream::Stdout),
            annotate: match a.annota {
                Some(p) if !p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) => {
                    return Err(Error::Usage {
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
        let load = load_options(&a.data, Some(period.clone()), progress(quiet, a.format == ReportFormat::Json))?;
        let template = match &a.template {
            None => TemplateSource::Embedded,
            Some(dir) => {
                let real = dir.canonicalize().map_err(|_| Error::Usage {
                    message: format!("la cartella del modello «{}» non esiste", dir.display()),
                    hint: Some("indica con --template una cartella che contiene main.typ".into()),
                })?;
                if !real.join("main.typ").is_file() {
                    return Err(Error::Usage {
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
        let ext = match a.format {
            ReportFormat::Pdf => "pdf",
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Table => "txt",
            ReportFormat::Typst => "typ",
        };
        let dest = match (&a.out, a.format) {
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
            format: a.format,
            dest,
            template,
            document_date,
            style: style(color, Stream::Stderr),
            template_limit: template_limit(),
            quiet,
        })
    }
}

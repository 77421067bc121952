//! Each command's configuration, checked once from its arguments:
//! `validate`, `report`, `explain`, `verify`.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::options::{
    LoadOptions, ReportFormat, Result, Stream, Style, TemplateSource, UsageError, ValidateFormat, load_options,
    progress, style, today,
};
use crate::args::{self, ColorChoice, ExplainArgs, ReportArgs, ValidateArgs, VerifyArgs};
use crate::period::Period;

/// A period as given, with relative ones counted back from today.
fn resolve(spec: &crate::period::PeriodSpec, data: &args::DataArgs) -> Result<Period> {
    let today = today(data)?;
    spec.resolve(today).map_err(|_| UsageError {
        message: format!(
            "il periodo relativo, contato dalla data di oggi ({today}), cadrebbe prima del 1900: gli anni vanno dal 1900 al 2999"
        ),
        hint: Some("indica il periodo per esteso (per esempio --period 2025H1), oppure controlla la data di oggi".into()),
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
                match a.period {
                    Some(p) => Some(resolve(&p, &a.data)?),
                    None => None,
                },
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
    /// A folder (for `--format typst`: the template and its data; for
    /// `--format datapackage`: the package).
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
    /// How much memory (MiB) the template's compilation may add to the run's.
    pub template_memory: u64,
    /// Errors only (`--quiet`).
    pub quiet: bool,
    /// The public version (`--pubblico`, and `--format datapackage` unless
    /// `--interno`): small counts of people withheld.
    pub public: bool,
    /// The open-data package's date (`created`, `issued`, `modified`): the
    /// day of `SOURCE_DATE_EPOCH`, else today (`INTEGRA_OGGI`).
    pub package_date: NaiveDate,
}

/// How much memory a template's compilation may take beyond what the run
/// held before it: 2048 MiB, or `INTEGRA_TEMPLATE_MB` (for tests and for
/// small machines). The default report takes a few MiB; a template that
/// doubles an array in a loop would take the machine's.
fn template_memory() -> u64 {
    std::env::var("INTEGRA_TEMPLATE_MB").ok().and_then(|v| v.trim().parse().ok()).filter(|&mb| mb > 0).unwrap_or(2048)
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
        let period = resolve(&a.period, &a.data)?;
        let format = ReportFormat::from(a.format);
        let load = load_options(&a.data, Some(period.clone()), progress(quiet, format == ReportFormat::Json))?;
        let template = template_source(a.template.as_deref())?;
        let default_name = |ext: &str| PathBuf::from(format!("report-{}.{ext}", period.code));
        let ext = match format {
            ReportFormat::Pdf => "pdf",
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Table => "txt",
            ReportFormat::Typst => "typ",
            ReportFormat::Datapackage => "",
        };
        let dest = match (&a.out, format) {
            (None, ReportFormat::Pdf) => Destination::File(default_name("pdf")),
            // A package is a folder, wherever it goes.
            (None, ReportFormat::Datapackage) => {
                Destination::Folder(PathBuf::from(format!("dati-aperti-{}", period.code)))
            }
            (Some(p), ReportFormat::Datapackage) => Destination::Folder(p.clone()),
            (None, _) => Destination::Stdout,
            (Some(p), ReportFormat::Typst) if p.is_dir() || p.extension().is_none() => Destination::Folder(p.clone()),
            (Some(p), _) if p.is_dir() || p.as_os_str().to_string_lossy().ends_with(['/', '\\']) => {
                Destination::File(p.join(default_name(ext)))
            }
            (Some(p), _) => Destination::File(p.clone()),
        };
        let epoch = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok());
        let epoch = epoch.and_then(|secs| chrono::DateTime::from_timestamp(secs, 0)).map(|d| d.date_naive());
        let document_date = epoch.unwrap_or(period.end);
        let package_date = epoch.unwrap_or(load.today);
        // Open data are published: the package is the public version unless
        // the internal one is asked for by name.
        let public = match format {
            ReportFormat::Datapackage => !a.interno,
            _ => a.pubblico,
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
            template_memory: template_memory(),
            quiet,
            public,
            package_date,
        })
    }
}

/// The template: the embedded one, or a folder holding `main.typ`.
fn template_source(dir: Option<&std::path::Path>) -> Result<TemplateSource> {
    let Some(dir) = dir else { return Ok(TemplateSource::Embedded) };
    let real = dir.canonicalize().map_err(|_| UsageError {
        message: format!("la cartella del modello «{}» non esiste", dir.display()),
        hint: Some("indica con --template una cartella che contiene main.typ".into()),
    })?;
    if !real.join("main.typ").is_file() {
        return Err(UsageError {
            message: format!("la cartella del modello «{}» non contiene main.typ", dir.display()),
            hint: Some("il file principale di un modello si chiama main.typ; vedi report-templates/README.md".into()),
        });
    }
    Ok(TemplateSource::Folder(real))
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
        let period = resolve(&a.period, &a.data)?;
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
    /// The template the report is made again with.
    pub template: TemplateSource,
    /// How long the template may take to compile.
    pub template_limit: std::time::Duration,
    /// How much memory (MiB) the template's compilation may add to the run's.
    pub template_memory: u64,
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
            template: template_source(a.template.as_deref())?,
            template_limit: template_limit(),
            template_memory: template_memory(),
        })
    }
}

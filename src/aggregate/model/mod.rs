//! The report as plain data: computed once by `aggregate`, rendered by every
//! output (JSON, CSV, terminal, Typst/PDF). Field names are the JSON keys of
//! the contract in docs/CLI.md; `report-templates/default/data.json` is the
//! sample's. This file holds the whole and its bookkeeping; the sections'
//! types are in `centre`, `counts` (accesses, users, history) and
//! `activities` (applications, courses, events).

mod activities;
mod ambito;
mod centre;
mod compare;
mod counts;
mod figure;

pub use activities::*;
pub use ambito::*;
pub use centre::*;
pub use compare::*;
pub use counts::*;
pub use figure::*;

use serde::{Deserialize, Serialize};

/// The whole report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Version of this data's shape, for templates.
    pub schema: u32,
    /// The program that made it.
    pub generator: Generator,
    /// The period reported on.
    pub period: PeriodOut,
    /// The centre, from `centro.toml`.
    pub centre: Centre,
    /// The access log.
    pub accesses: Accesses,
    /// Users taken in charge.
    pub users: Users,
    /// Year-over-year counts, ending with the period.
    pub history: Vec<HistoryRow>,
    /// The same period one year earlier, and whether the registers cover it.
    pub comparison: Comparison,
    /// Applications by call.
    pub applications: Vec<Application>,
    /// Total applications.
    pub applications_total: u64,
    /// Courses active in the period.
    pub courses: Vec<Course>,
    /// Sums over `courses`.
    pub courses_total: CoursesTotal,
    /// Events in the period.
    pub events: Vec<Event>,
    /// The period's notes (needs observed), as written.
    pub needs: Option<Needs>,
    /// Errors and warnings of validation.
    pub data_quality: DataQuality,
    /// The files read.
    pub sources: Vec<SourceOut>,
    /// Which version this is: internal, or public with the counts withheld.
    pub publication: Publication,
    /// An ambito's report: what its totals are made of (absent for a
    /// centre's own report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ambito: Option<AmbitoOut>,
    /// An ambito's centres, each with its own report (empty for a centre's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub centres: Vec<CentrePart>,
    /// Every figure above, once, with its id, words and dimensions
    /// (`aggregate::figures`); what each output lists.
    #[serde(skip_deserializing)]
    pub figures: Figures,
}

/// One centre of an ambito, with its own report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CentrePart {
    /// Its name in the ambito (`ambito.toml`, or its `centro.toml`).
    pub label: String,
    /// Its data folder, as given (relative to the ambito's folder).
    pub folder: String,
    /// Its own report: its vocabulary, its «altro» threshold, its history.
    pub report: Report,
}

/// Internal or public version (`report --pubblico`, see docs/PUBLICATION.md).
/// In the public version every withheld number is listed here by its JSON
/// pointer; the JSON shows it as `null` (a list item also gets
/// `"suppressed": true`), and in the typed report it is 0.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Publication {
    /// `true` for the public version.
    pub public: bool,
    /// The threshold: counts of people from 1 to `threshold - 1` are withheld
    /// (`null` in the internal version).
    pub threshold: Option<u32>,
    /// The withheld numbers, in the report's order.
    pub suppressed: Vec<Suppressed>,
}

/// A number the public version does not show.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Suppressed {
    /// JSON pointer, e.g. `/users/by_category/italian`.
    pub path: String,
    /// The threshold, when a renderer may say the count is below it ("< 3").
    /// The public version no longer sets it (docs/PUBLICATION.md: the mark
    /// would tell a small count apart); kept so that templates written for
    /// it still read the data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub below: Option<u32>,
}

impl Publication {
    /// How a number at `path` is withheld: `None` when it is shown;
    /// `Some(Some(t))` below the threshold t; `Some(None)` not published.
    pub fn mark(&self, path: &str) -> Option<Option<u32>> {
        self.suppressed.iter().find(|s| s.path == path).map(|s| s.below)
    }
}

/// Name and version of integra.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Generator {
    /// `integra`.
    pub name: String,
    /// Cargo version.
    pub version: String,
}

/// The period with its labels.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PeriodOut {
    /// `2025H1`.
    pub code: String,
    /// ISO date.
    pub start: String,
    /// ISO date.
    pub end: String,
    /// `gennaio - giugno 2025`.
    pub label: String,
    /// The period as a phrase after a noun: `nel 2025`, `da gennaio a giugno
    /// 2025`, `nel mese di marzo 2025`, `dal 3 febbraio al 17 marzo 2025`.
    pub phrase: String,
    /// `1 gennaio 2025`.
    pub start_label: String,
    /// `30 giugno 2025`.
    pub end_label: String,
    /// year, semester, quarter, month, range.
    pub kind: crate::period::PeriodKind,
}

/// The period's notes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Needs {
    /// Path relative to the data folder.
    pub source: String,
    /// The notes as written (Markdown), personal data already redacted.
    /// Templates also get them as Typst markup (`needs_typst`, added by
    /// `render::template_data`).
    pub text: String,
}

/// A warning listed in the appendix.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QualityItem {
    /// Diagnostic code.
    pub code: String,
    /// Register.
    pub register: String,
    /// File.
    pub file: String,
    /// Line.
    pub line: Option<usize>,
    /// Message.
    pub message: String,
}

/// How clean the registers were.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataQuality {
    /// Errors (0 when a report is made).
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Info notes.
    pub infos: usize,
    /// The warnings themselves (at most [`WARNINGS_LISTED`](super::WARNINGS_LISTED)).
    pub warnings_list: Vec<QualityItem>,
}

/// A file read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceOut {
    /// Register.
    pub register: String,
    /// Path relative to the data folder.
    pub file: String,
    /// Sheet, for workbooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Data rows read.
    pub rows: usize,
    /// SHA-256 of the file.
    pub sha256: String,
}

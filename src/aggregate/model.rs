//! The report as plain data: computed once by `aggregate`, rendered by every
//! output (JSON, CSV, terminal, Typst/PDF). Field names are the JSON keys of
//! the contract in CLI.md; `report-templates/default/data.json` is a sample.

use std::collections::BTreeMap;

use serde::Serialize;

/// The whole report.
#[derive(Debug, Clone, Serialize)]
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
    /// The period's notes (needs observed), as Typst markup.
    pub needs: Option<Needs>,
    /// Errors and warnings of validation.
    pub data_quality: DataQuality,
    /// The files read.
    pub sources: Vec<SourceOut>,
    /// Which version this is: internal, or public with the counts withheld.
    pub publication: Publication,
}

/// Internal or public version (`report --pubblico`, see docs/PUBLICATION.md).
/// In the public version every withheld number is listed here by its JSON
/// pointer; the JSON shows it as `null` (a list item also gets
/// `"suppressed": true`), and in the typed report it is 0.
#[derive(Debug, Clone, Serialize, Default)]
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
#[derive(Debug, Clone, Serialize)]
pub struct Suppressed {
    /// JSON pointer, e.g. `/users/by_category/italian`.
    pub path: String,
    /// The threshold, when the count itself is below it (shown "< 3"); absent
    /// when it is withheld so that a smaller one cannot be computed ("n.p."),
    /// and for a percentage of a withheld count.
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
#[derive(Debug, Clone, Serialize)]
pub struct Generator {
    /// `integra`.
    pub name: String,
    /// Cargo version.
    pub version: String,
}

/// The period with its labels.
#[derive(Debug, Clone, Serialize)]
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

/// A closure day.
#[derive(Debug, Clone, Serialize)]
pub struct Closure {
    /// ISO date.
    pub date: String,
    /// `giovedì 2 gennaio 2025`.
    pub label: String,
}

/// One line of the opening-hours table.
#[derive(Debug, Clone, Serialize)]
pub struct Hours {
    /// `lunedì`.
    pub day: String,
    /// `9 - 12`, or `null` when closed.
    pub morning: Option<String>,
    /// `15 - 18`, or `null` when closed.
    pub afternoon: Option<String>,
}

/// A role and how many.
#[derive(Debug, Clone, Serialize)]
pub struct StaffOut {
    /// Role.
    pub role: String,
    /// How many.
    pub count: u32,
}

/// The centre's description.
#[derive(Debug, Clone, Serialize)]
pub struct Centre {
    /// Name.
    pub name: String,
    /// Own comune.
    pub comune: String,
    /// ISO date, if known.
    pub active_since: Option<String>,
    /// `ottobre 2008`.
    pub active_since_label: Option<String>,
    /// One paragraph.
    pub description: Option<String>,
    /// Closures inside the period.
    pub closures: Vec<Closure>,
    /// Opening hours, Monday to Friday plus any weekend day with hours.
    pub hours: Vec<Hours>,
    /// A sentence under the hours.
    pub hours_note: Option<String>,
    /// Staff.
    pub staff: Vec<StaffOut>,
    /// A sentence under the staff.
    pub staff_note: Option<String>,
    /// The centre's own prose (`[testi]` of `centro.toml`), in paragraphs.
    pub texts: CentreTexts,
}

/// Prose that describes the centre, as its coordinator wrote it: each text a
/// list of paragraphs, `null` (or absent from `courses`) when not written.
#[derive(Debug, Clone, Serialize)]
pub struct CentreTexts {
    /// Introduces the users taken in charge (`[testi] utenti`).
    pub users: Option<Vec<String>>,
    /// The work with the comune's registry office (`[testi] anagrafe`).
    pub registry_office: Option<Vec<String>>,
    /// Introduces the applications the centre helps with (`[testi] domande`).
    pub applications: Option<Vec<String>>,
    /// Introduces the courses of a type, by type (`[testi.corsi]`).
    pub courses: BTreeMap<String, Vec<String>>,
}

/// A country and a count.
#[derive(Debug, Clone, Serialize)]
pub struct CountryCount {
    /// Standard Italian name.
    pub country: String,
    /// ISO alpha-2.
    pub iso2: String,
    /// How many.
    pub count: u64,
    /// Percentage of the total, one decimal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
}

/// Countries under the threshold, grouped.
#[derive(Debug, Clone, Serialize)]
pub struct Other {
    /// Countries with fewer accesses than this are grouped.
    pub threshold: u32,
    /// Accesses of the grouped countries.
    pub count: u64,
    /// Percentage of all accesses.
    pub share: f64,
    /// The grouped countries, by name.
    pub countries: Vec<CountryCount>,
}

/// A request type and a count.
#[derive(Debug, Clone, Serialize)]
pub struct TypeCount {
    /// As in the vocabulary.
    #[serde(rename = "type")]
    pub kind: String,
    /// How many.
    pub count: u64,
    /// Percentage of the accesses.
    pub share: f64,
    /// Percentage of `request_types_total` (the table's column).
    pub share_of_requests: f64,
}

/// A month and a count.
#[derive(Debug, Clone, Serialize)]
pub struct MonthCount {
    /// `2025-01`.
    pub month: String,
    /// `gennaio 2025`.
    pub label: String,
    /// Under its column: `gen`, or `gen 25` when the period runs over more
    /// than twelve months.
    pub axis_label: String,
    /// `gennaio`, or `gennaio 2025` when the period spans more than one year.
    pub name: String,
    /// How many.
    pub count: u64,
}

/// A referral source and a count.
#[derive(Debug, Clone, Serialize)]
pub struct ReferralCount {
    /// As written (first spelling seen); `null` when not given.
    pub source: Option<String>,
    /// How many.
    pub count: u64,
    /// Percentage of the accesses.
    pub share: f64,
}

/// The access log's aggregates.
#[derive(Debug, Clone, Serialize)]
pub struct Accesses {
    /// Accesses in the period.
    pub total: u64,
    /// Every country, by count descending then name.
    pub by_country: Vec<CountryCount>,
    /// Countries at or above the threshold.
    pub main_countries: Vec<CountryCount>,
    /// Countries under the threshold.
    pub other: Other,
    /// Every request type of the vocabulary, in its order.
    pub by_request_type: Vec<TypeCount>,
    /// Sum of `by_request_type` (an access may have several types, or none).
    pub request_types_total: u64,
    /// Every month of the period.
    pub by_month: Vec<MonthCount>,
    /// By referral source, when the column exists.
    pub by_referral: Vec<ReferralCount>,
    /// By gender: F, M, X, unknown.
    pub by_gender: BTreeMap<String, u64>,
    /// The same as whole percentages of their sum (as a donut's legend shows them).
    pub by_gender_whole_pct: BTreeMap<String, u64>,
}

/// Countries grouped in one bar.
#[derive(Debug, Clone, Serialize)]
pub struct OtherCountries {
    /// How many countries.
    pub countries: usize,
    /// Their users.
    pub count: u64,
    /// Percentage of the users.
    pub share: f64,
}

/// Counts by category.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct ByCategory {
    /// Italiani.
    pub italian: u64,
    /// Comunitari.
    pub eu: u64,
    /// Extracomunitari.
    pub non_eu: u64,
}

/// Percentages by category, one decimal.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryPct {
    /// Italiani.
    pub italian: f64,
    /// Comunitari.
    pub eu: f64,
    /// Extracomunitari.
    pub non_eu: f64,
}

/// A comune and a count.
#[derive(Debug, Clone, Serialize)]
pub struct ComuneCount {
    /// ISTAT name.
    pub comune: String,
    /// How many.
    pub count: u64,
}

/// Where users live.
#[derive(Debug, Clone, Serialize)]
pub struct Residence {
    /// The centre's own comune.
    pub home_comune: ComuneCount,
    /// Every other comune, by name.
    pub other_comuni: Vec<ComuneCount>,
    /// Sum of `other_comuni`.
    pub other_comuni_total: u64,
    /// No fixed abode / no registered residence.
    pub no_fixed_abode: u64,
    /// Neither a comune nor no fixed abode given.
    pub unknown: u64,
}

/// Users in charge in the period.
#[derive(Debug, Clone, Serialize)]
pub struct Users {
    /// Cases open at any time in the period.
    pub total: u64,
    /// Taken in charge inside the period.
    pub new: u64,
    /// Italiani / Comunitari / Extracomunitari at the period's last day.
    pub by_category: ByCategory,
    /// The same as percentages.
    pub by_category_pct: CategoryPct,
    /// The same as whole percentages (as a donut shows them).
    pub by_category_whole_pct: ByCategory,
    /// By gender: F, M, X.
    pub by_gender: BTreeMap<String, u64>,
    /// The same as whole percentages of their sum (as a donut's legend shows them).
    pub by_gender_whole_pct: BTreeMap<String, u64>,
    /// By country of citizenship, by count descending then name; `share`
    /// of the users.
    pub by_country: Vec<CountryCount>,
    /// The countries a chart shows one by one: all of them, or the first
    /// [`USER_COUNTRIES_SHOWN`](super::USER_COUNTRIES_SHOWN) − 1 when there are more.
    pub main_countries: Vec<CountryCount>,
    /// The countries after `main_countries`, grouped; `null` when none.
    pub other_countries: Option<OtherCountries>,
    /// Residence.
    pub residence: Residence,
}

/// One column of the year-over-year table.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    /// `2022` or the period code.
    pub period: String,
    /// Short label for the table heading.
    pub label: String,
    /// Users in charge.
    pub total: u64,
    /// Italiani.
    pub italian: u64,
    /// Comunitari.
    pub eu: u64,
    /// Extracomunitari.
    pub non_eu: u64,
    /// `declared` (storico) or `registers`.
    pub source: String,
    /// `italian + eu + non_eu`.
    pub parts_total: u64,
    /// The total differs from `parts_total` (a declared year written so).
    pub parts_mismatch: bool,
}

/// A call and how many applications.
#[derive(Debug, Clone, Serialize)]
pub struct Application {
    /// The call's name.
    pub call: String,
    /// Applications in the period.
    pub count: u64,
    /// Percentage of all applications.
    pub share: f64,
}

/// A course's activity in the period.
#[derive(Debug, Clone, Serialize)]
pub struct Course {
    /// Code.
    pub id: String,
    /// Title.
    pub title: String,
    /// Kind.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Partners.
    pub partner: Option<String>,
    /// Planned first day.
    pub start: String,
    /// Planned last day.
    pub end: String,
    /// Meetings held inside the period.
    pub meetings: u64,
    /// Hours of those meetings.
    pub hours: f64,
    /// Usual hours a meeting.
    pub hours_per_meeting: Option<f64>,
    /// First meeting in the period.
    pub first_meeting: Option<String>,
    /// Last meeting in the period.
    pub last_meeting: Option<String>,
    /// `dal 10 gennaio all'11 aprile`.
    pub dates_label: Option<String>,
    /// The course goes on after the period's end.
    pub continues_after_period: bool,
    /// `1 agosto`, when it goes on.
    pub continues_until_label: Option<String>,
    /// `fino all'1 agosto`, with the article elided as Italian wants.
    pub continues_until_phrase: Option<String>,
    /// Participants enrolled.
    pub enrolled: u64,
    /// Enrolled by who sent them, by count descending then name.
    pub by_origin: Vec<OriginCount>,
    /// Enrolled by country, when given.
    pub countries: Vec<CountryCount>,
}

/// Who sent some of a course's participants.
#[derive(Debug, Clone, Serialize)]
pub struct OriginCount {
    /// As written (`Centro`, `SAI`); `null` when not given.
    pub origin: Option<String>,
    /// How many.
    pub count: u64,
}

/// Sums over the courses of the period.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CoursesTotal {
    /// Meetings held.
    pub meetings: u64,
    /// Hours of those meetings.
    pub hours: f64,
    /// Enrolments.
    pub enrolled: u64,
}

/// An event.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// ISO date.
    pub date: String,
    /// `venerdì 4 aprile 2025`.
    pub date_label: String,
    /// Title.
    pub title: String,
    /// Partners.
    pub partner: Option<String>,
    /// One paragraph.
    pub description: Option<String>,
}

/// The period's notes.
#[derive(Debug, Clone, Serialize)]
pub struct Needs {
    /// Path relative to the data folder.
    pub source: String,
    /// The notes as written (Markdown), personal data already redacted.
    /// Templates also get them as Typst markup (`needs_typst`, added by
    /// `render::template_data`).
    pub text: String,
}

/// A warning listed in the appendix.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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

//! Counts of people and accesses: by country, category, gender, comune, month, type, referral; the history of earlier years.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::compare::{CategoryChange, Change};

/// A country and a count.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReferralCount {
    /// As written (first spelling seen); `null` when not given.
    pub source: Option<String>,
    /// How many.
    pub count: u64,
    /// Percentage of the accesses.
    pub share: f64,
}

/// The access log's aggregates.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// The same period one year earlier, when the registers cover it.
    pub previous: Option<AccessesPrevious>,
    /// A monthly report's last twelve months (this one included), when the
    /// registers cover them; empty otherwise.
    pub trend: Vec<MonthCount>,
}

/// The accesses of the earlier period.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessesPrevious {
    /// Its code (as [`Comparison::period`](super::Comparison::period)).
    pub period: String,
    /// Accesses then.
    pub total: u64,
    /// From then to now.
    pub change: Change,
}

/// Countries grouped in one bar.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OtherCountries {
    /// How many countries.
    pub countries: usize,
    /// Their users.
    pub count: u64,
    /// Percentage of the users.
    pub share: f64,
}

/// Counts by category.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct ByCategory {
    /// Italiani.
    pub italian: u64,
    /// Comunitari.
    pub eu: u64,
    /// Extracomunitari.
    pub non_eu: u64,
}

/// Percentages by category, one decimal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CategoryPct {
    /// Italiani.
    pub italian: f64,
    /// Comunitari.
    pub eu: f64,
    /// Extracomunitari.
    pub non_eu: f64,
}

/// A comune and a count.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComuneCount {
    /// ISTAT name.
    pub comune: String,
    /// How many.
    pub count: u64,
}

/// Where users live.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// The same period one year earlier, when the registers cover it.
    pub previous: Option<UsersPrevious>,
}

/// The users of the earlier period.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UsersPrevious {
    /// Its code (as [`Comparison::period`](super::Comparison::period)).
    pub period: String,
    /// Cases open then.
    pub total: u64,
    /// New then.
    pub new: u64,
    /// By category then (at the end of that period).
    pub by_category: ByCategory,
    /// From then to now: cases open.
    pub change_total: Change,
    /// From then to now: new users.
    pub change_new: Change,
    /// From then to now, by category.
    pub change_by_category: CategoryChange,
}

/// One column of the year-over-year table.
#[derive(Debug, Clone, Serialize, Deserialize)]
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

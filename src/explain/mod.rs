//! Explaining one figure of the report (`integra explain`): its rule in one
//! Italian sentence, its value, the register rows that make it and the rows
//! that came close and were left out, with the reason.
//!
//! The catalogue (`catalogue`) names every figure of a computed [`Report`]
//! in the JSON's own path form (`users.by_category.eu`) with the report's
//! value. Each figure is a [`Target`]: the frame it counts, the period
//! filter of `registers::frames` the report's query uses, and the key the
//! report groups by. The query (`query`) applies the very same expressions
//! to the frames with their `line` column, so the rows it returns are the
//! report's count, row by row.

mod catalogue;
mod query;

use chrono::NaiveDate;
use serde::Serialize;

use crate::period::Period;

pub use catalogue::{Catalogue, Figure, Unknown};
pub use query::explain;

/// A figure's value: a count, or hours (courses).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// People, accesses, meetings, applications.
    Count(u64),
    /// Hours, rounded to the hundredth as the report does.
    Hours(f64),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Count(n) => write!(f, "{n}"),
            Value::Hours(h) if h.fract() == 0.0 => write!(f, "{h:.0}"),
            Value::Hours(h) => write!(f, "{h}"),
        }
    }
}

/// Which rows a figure counts: a register's frame, the report's period
/// filter for it, and the key (none for a total).
#[derive(Debug, Clone)]
pub enum Target {
    /// `accessi`, dated in the period.
    Accesses(Option<Key>),
    /// `utenti` open in the period (`new`: taken in charge inside it).
    Users {
        /// Only those new in the period.
        new: bool,
        /// The group.
        key: Option<Key>,
    },
    /// `incontri` of these courses dated in the period (`hours`: their hours).
    Meetings {
        /// Course keys.
        courses: Vec<u32>,
        /// Sum their hours instead of counting them.
        hours: bool,
        /// The rule's words for the courses (`del corso «BASE1»`).
        of: String,
    },
    /// `iscrizioni` of these courses without a date or dated by the period's end.
    Enrolments {
        /// Course keys.
        courses: Vec<u32>,
        /// The group (origin, country).
        key: Option<Key>,
        /// The rule's words for the courses (`al corso «BASE1»`).
        to: String,
    },
    /// `domande` dated in the period.
    Applications(Option<Key>),
}

/// A group of a figure: the rows whose `column` is one of `values` (or,
/// `negate`d, none of them); `says` is its part of the rule.
#[derive(Debug, Clone)]
pub struct Key {
    /// The frame's column.
    pub column: &'static str,
    /// Its keys.
    pub values: Vec<u32>,
    /// Rows whose key is none of `values`.
    pub negate: bool,
    /// The rule's words for it (`con paese «Nigeria»`).
    pub says: String,
}

/// A value of a column that decided, as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A date.
    Date(NaiveDate),
    /// A name (country, comune, request type…) or code.
    Text(String),
    /// Hours.
    Hours(f64),
    /// Left blank (the words say what that means: `aperto`, `non indicato`).
    Blank(&'static str),
}

/// A row of a register, where it is and the columns that decided.
#[derive(Debug, Clone, Serialize)]
pub struct RowRef {
    /// The file, relative to the data folder (for a workbook, the workbook).
    pub file: String,
    /// The sheet, for a workbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The line (for a workbook, the row the spreadsheet shows).
    pub line: usize,
    /// The columns that decided, in order.
    #[serde(serialize_with = "columns_json")]
    pub columns: Vec<(&'static str, Cell)>,
    /// Why it was left out (near misses only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The row's warnings, `code: message` (counted rows only; counted anyway).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

fn columns_json<S: serde::Serializer>(cols: &[(&'static str, Cell)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(cols.iter().map(|(k, v)| {
        let v = match v {
            Cell::Date(d) => serde_json::Value::from(d.to_string()),
            Cell::Text(t) => serde_json::Value::from(t.as_str()),
            Cell::Hours(h) => serde_json::Value::from(*h),
            Cell::Blank(_) => serde_json::Value::Null,
        };
        (*k, v)
    }))
}

/// Near misses shown without `--tutte`.
pub const EXCLUDED_SHOWN: usize = 20;

/// What `explain` found for one figure.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The figure's path.
    pub figure: String,
    /// The period's code.
    pub period: String,
    /// The rule, one Italian sentence.
    pub rule: String,
    /// The value (the report's, by the same query).
    pub value: Value,
    /// Every row counted, in file order.
    pub rows: Vec<RowRef>,
    /// The near misses, closest first (at most [`EXCLUDED_SHOWN`] unless all were asked).
    pub excluded: Vec<RowRef>,
    /// How many near misses there are in all.
    pub excluded_total: usize,
}

/// `01/01/2025 - 30/06/2025` words of a period, for the rules.
fn span_words(p: &Period) -> String {
    format!("dal {} al {}", crate::dates::short_date(p.start), crate::dates::short_date(p.end))
}

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

pub use catalogue::{Catalogue, Figure, Unknown};
pub use query::explain;

pub use crate::aggregate::{Key, Target, Value};

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

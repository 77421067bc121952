//! What `explain` returns: the rows behind a figure, each with the columns
//! that decided, and the near misses with their reason.

use chrono::NaiveDate;
use serde::Serialize;

pub use crate::aggregate::Value;

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
    /// In an ambito, the centre whose rows these are (files are then named
    /// from the ambito's folder).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub centre: Option<String>,
}

impl Explanation {
    /// The same rows, named as rows of centre `label` of an ambito whose
    /// folder for it is `folder`.
    pub fn of_centre(mut self, label: &str, folder: &str) -> Explanation {
        for r in self.rows.iter_mut().chain(self.excluded.iter_mut()) {
            if !folder.is_empty() {
                r.file = format!("{folder}/{}", r.file);
            }
        }
        self.rule = format!("centro «{label}»: {}", self.rule);
        self.centre = Some(label.to_string());
        self
    }
}

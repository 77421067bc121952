//! An ambito's report: its totals keep the shape of a centre's report, and
//! each centre's own report goes beside them (`CentrePart`, with the
//! report in `mod.rs`); here, what the totals are made of.

use serde::{Deserialize, Serialize};

use super::counts::ComuneCount;

/// What the ambito's totals are made of, and where they are not whole.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct AmbitoOut {
    /// The ambito's name.
    pub name: String,
    /// Its centres' names, in the order of `centres`.
    pub centres: Vec<String>,
    /// How people are counted: per centre (a person followed by two
    /// centres is two users of the ambito).
    pub people: String,
    /// The centres whose registers do not cover the same period a year
    /// earlier (then the ambito has no comparison).
    pub previous_not_covered: Vec<String>,
    /// Years of the history table some centre has no row for, with those
    /// centres: left out of the ambito's history.
    pub history_left_out: Vec<HistoryGap>,
    /// The users of each comune of residence, whatever their centre (in
    /// `users.residence`, each centre's own comune is counted apart).
    pub residence: Vec<ComuneCount>,
}

/// A year of the history the ambito cannot add up.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryGap {
    /// The year.
    pub period: String,
    /// The centres without it.
    pub centres: Vec<String>,
}

//! The same period one year earlier: which it is, whether the registers
//! cover it, and the change; nothing is invented where they do not. The
//! earlier figures themselves sit beside the period's, in `counts`.

use serde::{Deserialize, Serialize};

/// The earlier period the report compares with, and whether it can.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Comparison {
    /// The earlier period's code (`2024H1`).
    pub period: String,
    /// Its label ("gennaio - giugno 2024").
    pub label: String,
    /// Whether the registers cover it whole (it starts on or after
    /// `registri_dal`): only then do the headline figures carry `previous`.
    pub covered: bool,
    /// The first day the registers are complete (`registri_dal`), when
    /// `centro.toml` says it: comparisons start from the period after it.
    pub registers_from: Option<String>,
    /// The same day in words ("1 gennaio 2025").
    pub registers_from_label: Option<String>,
}

/// How a figure changed from the earlier period.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Change {
    /// Now minus then.
    pub absolute: i64,
    /// The change as a percentage of then, one decimal; `null` when then
    /// was 0.
    pub pct: Option<f64>,
}

impl Change {
    /// From `then` to `now`.
    pub fn between(then: u64, now: u64) -> Change {
        let absolute = now as i64 - then as i64;
        let pct = (then > 0).then(|| (absolute as f64 * 1000.0 / then as f64).round() / 10.0 + 0.0);
        Change { absolute, pct }
    }
}

/// Changes of the three categories.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct CategoryChange {
    /// Italiani.
    pub italian: Change,
    /// Comunitari.
    pub eu: Change,
    /// Extracomunitari.
    pub non_eu: Change,
}

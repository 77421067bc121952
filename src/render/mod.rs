//! Outputs: each a small renderer over the computed [`Report`](crate::aggregate::Report)
//! (JSON, CSV, terminal table, Typst source, PDF), plus the diagnostics printer
//! and the annotated copy of the registers (`validate --annota`).

pub mod annotate;
pub mod csv;
pub mod diagnostics;
pub mod markdown;
pub mod pdf;
pub mod progress;
pub mod table;
pub mod typst_src;
pub mod world;

use crate::aggregate::Report;

/// The report as pretty JSON (the contract of CLI.md).
pub fn json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("the report always serialises");
    s.push('\n');
    s
}

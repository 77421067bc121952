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

/// The report as pretty JSON (the contract of docs/CLI.md).
pub fn json(report: &Report) -> String {
    pretty(&report)
}

/// What a template reads as `data.json`: the report's JSON, in the same
/// order, plus what only a Typst template needs, computed here so that the
/// template computes nothing.
#[derive(serde::Serialize)]
struct TemplateData<'a> {
    #[serde(flatten)]
    report: &'a Report,
    /// The period's notes as Typst markup (`null` without notes).
    needs_typst: Option<String>,
}

/// The `data.json` of a template (see [`TemplateData`]).
pub fn template_data(report: &Report) -> String {
    pretty(&TemplateData { report, needs_typst: report.needs.as_ref().map(|n| markdown::to_typst(&n.text)) })
}

fn pretty(value: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("the report always serialises");
    s.push('\n');
    s
}

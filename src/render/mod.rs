//! Outputs: each a small renderer over the computed [`Report`](crate::aggregate::Report)
//! (JSON, CSV, terminal table, Typst source, PDF), plus the diagnostics printer
//! and the annotated copy of the registers (`validate --annota`).

pub mod annotate;
pub mod csv;
pub mod diagnostics;
pub mod explain;
pub mod markdown;
pub mod pdf;
pub mod pdfread;
pub mod progress;
pub mod seal;
pub mod table;
pub mod typst_src;
pub mod world;

use crate::aggregate::Report;

/// The report as pretty JSON (the contract of docs/CLI.md).
pub fn json(report: &Report) -> String {
    if report.publication.public { pretty(&marked(report)) } else { pretty(&report) }
}

/// The public version's JSON: withheld numbers `null`, marked (the keys
/// then come in alphabetical order: serde_json's map without `preserve_order`).
fn marked(report: &Report) -> serde_json::Value {
    let mut value = serde_json::to_value(report).expect("the report always serialises");
    crate::publish::mark_json(report, &mut value);
    value
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
    /// The PDF's keywords: `integra` and the seal `integra verify` reads.
    pdf_keywords: Vec<String>,
}

/// The `data.json` of a template (see [`TemplateData`]) for a PDF dated `date`.
pub fn template_data(report: &Report, date: chrono::NaiveDate) -> String {
    let needs_typst = report.needs.as_ref().map(|n| markdown::to_typst(&n.text));
    let pdf_keywords = vec!["integra".to_string(), seal::Seal::of(report, date).keyword()];
    if report.publication.public {
        let mut value = marked(report);
        value["needs_typst"] = needs_typst.into();
        value["pdf_keywords"] = pdf_keywords.into();
        return pretty(&value);
    }
    pretty(&TemplateData { report, needs_typst, pdf_keywords })
}

fn pretty(value: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("the report always serialises");
    s.push('\n');
    s
}

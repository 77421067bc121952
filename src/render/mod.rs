//! Outputs: each a small renderer over the computed [`Report`](crate::aggregate::Report)
//! (JSON, CSV, terminal table, Typst source, PDF, the open-data package with
//! its DCAT-AP_IT metadata), plus the diagnostics printer and the annotated
//! copy of the registers (`validate --annota`).

pub mod annotate;
pub mod csv;
pub mod datapackage;
pub mod dcat;
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
use crate::aggregate::model::TypeCount;

/// The longest string a PDF/A file may hold (ISO 19005-2, 6.1.13): the
/// document's keywords, a figure's alternative text.
pub const PDF_STRING_MAX: usize = 32_767;

/// Bars the request-type chart draws; the rest are one bar "altre N
/// tipologie" (the table under it lists them all, as do JSON and CSV).
pub const CHART_BARS: usize = 25;

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
    /// The request-type chart's bars (see [`TypeChart`]).
    request_types_chart: TypeChart<'a>,
}

/// The request-type chart: the [`CHART_BARS`] most frequent types, and the
/// others summed in one bar. A vocabulary of 450 types made a chart longer
/// than a page (cut off at its foot) and an alternative text longer than a
/// PDF string may be (issue 22).
#[derive(serde::Serialize)]
struct TypeChart<'a> {
    /// By count descending, then in the vocabulary's order.
    shown: Vec<&'a TypeCount>,
    /// The types not drawn, `null` when every type is drawn.
    rest: Option<ChartRest>,
}

/// The bar of the types a chart does not draw one by one.
#[derive(serde::Serialize)]
struct ChartRest {
    /// How many types.
    types: usize,
    /// Their accesses.
    count: u64,
    /// Percentage of the accesses.
    share: f64,
}

fn request_types_chart(report: &Report) -> TypeChart<'_> {
    let a = &report.accesses;
    let mut sorted: Vec<&TypeCount> = a.by_request_type.iter().collect();
    // Stable: equal counts keep the vocabulary's order.
    sorted.sort_by_key(|t| std::cmp::Reverse(t.count));
    if sorted.len() <= CHART_BARS {
        return TypeChart { shown: sorted, rest: None };
    }
    let others = sorted.split_off(CHART_BARS - 1);
    let count = others.iter().map(|t| t.count).sum();
    let rest = ChartRest { types: others.len(), count, share: crate::aggregate::pct(count, a.total) };
    TypeChart { shown: sorted, rest: Some(rest) }
}

/// The `data.json` of a template (see [`TemplateData`]) for a PDF dated
/// `date`, and whether it carries the seal (see [`keywords`]).
pub fn template_data(report: &Report, date: chrono::NaiveDate) -> (String, Sealed) {
    let needs_typst = report.needs.as_ref().map(|n| markdown::to_typst(&n.text));
    let (pdf_keywords, sealed) = keywords(report, date);
    let request_types_chart = request_types_chart(report);
    let json = if report.publication.public {
        let mut value = marked(report);
        value["needs_typst"] = needs_typst.into();
        value["pdf_keywords"] = pdf_keywords.into();
        value["request_types_chart"] = serde_json::to_value(&request_types_chart).expect("the chart always serialises");
        pretty(&value)
    } else {
        pretty(&TemplateData { report, needs_typst, pdf_keywords, request_types_chart })
    };
    (json, sealed)
}

/// Whether the PDF's keywords carry the seal `integra verify` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealed {
    /// They do.
    Yes,
    /// The seal, `bytes` long, is longer than a PDF string may be: the PDF
    /// is made without it.
    TooLong {
        /// The seal's length.
        bytes: usize,
    },
}

/// The PDF's keywords: `integra`, and the seal when it fits in the one PDF
/// string the keywords are written as (thousands of comuni of residence
/// made it longer, and the PDF failed; issue 22).
fn keywords(report: &Report, date: chrono::NaiveDate) -> (Vec<String>, Sealed) {
    let mut keywords = vec!["integra".to_string()];
    let seal = seal::Seal::of(report, date).keyword();
    // Typst joins the keywords with ", ".
    if keywords[0].len() + 2 + seal.len() > PDF_STRING_MAX {
        return (keywords, Sealed::TooLong { bytes: seal.len() });
    }
    keywords.push(seal);
    (keywords, Sealed::Yes)
}

fn pretty(value: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("the report always serialises");
    s.push('\n');
    s
}

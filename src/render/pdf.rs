//! Compiling the template with embedded Typst and exporting PDF/A-2a and
//! PDF/UA-1 (tagged, in the document's language, figures with alternative text).
//! Same data and template give the same bytes: the date, the document id and
//! the creator are fixed.

use chrono::NaiveDate;
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst::syntax::DiagSpanKind;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::world::ReportWorld;
use crate::config::TemplateSource;

/// A template that does not compile, or a PDF that cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// Typst's errors, located in the template.
    #[error("il modello del report non si compila:\n{0}")]
    Template(String),
    /// Compilation ran past its time limit (a template in an endless loop).
    #[error(
        "il modello del report non ha finito in {0} secondi: forse un ciclo senza fine (while, ricorsione) nel modello"
    )]
    TooSlow(u64),
    /// Compilation took more memory than its limit (a template that grows
    /// an array or a text without end).
    #[error(
        "il modello del report ha usato più di {0} MB di memoria: forse un ciclo che fa crescere senza fine un array o un testo nel modello (il limite si cambia con INTEGRA_TEMPLATE_MB)"
    )]
    TooBig(u64),
    /// Compilation stopped without a result (a fault inside Typst).
    #[error("la compilazione del modello si è interrotta senza un risultato")]
    Stopped,
}

/// What a template's compilation may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall time.
    pub time: std::time::Duration,
    /// Memory beyond what the run held when compilation began, in MiB.
    pub memory_mib: u64,
}

/// How often the waiting thread looks at the clock and the memory.
const POLL: std::time::Duration = std::time::Duration::from_millis(10);

/// The process's resident memory, in bytes (Linux: `/proc/self/status`);
/// `None` where the system does not say, and then memory is not bounded.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kib * 1024)
}

fn describe(world: &ReportWorld, diags: &[SourceDiagnostic]) -> String {
    let mut out = Vec::new();
    for d in diags {
        let kind = if d.severity == TypstSeverity::Error { "errore" } else { "avviso" };
        let location = match d.span.get() {
            DiagSpanKind::Detached => None,
            DiagSpanKind::Number { id, .. } | DiagSpanKind::Range { id, .. } => {
                let range = typst::WorldExt::range(world, d.span);
                let line = range.and_then(|r| world.lookup(id).and_then(|s| s.lines().byte_to_line_column(r.start)));
                Some(match line {
                    Some((l, c)) => format!("{}:{}:{}", world.display_path(id), l + 1, c + 1),
                    None => world.display_path(id),
                })
            }
        };
        let mut s = match location {
            Some(loc) => format!("{loc}: {kind}: {}", d.message),
            None => format!("{kind}: {}", d.message),
        };
        for h in &d.hints {
            s.push_str(&format!("\n  suggerimento: {}", h.v));
        }
        out.push(s);
    }
    out.join("\n")
}

/// The document id of a report's PDF (same report, same id).
pub fn ident(report: &crate::aggregate::Report) -> String {
    format!("integra/{}/{}", report.centre.comune, report.period.code)
}

/// [`render`] within [`Limits`]: the compilation runs on its own thread
/// while this one looks, every few milliseconds, at the clock and at the
/// process's resident memory; past either limit the run ends with
/// [`PdfError::TooSlow`] or [`PdfError::TooBig`] (the process exits with
/// it; the thread is not waited for).
///
/// Why a watchdog: Typst 0.15 bounds loops (`while`, 10,000 turns), calls
/// and show rules, but not memory, and its `World` sees no allocation; a
/// counting allocator would need `unsafe` (forbidden here) and could only
/// abort. The resident memory is what the machine feels, and an array
/// doubled in a loop fills it a page at a time, so it is seen within a few
/// milliseconds of the limit.
pub fn render_within(
    limits: Limits,
    template: TemplateSource,
    data: Vec<u8>,
    date: NaiveDate,
    ident: &str,
) -> Result<Vec<u8>, PdfError> {
    use std::sync::mpsc::RecvTimeoutError;
    let (tx, rx) = std::sync::mpsc::channel();
    let ident = ident.to_string();
    let start = std::time::Instant::now();
    let base = resident_bytes();
    std::thread::Builder::new()
        .name("typst".into())
        .spawn(move || {
            let _ = tx.send(render(template, data, date, &ident));
        })
        .map_err(|e| PdfError::Template(e.to_string()))?;
    let budget = limits.memory_mib.saturating_mul(1 << 20);
    loop {
        match rx.recv_timeout(POLL) {
            Ok(result) => return result,
            Err(RecvTimeoutError::Disconnected) => return Err(PdfError::Stopped),
            Err(RecvTimeoutError::Timeout) => {}
        }
        if start.elapsed() >= limits.time {
            return Err(PdfError::TooSlow(limits.time.as_secs()));
        }
        if let (Some(base), Some(now)) = (base, resident_bytes())
            && now.saturating_sub(base) > budget
        {
            return Err(PdfError::TooBig(limits.memory_mib));
        }
    }
}

/// Compiles the template over `data` (the report JSON) and returns the PDF.
pub fn render(template: TemplateSource, data: Vec<u8>, date: NaiveDate, ident: &str) -> Result<Vec<u8>, PdfError> {
    use chrono::Datelike;
    let world = ReportWorld::new(template, data, date);
    let result = typst::compile::<PagedDocument>(&world);
    let doc = result.output.map_err(|errs| PdfError::Template(describe(&world, &errs)))?;
    let timestamp =
        Datetime::from_ymd_hms(date.year(), date.month() as u8, date.day() as u8, 0, 0, 0).map(Timestamp::new_utc);
    let export = |standards: &[PdfStandard]| -> Result<Vec<u8>, PdfError> {
        let options = PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            creator: Smart::Custom(Some(format!("integra {}", env!("CARGO_PKG_VERSION")))),
            timestamp,
            page_ranges: None,
            standards: PdfStandards::new(standards).map_err(|e| PdfError::Template(e.message().to_string()))?,
            tagged: true,
            pretty: false,
        };
        typst_pdf::pdf(&doc, &options).map_err(|errs| PdfError::Template(describe(&world, &errs)))
    };
    // Archival and accessible: PDF/A-2a and PDF/UA-1 together (the default
    // template meets both). A template of one's own that misses what PDF/UA-1
    // alone asks (a document title, say) still gets PDF/A-2a.
    let pdf = export(&[PdfStandard::A_2a, PdfStandard::Ua_1]).or_else(|_| export(&[PdfStandard::A_2a]))?;
    typst::comemo::evict(0);
    Ok(pdf)
}

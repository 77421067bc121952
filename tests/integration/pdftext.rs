//! The text of a PDF, for tests: what `integra verify` reads of a page
//! (`integra::render::pdfread`, with the PDF interpreter typst already
//! builds), lines top to bottom and words left to right, pages separated
//! by a form feed. Close to `pdftotext -layout` for what the tests look
//! for: words in reading order, a table row on one line.

/// The text of the PDF at `path`, page after page.
pub fn pdf_text(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let seen = integra::render::pdfread::read(&bytes, true)
        .unwrap_or_else(|e| panic!("{}: not a PDF integra reads ({e})", path.display()));
    let pages: Vec<String> = seen.pages.iter().map(|p| p.lines.iter().map(|l| format!("{l}\n")).collect()).collect();
    pages.join("\u{c}")
}

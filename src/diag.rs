//! Diagnostics: what is wrong in the registers, where, and what to do.
//!
//! Every check produces [`Diagnostic`]s into a [`Diagnostics`] list; the
//! renderers (`render::diagnostics`) print them as text or JSON. Codes are
//! stable (docs/DIAGNOSTICS.md lists them) so scripts may rely on them.

use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks the report.
    Error,
    /// Counted in the report's data-quality appendix.
    Warning,
    /// Worth knowing; nothing to fix.
    Info,
}

impl Severity {
    /// The Italian word printed in text output.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "errore",
            Severity::Warning => "avviso",
            Severity::Info => "nota",
        }
    }
}

/// One problem found in a register or in `centro.toml`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Error, warning or info.
    pub severity: Severity,
    /// Stable kebab-case code (`date-invalid`).
    pub code: &'static str,
    /// Register name (`accessi`) or `centro.toml`.
    pub register: String,
    /// Path relative to the data folder (for a workbook, the workbook).
    pub file: String,
    /// Sheet name, for registers read from a workbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Physical line (1-based) or spreadsheet row.
    pub line: Option<usize>,
    /// Canonical column name.
    pub column: Option<String>,
    /// The offending text.
    pub value: Option<String>,
    /// One sentence, Italian.
    pub message: String,
    /// A suggested fix.
    pub hint: Option<String>,
    /// In an ambito, the centre whose registers these are (`ambito.toml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub centre: Option<String>,
    /// Diagnostics about the same thing share a group (a hash of a value
    /// that must not be shown, e.g. an id that looks like personal data).
    #[serde(skip)]
    pub group: Option<u64>,
}

/// The group of diagnostics about `value`, which itself is never kept.
pub fn group_of(value: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(value)
}

/// Where in a register a diagnostic points: file, sheet, register name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Register name.
    pub register: String,
    /// Path relative to the data folder.
    pub file: String,
    /// Sheet, for workbooks.
    pub sheet: Option<String>,
}

impl Source {
    /// A source for `register` read from `file`.
    pub fn new(register: &str, file: &str) -> Source {
        Source { register: register.to_string(), file: file.to_string(), sheet: None }
    }

    /// Starts a diagnostic located in this source.
    pub fn diag(&self, severity: Severity, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            register: self.register.clone(),
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            line: None,
            column: None,
            value: None,
            message: message.into(),
            hint: None,
            centre: None,
            group: None,
        }
    }
}

impl Diagnostic {
    /// Sets the line.
    pub fn line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the canonical column.
    pub fn column(mut self, column: &str) -> Self {
        self.column = Some(column.to_string());
        self
    }

    /// Sets the line when it is known.
    pub fn maybe_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    /// Sets the canonical column when there is one.
    pub fn maybe_column(mut self, column: Option<&str>) -> Self {
        self.column = column.map(str::to_string);
        self
    }

    /// Sets the offending value (cut to what a message may quote).
    pub fn value(mut self, value: impl Into<String>) -> Self {
        let value = value.into();
        self.value = Some(crate::text::short(&value).into_owned());
        self
    }

    /// Sets the hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the hint when there is one.
    pub fn maybe_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
}

/// The diagnostics of one run, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds many.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Drops every diagnostic added after the first `len`.
    pub fn truncate(&mut self, len: usize) {
        self.items.truncate(len);
    }

    /// Keeps, from index `from` on, only the diagnostics `keep` accepts.
    pub fn retain_from(&mut self, from: usize, mut keep: impl FnMut(&Diagnostic) -> bool) {
        let mut i = 0;
        self.items.retain(|d| {
            i += 1;
            i <= from || keep(d)
        });
    }

    /// How many have severity `s`.
    pub fn count(&self, s: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == s).count()
    }

    /// Only those as serious as `s` or more (errors, then warnings, then
    /// notes), for what `--quiet` and `report` print.
    pub fn at_least(&self, s: Severity) -> Diagnostics {
        Diagnostics { items: self.items.iter().filter(|d| d.severity <= s).cloned().collect() }
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All, in order found.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Sorted for display: by file, sheet, line (diagnostics without a line
    /// first), then severity and code.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| {
            a.file
                .cmp(&b.file)
                .then_with(|| a.sheet.cmp(&b.sheet))
                .then_with(|| a.line.cmp(&b.line))
                .then_with(|| a.severity.cmp(&b.severity))
                .then_with(|| a.code.cmp(b.code))
        });
        v
    }
}

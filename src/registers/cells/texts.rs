//! Ids and free text: checked for personal data (`crate::privacy`) and for
//! characters the report cannot print (`crate::glyphs`); the diagnostics
//! say where, never what.

use std::borrow::Cow;

use crate::diag::{Diagnostics, Severity, Source};
use crate::read::Row;

use super::state::{Cells, Fit};

impl Cells<'_> {
    /// A pseudonymous id; one that looks like personal data is reported
    /// (where, never the value itself: the warning goes into the report).
    pub fn id<'r>(&mut self, d: &mut Diagnostics, row: &'r Row, col: usize) -> Option<&'r str> {
        let v = self.text(d, row, col)?;
        // Reported on every row here; `registers::load_one` keeps the first
        // per id among the rows that stay (with --period some are dropped).
        if let Some(what) = crate::privacy::id_looks_personal(v) {
            let mut diag = self
                .src
                .diag(
                    Severity::Warning,
                    "id-personal-data",
                    format!(
                        "il codice nella colonna «{}» sembra {what}: i registri devono usare codici pseudonimi",
                        self.spec.columns[col].name
                    ),
                )
                .line(row.line)
                .column(self.spec.columns[col].name)
                .hint(
                    "sostituisci con un codice come U2025-001 e tieni la corrispondenza solo nell'archivio riservato",
                );
            diag.group = Some(crate::diag::group_of(&crate::text::fold(v)));
            d.push(diag);
        }
        Some(v)
    }

    /// Free text that goes into the report (titles, descriptions, partners,
    /// outcomes), made fit to be shown: see [`Cells::shown`].
    pub fn free_text<'r>(&mut self, d: &mut Diagnostics, row: &'r Row, col: usize) -> Option<Cow<'r, str>> {
        let v = self.text(d, row, col)?;
        Some(self.shown(d, row, col, v))
    }

    /// Text of column `col` as the report shows it: any personal datum
    /// replaced (`text-personal-data`), control characters removed and
    /// characters no embedded font has replaced (`text-unprintable`), each
    /// warned at its cell without quoting what was removed.
    pub fn shown<'r>(&mut self, d: &mut Diagnostics, row: &Row, col: usize, v: &'r str) -> Cow<'r, str> {
        let name = self.spec.columns[col].name;
        let fit = match self.fit.get(v) {
            // The usual case, a text seen before and shown as written.
            Some(fit) if fit.is_clean() => return Cow::Borrowed(v),
            Some(fit) => fit.clone(),
            None => {
                let fit = Fit::of(v, &self.centro.contatti);
                if v.len() <= FIT_CACHED_BYTES && self.fit.len() < FIT_CACHED_TEXTS {
                    self.fit.insert(v.to_string(), fit.clone());
                }
                fit
            }
        };
        for what in &fit.personal {
            d.push(personal_text(&self.src, row.line, Some(name), what));
        }
        if let Some(bad) = &fit.unprintable {
            d.push(unprintable_text(&self.src, row.line, Some(name), bad));
        }
        fit.shown.map_or(Cow::Borrowed(v), Cow::Owned)
    }
}

/// Texts up to this long are remembered once made fit to show.
const FIT_CACHED_BYTES: usize = 64;
/// At most this many of them per register.
const FIT_CACHED_TEXTS: usize = 4096;

/// A personal datum found in free text at `line` (and `column`): where,
/// never what.
pub fn personal_text(src: &Source, line: usize, column: Option<&str>, what: &str) -> crate::diag::Diagnostic {
    let place = column.map_or_else(|| "il testo".to_string(), |c| format!("la colonna «{c}»"));
    src.diag(
        Severity::Warning,
        "text-personal-data",
        format!("{place} contiene {what}: nel report è sostituito da «{}»", crate::privacy::REDACTED),
    )
    .line(line)
    .maybe_column(column)
    .hint("i testi che finiscono nel report non devono contenere dati personali: togli il dato dal registro")
}

/// An access or application naming a user not in `utenti`. The code is
/// quoted unless it looks like personal data (then only the row says it).
pub fn unknown_user(src: &Source, line: usize, code: &str, hint: &str) -> crate::diag::Diagnostic {
    let d = if crate::privacy::id_looks_personal(code).is_some() {
        src.diag(Severity::Error, "user-unknown", "il codice utente di questa riga non è nel registro utenti")
    } else {
        src.diag(Severity::Error, "user-unknown", format!("l'utente «{code}» non è nel registro utenti")).value(code)
    };
    d.line(line).column("utente").hint(hint)
}

/// Text that cannot be shown as written, at `line` (and `column`).
pub fn unprintable_text(
    src: &Source,
    line: usize,
    column: Option<&str>,
    found: &crate::glyphs::Found,
) -> crate::diag::Diagnostic {
    let place = column.map_or_else(|| "il testo".to_string(), |c| format!("la colonna «{c}»"));
    src.diag(Severity::Warning, "text-unprintable", format!("{place} contiene {}: {}", found.describe(), found.consequence()))
        .line(line)
        .maybe_column(column)
        .hint("riscrivi il testo in caratteri latini (o greci e cirillici); i caratteri di controllo vengono da copia e incolla: riscrivi la cella")
}

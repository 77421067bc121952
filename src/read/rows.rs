//! The structural checks of every data row, wherever it was read: blank
//! rows skipped, a repeated header, error cells, too many or too few cells,
//! values under a blank header. The rows that pass go to the parser.

use std::collections::HashSet;

use csv::StringRecord;

use crate::diag::{Diagnostics, Severity, Source};
use crate::text::trim_cell;

use super::workbook::{DateSystem, Flaw};
use super::{Header, Located};

/// One data row: the record and the header that maps it.
pub struct Row<'a> {
    rec: &'a StringRecord,
    header: &'a Header,
    /// Physical line where the row starts.
    pub line: usize,
    /// Canonical columns whose cell is flawed (an error value, a formula
    /// without its value, a merged cell): already reported, read as absent.
    pub(crate) flawed: &'a [usize],
}

impl Row<'_> {
    /// The trimmed cell of canonical column `idx` ("" when absent).
    #[inline]
    pub fn get(&self, idx: usize) -> &str {
        self.header.map[idx].and_then(|f| self.rec.get(f)).map_or("", trim_cell)
    }

    /// Whether the cell of canonical column `idx` is flawed (reported by the
    /// reader): a parser reads it as absent without reporting it again.
    pub fn is_flawed(&self, idx: usize) -> bool {
        self.flawed.contains(&idx)
    }

    /// The date system of a number in a date column: the workbook's, for a
    /// sheet; `None` for delimited text, where a number is not a date.
    pub fn serials(&self) -> Option<DateSystem> {
        self.header.serials
    }

    /// A hash of all the row's cells, for spotting identical rows.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        for f in self.rec.iter().take(self.header.width) {
            trim_cell(f).hash(&mut h);
        }
        h.finish()
    }
}

/// The structural checks of every data row: error cells, too many or too
/// few cells, values under a blank header.
pub(crate) struct RowChecker<'a> {
    loc: &'a Located,
    src: &'a Source,
    header: &'a Header,
    blank_reported: HashSet<usize>,
}

impl<'a> RowChecker<'a> {
    pub(crate) fn new(loc: &'a Located, src: &'a Source, header: &'a Header) -> RowChecker<'a> {
        RowChecker { loc, src, header, blank_reported: HashSet::new() }
    }

    /// Checks one record and hands it to `each` when it can be read; returns
    /// 1 when it counts as a data row (not blank), else 0.
    pub(crate) fn handle(
        &mut self,
        line: usize,
        rec: &StringRecord,
        flaws: &[(usize, Flaw)],
        diags: &mut Diagnostics,
        each: &mut impl FnMut(&Row, &mut Diagnostics),
    ) -> usize {
        let (src, header) = (self.src, self.header);
        // Only flaws in columns integra reads make a blank row a record: an
        // error of a helper formula copied down past the data does not.
        let flaws: Vec<&(usize, Flaw)> = flaws.iter().filter(|(f, _)| header.map.contains(&Some(*f))).collect();
        if is_blank(rec) && flaws.is_empty() {
            return 0;
        }
        if header.repeated_by(rec) {
            diags.push(
                src.diag(
                    Severity::Warning,
                    "header-repeated",
                    format!("questa riga ripete l'intestazione della riga {}: è stata saltata", header.line),
                )
                .line(line)
                .hint("forse due esportazioni incollate una dopo l'altra: togli la riga ripetuta (e controlla che le righe non siano doppie)"),
            );
            return 0;
        }
        // A totals row under the data («Totale», a count or a sum beside
        // it) is not a record: one error for it, not one per cell.
        if let Some(first) = rec.iter().map(trim_cell).find(|c| !c.is_empty())
            && crate::text::is_total_label(first)
        {
            diags.push(
                src.diag(
                    Severity::Error,
                    "row-total",
                    format!("questa riga sembra una riga di totali («{}»), non un record del registro", crate::text::short(first)),
                )
                .line(line)
                .value(first.to_string())
                .hint("cancella la riga dal registro: i totali li calcola integra (se servono nel foglio, mettili in un altro foglio)"),
            );
            return 1;
        }
        // Cells whose value cannot be read as the person sees it: report
        // those in columns integra reads, and do not parse the row further
        // (its values are unknown).
        let mut flawed: Vec<usize> = Vec::new();
        for &(field, flaw) in &flaws {
            let Some(col) = header.map.iter().position(|m| *m == Some(*field)) else { continue };
            flawed.push(col);
            let at = |code, what: String| {
                src.diag(Severity::Error, code, what).line(line).column(self.loc.spec.columns[col].name)
            };
            diags.push(match flaw {
                Flaw::Error(shown) => at(
                    "cell-error",
                    format!("la cella contiene l'errore «{shown}» (di una formula o di un collegamento)"),
                )
                .value(shown.clone())
                .hint("correggi la formula nel foglio di calcolo, oppure scrivi il valore al suo posto"),
                Flaw::NoValue(formula) => at(
                    "formula-no-value",
                    format!(
                        "la cella contiene la formula «={}» ma il file non ne conserva il risultato",
                        crate::text::short(formula.trim_start_matches('='))
                    ),
                )
                .value(format!("={}", formula.trim_start_matches('=')))
                .hint("apri e salva il file in Excel o LibreOffice: il risultato delle formule viene calcolato e salvato"),
                Flaw::Merged { anchor, value } => at(
                    "cell-merged",
                    format!(
                        "la cella è unita alla cella {anchor} («{}»): il valore si vede anche qui, ma nel file è scritto solo in {anchor}",
                        crate::text::short(&shown_value(value))
                    ),
                )
                .value("")
                .hint("separa le celle unite (Excel: Home > Unisci e allinea al centro > Dividi celle; LibreOffice: Formato > Unisci celle > Separa celle) e scrivi il valore in ogni riga"),
            });
        }
        // A cell far longer than its column can hold is reported, quoted
        // short, and its row not parsed (no fuzzy matching of 10 MB).
        let mut broken = false;
        for (col, field) in header.map.iter().enumerate() {
            let spec = &self.loc.spec.columns[col];
            let Some(cell) = field.and_then(|f| rec.get(f)) else { continue };
            let max = crate::schema::max_chars(spec.kind);
            if cell.len() <= max {
                continue;
            }
            let n = cell.chars().count();
            if n > max {
                diags.push(
                    src.diag(
                        Severity::Error,
                        "value-too-long",
                        format!(
                            "la cella è lunga {n} caratteri: nella colonna «{}» ne sono ammessi al massimo {max}",
                            spec.name
                        ),
                    )
                    .line(line)
                    .column(spec.name)
                    .value(trim_cell(cell))
                    .hint(if spec.kind == crate::schema::Kind::Text {
                        "accorcia il testo: nel report va un titolo o un paragrafo, non un documento"
                    } else {
                        "forse un testo incollato nella colonna sbagliata, o un separatore mancante tra due celle"
                    }),
                );
                broken = true;
            }
        }
        if broken {
            return 1;
        }
        // By index: skipping the header's cells one by one cost a tenth of
        // what reading a row of the access log costs (callgrind).
        let extra = (header.width..rec.len()).position(|i| rec.get(i).is_some_and(|c| !trim_cell(c).is_empty()));
        if let Some(pos) = extra {
            diags.push(
                src.diag(
                    Severity::Error,
                    "row-too-long",
                    format!(
                        "la riga ha valori oltre le {} colonne dell'intestazione (colonna {})",
                        header.width,
                        header.width + pos + 1
                    ),
                )
                .line(line)
                .value(trim_cell(&rec[header.width + pos]).to_string())
                .hint("forse un separatore (; o ,) dentro una cella: racchiudi la cella tra virgolette o toglilo"),
            );
            return 1;
        }
        let named = header.named;
        // A sheet has no "short" rows: empty cells at the end are not stored.
        if rec.len() < named && self.loc.sheet.is_none() {
            diags.push(
                src.diag(
                    Severity::Warning,
                    "row-too-short",
                    format!(
                        "la riga ha {} celle ma l'intestazione ne ha {}: le celle mancanti sono lette come vuote",
                        rec.len(),
                        named
                    ),
                )
                .line(line),
            );
        }
        for &b in &header.blank {
            if rec.get(b).is_some_and(|c| !trim_cell(c).is_empty()) && self.blank_reported.insert(b) {
                diags.push(
                    src.diag(
                        Severity::Error,
                        "column-blank",
                        format!("la colonna {} non ha intestazione ma contiene valori", b + 1),
                    )
                    .line(line)
                    .value(trim_cell(&rec[b]).to_string())
                    .hint("scrivi il nome della colonna nella riga di intestazione, oppure svuota la colonna"),
                );
            }
        }
        // A row with flawed cells is still parsed, those cells read as
        // absent: its id is declared (no "unknown user" for every access
        // of a user whose closing date is a formula) and its other cells
        // checked.
        each(&Row { rec, header, line, flawed: &flawed }, diags);
        1
    }
}

/// A merged cell's value as the sheet shows it (a date as dd/mm/yyyy),
/// never personal data: a name or codice fiscale is said, not quoted.
fn shown_value(value: &str) -> String {
    if let Some(what) = crate::privacy::id_looks_personal(value) {
        return format!("{what}, non riportato");
    }
    match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(d) => crate::dates::short_date(d),
        Err(_) => crate::privacy::redact(value).0.into_owned(),
    }
}

pub(super) fn is_blank(rec: &StringRecord) -> bool {
    rec.iter().all(|c| trim_cell(c).is_empty())
}

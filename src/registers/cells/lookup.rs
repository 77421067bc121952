//! Cells looked up in a reference list (countries, request types, comuni):
//! each distinct value is matched once and cached; variant spellings are
//! counted for the notes `Cells::finish` leaves.

use crate::diag::{Diagnostics, Severity};
use crate::read::Row;
use crate::reference::{ComuneId, ComuneMatch, Comuni, Countries, CountryId, CountryMatch, Resolved};
use crate::text::{fold, maybe_hint, nearest};

use super::state::{Cells, cached};

/// Whether a country cell is two letters, the shape of an ISO code and of
/// many Italian words and province abbreviations.
pub(super) fn is_two_letters(v: &str) -> bool {
    v.len() == 2 && v.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Two-letter Italian words that are also ISO country codes (`SI`
/// Slovenia, `NO` Norway, `MA` Morocco, `IN` India, …).
const ITALIAN_WORDS: [&str; 12] = ["SI", "NO", "MA", "SE", "IN", "IL", "LA", "NE", "IO", "VA", "SO", "RE"];

/// Whether a country cell is an ISO code's shape (two or three letters).
fn is_code(v: &str) -> bool {
    (v.len() == 2 || v.len() == 3) && v.bytes().all(|b| b.is_ascii_alphabetic())
}

impl Cells<'_> {
    /// Warnings for the two-letter codes of a column that holds country
    /// names: `NA`, `NO`, `SI` are Namibia, Norway and Slovenia as codes,
    /// but in an Italian register more likely Napoli, «no» and «sì». A
    /// column mostly of codes reads them as codes without a word.
    pub(super) fn two_letter_codes(&mut self, d: &mut Diagnostics) {
        let codes = self.countries.keys().filter(|v| is_code(v)).count();
        let names = self.countries.len() - codes;
        if codes >= names {
            return;
        }
        let countries = Countries::get();
        let col = self.spec.columns.iter().find(|c| c.kind == crate::schema::Kind::Country).map_or("paese", |c| c.name);
        let mut held: Vec<_> = std::mem::take(&mut self.two_letter).into_iter().filter(|(_, e)| e.2 > 0).collect();
        held.sort_by_key(|(_, (_, line, _))| *line);
        for (value, (id, line, n)) in held {
            let country = &countries.country(id).name;
            let upper = value.to_ascii_uppercase();
            // Only a code with another reading in an Italian register is in
            // doubt: `NG` is Nigeria whatever the column holds.
            if crate::reference::region(&upper).is_none() && !ITALIAN_WORDS.contains(&upper.as_str()) {
                continue;
            }
            let italian = match upper.as_str() {
                "SI" => "«sì» o la sigla della provincia di Siena",
                "NO" => "«no» o la sigla della provincia di Novara",
                "NA" => "«non disponibile» o la sigla della provincia di Napoli",
                _ if crate::reference::region(&upper).is_some() => "la sigla di una provincia italiana",
                _ => "una parola italiana",
            };
            d.push(
                self.src
                    .diag(
                        Severity::Warning,
                        "country-code-ambiguous",
                        format!(
                            "«{value}» è letto come la sigla internazionale (ISO) di {country} ({n} {}), ma la colonna contiene nomi di paesi: potrebbe essere {italian}",
                            if n == 1 { "riga" } else { "righe" }
                        ),
                    )
                    .line(line)
                    .column(col)
                    .value(value)
                    .hint(format!("se è {country}, scrivi «{country}»; altrimenti correggi la cella")),
            );
        }
    }

    /// A country by Italian or English name, variant or ISO code.
    pub fn country(&mut self, d: &mut Diagnostics, row: &Row, col: usize) -> Option<CountryId> {
        let v = self.text(d, row, col)?;
        let countries = Countries::get();
        let m = cached(&mut self.countries, v, || countries.lookup(v));
        match m {
            CountryMatch::Exact(id) if is_two_letters(v) => {
                // Whether a two-letter value is a code is decided from the
                // whole column (`finish`): counted here, held for a warning.
                let e = self.two_letter.entry(v.to_string()).or_insert((id, row.line, 0));
                e.1 = if e.2 == 0 { row.line } else { e.1.min(row.line) };
                e.2 += 1;
                self.row_codes.push(v.to_string());
                Some(id)
            }
            CountryMatch::Exact(id) => Some(id),
            CountryMatch::Variant(id) => {
                match self.variants.get_mut(v) {
                    // A count back at 0 (rows left out by the period): this row is the first.
                    Some(e) if e.2 == 0 => *e = (e.0.clone(), row.line, 1),
                    Some(e) => e.2 += 1,
                    None => {
                        self.variants.insert(v.to_string(), (countries.country(id).name.clone(), row.line, 1));
                    }
                }
                self.row_variants.push(v.to_string());
                Some(id)
            }
            CountryMatch::Unknown(near) => {
                let names: Vec<&str> = near.iter().map(String::as_str).collect();
                let hint = maybe_hint(&names)
                    .unwrap_or_else(|| "scrivi il nome italiano del paese (es. Nigeria) o il codice ISO (NG)".into());
                d.push(
                    self.at(row, col, Severity::Error, "country-unknown", format!("paese «{v}» non riconosciuto"))
                        .value(v)
                        .hint(hint),
                );
                None
            }
        }
    }

    /// A request type from `centro.toml`'s vocabulary. With no vocabulary,
    /// every value is accepted and collected into `extra`.
    pub fn request_type(
        &mut self,
        d: &mut Diagnostics,
        row: &Row,
        col: usize,
        extra: &mut crate::registers::model::Interner,
    ) -> Option<u16> {
        let v = self.text(d, row, col)?;
        let vocab = &self.centro.tipo_richiesta;
        if vocab.is_empty() {
            // Without a vocabulary the text itself is what the report shows.
            let i = extra.intern(&self.shown(d, row, col, v));
            if i < u32::from(u16::MAX) {
                return Some(i as u16);
            }
            let what = "troppi tipi di richiesta diversi (più di 65.535) senza un elenco in centro.toml";
            d.push(self.unknown_type(
                row,
                col,
                v,
                what,
                "elenca i tipi di richiesta in centro.toml, [vocabolari] tipo_richiesta",
            ));
            return None;
        }
        let r = cached(&mut self.types, v, || {
            let key = fold(v);
            match vocab.iter().position(|t| fold(t) == key) {
                Some(i) => Ok(i as u16),
                None => Err(maybe_hint(&nearest(v, vocab.iter().map(String::as_str), 2))),
            }
        });
        match r {
            Ok(i) => Some(i),
            Err(hint) => {
                let hint = hint.unwrap_or_else(|| "usa uno dei tipi elencati in centro.toml, [vocabolari] tipo_richiesta (o aggiungi lì il nuovo tipo)".into());
                d.push(self.unknown_type(
                    row,
                    col,
                    v,
                    format!("tipo di richiesta «{v}» non previsto in centro.toml"),
                    hint,
                ));
                None
            }
        }
    }

    /// `request-type-unknown` at the cell, for value `v`.
    fn unknown_type(
        &self,
        row: &Row,
        col: usize,
        v: &str,
        what: impl Into<String>,
        hint: impl Into<String>,
    ) -> crate::diag::Diagnostic {
        self.at(row, col, Severity::Error, "request-type-unknown", what).value(v).hint(hint)
    }

    /// A comune of the ISTAT list.
    pub fn comune(&mut self, d: &mut Diagnostics, row: &Row, col: usize) -> Option<ComuneId> {
        let v = self.text(d, row, col)?;
        let home = self.home;
        let m = cached(&mut self.comuni, v, || Comuni::get().find(v, home));
        let comuni = Comuni::get();
        let named = |i: ComuneId| format!("{} ({})", comuni.comune(i).name, comuni.comune(i).province);
        match m {
            ComuneMatch::Found(id) => Some(id),
            ComuneMatch::Homonym(id, how, ids) => {
                // A bare name several comuni bear: said once per spelling.
                if self.homonyms_noted.insert(v.to_string()) {
                    let options: Vec<String> = ids.iter().map(|&i| format!("«{}»", named(i))).collect();
                    let taken = named(id);
                    let (sev, why) = match how {
                        Resolved::Province => (Severity::Info, "l'unico nella provincia del centro".to_string()),
                        Resolved::Region => (Severity::Info, "l'unico nella regione del centro".to_string()),
                        Resolved::First => (
                            Severity::Warning,
                            "nessuno è nella provincia o nella regione del centro: preso il primo dell'elenco ISTAT"
                                .to_string(),
                        ),
                    };
                    d.push(
                        self.at(
                            row,
                            col,
                            sev,
                            "comune-homonym",
                            format!("«{v}» è il nome di più comuni: contato come {taken} ({why})"),
                        )
                        .value(v)
                        .hint(format!("se era un altro, scrivi anche la provincia: {}", options.join(" o "))),
                    );
                }
                Some(id)
            }
            ComuneMatch::Suppressed(s) => {
                let now = named(s.successor);
                let since = chrono::NaiveDate::parse_from_str(&s.since, "%Y-%m-%d")
                    .map(crate::dates::long_date)
                    .unwrap_or_else(|_| s.since.clone());
                d.push(
                    self.at(
                        row,
                        col,
                        Severity::Error,
                        "comune-suppressed",
                        if s.renamed {
                            format!("«{v}» ({}) dal {since} si chiama {now}", s.province)
                        } else {
                            format!("«{v}» ({}) non è più un comune dal {since}: ora fa parte di {now}", s.province)
                        },
                    )
                    .value(v)
                    .hint(format!("scrivi il comune di oggi: «{}»", comuni.comune(s.successor).name)),
                );
                None
            }
            ComuneMatch::Unknown(near) => {
                let hint = maybe_hint(&near.iter().map(String::as_str).collect::<Vec<_>>())
                    .unwrap_or_else(|| "scrivi il nome del comune come nell'elenco ISTAT (es. Jesi)".into());
                d.push(
                    self.at(
                        row,
                        col,
                        Severity::Error,
                        "comune-unknown",
                        format!("comune «{v}» non trovato nell'elenco ISTAT"),
                    )
                    .value(v)
                    .hint(hint),
                );
                None
            }
        }
    }
}

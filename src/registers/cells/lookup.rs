//! Cells looked up in a reference list (countries, request types, comuni):
//! each distinct value is matched once and cached; variant spellings are
//! counted for the notes `Cells::finish` leaves.

use crate::diag::{Diagnostics, Severity};
use crate::read::Row;
use crate::reference::{ComuneId, Comuni, Countries, CountryId, CountryMatch};
use crate::text::{fold, maybe_hint, nearest};

use super::{Cells, cached};

impl Cells<'_> {
    /// A country by Italian or English name, variant or ISO code.
    pub fn country(&mut self, d: &mut Diagnostics, row: &Row, col: usize) -> Option<CountryId> {
        let v = self.text(d, row, col)?;
        let countries = Countries::get();
        let m = cached(&mut self.countries, v, || countries.lookup(v));
        match m {
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
        let r = cached(&mut self.comuni, v, || {
            let comuni = Comuni::get();
            comuni
                .lookup(v)
                .map(|id| (id, comuni.homonyms(v).is_some()))
                .map_err(|near| maybe_hint(&near.iter().map(String::as_str).collect::<Vec<_>>()))
        });
        match r {
            Ok((id, homonym)) => {
                // A bare name two comuni bear: the first is taken; say which.
                if homonym
                    && self.homonyms_noted.insert(v.to_string())
                    && let Some(ids) = Comuni::get().homonyms(v)
                {
                    let comuni = Comuni::get();
                    let options: Vec<String> = ids
                        .iter()
                        .map(|&i| format!("«{} ({})»", comuni.comune(i).name, comuni.comune(i).province))
                        .collect();
                    let taken = comuni.comune(id);
                    d.push(
                        self.at(
                            row,
                            col,
                            Severity::Info,
                            "comune-homonym",
                            format!("«{v}» è il nome di più comuni: letto come {} ({})", taken.name, taken.province),
                        )
                        .value(v)
                        .hint(format!("se era un altro, scrivi anche la provincia: {}", options.join(" o "))),
                    );
                }
                Some(id)
            }
            Err(hint) => {
                let hint = hint.unwrap_or_else(|| "scrivi il nome del comune come nell'elenco ISTAT (es. Jesi)".into());
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

//! `centro.toml`'s texts the report prints (the centre's name and prose,
//! the roles, the request types, `[testi]`, the open data's publisher and
//! rights holder), scanned like the registers'
//! free text (`crate::privacy`): a codice fiscale, an e-mail address, a
//! telephone number or a code of the registers is replaced and warned
//! about at its key. The desk's own contacts (`[centro] telefono`,
//! `email`) are spared.

use super::spans::Spans;
use super::{Centro, FILE};
use crate::diag::{Diagnostic, Severity, Source};
use crate::privacy::{self, Codes};

impl Centro {
    /// Takes the personal data and the `codes` of the registers out of the
    /// texts the report prints; a warning (`text-personal-data`, at the
    /// key's line, never quoting what) for each.
    pub fn scan_texts(&mut self, codes: &Codes) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let (exempt, spans) = (self.contatti.clone(), self.spans.clone());
        let mut scan = |text: &mut String, section: &str, key: &str| {
            let (clean, found) = privacy::redact_with(text, codes, &exempt);
            if found.is_empty() {
                return;
            }
            let clean = clean.into_owned();
            out.extend(found.into_iter().map(|what| personal(FILE, &spans, section, key, what)));
            *text = clean;
        };
        scan(&mut self.nome, "centro", "nome");
        for (text, key) in [
            (&mut self.descrizione, "descrizione"),
            (&mut self.note_orari, "note_orari"),
            (&mut self.note_personale, "note_personale"),
        ] {
            if let Some(text) = text {
                scan(text, "centro", key);
            }
        }
        for (text, key) in [(&mut self.dati_aperti.editore, "editore"), (&mut self.dati_aperti.titolare, "titolare")] {
            if let Some(text) = text {
                scan(text, "dati_aperti", key);
            }
        }
        for staff in &mut self.personale {
            scan(&mut staff.role, "personale", "ruolo");
        }
        for kind in &mut self.tipo_richiesta {
            scan(kind, "vocabolari", "tipo_richiesta");
        }
        for (texts, key) in [
            (&mut self.testi.utenti, "utenti"),
            (&mut self.testi.anagrafe, "anagrafe"),
            (&mut self.testi.domande, "domande"),
        ] {
            for paragraph in texts.iter_mut().flatten() {
                scan(paragraph, "testi", key);
            }
        }
        for (kind, paragraphs) in &mut self.testi.corsi {
            for paragraph in paragraphs {
                scan(paragraph, "testi.corsi", kind);
            }
        }
        out
    }
}

/// A personal datum found in the text of `key` in `[section]` of `file`
/// (`centro.toml`, `ambito.toml`).
pub(super) fn personal(file: &str, spans: &Spans, section: &str, key: &str, what: &str) -> Diagnostic {
    Source::new(file, file)
        .diag(
            Severity::Warning,
            "text-personal-data",
            format!("in [{section}] il testo di «{key}» contiene {what}: nel report è sostituito da «{}»", privacy::REDACTED),
        )
        .column(&format!("{section}.{key}"))
        .maybe_line(spans.line(section, key))
        .hint(format!("i testi di {file} vanno nel report così come sono scritti: togli il dato; il telefono e l'e-mail dello sportello si dichiarano in [centro] telefono ed email di centro.toml, e restano nei testi"))
}

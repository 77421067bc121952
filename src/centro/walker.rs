//! The [`Walker`] that goes through `centro.toml` key by key: each value
//! taken or refused (type, length, printable) with a diagnostic placed at
//! the line of its key, the texts' limits and the Garante's threshold. A
//! leaf under `parse` and `sections`, which both drive it.

use chrono::NaiveDate;
use toml::Value;

use super::model::Slot;
use super::spans::Spans;
use crate::dates::parse_date;
use crate::diag::{Diagnostic, Diagnostics, Severity, Source};

/// The smallest count the Garante per la protezione dei dati personali
/// lets statistics publish: «Il valore minimo attribuibile alla soglia è
/// pari a tre» (Regole deontologiche per trattamenti a fini statistici o di
/// ricerca scientifica effettuati nell'ambito del Sistema statistico
/// nazionale, Allegato A.4 al Codice in materia di protezione dei dati
/// personali, art. 4, comma 1, lettera a).
pub const GARANTE_MINIMO: i64 = 3;

pub(super) struct Walker {
    pub(super) spans: std::sync::Arc<Spans>,
    pub(super) src: Source,
    pub(super) diags: Diagnostics,
}

/// The longest text a key of `centro.toml` holds (a centre's name, a
/// request type, a role): longer is a paste gone wrong.
pub(super) const MAX_TEXT: usize = 200;
/// The longest paragraph of prose in `centro.toml`.
pub(super) const MAX_PARAGRAPH: usize = 4000;

impl Walker {
    pub(super) fn invalid(&mut self, section: &str, key: &str, value: &Value, what: &str) {
        let hint = format!("correggi il valore di «{key}» in {}", self.src.file);
        self.invalid_because(section, key, value, what, &hint);
    }

    /// [`Walker::invalid`] with its own hint.
    pub(super) fn invalid_because(&mut self, section: &str, key: &str, value: &Value, what: &str, hint: &str) {
        let d = self
            .src
            .diag(
                Severity::Error,
                "config-invalid",
                format!("in [{section}] la chiave «{}» deve essere {what}", crate::text::short(key)),
            )
            .value(value.to_string())
            .hint(hint);
        self.diags.push(self.at(d, section, key));
    }

    /// `[soglie] minimo_pubblicabile` set to `n`, below the Garante's 3.
    pub(super) fn threshold_low(&mut self, key: &str, n: i64) {
        let min = GARANTE_MINIMO;
        let d = self
            .src
            .diag(
                Severity::Warning,
                "threshold-low",
                format!(
                    "minimo_pubblicabile = {n}: la versione pubblica mostrerà conteggi di {n} persone, sotto la regola del Garante per la protezione dei dati personali (non si pubblicano conteggi inferiori a {min})"
                ),
            )
            .value(n.to_string())
            .hint(format!(
                "le regole deontologiche del Garante per i trattamenti a fini statistici fissano a {min} la soglia minima: scrivi minimo_pubblicabile = {min}, o tieni {n} solo se il Comune lo ha deciso consapevolmente"
            ));
        self.diags.push(self.at(d, "soglie", key));
    }

    pub(super) fn unknown(&mut self, section: &str, key: &str, known: &[&str]) {
        let hint = crate::text::maybe_hint(&crate::text::nearest(key, known.iter().copied(), 1))
            .unwrap_or_else(|| format!("le chiavi note sono: {}", known.join(", ")));
        let d = self
            .src
            .diag(
                Severity::Warning,
                "config-unknown-key",
                if section.is_empty() {
                    format!("la sezione o chiave «{}» non è usata da integra", crate::text::short(key))
                } else {
                    format!("la chiave «{}» in [{section}] non è usata da integra", crate::text::short(key))
                },
            )
            .hint(hint);
        self.diags.push(self.at(d, section, key));
    }

    /// `d` placed at `key` of `[section]`: its column (`section.key`) and
    /// the line where it is written.
    pub(super) fn at(&self, d: Diagnostic, section: &str, key: &str) -> Diagnostic {
        let column = if section.is_empty() { key.to_string() } else { format!("{section}.{key}") };
        d.column(&column).maybe_line(self.spans.line(section, key))
    }

    pub(super) fn string(&mut self, section: &str, key: &str, v: &Value) -> Option<String> {
        self.text_up_to(section, key, v, MAX_TEXT)
    }

    /// A paragraph of prose (a description, a note).
    pub(super) fn paragraph(&mut self, section: &str, key: &str, v: &Value) -> Option<String> {
        self.text_up_to(section, key, v, MAX_PARAGRAPH)
    }

    pub(super) fn text_up_to(&mut self, section: &str, key: &str, v: &Value, max: usize) -> Option<String> {
        match v {
            Value::String(s) => match unfit(s, max) {
                Some(what) => {
                    self.invalid(section, key, v, &what);
                    None
                }
                None => Some(s.trim().to_string()),
            },
            _ => {
                self.invalid(section, key, v, "un testo tra virgolette");
                None
            }
        }
    }

    /// Prose in paragraphs: one text (paragraphs parted by a blank line) or
    /// a list of texts (one a paragraph). Inside a paragraph, line breaks and
    /// runs of spaces become one space. Nothing written is `None`.
    pub(super) fn paragraphs(&mut self, section: &str, key: &str, v: &Value) -> Option<Vec<String>> {
        let whole = match v {
            Value::String(s) => s.clone(),
            Value::Array(a) if a.iter().all(Value::is_str) => {
                a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("\n\n")
            }
            _ => {
                self.invalid(section, key, v, "un testo tra virgolette (i paragrafi separati da una riga vuota)");
                return None;
            }
        };
        if let Some(what) = unfit(&whole, MAX_PARAGRAPH) {
            self.invalid(section, key, v, &what);
            return None;
        }
        let mut out = Vec::new();
        let mut current: Vec<&str> = Vec::new();
        for line in whole.lines().chain(std::iter::once("")) {
            if line.trim().is_empty() {
                if !current.is_empty() {
                    out.push(current.join(" "));
                    current.clear();
                }
            } else {
                current.extend(line.split_whitespace());
            }
        }
        (!out.is_empty()).then_some(out)
    }

    pub(super) fn date(&mut self, section: &str, key: &str, v: &Value) -> Option<NaiveDate> {
        let parsed = match v {
            Value::Datetime(dt) => {
                dt.date.and_then(|d| NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)))
            }
            Value::String(s) => parse_date(s).ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.invalid(section, key, v, "una data (es. 2025-01-02)");
        }
        parsed
    }

    pub(super) fn strings(&mut self, section: &str, key: &str, v: &Value) -> Vec<String> {
        let items: Vec<&str> = match v {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) if a.iter().all(Value::is_str) => a.iter().filter_map(Value::as_str).collect(),
            _ => {
                self.invalid(section, key, v, "un elenco di testi, es. [\"…\", \"…\"]");
                return Vec::new();
            }
        };
        // Each text under the same rules as a single one (length, printable).
        if let Some(what) = items.iter().find_map(|s| unfit(s, MAX_TEXT)) {
            self.invalid(section, key, v, &format!("un elenco di testi, ognuno {what}"));
            return Vec::new();
        }
        items.iter().map(|s| s.trim().to_string()).collect()
    }
}

/// Why a text of `centro.toml` cannot be taken (over `max` characters, or
/// with characters the report cannot print), as the end of "deve essere …".
pub(super) fn unfit(s: &str, max: usize) -> Option<String> {
    if s.chars().count() > max {
        return Some(format!("un testo di al massimo {max} caratteri"));
    }
    let (_, found) = crate::glyphs::clean(s);
    (!found.is_empty()).then(|| format!("un testo stampabile, senza {}", found.describe()))
}

pub(super) fn parse_slot(s: &str) -> Option<Slot> {
    fn minutes(t: &str) -> Option<u16> {
        let t = t.trim();
        let (h, m) = match t.split_once([':', '.']) {
            Some((h, m)) => (h.parse::<u16>().ok()?, m.parse::<u16>().ok()?),
            None => (t.parse::<u16>().ok()?, 0),
        };
        (h <= 24 && m < 60).then(|| h * 60 + m)
    }
    let (a, b) = s.split_once('-')?;
    let slot = Slot { from: minutes(a)?, to: minutes(b)? };
    (slot.from < slot.to).then_some(slot)
}

//! Walking `centro.toml` key by key into a [`Centro`]: every value checked
//! (type, length, printable), every unknown key named with the nearest
//! known one, every problem at the line where the key is written.

use chrono::NaiveDate;
use toml::{Table, Value};

use super::sections::{
    walk_centro, walk_colonne, walk_orari, walk_personale, walk_pubblicazione, walk_soglie, walk_testi,
};
use super::spans::Spans;
use super::{Centro, FILE, Slot};
use crate::dates::parse_date;
use crate::diag::{Diagnostic, Diagnostics, Severity, Source};

/// What is wrong on the line of a syntax error, and what to do, in words a coordinator
/// reads, judged from the line itself (the parser's own message, in
/// English, is kept in brackets for whoever maintains the file).
fn syntax_reason(line: &str) -> (&'static str, &'static str) {
    let value = line.split_once('=').map_or("", |(_, v)| v.trim());
    let quotes = value.matches('"').count() - value.matches("\\\"").count();
    if value.starts_with('"') && quotes % 2 == 1 || value.starts_with('\'') && value.matches('\'').count() == 1 {
        ("un testo tra virgolette non è chiuso", "aggiungi le virgolette di chiusura (\") alla fine del testo")
    } else if value.starts_with('[') && !value.contains(']') {
        ("un elenco tra [ ] non è scritto bene", "separa le voci con una virgola e chiudi l'elenco con ]")
    } else if value.chars().next().is_some_and(|c| c.is_ascii_digit()) && value.contains('/') {
        (
            "una data non è scritta come 2025-01-02",
            "scrivi la data come anno-mese-giorno, senza virgolette (es. 2008-10-01)",
        )
    } else if line.trim_start().starts_with('[') && !line.contains(']') {
        ("il nome di una sezione tra [ ] non è chiuso", "chiudi il nome della sezione con ] (es. [centro])")
    } else {
        (
            "una riga non è scritta come il formato TOML richiede",
            "testi tra virgolette, date come 2025-01-02, elenchi tra [ ]",
        )
    }
}

/// Line (1-based) and column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

pub(super) struct Walker {
    spans: std::sync::Arc<Spans>,
    src: Source,
    diags: Diagnostics,
}

/// The longest text a key of `centro.toml` holds (a centre's name, a
/// request type, a role): longer is a paste gone wrong.
pub(super) const MAX_TEXT: usize = 200;
/// The longest paragraph of prose in `centro.toml`.
pub(super) const MAX_PARAGRAPH: usize = 4000;

impl Walker {
    pub(super) fn invalid(&mut self, section: &str, key: &str, value: &Value, what: &str) {
        self.invalid_because(section, key, value, what, &format!("correggi il valore di «{key}» in {FILE}"));
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
        let min = super::sections::GARANTE_MINIMO;
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
    fn at(&self, d: Diagnostic, section: &str, key: &str) -> Diagnostic {
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

/// Reads and checks `centro.toml` from its text. Problems are returned as
/// diagnostics: `config-syntax` and `config-invalid` are errors the caller
/// turns into exit code 2.
pub fn parse(text: &str) -> (Centro, Diagnostics) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut w = Walker {
        spans: std::sync::Arc::new(Spans::new(text)),
        src: Source::new(FILE, FILE),
        diags: Diagnostics::default(),
    };
    let mut c = Centro::default();
    let table: Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let at = e.span().map(|span| line_col(text, span.start));
            let written = at.and_then(|(line, _)| text.lines().nth(line - 1)).unwrap_or("");
            let (reason, what_to_do) = syntax_reason(written);
            let mut d = w
                .src
                .diag(
                    Severity::Error,
                    "config-syntax",
                    format!("{FILE} non è scritto correttamente: {reason} ({})", e.message().trim()),
                )
                .maybe_line(at.map(|(line, _)| line));
            if let Some((line, col)) = at {
                let key = written.split_once('=').map(|(k, _)| k.trim());
                d = d.hint(match key {
                    // `giovedì = [...]`: TOML keys without quotes cannot have accents.
                    Some(k) if !k.is_ascii() && !k.starts_with('"') => format!(
                        "riga {line}: scrivi la chiave senza accenti ({}) oppure tra virgolette (\"{k}\")",
                        crate::text::fold(k)
                    ),
                    _ => format!("riga {line}, colonna {col}: {what_to_do}"),
                });
            }
            w.diags.push(d);
            return (c, w.diags);
        }
    };

    const TOP: [&str; 8] =
        ["centro", "orari", "personale", "soglie", "pubblicazione", "vocabolari", "colonne", "testi"];
    for (key, value) in &table {
        match (key.as_str(), value) {
            ("centro", Value::Table(t)) => walk_centro(&mut w, &mut c, t),
            ("orari", Value::Table(t)) => walk_orari(&mut w, &mut c, t),
            ("personale", Value::Array(a)) => walk_personale(&mut w, &mut c, a),
            ("soglie", Value::Table(t)) => walk_soglie(&mut w, &mut c, t),
            ("pubblicazione", Value::Table(t)) => walk_pubblicazione(&mut w, &mut c, t),
            ("vocabolari", Value::Table(t)) => {
                for (k, v) in t {
                    match k.as_str() {
                        "tipo_richiesta" => c.tipo_richiesta = w.strings("vocabolari", k, v),
                        _ => w.unknown("vocabolari", k, &["tipo_richiesta"]),
                    }
                }
            }
            ("colonne", Value::Table(t)) => walk_colonne(&mut w, &mut c, t),
            ("testi", Value::Table(t)) => walk_testi(&mut w, &mut c, t),
            (k, v) if TOP.contains(&k) => w.invalid("", k, v, "una sezione"),
            (k, _) => w.unknown("", k, &TOP),
        }
    }
    if c.comune.is_empty() {
        let d = w
            .src
            .diag(Severity::Error, "config-invalid", "manca il comune del centro ([centro] comune)")
            .hint("aggiungi in [centro] una riga come: comune = \"Jesi\"")
            .column("centro.comune")
            .maybe_line(w.spans.line("centro", ""));
        w.diags.push(d);
    } else if let crate::reference::ComuneMatch::Homonym(_, _, ids) =
        crate::reference::Comuni::get().find(&c.comune, None)
    {
        // The centre's own place tells the users' homonyms apart: it must
        // not be a guess itself.
        let comuni = crate::reference::Comuni::get();
        let options: Vec<String> = ids.iter().map(|&i| format!("«{}»", comuni.label(i))).collect();
        let d = w
            .src
            .diag(
                Severity::Error,
                "config-invalid",
                format!("«{}» è il nome di più comuni: non è chiaro quale sia il comune del centro", c.comune),
            )
            .value(c.comune.clone())
            .hint(format!("scrivi anche la provincia: {}", options.join(" o ")));
        w.diags.push(w.at(d, "centro", "comune"));
    } else if let Err(near) = crate::reference::Comuni::get().lookup(&c.comune) {
        // The centre's comune decides who counts as resident "here": a typo
        // would silently move every resident to "other comuni".
        let names: Vec<&str> = near.iter().map(String::as_str).collect();
        let d = w
            .src
            .diag(
                Severity::Error,
                "config-invalid",
                format!("il comune del centro «{}» non è nell'elenco ISTAT dei comuni", c.comune),
            )
            .value(c.comune.clone())
            .hint(
                crate::text::maybe_hint(&names)
                    .unwrap_or_else(|| "scrivi il nome del comune come nell'elenco ISTAT (es. Jesi)".into()),
            );
        w.diags.push(w.at(d, "centro", "comune"));
    }
    c.chiusure.sort();
    c.chiusure.dedup();
    c.spans = w.spans.clone();
    (c, w.diags)
}

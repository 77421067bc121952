//! `centro.toml`: the centre's name, comune, hours, staff, closures,
//! thresholds, vocabularies and column aliases.
//!
//! The file is parsed to a TOML table first (syntax errors carry line and
//! column) and then walked key by key, so that every wrong value and every
//! unknown key gets its own diagnostic naming the key.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Weekday};
use toml::{Table, Value};

use crate::dates::parse_date;
use crate::diag::{Diagnostic, Diagnostics, Severity, Source};

/// The file name, in the data folder.
pub const FILE: &str = "centro.toml";

/// One opening slot, e.g. 09:00–12:00, in minutes from midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Opening time, minutes from midnight.
    pub from: u16,
    /// Closing time, minutes from midnight.
    pub to: u16,
}

impl Slot {
    /// `9 - 12`, `15 - 18:30`: the seed report's style.
    pub fn label(&self) -> String {
        fn hm(m: u16) -> String {
            if m.is_multiple_of(60) { format!("{}", m / 60) } else { format!("{}:{:02}", m / 60, m % 60) }
        }
        format!("{} - {}", hm(self.from), hm(self.to))
    }
}

/// A role and how many people fill it.
#[derive(Debug, Clone, PartialEq)]
pub struct Staff {
    /// Role, e.g. "Coordinatore".
    pub role: String,
    /// Number of people.
    pub count: u32,
}

/// The centre's own prose (`[testi]`), each text in paragraphs; a text not
/// written is `None`, and the report then says nothing in its place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Testi {
    /// Introduces the users taken in charge.
    pub utenti: Option<Vec<String>>,
    /// The work with the comune's registry office («Anagrafe»).
    pub anagrafe: Option<Vec<String>>,
    /// Introduces the applications the centre helps with.
    pub domande: Option<Vec<String>>,
    /// Introduces the courses of a type (`[testi.corsi]`, keyed by the
    /// `tipo` of `corsi.csv`).
    pub corsi: BTreeMap<String, Vec<String>>,
}

/// Everything `centro.toml` says, checked.
#[derive(Debug, Clone)]
pub struct Centro {
    /// Name of the centre.
    pub nome: String,
    /// The centre's own comune (residence there is counted apart).
    pub comune: String,
    /// Opening date of the centre; earlier dates are suspicious.
    pub attivo_dal: Option<NaiveDate>,
    /// From this day the registers are complete; earlier years come from `storico`.
    pub registri_dal: Option<NaiveDate>,
    /// One paragraph describing the service.
    pub descrizione: Option<String>,
    /// Days the centre was closed.
    pub chiusure: Vec<NaiveDate>,
    /// A sentence under the hours table.
    pub note_orari: Option<String>,
    /// A sentence under the staff list.
    pub note_personale: Option<String>,
    /// Opening slots per weekday; a weekday absent is closed.
    pub orari: BTreeMap<u8, Vec<Slot>>,
    /// Staff by role.
    pub personale: Vec<Staff>,
    /// Countries with fewer accesses than this are grouped as "altro".
    pub altro_sotto: u32,
    /// In the public version (`report --pubblico`), counts of people below
    /// this are not published (`[soglie] minimo_pubblicabile`, default 3).
    pub minimo_pubblicabile: u32,
    /// Accepted request types, in the order the report lists them.
    pub tipo_richiesta: Vec<String>,
    /// Extra header names: register → canonical column → aliases.
    pub colonne: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// The centre's own prose.
    pub testi: Testi,
}

impl Default for Centro {
    fn default() -> Self {
        Centro {
            nome: "Centro Servizi per l'Integrazione Sociale".into(),
            comune: String::new(),
            attivo_dal: None,
            registri_dal: None,
            descrizione: None,
            chiusure: Vec::new(),
            note_orari: None,
            note_personale: None,
            orari: BTreeMap::new(),
            personale: Vec::new(),
            altro_sotto: 5,
            minimo_pubblicabile: 3,
            tipo_richiesta: Vec::new(),
            colonne: BTreeMap::new(),
            testi: Testi::default(),
        }
    }
}

/// Weekday keys of `[orari]`, with and without accents.
const WEEKDAYS: [(&str, Weekday); 7] = [
    ("lunedi", Weekday::Mon),
    ("martedi", Weekday::Tue),
    ("mercoledi", Weekday::Wed),
    ("giovedi", Weekday::Thu),
    ("venerdi", Weekday::Fri),
    ("sabato", Weekday::Sat),
    ("domenica", Weekday::Sun),
];

impl Centro {
    /// Whether the centre is open on `d`: not a listed closure and a weekday
    /// with opening hours (when hours are given at all).
    pub fn is_open(&self, d: NaiveDate) -> bool {
        use chrono::Datelike;
        if self.chiusure.binary_search(&d).is_ok() {
            return false;
        }
        self.orari.is_empty() || self.orari.contains_key(&(d.weekday().num_days_from_monday() as u8))
    }

    /// The weekday key (`lunedi`) of day index 0..7.
    pub fn weekday(idx: u8) -> Weekday {
        WEEKDAYS[idx as usize % 7].1
    }
}

/// The TOML parser's message in words a coordinator reads, with the
/// original kept in brackets for whoever maintains the file.
fn toml_reason(msg: &str) -> String {
    let what = if msg.contains("basic string") || msg.contains("literal string") {
        "un testo tra virgolette non è chiuso"
    } else if msg.contains("duplicate key") {
        "una chiave è scritta due volte"
    } else if msg.contains("datetime") || msg.contains("date") {
        "una data non è scritta come 2025-01-02"
    } else if msg.contains("array") {
        "un elenco tra [ ] non è scritto bene"
    } else {
        "una riga non è scritta come il formato TOML richiede"
    };
    format!("{what} ({msg})")
}

/// Line (1-based) and column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The line where `key` is set inside `[section]` (or at top level), for
/// pointing at a wrong value.
fn line_of_key(text: &str, section: &str, key: &str) -> Option<usize> {
    let mut current = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(h) = line.strip_prefix('[') {
            current = h.trim_start_matches('[').split(']').next().unwrap_or("").trim().to_string();
            if key.is_empty() && current == section {
                return Some(i + 1);
            }
            continue;
        }
        if current == section
            && let Some((k, _)) = line.split_once('=')
            && k.trim().trim_matches('"') == key
        {
            return Some(i + 1);
        }
    }
    None
}

struct Walker<'a> {
    text: &'a str,
    src: Source,
    diags: Diagnostics,
}

/// The longest text a key of `centro.toml` holds (a centre's name, a
/// request type, a role): longer is a paste gone wrong.
const MAX_TEXT: usize = 200;
/// The longest paragraph of prose in `centro.toml`.
const MAX_PARAGRAPH: usize = 4000;

impl Walker<'_> {
    fn invalid(&mut self, section: &str, key: &str, value: &Value, what: &str) {
        let mut d = self
            .src
            .diag(
                Severity::Error,
                "config-invalid",
                format!("in [{section}] la chiave «{}» deve essere {what}", crate::text::short(key)),
            )
            .value(value.to_string())
            .hint(format!("correggi il valore di «{key}» in {FILE}"));
        d.column = Some(if section.is_empty() { key.to_string() } else { format!("{section}.{key}") });
        d.line = line_of_key(self.text, section, key);
        self.diags.push(d);
    }

    fn unknown(&mut self, section: &str, key: &str, known: &[&str]) {
        let hint = crate::text::maybe_hint(&crate::text::nearest(key, known.iter().copied(), 1))
            .unwrap_or_else(|| format!("le chiavi note sono: {}", known.join(", ")));
        let mut d = self
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
        d.column = Some(if section.is_empty() { key.to_string() } else { format!("{section}.{key}") });
        d.line = line_of_key(self.text, section, key);
        self.diags.push(d);
    }

    fn string(&mut self, section: &str, key: &str, v: &Value) -> Option<String> {
        self.text_up_to(section, key, v, MAX_TEXT)
    }

    /// A paragraph of prose (a description, a note).
    fn paragraph(&mut self, section: &str, key: &str, v: &Value) -> Option<String> {
        self.text_up_to(section, key, v, MAX_PARAGRAPH)
    }

    fn text_up_to(&mut self, section: &str, key: &str, v: &Value, max: usize) -> Option<String> {
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
    fn paragraphs(&mut self, section: &str, key: &str, v: &Value) -> Option<Vec<String>> {
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

    fn date(&mut self, section: &str, key: &str, v: &Value) -> Option<NaiveDate> {
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

    fn strings(&mut self, section: &str, key: &str, v: &Value) -> Vec<String> {
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
fn unfit(s: &str, max: usize) -> Option<String> {
    if s.chars().count() > max {
        return Some(format!("un testo di al massimo {max} caratteri"));
    }
    let (_, found) = crate::glyphs::clean(s);
    (!found.is_empty()).then(|| format!("un testo stampabile, senza {}", found.describe()))
}

fn parse_slot(s: &str) -> Option<Slot> {
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
    let mut w = Walker { text, src: Source::new(FILE, FILE), diags: Diagnostics::default() };
    let mut c = Centro::default();
    let table: Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let mut d = w.src.diag(
                Severity::Error,
                "config-syntax",
                format!("{FILE} non è scritto correttamente: {}", toml_reason(e.message().trim())),
            );
            if let Some(span) = e.span() {
                let (line, col) = line_col(text, span.start);
                d.line = Some(line);
                let key = text.lines().nth(line - 1).and_then(|l| l.split_once('=')).map(|(k, _)| k.trim());
                d.hint = Some(match key {
                    // `giovedì = [...]`: TOML keys without quotes cannot have accents.
                    Some(k) if !k.is_ascii() && !k.starts_with('"') => format!(
                        "riga {line}: scrivi la chiave senza accenti ({}) oppure tra virgolette (\"{k}\")",
                        crate::text::fold(k)
                    ),
                    _ => format!(
                        "controlla la riga {line}, colonna {col}: testi tra virgolette, date come 2025-01-02, elenchi tra [ ]"
                    ),
                });
            }
            w.diags.push(d);
            return (c, w.diags);
        }
    };

    const TOP: [&str; 7] = ["centro", "orari", "personale", "soglie", "vocabolari", "colonne", "testi"];
    for (key, value) in &table {
        match (key.as_str(), value) {
            ("centro", Value::Table(t)) => walk_centro(&mut w, &mut c, t),
            ("orari", Value::Table(t)) => walk_orari(&mut w, &mut c, t),
            ("personale", Value::Array(a)) => walk_personale(&mut w, &mut c, a),
            ("soglie", Value::Table(t)) => walk_soglie(&mut w, &mut c, t),
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
        let mut d = w
            .src
            .diag(Severity::Error, "config-invalid", "manca il comune del centro ([centro] comune)")
            .hint("aggiungi in [centro] una riga come: comune = \"Jesi\"");
        d.column = Some("centro.comune".into());
        d.line = line_of_key(text, "centro", "");
        w.diags.push(d);
    } else if let Err(near) = crate::reference::Comuni::get().lookup(&c.comune) {
        // The centre's comune decides who counts as resident "here": a typo
        // would silently move every resident to "other comuni".
        let names: Vec<&str> = near.iter().map(String::as_str).collect();
        let mut d = w
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
        d.column = Some("centro.comune".into());
        d.line = line_of_key(text, "centro", "comune");
        w.diags.push(d);
    }
    c.chiusure.sort();
    c.chiusure.dedup();
    (c, w.diags)
}

fn walk_soglie(w: &mut Walker, c: &mut Centro, t: &Table) {
    const KNOWN: [&str; 2] = ["altro_sotto", "minimo_pubblicabile"];
    for (k, v) in t {
        match (k.as_str(), v.as_integer()) {
            ("altro_sotto", Some(n)) if (0..=1_000_000).contains(&n) => c.altro_sotto = n as u32,
            // 1 publishes every count; 0 would mean the same, so it is refused as a slip.
            ("minimo_pubblicabile", Some(n)) if (1..=1_000_000).contains(&n) => c.minimo_pubblicabile = n as u32,
            ("altro_sotto", _) => w.invalid("soglie", k, v, "un numero intero non negativo"),
            ("minimo_pubblicabile", _) => w.invalid("soglie", k, v, "un numero intero da 1 in su"),
            _ => w.unknown("soglie", k, &KNOWN),
        }
    }
}

fn walk_centro(w: &mut Walker, c: &mut Centro, t: &Table) {
    const KNOWN: [&str; 9] = [
        "nome",
        "comune",
        "attivo_dal",
        "registri_dal",
        "descrizione",
        "chiusure",
        "note_orari",
        "note_personale",
        "sito",
    ];
    for (k, v) in t {
        let s = "centro";
        match k.as_str() {
            "nome" => c.nome = w.string(s, k, v).unwrap_or_default(),
            "comune" => c.comune = w.string(s, k, v).unwrap_or_default(),
            "attivo_dal" => c.attivo_dal = w.date(s, k, v),
            "registri_dal" => c.registri_dal = w.date(s, k, v),
            "descrizione" => c.descrizione = w.paragraph(s, k, v),
            "note_orari" => c.note_orari = w.paragraph(s, k, v),
            "note_personale" => c.note_personale = w.paragraph(s, k, v),
            "sito" => {
                w.string(s, k, v);
            }
            "chiusure" => match v {
                Value::Array(a) => {
                    for item in a {
                        match item {
                            Value::String(r) if r.contains("..") => {
                                let (a, b) = r.split_once("..").unwrap_or((r, r));
                                match (parse_date(a), parse_date(b)) {
                                    (Ok(a), Ok(b)) if a <= b => {
                                        c.chiusure.extend(a.iter_days().take_while(|d| *d <= b))
                                    }
                                    _ => w.invalid(
                                        s,
                                        k,
                                        item,
                                        "un elenco di date o intervalli \"2025-08-11..2025-08-22\"",
                                    ),
                                }
                            }
                            _ => {
                                if let Some(d) = w.date(s, k, item) {
                                    c.chiusure.push(d);
                                }
                            }
                        }
                    }
                }
                _ => w.invalid(s, k, v, "un elenco di date, es. [2025-01-02, 2025-01-03]"),
            },
            _ => w.unknown(s, k, &KNOWN),
        }
    }
}

fn walk_orari(w: &mut Walker, c: &mut Centro, t: &Table) {
    let names: Vec<&str> = WEEKDAYS.iter().map(|(n, _)| *n).collect();
    for (k, v) in t {
        let folded = crate::text::fold(k);
        let Some(idx) = WEEKDAYS.iter().position(|(n, _)| *n == folded) else {
            w.unknown("orari", k, &names);
            continue;
        };
        let mut slots = Vec::new();
        for s in w.strings("orari", k, v) {
            match parse_slot(&s) {
                Some(slot) => slots.push(slot),
                None => w.invalid(
                    "orari",
                    k,
                    &Value::String(s.clone()),
                    &format!(
                        "un elenco di fasce orarie come [\"09:00-12:00\", \"15:00-18:00\"]: «{}» non è una fascia (ore da 00:00 a 24:00, l'inizio prima della fine)",
                        crate::text::short(&s)
                    ),
                ),
            }
        }
        if !slots.is_empty() {
            slots.sort_by_key(|s| s.from);
            c.orari.insert(idx as u8, slots);
        }
    }
}

fn walk_personale(w: &mut Walker, c: &mut Centro, a: &[Value]) {
    for item in a {
        let Value::Table(t) = item else {
            w.invalid("personale", "", item, "una tabella [[personale]] con ruolo e numero");
            continue;
        };
        let mut role = None;
        let mut count = 1;
        for (k, v) in t {
            match k.as_str() {
                "ruolo" => role = w.string("personale", k, v),
                "numero" => match v.as_integer() {
                    Some(n) if (0..=1000).contains(&n) => count = n as u32,
                    _ => w.invalid("personale", k, v, "un numero intero"),
                },
                _ => w.unknown("personale", k, &["ruolo", "numero"]),
            }
        }
        if let Some(role) = role {
            c.personale.push(Staff { role, count });
        }
    }
}

fn walk_testi(w: &mut Walker, c: &mut Centro, t: &Table) {
    const KNOWN: [&str; 4] = ["utenti", "anagrafe", "domande", "corsi"];
    for (k, v) in t {
        let s = "testi";
        match k.as_str() {
            "utenti" => c.testi.utenti = w.paragraphs(s, k, v),
            "anagrafe" => c.testi.anagrafe = w.paragraphs(s, k, v),
            "domande" => c.testi.domande = w.paragraphs(s, k, v),
            "corsi" => match v {
                Value::Table(types) => {
                    for (kind, text) in types {
                        if let Some(what) = unfit(kind, MAX_TEXT) {
                            w.invalid(
                                "testi.corsi",
                                kind,
                                &Value::String(kind.clone()),
                                &format!("un tipo di corso, {what}"),
                            );
                        } else if let Some(p) = w.paragraphs("testi.corsi", kind, text) {
                            c.testi.corsi.insert(kind.trim().to_string(), p);
                        }
                    }
                }
                _ => w.invalid(
                    s,
                    k,
                    v,
                    "una sezione [testi.corsi] con un testo per tipo di corso (es. scuola_guida = \"…\")",
                ),
            },
            _ => w.unknown(s, k, &KNOWN),
        }
    }
}

fn walk_colonne(w: &mut Walker, c: &mut Centro, t: &Table) {
    for (register, v) in t {
        let section = format!("colonne.{register}");
        let Some(spec) = crate::schema::register(register) else {
            let names: Vec<&str> = crate::schema::REGISTERS.iter().map(|r| r.name).collect();
            w.unknown("colonne", register, &names);
            continue;
        };
        let Value::Table(cols) = v else {
            w.invalid("colonne", register, v, "una sezione [colonne.<registro>]");
            continue;
        };
        for (col, aliases) in cols {
            if spec.column(col).is_none() {
                let names: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
                w.unknown(&section, col, &names);
                continue;
            }
            let list = w.strings(&section, col, aliases);
            c.colonne.entry(spec.name.to_string()).or_default().entry(col.to_string()).or_default().extend(list);
        }
    }
}

/// Shorthand used by tests and `init`.
pub fn diag_missing(data_dir: &str) -> Diagnostic {
    Source::new(FILE, FILE)
        .diag(Severity::Error, "config-missing", format!("nella cartella «{data_dir}» non c'è {FILE}"))
        .hint("indica la cartella dei registri con --data, oppure creane una nuova con «integra init CARTELLA»")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[centro]
nome = "Centro"
comune = "Jesi"
attivo_dal = 2008-10-01
chiusure = [2025-01-02, "2025-08-11..2025-08-13"]

[orari]
lunedi = ["09:00-12:00"]
"giovedì" = ["15:00-18:00"]

[[personale]]
ruolo = "Coordinatore"
numero = 1

[soglie]
altro_sotto = 4
minimo_pubblicabile = 5

[vocabolari]
tipo_richiesta = ["scuola guida"]

[colonne.accessi]
data = ["Giorno"]
"#;

    #[test]
    fn reads_every_section() {
        let (c, d) = parse(SAMPLE);
        assert!(d.items().is_empty(), "{:?}", d.items());
        assert_eq!(c.comune, "Jesi");
        assert_eq!(c.chiusure.len(), 4);
        assert_eq!(c.orari.len(), 2);
        assert_eq!(c.orari[&3][0].label(), "15 - 18");
        assert_eq!(c.altro_sotto, 4);
        assert_eq!(c.minimo_pubblicabile, 5);
        assert_eq!(parse("[centro]\ncomune = \"Jesi\"\n").0.minimo_pubblicabile, 3);
        let (_, d) = parse("[soglie]\nminimo_pubblicabile = 0\n");
        assert!(d.items().iter().any(|d| d.code == "config-invalid" && d.message.contains("minimo_pubblicabile")));
        assert_eq!(c.colonne["accessi"]["data"], vec!["Giorno".to_string()]);
        assert!(!c.is_open(NaiveDate::from_ymd_opt(2025, 1, 2).unwrap()));
        assert!(c.is_open(NaiveDate::from_ymd_opt(2025, 1, 13).unwrap()));
        assert!(!c.is_open(NaiveDate::from_ymd_opt(2025, 1, 14).unwrap()));
    }

    #[test]
    fn texts_come_in_paragraphs_and_are_checked() {
        let (c, d) = parse(
            "[centro]\ncomune = \"Jesi\"\n[testi]\nutenti = \"\"\"\nPrimo  paragrafo,\nsu due righe.\n\nSecondo.\n\"\"\"\ndomande = [\"Uno.\", \"Due.\"]\n[testi.corsi]\nscuola_guida = \"Incontri.\"\n",
        );
        assert!(d.items().is_empty(), "{d:?}");
        assert_eq!(c.testi.utenti, Some(vec!["Primo paragrafo, su due righe.".into(), "Secondo.".into()]));
        assert_eq!(c.testi.domande, Some(vec!["Uno.".into(), "Due.".into()]));
        assert_eq!(c.testi.anagrafe, None);
        assert_eq!(c.testi.corsi["scuola_guida"], vec!["Incontri.".to_string()]);
        // Blank is not written: no paragraph, no sentence in the report.
        let (c, _) = parse("[testi]\nanagrafe = \"  \"\n");
        assert_eq!(c.testi.anagrafe, None);

        let long = "x".repeat(MAX_PARAGRAPH + 1);
        let (_, d) = parse(&format!("[testi]\nutentti = \"Ciao.\"\nanagrafe = 3\ndomande = \"{long}\"\n"));
        let found: Vec<_> = d.items().iter().map(|d| (d.code, d.line, d.hint.clone())).collect();
        assert!(found.contains(&("config-unknown-key", Some(2), Some("forse «utenti»?".into()))), "{found:?}");
        assert!(found.iter().any(|f| f.0 == "config-invalid" && f.1 == Some(3)), "{found:?}");
        assert!(d.items().iter().any(|d| d.line == Some(4) && d.message.contains("al massimo")), "{found:?}");
        let (_, d) = parse("[testi]\nutenti = \"a\\u0007b\"\n");
        assert!(d.items().iter().any(|d| d.code == "config-invalid" && d.message.contains("stampabile")), "{d:?}");
    }

    #[test]
    fn syntax_error_has_a_line() {
        let (_, d) = parse("[centro]\nnome = \"x\ncomune = 3\n");
        let e = &d.items()[0];
        assert_eq!(e.code, "config-syntax");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn accented_keys_get_a_hint_in_italian() {
        let (_, d) = parse("[orari]\ngiovedì = [\"15:00-18:00\"]\n");
        let e = &d.items()[0];
        assert_eq!((e.code, e.line), ("config-syntax", Some(2)));
        assert!(e.hint.as_deref().unwrap().contains("giovedi"), "{:?}", e.hint);
    }

    #[test]
    fn request_types_are_checked_like_every_other_text() {
        // A control character in the vocabulary would reach every output.
        let (_, d) = parse("[vocabolari]\ntipo_richiesta = [\"scuola guida\", \"lavoro\\u009b[2J\"]\n");
        assert!(d.items().iter().any(|d| d.code == "config-invalid" && d.message.contains("stampabile")), "{d:?}");
    }

    #[test]
    fn an_hour_too_large_for_minutes_is_invalid_not_a_panic() {
        // The fuzzer: "2000:00" overflowed the minutes before the range check.
        let (_, d) = parse("[orari]\nlunedi = [\"2000:00-2001:00\", \"9-99999\"]\n");
        for slot in ["2000:00-2001:00", "9-99999"] {
            assert!(d.items().iter().any(|d| d.code == "config-invalid" && d.message.contains(slot)), "{slot}");
        }
    }

    #[test]
    fn unknown_keys_and_bad_values() {
        let (_, d) =
            parse("[centro]\ncomune = \"Jesi\"\nattivo_dall = 2008-10-01\n[soglie]\naltro_sotto = \"cinque\"\n");
        let codes: Vec<_> = d.items().iter().map(|d| (d.code, d.line)).collect();
        assert!(codes.contains(&("config-unknown-key", Some(3))), "{codes:?}");
        assert!(codes.contains(&("config-invalid", Some(5))), "{codes:?}");
        assert_eq!(d.items()[0].hint.as_deref(), Some("forse «attivo_dal»?"));
    }
}

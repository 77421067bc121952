//! Reading one cell of a known kind and reporting what is wrong with it.
//! Country and request-type lookups are cached per distinct value, so a
//! register of a million rows does the fuzzy matching only a few dozen times.

// Fx hashing: these maps are hit once or more per row with short keys.
use rustc_hash::FxHashMap as HashMap;

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};

use crate::centro::Centro;
use crate::dates::{DateError, parse_date, parse_number};
use crate::diag::{Diagnostics, Severity, Source};
use crate::read::Row;
use crate::reference::{ComuneId, Comuni, Countries, CountryId, CountryMatch};
use crate::schema::RegisterSpec;
use crate::text::{fold, maybe_hint, nearest};

use super::model::Gender;

/// The years a register's dates may fall in.
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2100;

/// The longest meeting there can be.
const MAX_MEETING_HOURS: f64 = 24.0;

/// What a register's parser needs while reading cells.
pub struct Cells<'a> {
    /// The register's contract.
    pub spec: &'static RegisterSpec,
    /// Where diagnostics point.
    pub src: Source,
    /// The centre's configuration.
    pub centro: &'a Centro,
    /// Today, for `date-future`.
    pub today: NaiveDate,
    countries: HashMap<String, CountryMatch>,
    /// Variant spellings seen: (value, standard name) → (first line, rows).
    variants: HashMap<String, (String, usize, usize)>,
    /// Variant spellings counted on the current row, undone if the row is left out.
    row_variants: Vec<String>,
    types: HashMap<String, Result<u16, Option<String>>>,
    /// Comune found (and whether other comuni bear the name), or the hint.
    comuni: HashMap<String, Result<(ComuneId, bool), Option<String>>>,
    /// Homonymous comuni already noted (once per spelling).
    homonyms_noted: std::collections::HashSet<String>,
}

impl<'a> Cells<'a> {
    /// A cell reader for one register file.
    pub fn new(spec: &'static RegisterSpec, src: Source, centro: &'a Centro, today: NaiveDate) -> Self {
        Cells {
            spec,
            src,
            centro,
            today,
            countries: HashMap::default(),
            variants: HashMap::default(),
            row_variants: Vec::new(),
            types: HashMap::default(),
            comuni: HashMap::default(),
            homonyms_noted: std::collections::HashSet::new(),
        }
    }

    // One call per check keeps each check on one line; a builder would not read better.
    #[allow(clippy::too_many_arguments)]
    fn diag(
        &self,
        d: &mut Diagnostics,
        sev: Severity,
        code: &'static str,
        row: &Row,
        col: usize,
        value: &str,
        msg: String,
        hint: Option<String>,
    ) {
        d.push(
            self.src
                .diag(sev, code, msg)
                .line(row.line)
                .column(self.spec.columns[col].name)
                .value(value)
                .maybe_hint(hint),
        );
    }

    /// The trimmed text of column `col`; an empty required cell is reported.
    pub fn text<'r>(&self, d: &mut Diagnostics, row: &'r Row, col: usize) -> Option<&'r str> {
        let v = row.get(col);
        if v.is_empty() {
            if self.spec.columns[col].required {
                let c = &self.spec.columns[col];
                self.diag(
                    d,
                    Severity::Error,
                    "value-required",
                    row,
                    col,
                    "",
                    format!("la colonna «{}» è obbligatoria ma qui è vuota", c.name),
                    Some(format!("compila la cella: {}", c.help)),
                );
            }
            return None;
        }
        Some(v)
    }

    /// A date; impossible, unreadable, future and too-early dates reported.
    pub fn date(&self, d: &mut Diagnostics, row: &Row, col: usize) -> Option<NaiveDate> {
        let v = self.text(d, row, col)?;
        let parsed = match parse_date(v) {
            // A spreadsheet cell not formatted as a date holds its serial number.
            Err(_) if self.src.sheet.is_some() => crate::dates::from_excel_serial(v).ok_or(DateError::Unreadable),
            other => other,
        };
        match parsed {
            // A year far from any register (0001, 6025, 9999) is a typo, and
            // counting days up to it would take hundreds of megabytes.
            Ok(date) if !(MIN_YEAR..=MAX_YEAR).contains(&date.year()) => {
                self.diag(
                    d,
                    Severity::Error,
                    "date-out-of-range",
                    row,
                    col,
                    v,
                    format!(
                        "«{v}»: l'anno {} è fuori misura (le date dei registri vanno dal {MIN_YEAR} al {MAX_YEAR})",
                        date.year()
                    ),
                    Some("controlla l'anno: forse una cifra in più o in meno".into()),
                );
                None
            }
            Ok(date) => {
                if date > self.today {
                    self.diag(
                        d,
                        Severity::Warning,
                        "date-future",
                        row,
                        col,
                        v,
                        format!("la data «{v}» è nel futuro"),
                        Some("controlla l'anno: forse un errore di battitura".into()),
                    );
                } else if let Some(open) = self.centro.attivo_dal.filter(|o| date < *o) {
                    self.diag(
                        d,
                        Severity::Warning,
                        "date-before-opening",
                        row,
                        col,
                        v,
                        format!(
                            "la data «{v}» è precedente all'apertura del centro ({})",
                            crate::dates::short_date(open)
                        ),
                        Some("controlla l'anno".into()),
                    );
                }
                Some(date)
            }
            Err(DateError::Invalid) => {
                self.diag(
                    d,
                    Severity::Error,
                    "date-invalid",
                    row,
                    col,
                    v,
                    format!("«{v}» non è una data valida: quel giorno (o quel mese) non esiste"),
                    Some("controlla giorno e mese (gg/mm/aaaa)".into()),
                );
                None
            }
            Err(DateError::Unreadable) => {
                self.diag(
                    d,
                    Severity::Error,
                    "date-unreadable",
                    row,
                    col,
                    v,
                    format!("«{v}» non si legge come data"),
                    Some(if crate::dates::from_excel_serial(v).is_some() && v.bytes().all(|b| b.is_ascii_digit()) {
                        "sembra un numero di serie di Excel: nel foglio formatta la colonna come data (gg/mm/aaaa) ed esporta di nuovo".into()
                    } else {
                        "scrivi la data come gg/mm/aaaa, ad esempio 04/04/2025".into()
                    }),
                );
                None
            }
        }
    }

    /// Hours of one meeting: a decimal number (comma or point), more than 0
    /// and at most 24.
    pub fn hours(&self, d: &mut Diagnostics, row: &Row, col: usize) -> Option<f64> {
        let v = self.text(d, row, col)?;
        match parse_number(v) {
            Some(n) if n > 0.0 && n <= MAX_MEETING_HOURS => Some(n),
            Some(_) => {
                self.diag(
                    d,
                    Severity::Error,
                    "number-invalid",
                    row,
                    col,
                    v,
                    format!("«{v}» ore per un incontro: servono più di 0 e al massimo 24"),
                    Some(
                        "scrivi la durata in ore di un solo incontro (es. 2 o 1,5); per i minuti usa i decimali".into(),
                    ),
                );
                None
            }
            None => {
                self.diag(
                    d,
                    Severity::Error,
                    "number-invalid",
                    row,
                    col,
                    v,
                    format!("«{v}» non è un numero valido"),
                    Some("scrivi un numero, con la virgola per i decimali (es. 1,5)".into()),
                );
                None
            }
        }
    }

    /// A whole non-negative number.
    pub fn count(&self, d: &mut Diagnostics, row: &Row, col: usize) -> Option<u32> {
        let v = self.text(d, row, col)?;
        // A point is read only as a thousands separator ("1.234"), never as decimals.
        let thousands = v.split('.').skip(1).all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
        let digits = if thousands { v.replace('.', "") } else { v.to_string() };
        match digits.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                let (what, hint) = if digits.starts_with('-') && digits[1..].bytes().all(|b| b.is_ascii_digit()) {
                    ("è negativo: qui serve un numero da 0 in su", "scrivi il numero senza segno meno")
                } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    ("è troppo grande", "controlla il numero: forse cifre ripetute o due celle unite")
                } else {
                    ("non è un numero intero", "scrivi un numero intero, senza decimali")
                };
                self.diag(
                    d,
                    Severity::Error,
                    "number-invalid",
                    row,
                    col,
                    v,
                    format!("«{v}» {what}"),
                    Some(hint.into()),
                );
                None
            }
        }
    }

    /// A boolean; empty reads as "no".
    pub fn boolean(&self, d: &mut Diagnostics, row: &Row, col: usize) -> Option<bool> {
        let v = row.get(col);
        match crate::dates::parse_bool(v) {
            Some(b) => Some(b),
            None => {
                self.diag(
                    d,
                    Severity::Error,
                    "boolean-invalid",
                    row,
                    col,
                    v,
                    format!("«{v}» non è un valore sì/no"),
                    Some("scrivi sì oppure no (anche x o cella vuota)".into()),
                );
                None
            }
        }
    }

    /// `F`, `M` or `X` (also femmina/maschio, donna/uomo).
    pub fn gender(&self, d: &mut Diagnostics, row: &Row, col: usize) -> Option<Gender> {
        let v = self.text(d, row, col)?;
        let quick = match v.as_bytes() {
            [b'F' | b'f'] => Some(Gender::F),
            [b'M' | b'm'] => Some(Gender::M),
            [b'X' | b'x'] => Some(Gender::X),
            _ => None,
        };
        if quick.is_some() {
            return quick;
        }
        match fold(v).as_str() {
            "f" | "femmina" | "donna" | "femminile" => Some(Gender::F),
            "m" | "maschio" | "uomo" | "maschile" => Some(Gender::M),
            "x" | "altro" | "nonbinario" => Some(Gender::X),
            _ => {
                self.diag(
                    d,
                    Severity::Error,
                    "gender-invalid",
                    row,
                    col,
                    v,
                    format!("«{v}» non è un genere valido"),
                    Some("scrivi F, M oppure X".into()),
                );
                None
            }
        }
    }

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
                self.diag(
                    d,
                    Severity::Error,
                    "country-unknown",
                    row,
                    col,
                    v,
                    format!("paese «{v}» non riconosciuto"),
                    Some(hint),
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
        extra: &mut super::model::Interner,
    ) -> Option<u16> {
        let v = self.text(d, row, col)?;
        let vocab = &self.centro.tipo_richiesta;
        if vocab.is_empty() {
            // Without a vocabulary the text itself is what the report shows.
            let i = extra.intern(&self.shown(d, row, col, v));
            if i < u32::from(u16::MAX) {
                return Some(i as u16);
            }
            self.diag(
                d,
                Severity::Error,
                "request-type-unknown",
                row,
                col,
                v,
                "troppi tipi di richiesta diversi (più di 65.535) senza un elenco in centro.toml".into(),
                Some("elenca i tipi di richiesta in centro.toml, [vocabolari] tipo_richiesta".into()),
            );
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
                self.diag(
                    d,
                    Severity::Error,
                    "request-type-unknown",
                    row,
                    col,
                    v,
                    format!("tipo di richiesta «{v}» non previsto in centro.toml"),
                    Some(hint),
                );
                None
            }
        }
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
                    self.diag(
                        d,
                        Severity::Info,
                        "comune-homonym",
                        row,
                        col,
                        v,
                        format!("«{v}» è il nome di più comuni: letto come {} ({})", taken.name, taken.province),
                        Some(format!("se era un altro, scrivi anche la provincia: {}", options.join(" o "))),
                    );
                }
                Some(id)
            }
            Err(hint) => {
                let hint = hint.unwrap_or_else(|| "scrivi il nome del comune come nell'elenco ISTAT (es. Jesi)".into());
                self.diag(
                    d,
                    Severity::Error,
                    "comune-unknown",
                    row,
                    col,
                    v,
                    format!("comune «{v}» non trovato nell'elenco ISTAT"),
                    Some(hint),
                );
                None
            }
        }
    }

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
    pub fn shown<'r>(&self, d: &mut Diagnostics, row: &Row, col: usize, v: &'r str) -> Cow<'r, str> {
        let name = self.spec.columns[col].name;
        let (redacted, found) = crate::privacy::redact(v);
        for what in found {
            d.push(personal_text(&self.src, row.line, Some(name), what));
        }
        let (printable, bad) = crate::glyphs::clean(&redacted);
        if bad.is_empty() {
            return redacted;
        }
        d.push(unprintable_text(&self.src, row.line, Some(name), &bad));
        Cow::Owned(printable.into_owned())
    }

    /// A new row begins.
    pub fn begin_row(&mut self) {
        self.row_variants.clear();
    }

    /// The current row is left out (outside `--period`): what it counted goes.
    pub fn undo_row(&mut self) {
        for v in self.row_variants.drain(..) {
            if let Some(e) = self.variants.get_mut(&v) {
                e.2 = e.2.saturating_sub(1);
            }
        }
    }

    /// Takes in what another reader of the same register saw.
    pub fn absorb(&mut self, other: Cells) {
        for (value, (name, line, n)) in other.variants.into_iter().filter(|(_, (_, _, n))| *n > 0) {
            let e = self.variants.entry(value).or_insert((name, line, 0));
            e.1 = if e.2 == 0 { line } else { e.1.min(line) };
            e.2 += n;
        }
    }

    /// Info notes for the variant spellings seen, one per distinct value.
    pub fn finish(self, d: &mut Diagnostics) {
        let mut v: Vec<_> = self.variants.into_iter().filter(|(_, (_, _, n))| *n > 0).collect();
        v.sort_by_key(|(_, (_, line, _))| *line);
        let col = self.spec.columns.iter().find(|c| c.kind == crate::schema::Kind::Country).map_or("paese", |c| c.name);
        for (value, (name, line, n)) in v {
            d.push(
                self.src
                    .diag(
                        Severity::Info,
                        "country-variant",
                        format!(
                            "«{value}» è una grafia alternativa: letta come «{name}» ({n} {})",
                            if n == 1 { "riga" } else { "righe" }
                        ),
                    )
                    .line(line)
                    .column(col)
                    .value(value)
                    .hint(format!("va bene così; per uniformità puoi scrivere «{name}»")),
            );
        }
    }
}

/// A personal datum found in free text at `line` (and `column`): where,
/// never what.
pub fn personal_text(src: &Source, line: usize, column: Option<&str>, what: &str) -> crate::diag::Diagnostic {
    let place = column.map_or_else(|| "il testo".to_string(), |c| format!("la colonna «{c}»"));
    let mut d = src
        .diag(
            Severity::Warning,
            "text-personal-data",
            format!("{place} contiene {what}: nel report è sostituito da «{}»", crate::privacy::REDACTED),
        )
        .line(line)
        .hint("i testi che finiscono nel report non devono contenere dati personali: togli il dato dal registro");
    d.column = column.map(str::to_string);
    d
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
    let mut d = src
        .diag(
            Severity::Warning,
            "text-unprintable",
            format!("{place} contiene {}: {}", found.describe(), found.consequence()),
        )
        .line(line)
        .hint("riscrivi il testo in caratteri latini (o greci e cirillici); i caratteri di controllo vengono da copia e incolla: riscrivi la cella");
    d.column = column.map(str::to_string);
    d
}

/// The cached answer for `key`, computed once per distinct value (the hot
/// path allocates nothing for a value already seen).
fn cached<T: Clone>(map: &mut HashMap<String, T>, key: &str, compute: impl FnOnce() -> T) -> T {
    if let Some(v) = map.get(key) {
        return v.clone();
    }
    let v = compute();
    map.insert(key.to_string(), v.clone());
    v
}

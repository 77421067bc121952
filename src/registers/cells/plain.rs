//! Cells read alone: text, dates, hours, counts, booleans, gender.

use chrono::{Datelike, NaiveDate};

use crate::dates::{DateError, parse_date, parse_number};
use crate::diag::{Diagnostics, Severity};
use crate::read::Row;
use crate::text::fold;

use crate::registers::model::Gender;

use super::state::{Cells, Orders};

/// The years a register's dates may fall in.
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2100;

/// The longest meeting there can be.
const MAX_MEETING_HOURS: f64 = 24.0;

/// How many month-first dates a column holds back, one by one, until its
/// order is decided (the rest are counted).
const HELD: usize = 10_000;

impl Cells<'_> {
    /// `date-invalid` at `line` of column `col`, for value `v`.
    fn invalid_date(&self, line: usize, col: usize, v: &str) -> crate::diag::Diagnostic {
        self.src
            .diag(
                Severity::Error,
                "date-invalid",
                format!("«{v}» non è una data valida: quel giorno (o quel mese) non esiste"),
            )
            .line(line)
            .column(self.spec.columns[col].name)
            .value(v)
            .hint("controlla giorno e mese (gg/mm/aaaa)")
    }

    /// Decides a date column's order from the whole file: month first
    /// only, in every date column of the file (an English-locale export),
    /// is one error for the column, which
    /// also says that the dates that look right are read swapped; otherwise
    /// the held-back cells are dates that do not exist, each reported.
    pub(super) fn decide_order(&self, col: usize, o: Orders, day_first_in_file: bool, d: &mut Diagnostics) {
        let Some((line, value)) = o.month_first else { return };
        if o.day_first.is_some() || day_first_in_file {
            for (line, v) in &o.held {
                d.push(self.invalid_date(*line, col, v));
            }
            return;
        }
        let n = o.month_first_count;
        d.push(
            self.src
                .diag(
                    Severity::Error,
                    "dates-month-first",
                    format!(
                        "le date sono nel formato mese/giorno/anno (all'inglese): «{value}» si legge solo come mese/giorno; {n} {} non si {} e le altre, con il giorno fino a 12, sarebbero lette con giorno e mese scambiati",
                        if n == 1 { "data" } else { "date" },
                        if n == 1 { "legge" } else { "leggono" },
                    ),
                )
                .line(line)
                .column(self.spec.columns[col].name)
                .value(value)
                .hint("riesporta il registro con le impostazioni italiane (giorno/mese/anno): in LibreOffice Strumenti > Opzioni > Impostazioni della lingua > Lingue > Impostazione locale: Italiano; in Excel le impostazioni internazionali di Windows"),
        );
    }

    /// The trimmed text of column `col`; an empty required cell is reported.
    pub fn text<'r>(&self, d: &mut Diagnostics, row: &'r Row, col: usize) -> Option<&'r str> {
        let v = row.get(col);
        if v.is_empty() {
            if self.spec.columns[col].required && !row.is_flawed(col) {
                let c = &self.spec.columns[col];
                d.push(
                    self.at(
                        row,
                        col,
                        Severity::Error,
                        "value-required",
                        format!("la colonna «{}» è obbligatoria ma qui è vuota", c.name),
                    )
                    .value("")
                    .hint(format!("compila la cella: {}", c.help)),
                );
            }
            return None;
        }
        Some(v)
    }

    /// A date; impossible, unreadable, future and too-early dates reported.
    pub fn date(&mut self, d: &mut Diagnostics, row: &Row, col: usize) -> Option<NaiveDate> {
        let v = self.text(d, row, col)?;
        // A register has a few thousand distinct days over a million rows:
        // a spelling already read without remark is not parsed again.
        let key = crate::registers::keys::inline(v);
        if let Some(date) = key.and_then(|k| self.clean_dates.get(&k)) {
            return Some(*date);
        }
        let parsed = match parse_date(v) {
            // A spreadsheet cell not formatted as a date holds its serial
            // number, counted in the workbook's own date system.
            Err(_) if let Some(system) = row.serials() => {
                let date = v.trim().parse::<f64>().ok().and_then(|n| system.date(n)).ok_or(DateError::Unreadable);
                if let Ok(date) = date {
                    self.serials.entry(col).or_insert_with(|| (row.line, v.to_string(), date, system));
                }
                date
            }
            other => other,
        };
        match parsed {
            // A year far from any register (0001, 6025, 9999) is a typo, and
            // counting days up to it would take hundreds of megabytes.
            Ok(date) if !(MIN_YEAR..=MAX_YEAR).contains(&date.year()) => {
                d.push(
                    self.at(
                        row,
                        col,
                        Severity::Error,
                        "date-out-of-range",
                        format!(
                            "«{v}»: l'anno {} è fuori misura (le date dei registri vanno dal {MIN_YEAR} al {MAX_YEAR})",
                            date.year()
                        ),
                    )
                    .value(v)
                    .hint("controlla l'anno: forse una cifra in più o in meno"),
                );
                None
            }
            Ok(date) => {
                if crate::dates::order_evidence(v) == Some(crate::dates::Order::DayFirst) {
                    let o = self.orders.entry(col).or_default();
                    if o.day_first.as_ref().is_none_or(|(l, _)| row.line < *l) {
                        o.day_first = Some((row.line, v.to_string()));
                    }
                }
                if date > self.today {
                    d.push(
                        self.at(row, col, Severity::Warning, "date-future", format!("la data «{v}» è nel futuro"))
                            .value(v)
                            .hint("controlla l'anno: forse un errore di battitura"),
                    );
                } else if let Some(open) = self.centro.attivo_dal.filter(|o| date < *o) {
                    d.push(
                        self.at(
                            row,
                            col,
                            Severity::Warning,
                            "date-before-opening",
                            format!(
                                "la data «{v}» è precedente all'apertura del centro ({})",
                                crate::dates::short_date(open)
                            ),
                        )
                        .value(v)
                        .hint("controlla l'anno"),
                    );
                } else if let Some(k) = key {
                    self.clean_dates.insert(k, date);
                }
                Some(date)
            }
            Err(DateError::Invalid) => {
                if crate::dates::order_evidence(v) == Some(crate::dates::Order::MonthFirst) {
                    // A real date if month first: held back until the
                    // column says which order it is written in.
                    let o = self.orders.entry(col).or_default();
                    if o.month_first.as_ref().is_none_or(|(l, _)| row.line < *l) {
                        o.month_first = Some((row.line, v.to_string()));
                    }
                    o.month_first_count += 1;
                    if o.held.len() < HELD {
                        o.held.push((row.line, v.to_string()));
                        self.row_held.push(col);
                        return None;
                    }
                }
                d.push(self.invalid_date(row.line, col, v));
                None
            }
            Err(DateError::Unreadable) => {
                d.push(self.at(row, col, Severity::Error, "date-unreadable", format!("«{v}» non si legge come data")).value(v).hint(if crate::dates::from_excel_serial(v).is_some() && v.bytes().all(|b| b.is_ascii_digit()) {
                        "sembra un numero di serie di Excel: nel foglio formatta la colonna come data (gg/mm/aaaa) ed esporta di nuovo"
                    } else if crate::text::is_total_label(v) {
                        "sembra una riga di totali: cancellala dal registro (i totali li calcola integra)"
                    } else {
                        "scrivi la data come gg/mm/aaaa, ad esempio 04/04/2025"
                    }));
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
                d.push(
                    self.at(
                        row,
                        col,
                        Severity::Error,
                        "number-invalid",
                        format!("«{v}» ore per un incontro: servono più di 0 e al massimo 24"),
                    )
                    .value(v)
                    .hint("scrivi la durata in ore di un solo incontro (es. 2 o 1,5); per i minuti usa i decimali"),
                );
                None
            }
            None => {
                d.push(
                    self.at(row, col, Severity::Error, "number-invalid", format!("«{v}» non è un numero valido"))
                        .value(v)
                        .hint("scrivi un numero, con la virgola per i decimali (es. 1,5)"),
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
                d.push(
                    self.at(row, col, Severity::Error, "number-invalid", format!("«{v}» {what}")).value(v).hint(hint),
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
                d.push(
                    self.at(row, col, Severity::Error, "boolean-invalid", format!("«{v}» non è un valore sì/no"))
                        .value(v)
                        .hint("scrivi sì oppure no (anche x o cella vuota)"),
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
                d.push(
                    self.at(row, col, Severity::Error, "gender-invalid", format!("«{v}» non è un genere valido"))
                        .value(v)
                        .hint("scrivi F, M oppure X"),
                );
                None
            }
        }
    }
}

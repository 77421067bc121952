//! The cell reader's state (`Cells`): what a register's parser holds while
//! it reads cells, its row bookkeeping and the notes it leaves at the end,
//! with what a date column's cells say of their order (`Orders`) and what
//! making a free text fit to show found (`Fit`). The readers themselves
//! (`plain`, `lookup`, `texts`) are `impl Cells` blocks beside it.

use rustc_hash::FxHashMap as HashMap;

use chrono::NaiveDate;

use crate::centro::Centro;
use crate::diag::{Diagnostic, Diagnostics, Severity, Source};
use crate::read::Row;
use crate::reference::{ComuneId, ComuneMatch, CountryMatch};
use crate::schema::RegisterSpec;

/// What a date column's cells say of the order of day and month.
#[derive(Debug, Default)]
pub(super) struct Orders {
    /// The first cell that can only be day first: (line, value).
    pub(super) day_first: Option<(usize, String)>,
    /// The first cell that can only be month first, and how many there are
    /// in the whole file (whatever the period).
    pub(super) month_first: Option<(usize, String)>,
    pub(super) month_first_count: usize,
    /// The month-first cells of the rows kept, held back as dates that do
    /// not exist until the column is decided: (line, value).
    pub(super) held: Vec<(usize, String)>,
}

impl Orders {
    pub(super) fn absorb(&mut self, other: Orders) {
        let earlier = |a: &mut Option<(usize, String)>, b: Option<(usize, String)>| {
            if let Some(b) = b
                && a.as_ref().is_none_or(|a| b.0 < a.0)
            {
                *a = Some(b);
            }
        };
        earlier(&mut self.day_first, other.day_first);
        earlier(&mut self.month_first, other.month_first);
        self.month_first_count += other.month_first_count;
        self.held.extend(other.held);
        self.held.sort_by_key(|(line, _)| *line);
    }
}

/// What making a text fit to show found: personal data replaced, then
/// characters removed or replaced; `shown` is `None` when nothing changed.
#[derive(Debug, Clone)]
pub(super) struct Fit {
    pub(super) shown: Option<String>,
    pub(super) personal: Vec<&'static str>,
    pub(super) unprintable: Option<crate::glyphs::Found>,
}

impl Fit {
    /// Nothing found: the text is shown as written.
    pub(super) fn is_clean(&self) -> bool {
        self.shown.is_none() && self.personal.is_empty() && self.unprintable.is_none()
    }

    pub(super) fn of(v: &str, contacts: &crate::privacy::Exempt) -> Fit {
        let (redacted, personal) = crate::privacy::redact_with(v, &crate::privacy::Codes::default(), contacts);
        let (printable, bad) = crate::glyphs::clean(&redacted);
        let changed = matches!(redacted, std::borrow::Cow::Owned(_)) || matches!(printable, std::borrow::Cow::Owned(_));
        Fit { shown: changed.then(|| printable.into_owned()), personal, unprintable: (!bad.is_empty()).then_some(bad) }
    }
}

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
    pub(super) countries: HashMap<String, CountryMatch>,
    /// Variant spellings seen: (value, standard name) → (first line, rows).
    pub(super) variants: HashMap<String, (String, usize, usize)>,
    /// Variant spellings counted on the current row, undone if the row is left out.
    pub(super) row_variants: Vec<String>,
    /// Two-letter country cells read as ISO codes: value → (country, first
    /// line, rows), for a warning if the column turns out to hold names.
    pub(super) two_letter: HashMap<String, (crate::reference::CountryId, usize, usize)>,
    /// Two-letter codes counted on the current row, undone with it.
    pub(super) row_codes: Vec<String>,
    pub(super) types: HashMap<String, Result<u16, Option<String>>>,
    /// What each spelling of a comune was recognised as.
    pub(super) comuni: HashMap<String, ComuneMatch>,
    /// The centre's own comune, whose province and region tell homonyms apart.
    pub(super) home: Option<ComuneId>,
    /// Homonymous comuni already noted (once per spelling).
    pub(super) homonyms_noted: std::collections::HashSet<String>,
    /// Short free texts already made fit to show (a referral source repeats
    /// on most of a million access rows).
    pub(super) fit: HashMap<String, Fit>,
    /// Date cells (as written, short ones) read without a diagnostic.
    pub(super) clean_dates: HashMap<crate::registers::keys::Inline, NaiveDate>,
    /// Per date column, the first number read as a serial date: (line,
    /// value, date, the workbook's date system), for one note per column.
    pub(super) serials:
        std::collections::BTreeMap<usize, (usize, String, NaiveDate, crate::read::workbook::DateSystem)>,
    /// Per date column, what its cells say of the order of day and month.
    pub(super) orders: std::collections::BTreeMap<usize, Orders>,
    /// Date columns where the current row held back a month-first date.
    pub(super) row_held: Vec<usize>,
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
            two_letter: HashMap::default(),
            row_codes: Vec::new(),
            types: HashMap::default(),
            comuni: HashMap::default(),
            home: crate::reference::Comuni::get().lookup(&centro.comune).ok(),
            homonyms_noted: std::collections::HashSet::new(),
            fit: HashMap::default(),
            clean_dates: HashMap::default(),
            serials: std::collections::BTreeMap::new(),
            orders: std::collections::BTreeMap::new(),
            row_held: Vec::new(),
        }
    }

    /// Starts a diagnostic about the cell of `row` in column `col`.
    pub(super) fn at(
        &self,
        row: &Row,
        col: usize,
        sev: Severity,
        code: &'static str,
        msg: impl Into<String>,
    ) -> Diagnostic {
        self.src.diag(sev, code, msg).line(row.line).column(self.spec.columns[col].name)
    }

    /// A new row begins.
    pub fn begin_row(&mut self) {
        self.row_variants.clear();
        self.row_held.clear();
        self.row_codes.clear();
    }

    /// The current row is left out (outside `--period`): what it counted goes.
    pub fn undo_row(&mut self) {
        for v in self.row_codes.drain(..) {
            if let Some(e) = self.two_letter.get_mut(&v) {
                e.2 = e.2.saturating_sub(1);
            }
        }
        for col in self.row_held.drain(..) {
            if let Some(o) = self.orders.get_mut(&col) {
                o.held.pop();
            }
        }
        for v in self.row_variants.drain(..) {
            if let Some(e) = self.variants.get_mut(&v) {
                e.2 = e.2.saturating_sub(1);
            }
        }
    }

    /// Takes in what another reader of the same register saw.
    pub fn absorb(&mut self, other: Cells) {
        for (value, seen) in other.countries {
            self.countries.entry(value).or_insert(seen);
        }
        for (value, (id, line, n)) in other.two_letter.into_iter().filter(|(_, e)| e.2 > 0) {
            let e = self.two_letter.entry(value).or_insert((id, line, 0));
            e.1 = if e.2 == 0 { line } else { e.1.min(line) };
            e.2 += n;
        }
        for (col, o) in other.orders {
            self.orders.entry(col).or_default().absorb(o);
        }
        for (col, seen) in other.serials {
            let e = self.serials.entry(col).or_insert_with(|| seen.clone());
            if seen.0 < e.0 {
                *e = seen;
            }
        }
        for (value, (name, line, n)) in other.variants.into_iter().filter(|(_, (_, _, n))| *n > 0) {
            let e = self.variants.entry(value).or_insert((name, line, 0));
            e.1 = if e.2 == 0 { line } else { e.1.min(line) };
            e.2 += n;
        }
    }

    /// Info notes for the variant spellings seen, one per distinct value,
    /// and for each date column holding serial numbers, its first one.
    pub fn finish(mut self, d: &mut Diagnostics) {
        // The order is the file's: a day above 12 in any of its date
        // columns says day first for all of them.
        let day_first = self.orders.values().any(|o| o.day_first.is_some());
        for (col, o) in std::mem::take(&mut self.orders) {
            self.decide_order(col, o, day_first, d);
        }
        self.two_letter_codes(d);
        for (&col, (line, value, date, system)) in &self.serials {
            d.push(
                self.src
                    .diag(
                        Severity::Info,
                        "date-serial",
                        format!(
                            "la colonna contiene numeri al posto di date: letti come date del {}; il primo, «{value}», è il {}",
                            system.label(),
                            crate::dates::short_date(*date)
                        ),
                    )
                    .line(*line)
                    .column(self.spec.columns[col].name)
                    .value(value.clone())
                    .hint("va bene così se quella è la data giusta; per evitare dubbi formatta la colonna come data (gg/mm/aaaa)"),
            );
        }
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

/// The cached answer for `key`, computed once per distinct value (the hot
/// path allocates nothing for a value already seen).
pub(super) fn cached<T: Clone>(map: &mut HashMap<String, T>, key: &str, compute: impl FnOnce() -> T) -> T {
    if let Some(v) = map.get(key) {
        return v.clone();
    }
    let v = compute();
    map.insert(key.to_string(), v.clone());
    v
}

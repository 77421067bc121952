//! The registers once read and checked: column vectors for the large ones
//! (accessi, utenti), plain rows for the small ones. Dates are days since
//! 1970-01-01 so they go to polars as they are.

use chrono::NaiveDate;

use crate::reference::{ComuneId, CountryId};

pub use super::keys::{FirstSeen, Folded, IdRule, Ids, Interner, KeyRule, Keys, id_key};

/// Marks an absent optional id/interned value in the column vectors.
pub const NONE: u32 = u32::MAX;

/// A gender as registers write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Female.
    F,
    /// Male.
    M,
    /// Neither / not stated as F or M.
    X,
}

impl Gender {
    /// Every gender with its code, in the order reports list them.
    pub const ALL: [Gender; 3] = [Gender::F, Gender::M, Gender::X];

    /// The keys genders are counted under ([`Gender::key`]) and the name the
    /// report's data gives each: F, M, X, then `unknown` (0, a blank
    /// `genere`, which only accesses may have). Users take the first three.
    pub const KEYS: [(u32, &'static str); 4] = [(1, "F"), (2, "M"), (3, "X"), (0, "unknown")];

    /// The number a gender is counted under: 0 not written, 1 F, 2 M, 3 X.
    pub fn key(g: Option<Gender>) -> u32 {
        match g {
            None => 0,
            Some(Gender::F) => 1,
            Some(Gender::M) => 2,
            Some(Gender::X) => 3,
        }
    }

    /// `F`, `M` or `X`.
    pub fn code(self) -> &'static str {
        match self {
            Gender::F => "F",
            Gender::M => "M",
            Gender::X => "X",
        }
    }
}

/// One day's accesses, counted by every dimension the report groups by.
#[derive(Debug, Clone, Default)]
pub struct DayCounts {
    /// By country slot (see [`Accessi::slot_country`]).
    pub country: Vec<u32>,
    /// By request type index.
    pub kind: Vec<u32>,
    /// By referral: slot 0 "not given", slot `i + 1` for referral index `i`.
    pub referral: Vec<u32>,
    /// By gender, at [`Gender::key`].
    pub gender: [u32; 4],
}

fn bump(v: &mut Vec<u32>, i: usize, n: u32) {
    if v.len() <= i {
        v.resize(i + 1, 0);
    }
    v[i] += n;
}

/// Keeps the earlier of `line` and the first line known for index `i`.
fn first_line(v: &mut Vec<u32>, i: usize, line: u32) {
    if v.len() <= i {
        v.resize(i + 1, u32::MAX);
    }
    v[i] = v[i].min(line);
}

/// One access as read, kept only when asked ([`Accessi::keep_rows`]): what
/// `explain` needs to name the rows behind a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessRow {
    /// Physical line (or spreadsheet row).
    pub line: u32,
    /// Day, since 1970-01-01.
    pub day: i32,
    /// Country id.
    pub country: CountryId,
    /// Request type index.
    pub kind: u16,
    /// Referral slot: 0 not given, `i + 1` referral `i`.
    pub referral: u32,
    /// [`Gender::key`].
    pub gender: u8,
}

/// `accessi`, counted per day as it is read: the report groups accesses by
/// country, type, month, referral and gender inside a period, so nothing
/// per row has to be kept. Memory grows with the days covered, not the rows
/// (unless [`Accessi::keep_rows`] asks for the rows too).
#[derive(Debug, Default, Clone)]
pub struct Accessi {
    /// Also keep every row in [`Accessi::row_list`] (for `explain`).
    pub keep_rows: bool,
    /// Every valid row, when [`Accessi::keep_rows`]; in no particular order.
    pub row_list: Vec<AccessRow>,
    /// Valid rows counted.
    pub rows: u64,
    /// Day of `days[0]` (days since 1970-01-01).
    pub first_day: i32,
    /// Counts per day from `first_day` on (days with no access stay empty).
    pub days: Vec<DayCounts>,
    /// Referral sources as written.
    pub referrals: Interner,
    /// Whether any row names a referral source.
    pub has_referral: bool,
    /// The first line (of a counted row) naming each referral source.
    pub referral_line: Vec<u32>,
    /// The first line (of a counted row) of each request type index.
    pub kind_line: Vec<u32>,
    /// Country of each slot: a centre sees a few dozen countries, so per-day
    /// counts are indexed by slot, which keeps the table small and in cache.
    pub slot_country: Vec<CountryId>,
    /// Slot + 1 of each country id (0 = not seen yet).
    country_slot: Vec<u16>,
}

impl Accessi {
    /// An empty log that also keeps its rows when `keep_rows`.
    pub fn keeping_rows(keep_rows: bool) -> Accessi {
        Accessi { keep_rows, ..Accessi::default() }
    }

    /// The counts of `day`, created when first seen.
    fn day_mut(&mut self, day: i32) -> &mut DayCounts {
        if self.days.is_empty() {
            self.first_day = day;
        } else if day < self.first_day {
            // Rare (registers are mostly in date order): shift to the earlier day.
            let shift = (self.first_day - day) as usize;
            self.days.splice(0..0, std::iter::repeat_with(DayCounts::default).take(shift));
            self.first_day = day;
        }
        let i = (day - self.first_day) as usize;
        if i >= self.days.len() {
            self.days.resize_with(i + 1, DayCounts::default);
        }
        &mut self.days[i]
    }

    /// The slot of `country`, assigned when first seen.
    fn slot(&mut self, country: CountryId) -> usize {
        let c = usize::from(country);
        if c >= self.country_slot.len() {
            self.country_slot.resize(c + 1, 0);
        }
        if self.country_slot[c] == 0 {
            self.slot_country.push(country);
            self.country_slot[c] = self.slot_country.len() as u16;
        }
        usize::from(self.country_slot[c] - 1)
    }

    /// Counts one valid access, read at `line`.
    pub fn add(
        &mut self,
        line: usize,
        day: i32,
        country: CountryId,
        kind: u16,
        referral: Option<u32>,
        gender: Option<Gender>,
    ) {
        self.rows += 1;
        if self.keep_rows {
            self.row_list.push(AccessRow {
                line: line as u32,
                day,
                country,
                kind,
                referral: referral.map_or(0, |r| r + 1),
                gender: Gender::key(gender) as u8,
            });
        }
        self.has_referral |= referral.is_some();
        if let Some(r) = referral {
            first_line(&mut self.referral_line, r as usize, line as u32);
        }
        first_line(&mut self.kind_line, usize::from(kind), line as u32);
        let slot = self.slot(country);
        let d = self.day_mut(day);
        bump(&mut d.country, slot, 1);
        bump(&mut d.kind, usize::from(kind), 1);
        // Referral slots: index + 1, and 0 for "not given".
        bump(&mut d.referral, referral.map_or(0, |r| r as usize + 1), 1);
        d.gender[Gender::key(gender) as usize] += 1;
    }

    /// Adds the counts another reader made (another piece of the file);
    /// `kind` maps its request-type indexes to this one's.
    pub fn merge(&mut self, other: &Accessi, kind: impl Fn(u16) -> u16) {
        self.rows += other.rows;
        self.has_referral |= other.has_referral;
        let referral: Vec<usize> = std::iter::once(0)
            .chain(
                (0..other.referrals.len() as u32).map(|r| self.referrals.intern(other.referrals.get(r)) as usize + 1),
            )
            .collect();
        for (r, &line) in other.referral_line.iter().enumerate() {
            first_line(&mut self.referral_line, referral[r + 1] - 1, line);
        }
        for (k, &line) in other.kind_line.iter().enumerate() {
            first_line(&mut self.kind_line, usize::from(kind(k as u16)), line);
        }
        self.row_list.extend(other.row_list.iter().map(|r| AccessRow {
            kind: kind(r.kind),
            referral: referral[r.referral as usize] as u32,
            ..*r
        }));
        for (day, counts) in other.each_day() {
            let slots: Vec<(usize, u32)> = counts
                .country
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(s, &n)| (self.slot(other.slot_country[s]), n))
                .collect();
            let d = self.day_mut(day);
            for (slot, n) in slots {
                bump(&mut d.country, slot, n);
            }
            for (k, &n) in counts.kind.iter().enumerate().filter(|(_, n)| **n > 0) {
                bump(&mut d.kind, usize::from(kind(k as u16)), n);
            }
            for (r, &n) in counts.referral.iter().enumerate().filter(|(_, n)| **n > 0) {
                bump(&mut d.referral, referral[r], n);
            }
            for g in 0..4 {
                d.gender[g] += counts.gender[g];
            }
        }
    }

    /// The referral sources renamed, `names[i]` for source `i` (personal
    /// data taken out): sources that now read the same are one, their
    /// counts added.
    pub fn rename_referrals(&mut self, names: &[String]) {
        let mut fresh = Interner::default();
        // Slots: 0 is "not given", `i + 1` source `i`.
        let slot: Vec<usize> = std::iter::once(0).chain(names.iter().map(|n| fresh.intern(n) as usize + 1)).collect();
        for d in &mut self.days {
            let old = std::mem::take(&mut d.referral);
            for (s, n) in old.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                bump(&mut d.referral, slot[s], n);
            }
        }
        for r in &mut self.row_list {
            r.referral = slot[r.referral as usize] as u32;
        }
        let mut lines = Vec::new();
        for (i, &line) in self.referral_line.iter().enumerate() {
            first_line(&mut lines, slot[i + 1] - 1, line);
        }
        self.referral_line = lines;
        self.referrals = fresh;
    }

    /// The request types renumbered, `map[k]` for type `k` (types that read
    /// the same once personal data is taken out become one).
    pub fn renumber_kinds(&mut self, map: &[u16]) {
        for d in &mut self.days {
            let old = std::mem::take(&mut d.kind);
            for (k, n) in old.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                bump(&mut d.kind, usize::from(map[k]), n);
            }
        }
        for r in &mut self.row_list {
            r.kind = map[usize::from(r.kind)];
        }
        let mut lines = Vec::new();
        for (k, &line) in self.kind_line.iter().enumerate() {
            first_line(&mut lines, usize::from(map[k]), line);
        }
        self.kind_line = lines;
    }

    /// Every day with accesses: (day, counts).
    pub fn each_day(&self) -> impl Iterator<Item = (i32, &DayCounts)> {
        self.days
            .iter()
            .enumerate()
            .filter(|(_, d)| d.gender.iter().any(|&n| n > 0))
            .map(|(i, d)| (self.first_day + i as i32, d))
    }
}

/// `utenti`, one entry per user, as columns.
#[derive(Debug, Default, Clone)]
pub struct Utenti {
    /// Physical line of each row.
    pub line: Vec<u32>,
    /// Id index.
    pub id: Vec<u32>,
    /// Taken in charge, days since epoch.
    pub taken: Vec<i32>,
    /// Closed, days since epoch, or `i32::MAX` when open.
    pub closed: Vec<i32>,
    /// Gender.
    pub gender: Vec<Gender>,
    /// Country of citizenship.
    pub country: Vec<CountryId>,
    /// Comune of residence, or `ComuneId::MAX`.
    pub comune: Vec<ComuneId>,
    /// No fixed abode / no registered residence.
    pub homeless: Vec<bool>,
    /// The comune as written, where that is not the ISTAT name of the
    /// comune counted (`peglio`, `Cameri NO`, `Bozen`), for `explain`.
    pub comune_written: Vec<Option<Box<str>>>,
}

/// One course.
#[derive(Debug, Clone)]
pub struct Corso {
    /// Line in the file.
    pub line: usize,
    /// Short code.
    pub id: String,
    /// Title.
    pub title: String,
    /// `lingua`, `scuola_guida`, `altro`.
    pub kind: Option<String>,
    /// Partners.
    pub partner: Option<String>,
    /// Planned first day.
    pub start: NaiveDate,
    /// Planned last day.
    pub end: NaiveDate,
    /// Usual hours a meeting.
    pub hours: Option<f64>,
    /// Whether the `ore_incontro` cell was left blank (an unreadable one
    /// has its own error).
    pub hours_blank: bool,
}

/// One meeting held.
#[derive(Debug, Clone)]
pub struct Incontro {
    /// Line in the file.
    pub line: usize,
    /// Course code as written.
    pub course: String,
    /// Day held.
    pub date: NaiveDate,
    /// Hours, when not the course's usual.
    pub hours: Option<f64>,
}

/// One enrolment.
#[derive(Debug, Clone)]
pub struct Iscrizione {
    /// Line in the file.
    pub line: usize,
    /// Course code as written.
    pub course: String,
    /// Participant's pseudonymous code.
    pub participant: String,
    /// Who sent the participant (SAI, Centro…).
    pub origin: Option<String>,
    /// Country of citizenship.
    pub country: Option<CountryId>,
    /// Day enrolled.
    pub date: Option<NaiveDate>,
}

/// One application filled in with the centre's help.
#[derive(Debug, Clone)]
pub struct Domanda {
    /// Line in the file.
    pub line: usize,
    /// Day filled in.
    pub date: NaiveDate,
    /// The call's name.
    pub call: String,
    /// User id as written.
    pub user: Option<String>,
    /// Outcome.
    pub outcome: Option<String>,
}

/// One event.
#[derive(Debug, Clone)]
pub struct Evento {
    /// Line in the file.
    pub line: usize,
    /// Day.
    pub date: NaiveDate,
    /// Title.
    pub title: String,
    /// Partners.
    pub partner: Option<String>,
    /// One paragraph.
    pub description: Option<String>,
}

/// Totals declared for one year before the registers.
#[derive(Debug, Clone)]
pub struct Storico {
    /// Line in the file.
    pub line: usize,
    /// Year.
    pub year: i32,
    /// Users in charge that year.
    pub total: u32,
    /// Of which Italian.
    pub italian: u32,
    /// Of which EU citizens.
    pub eu: u32,
    /// Of which non-EU citizens.
    pub non_eu: u32,
    /// New that year, if declared.
    pub new: Option<u32>,
}

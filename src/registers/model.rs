//! The registers once read and checked: column vectors for the large ones
//! (accessi, utenti), plain rows for the small ones. Dates are days since
//! 1970-01-01 so they go to polars as they are.

use chrono::NaiveDate;
use polars::prelude::{DataFrame, Int32Chunked, IntoColumn, IntoSeries, PolarsResult, UInt32Chunked, UInt64Chunked};
use rustc_hash::FxHashMap;

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

/// The columns of the full key but the day, packed: referral slot,
/// country, kind, gender, known. A log has a few thousand of them at most,
/// each numbered once ([`Accessi::combos`]).
fn pack(referral: u32, country: CountryId, kind: u16, gender: u8, known: u8) -> u128 {
    u128::from(referral) << 64
        | u128::from(country) << 48
        | u128::from(kind) << 32
        | u128::from(gender) << 8
        | u128::from(known)
}

/// The fields of a [`pack`]ed combination: referral slot, country, kind,
/// gender, known.
fn unpack(k: u128) -> (u32, CountryId, u16, u8, u8) {
    ((k >> 64) as u32, (k >> 48) as u16, (k >> 32) as u16, (k >> 8) as u8, k as u8)
}

/// The full key an access is counted under, one integer that sorts by day
/// first: the day (its sign bit flipped) and the number of the rest of the
/// key.
fn day_key(day: i32, combo: u32) -> u64 {
    u64::from(day as u32 ^ 0x8000_0000) << 32 | u64::from(combo)
}

/// The day and combination number of a [`day_key`].
fn day_combo(k: u64) -> (i32, u32) {
    (((k >> 32) as u32 ^ 0x8000_0000) as i32, k as u32)
}

/// Rows [`Accessi::add`] keeps as packed keys before sorting them into the
/// counts: 256 KiB, so the buffer and its sort stay in cache.
const PENDING_ROWS: usize = 1 << 15;

/// Counts by full key ([`day_key`]), the keys sorted and distinct.
#[derive(Debug, Default, Clone)]
struct Counts {
    keys: Vec<u64>,
    n: Vec<u32>,
}

impl Counts {
    fn len(&self) -> usize {
        self.keys.len()
    }

    /// Sorted keys, each possibly repeated, counted once each.
    fn from_sorted_rows(rows: &[u64]) -> Counts {
        let mut out = Counts::default();
        for &k in rows {
            match out.keys.last() {
                Some(&last) if last == k => *out.n.last_mut().expect("a count per key") += 1,
                _ => {
                    out.keys.push(k);
                    out.n.push(1);
                }
            }
        }
        out
    }

    /// Both counts added: one pass over two sorted lists.
    fn merged(self, other: Counts) -> Counts {
        if self.keys.is_empty() {
            return other;
        }
        if other.keys.is_empty() {
            return self;
        }
        let mut out = Counts {
            keys: Vec::with_capacity(self.len() + other.len()),
            n: Vec::with_capacity(self.len() + other.len()),
        };
        let (mut i, mut j) = (0, 0);
        while i < self.len() && j < other.len() {
            let (a, b) = (self.keys[i], other.keys[j]);
            if a < b {
                out.keys.push(a);
                out.n.push(self.n[i]);
                i += 1;
            } else if b < a {
                out.keys.push(b);
                out.n.push(other.n[j]);
                j += 1;
            } else {
                out.keys.push(a);
                out.n.push(self.n[i] + other.n[j]);
                i += 1;
                j += 1;
            }
        }
        out.keys.extend_from_slice(&self.keys[i..]);
        out.n.extend_from_slice(&self.n[i..]);
        out.keys.extend_from_slice(&other.keys[j..]);
        out.n.extend_from_slice(&other.n[j..]);
        out
    }
}

/// The columns of a piece of the access log counted ([`Accessi::pieces`]):
/// the full key and the count `n`.
pub const ACCESS_PIECE_COLUMNS: [&str; 7] = ["day", "country", "kind", "referral", "gender", "known", "n"];

/// `accessi`, counted as it is read: the report groups accesses by day,
/// country, type, referral and gender inside a period, so each reader (a
/// thread and the pieces of the file it reads) counts its rows by that full
/// key: a buffer of rows at a time, sorted and merged into its sorted
/// counts; the readers' counts are added into one ([`Accessi::merge`]) and
/// handed on as a polars frame ([`Accessi::pieces`]), which
/// `registers::frames` makes the fact frame. Memory grows with the
/// distinct keys, not the rows (unless [`Accessi::keep_rows`] asks for the
/// rows too).
#[derive(Debug, Default, Clone)]
pub struct Accessi {
    /// Also keep every row in [`Accessi::row_list`] (for `explain`).
    pub keep_rows: bool,
    /// Every valid row, when [`Accessi::keep_rows`]; in no particular order.
    pub row_list: Vec<AccessRow>,
    /// Valid rows counted.
    pub rows: u64,
    /// Referral sources as written.
    pub referrals: Interner,
    /// Whether any row names a referral source.
    pub has_referral: bool,
    /// The first line (of a counted row) naming each referral source.
    pub referral_line: Vec<u32>,
    /// The first line (of a counted row) of each request type index.
    pub kind_line: Vec<u32>,
    /// This reader's counts by full key, not yet a frame.
    counts: Counts,
    /// Rows not yet in `counts`, as packed keys: sorting a buffer of them
    /// and merging it into the sorted counts reads memory in order, where
    /// adding each row to a table of every key missed the cache on nearly
    /// every row (the log comes in any date order).
    pending: Vec<u64>,
    /// The number of each combination of the key but the day ([`pack`]).
    combos: FxHashMap<u128, u32>,
    /// The combination of each number.
    combo_list: Vec<u128>,
    /// Counts already made frames (other readers' merged in, or this one's
    /// renumbered), in this log's numbering of types and referrals.
    frames: Vec<DataFrame>,
}

/// The `u32` column `name` of `df` with each value `k` replaced by `map(k)`.
fn remap(df: &mut DataFrame, name: &str, map: impl Fn(u32) -> u32) -> PolarsResult<()> {
    let mapped: Vec<u32> = df.column(name)?.u32()?.into_no_null_iter().map(map).collect();
    df.replace(name, UInt32Chunked::from_vec(name.into(), mapped).into_series().into_column())?;
    Ok(())
}

impl Accessi {
    /// An empty log that also keeps its rows when `keep_rows`.
    pub fn keeping_rows(keep_rows: bool) -> Accessi {
        Accessi { keep_rows, ..Accessi::default() }
    }

    /// Counts one valid access, read at `line`; `known` when it names a
    /// user of `utenti`.
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        line: usize,
        day: i32,
        country: CountryId,
        kind: u16,
        referral: Option<u32>,
        gender: Option<Gender>,
        known: bool,
    ) {
        self.rows += 1;
        // Referral slots: index + 1, and 0 for "not given".
        let slot = referral.map_or(0, |r| r + 1);
        let gender = Gender::key(gender) as u8;
        if self.keep_rows {
            self.row_list.push(AccessRow { line: line as u32, day, country, kind, referral: slot, gender });
        }
        self.has_referral |= referral.is_some();
        if let Some(r) = referral {
            first_line(&mut self.referral_line, r as usize, line as u32);
        }
        first_line(&mut self.kind_line, usize::from(kind), line as u32);
        if self.pending.capacity() == 0 {
            self.pending.reserve_exact(PENDING_ROWS);
        }
        let combo = self.combo(pack(slot, country, kind, gender, u8::from(known)));
        self.pending.push(day_key(day, combo));
        if self.pending.len() == PENDING_ROWS {
            self.settle();
        }
    }

    /// The counts by full key, as frames of [`ACCESS_PIECE_COLUMNS`]: one
    /// per reader merged in, each grouped by the full key; a key may come
    /// in several of them (`registers::frames` groups them once).
    pub fn pieces(&self) -> PolarsResult<Vec<DataFrame>> {
        let mut out = self.frames.clone();
        if self.counts.len() > 0 || !self.pending.is_empty() || out.is_empty() {
            out.push(self.counts_frame()?);
        }
        Ok(out)
    }

    /// Whether [`Accessi::pieces`] is one frame with one row per key (no
    /// counts were renumbered into frames that may repeat a key).
    pub fn grouped(&self) -> bool {
        self.frames.is_empty()
    }

    /// The number of a combination, given when new.
    fn combo(&mut self, c: u128) -> u32 {
        let next = self.combo_list.len() as u32;
        let n = *self.combos.entry(c).or_insert(next);
        if n == next {
            self.combo_list.push(c);
        }
        n
    }

    /// The pending rows sorted and added into the counts.
    fn settle(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        self.pending.sort_unstable();
        let run = Counts::from_sorted_rows(&self.pending);
        self.pending.clear();
        self.counts = std::mem::take(&mut self.counts).merged(run);
    }

    fn counts_frame(&self) -> PolarsResult<DataFrame> {
        let settled;
        let counts = if self.pending.is_empty() {
            &self.counts
        } else {
            let mut rows = self.pending.clone();
            rows.sort_unstable();
            settled = self.counts.clone().merged(Counts::from_sorted_rows(&rows));
            &settled
        };
        let len = counts.len();
        let (mut day, mut country, mut kind) =
            (Vec::with_capacity(len), Vec::with_capacity(len), Vec::with_capacity(len));
        let (mut referral, mut gender, mut known, mut n) =
            (Vec::with_capacity(len), Vec::with_capacity(len), Vec::with_capacity(len), Vec::with_capacity(len));
        for (&k, &c) in counts.keys.iter().zip(&counts.n) {
            let (d, combo) = day_combo(k);
            let (r, ct, kd, g, kn) = unpack(self.combo_list[combo as usize]);
            day.push(d);
            country.push(u32::from(ct));
            kind.push(u32::from(kd));
            referral.push(r);
            gender.push(u32::from(g));
            known.push(u32::from(kn));
            n.push(u64::from(c));
        }
        let u32_col = |name: &str, v| UInt32Chunked::from_vec(name.into(), v).into_series().into_column();
        DataFrame::new(
            len,
            vec![
                Int32Chunked::from_vec("day".into(), day).into_series().into_column(),
                u32_col("country", country),
                u32_col("kind", kind),
                u32_col("referral", referral),
                u32_col("gender", gender),
                u32_col("known", known),
                UInt64Chunked::from_vec("n".into(), n).into_series().into_column(),
            ],
        )
    }

    /// This reader's counts made a frame, so that they can be renumbered.
    fn flush(&mut self) -> PolarsResult<()> {
        self.settle();
        if self.counts.len() > 0 {
            let frame = self.counts_frame()?;
            self.frames.push(frame);
            self.counts = Counts::default();
        }
        Ok(())
    }

    /// Takes in the counts another reader made (another piece of the
    /// file), as its frames; `kind` maps its request-type indexes to this
    /// one's.
    pub fn merge(&mut self, mut other: Accessi, kind: impl Fn(u16) -> u16) -> PolarsResult<()> {
        self.rows += other.rows;
        self.has_referral |= other.has_referral;
        let referral: Vec<u32> = std::iter::once(0)
            .chain((0..other.referrals.len() as u32).map(|r| self.referrals.intern(other.referrals.get(r)) + 1))
            .collect();
        for (r, &line) in other.referral_line.iter().enumerate() {
            first_line(&mut self.referral_line, referral[r + 1] as usize - 1, line);
        }
        for (k, &line) in other.kind_line.iter().enumerate() {
            first_line(&mut self.kind_line, usize::from(kind(k as u16)), line);
        }
        self.row_list.extend(other.row_list.iter().map(|r| AccessRow {
            kind: kind(r.kind),
            referral: referral[r.referral as usize],
            ..*r
        }));
        // The other reader's counts go into this one's, renumbered: a
        // polars group_by of the stacked frames costs more than the
        // reading (several hundred thousand keys from a million random
        // rows). Renumbering keeps the keys distinct (both maps are one to
        // one) but not always sorted.
        other.settle();
        let combo: Vec<u32> = (other.combo_list.iter())
            .map(|&c| {
                let (r, ct, kd, g, kn) = unpack(c);
                self.combo(pack(referral[r as usize], ct, kind(kd), g, kn))
            })
            .collect();
        let mut theirs: Vec<(u64, u32)> = (other.counts.keys.iter().zip(&other.counts.n))
            .map(|(&k, &n)| {
                let (d, c) = day_combo(k);
                (day_key(d, combo[c as usize]), n)
            })
            .collect();
        if !theirs.is_sorted_by_key(|&(k, _)| k) {
            theirs.sort_unstable_by_key(|&(k, _)| k);
        }
        let theirs =
            Counts { keys: theirs.iter().map(|&(k, _)| k).collect(), n: theirs.iter().map(|&(_, n)| n).collect() };
        self.counts = std::mem::take(&mut self.counts).merged(theirs);
        for mut frame in other.frames {
            remap(&mut frame, "kind", |k| u32::from(kind(k as u16)))?;
            remap(&mut frame, "referral", |r| referral[r as usize])?;
            self.frames.push(frame);
        }
        Ok(())
    }

    /// The referral sources renamed, `names[i]` for source `i` (personal
    /// data taken out): sources that now read the same are one, their
    /// counts added.
    pub fn rename_referrals(&mut self, names: &[String]) -> PolarsResult<()> {
        let mut fresh = Interner::default();
        // Slots: 0 is "not given", `i + 1` source `i`.
        let slot: Vec<u32> = std::iter::once(0).chain(names.iter().map(|n| fresh.intern(n) + 1)).collect();
        self.flush()?;
        for frame in &mut self.frames {
            remap(frame, "referral", |r| slot[r as usize])?;
        }
        for r in &mut self.row_list {
            r.referral = slot[r.referral as usize];
        }
        let mut lines = Vec::new();
        for (i, &line) in self.referral_line.iter().enumerate() {
            first_line(&mut lines, slot[i + 1] as usize - 1, line);
        }
        self.referral_line = lines;
        self.referrals = fresh;
        Ok(())
    }

    /// The request types renumbered, `map[k]` for type `k` (types that read
    /// the same once personal data is taken out become one).
    pub fn renumber_kinds(&mut self, map: &[u16]) -> PolarsResult<()> {
        self.flush()?;
        for frame in &mut self.frames {
            remap(frame, "kind", |k| u32::from(map[k as usize]))?;
        }
        for r in &mut self.row_list {
            r.kind = map[usize::from(r.kind)];
        }
        let mut lines = Vec::new();
        for (k, &line) in self.kind_line.iter().enumerate() {
            first_line(&mut lines, usize::from(map[k]), line);
        }
        self.kind_line = lines;
        Ok(())
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

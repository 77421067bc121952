//! The registers as polars frames: the one form the checks and the
//! aggregation query. Built once, at the end of loading, from the typed
//! tables. The definitions both stages use ("open in the period", "new in
//! the period", "enrolled by the end of the period") are the polars
//! expressions of this module, written once.
//!
//! Every date is a day number (days since 1970-01-01, `i32`); every name is
//! a key (`u32`) into an interner kept beside the frames.

use chrono::Datelike;
use polars::prelude::*;

use super::model::{
    ACCESS_PIECE_COLUMNS, Accessi, Corso, Domanda, Gender, Ids, Incontro, Interner, Iscrizione, NONE, Utenti,
};
use crate::dates::to_days;

/// In the users' `comune` column: no fixed abode.
pub const HOMELESS: u32 = NONE - 1;

/// `column` (days) between `start` and `end`, both included.
pub fn within(column: &str, start: i32, end: i32) -> Expr {
    col(column).gt_eq(lit(start)).and(col(column).lt_eq(lit(end)))
}

/// A user's case is open in a period when it was taken in charge by the
/// period's last day and not closed before its first.
pub fn open_between(start: i32, end: i32) -> Expr {
    col("taken").lt_eq(lit(end)).and(col("closed").gt_eq(lit(start)))
}

/// A user is new in a period when the case is open in it and was taken in
/// charge inside it.
pub fn new_between(start: i32, end: i32) -> Expr {
    open_between(start, end).and(col("taken").gt_eq(lit(start)))
}

/// An enrolment counts for a period ending on day `end` when it has no
/// date or a date up to `end` (people enrolled earlier still attend).
pub fn enrolled_by(end: i32) -> Expr {
    col("day").is_null().or(col("day").lt_eq(lit(end)))
}

/// The number of rows of `frame` that `filter` keeps.
pub fn count_where(frame: &DataFrame, filter: Expr) -> PolarsResult<u64> {
    let df = frame.clone().lazy().filter(filter).select([len().alias("n")]).collect()?;
    Ok(df.column("n")?.cast(&DataType::UInt64)?.u64()?.get(0).unwrap_or(0))
}

fn u32_col(name: &str, v: Vec<u32>) -> Column {
    UInt32Chunked::from_vec(name.into(), v).into_series().into_column()
}

fn i32_col(name: &str, v: Vec<i32>) -> Column {
    Int32Chunked::from_vec(name.into(), v).into_series().into_column()
}

fn opt_i32_col(name: &str, v: Vec<Option<i32>>) -> Column {
    Int32Chunked::from_iter_options(name.into(), v.into_iter()).into_series().into_column()
}

fn opt_u32_col(name: &str, v: Vec<Option<u32>>) -> Column {
    UInt32Chunked::from_iter_options(name.into(), v.into_iter()).into_series().into_column()
}

/// The columns of the access facts ([`Frames::accesses`]) an access is
/// counted by, in the frame's order; `n` follows them.
pub const ACCESS_KEYS: [&str; 8] = ["day", "month", "weekday", "country", "kind", "referral", "gender", "known"];

/// A day's month ([`crate::dates::month_key`]) and weekday (0 Monday …
/// 6 Sunday): the one definition of both for the access facts and rows.
fn month_weekday(day: i32) -> (u32, u32) {
    let date = crate::dates::from_days(day);
    (crate::dates::month_key_of(date), date.weekday().num_days_from_monday())
}

/// The access log as one fact frame: its counts by full key, given the
/// month and weekday of their day. Counts renumbered by `redact` may repeat
/// a key: those pieces are stacked and grouped once more. Its size depends
/// on the distinct keys, not on the rows.
pub(super) fn access_facts(a: &Accessi) -> PolarsResult<DataFrame> {
    let pieces = a.pieces()?;
    let key: Vec<&str> = ACCESS_PIECE_COLUMNS.iter().copied().filter(|c| *c != "n").collect();
    let mut facts = if a.grouped() {
        pieces.into_iter().next().expect("one piece when grouped")
    } else {
        match Packing::new(&pieces, &key)? {
            // One integer column groups several times faster than six.
            Some(packing) => {
                let packed: Vec<LazyFrame> =
                    pieces.iter().map(|p| packing.pack(p).map(DataFrame::lazy)).collect::<PolarsResult<_>>()?;
                let grouped =
                    concat(packed, UnionArgs::default())?.group_by([col("key")]).agg([col("n").sum()]).collect()?;
                packing.unpack(&grouped)?
            }
            None => {
                let pieces: Vec<LazyFrame> = pieces.into_iter().map(DataFrame::lazy).collect();
                concat(pieces, UnionArgs::default())?
                    .group_by(key.iter().map(|c| col(*c)).collect::<Vec<_>>())
                    .agg([col("n").sum()])
                    .collect()?
            }
        }
    };
    // The facts come sorted by day (unless regrouped): the day before is
    // asked first.
    let mut known_days: rustc_hash::FxHashMap<i32, (u32, u32)> = Default::default();
    let mut last: Option<(i32, (u32, u32))> = None;
    let (month, weekday): (Vec<u32>, Vec<u32>) = facts
        .column("day")?
        .i32()?
        .into_no_null_iter()
        .map(|d| match last {
            Some((day, mw)) if day == d => mw,
            _ => {
                let mw = *known_days.entry(d).or_insert_with(|| month_weekday(d));
                last = Some((d, mw));
                mw
            }
        })
        .unzip();
    facts.with_column(u32_col("month", month))?;
    facts.with_column(u32_col("weekday", weekday))?;
    facts.select(ACCESS_KEYS.iter().copied().chain(["n"]))
}

/// The key columns of the access pieces packed into one `u64` column `key`:
/// each column as its offset from its least value, in the bits its range
/// needs (a few dozen countries, a handful of types, some hundred days).
struct Packing {
    /// Name, least value, shift, mask of each key column (`day` is `i32`,
    /// the others `u32`).
    fields: Vec<(&'static str, i64, u32, u64)>,
}

/// Any integer column's values as `i64`.
fn values(df: &DataFrame, name: &str) -> PolarsResult<Vec<i64>> {
    let c = df.column(name)?;
    Ok(match c.dtype() {
        DataType::Int32 => c.i32()?.into_no_null_iter().map(i64::from).collect(),
        _ => c.u32()?.into_no_null_iter().map(i64::from).collect(),
    })
}

impl Packing {
    /// The packing of `key` over every piece, if the ranges fit in 64 bits.
    fn new(pieces: &[DataFrame], key: &[&'static str]) -> PolarsResult<Option<Packing>> {
        let mut fields = Vec::new();
        let mut shift = 0u32;
        for &name in key {
            let (mut lo, mut hi) = (i64::MAX, i64::MIN);
            for p in pieces {
                let c = p.column(name)?;
                let (l, h) = match c.dtype() {
                    DataType::Int32 => (c.i32()?.min().map(i64::from), c.i32()?.max().map(i64::from)),
                    _ => (c.u32()?.min().map(i64::from), c.u32()?.max().map(i64::from)),
                };
                lo = lo.min(l.unwrap_or(i64::MAX));
                hi = hi.max(h.unwrap_or(i64::MIN));
            }
            let bits = if hi > lo { 64 - ((hi - lo) as u64).leading_zeros() } else { 0 };
            if shift + bits > 64 {
                return Ok(None);
            }
            let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
            fields.push((name, lo.min(hi), shift, mask));
            shift += bits;
        }
        Ok(Some(Packing { fields }))
    }

    /// `piece` as `key` and `n`.
    fn pack(&self, piece: &DataFrame) -> PolarsResult<DataFrame> {
        let mut key = vec![0u64; piece.height()];
        for &(name, lo, shift, _) in &self.fields {
            for (k, v) in key.iter_mut().zip(values(piece, name)?) {
                *k |= ((v - lo) as u64) << shift;
            }
        }
        let n = piece.column("n")?.clone();
        DataFrame::new(key.len(), vec![UInt64Chunked::from_vec("key".into(), key).into_series().into_column(), n])
    }

    /// The key columns back from `key`, beside `n`.
    fn unpack(&self, grouped: &DataFrame) -> PolarsResult<DataFrame> {
        let key = grouped.column("key")?.u64()?;
        let mut columns = Vec::new();
        for &(name, lo, shift, mask) in &self.fields {
            let value = key.into_no_null_iter().map(|k| ((k >> shift) & mask) as i64 + lo);
            columns.push(if name == "day" {
                i32_col(name, value.map(|v| v as i32).collect())
            } else {
                u32_col(name, value.map(|v| v as u32).collect())
            });
        }
        columns.push(grouped.column("n")?.clone());
        DataFrame::new(grouped.height(), columns)
    }
}

/// Every register the report counts, as frames. Each row-level frame also
/// has `line`, the row's line in its file (or its spreadsheet row), which
/// no figure groups by and `explain` shows.
#[derive(Debug, Clone)]
pub struct Frames {
    /// One row per user: `line`, `taken`, `closed` (`i32::MAX` while open),
    /// `country`, `gender` ([`Gender::key`]), `comune` (id, [`NONE`] not
    /// written, [`HOMELESS`]).
    pub users: DataFrame,
    /// The access log, one row per distinct key ([`ACCESS_KEYS`]) with its
    /// count `n` (`u64`): `day` (`i32`), `month` (`year * 12 + month - 1`),
    /// `weekday` (0 Monday … 6 Sunday), `country` (country id), `kind`
    /// (request type index), `referral` (0 not given, `i + 1` referral
    /// `i`), `gender` ([`Gender::key`]), `known` (1 when the access names a
    /// user of `utenti`); every key but `day` is `u32`.
    pub accesses: DataFrame,
    /// One row per access, only when the rows were kept
    /// ([`super::Accessi::keep_rows`]): `line`, `day`, `month`, `country`,
    /// `kind`, `referral`, `gender`, as in [`Frames::accesses`].
    pub access_rows: Option<DataFrame>,
    /// One row per meeting: `line`, `course` (key into `courses`), `day`, `hours`
    /// (its own, else its course's; null when neither says).
    pub meetings: DataFrame,
    /// One row per enrolment: `line`, `course`, `day` (null when not written),
    /// `origin` (key into `origins`, [`NONE`] when not written), `country`
    /// (null when not written).
    pub enrolments: DataFrame,
    /// One row per application: `line`, `call` (key into `calls`), `day`.
    pub applications: DataFrame,
    /// Course ids: first those of `corsi`, in its order, then any id only
    /// meetings or enrolments name. Compared as ids are ([`Ids`]).
    pub courses: Ids,
    /// Enrolments' origins, as first written.
    pub origins: Interner,
    /// Applications' calls, as first written.
    pub calls: Interner,
}

/// The small registers [`Frames::new`] takes besides users and accesses.
#[derive(Default)]
pub struct Small<'a> {
    /// `corsi`.
    pub corsi: &'a [Corso],
    /// `incontri`.
    pub incontri: &'a [Incontro],
    /// `iscrizioni`.
    pub iscrizioni: &'a [Iscrizione],
    /// `domande`.
    pub domande: &'a [Domanda],
}

impl Frames {
    /// Hands the typed tables to polars.
    pub fn new(users: &Utenti, accesses: &Accessi, small: &Small) -> PolarsResult<Frames> {
        Frames::with_facts(users, accesses, access_facts(accesses)?, small)
    }

    /// [`Frames::new`] with the access facts already made
    /// ([`access_facts`] of `accesses`).
    pub(super) fn with_facts(
        users: &Utenti,
        accesses: &Accessi,
        facts: DataFrame,
        small: &Small,
    ) -> PolarsResult<Frames> {
        let mut courses = Ids::default();
        // A course written twice keeps its first row's hours.
        let mut course_hours: Vec<Option<f64>> = Vec::new();
        for c in small.corsi {
            if courses.intern(&c.id) as usize == course_hours.len() {
                course_hours.push(c.hours);
            }
        }
        let (mut line, mut course, mut day, mut hours) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for m in small.incontri {
            line.push(m.line as u32);
            let k = courses.intern(&m.course);
            course.push(k);
            day.push(to_days(m.date));
            hours.push(m.hours.or_else(|| course_hours.get(k as usize).copied().flatten()));
        }
        let meetings = DataFrame::new(
            course.len(),
            vec![
                u32_col("line", line),
                u32_col("course", course),
                i32_col("day", day),
                Float64Chunked::from_iter_options("hours".into(), hours.into_iter()).into_series().into_column(),
            ],
        )?;
        let mut origins = Interner::default();
        let (mut line, mut course, mut day, mut origin, mut country) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for e in small.iscrizioni {
            line.push(e.line as u32);
            course.push(courses.intern(&e.course));
            day.push(e.date.map(to_days));
            origin.push(e.origin.as_deref().map_or(NONE, |o| origins.intern(o)));
            country.push(e.country.map(u32::from));
        }
        let enrolments = DataFrame::new(
            course.len(),
            vec![
                u32_col("line", line),
                u32_col("course", course),
                opt_i32_col("day", day),
                u32_col("origin", origin),
                opt_u32_col("country", country),
            ],
        )?;
        let mut calls = Interner::default();
        let (line, (call, day)): (Vec<u32>, (Vec<u32>, Vec<i32>)) =
            small.domande.iter().map(|a| (a.line as u32, (calls.intern(&a.call), to_days(a.date)))).unzip();
        let applications =
            DataFrame::new(call.len(), vec![u32_col("line", line), u32_col("call", call), i32_col("day", day)])?;
        Ok(Frames {
            users: user_frame(users)?,
            accesses: facts,
            access_rows: if accesses.keep_rows { Some(access_rows(accesses)?) } else { None },
            meetings,
            enrolments,
            applications,
            courses,
            origins,
            calls,
        })
    }
}

impl Default for Frames {
    /// The frames of empty registers (with every column).
    fn default() -> Self {
        Frames::new(&Utenti::default(), &Accessi::default(), &Small::default())
            .expect("empty columns of equal length make a frame")
    }
}

fn user_frame(u: &Utenti) -> PolarsResult<DataFrame> {
    let comune: Vec<u32> = u
        .comune
        .iter()
        .zip(&u.homeless)
        .map(|(&c, &h)| match (h, c) {
            (true, _) => HOMELESS,
            (false, u16::MAX) => NONE,
            (false, c) => u32::from(c),
        })
        .collect();
    DataFrame::new(
        u.taken.len(),
        vec![
            u32_col("line", u.line.clone()),
            i32_col("taken", u.taken.clone()),
            i32_col("closed", u.closed.clone()),
            u32_col("country", u.country.iter().map(|&c| u32::from(c)).collect()),
            u32_col("gender", u.gender.iter().map(|&g| Gender::key(Some(g))).collect()),
            u32_col("comune", comune),
        ],
    )
}

/// The access rows kept for `explain`, in line order.
fn access_rows(a: &Accessi) -> PolarsResult<DataFrame> {
    let mut rows = a.row_list.clone();
    rows.sort_unstable_by_key(|r| r.line);
    let month = |d: i32| month_weekday(d).0;
    DataFrame::new(
        rows.len(),
        vec![
            u32_col("line", rows.iter().map(|r| r.line).collect()),
            i32_col("day", rows.iter().map(|r| r.day).collect()),
            u32_col("month", rows.iter().map(|r| month(r.day)).collect()),
            u32_col("country", rows.iter().map(|r| u32::from(r.country)).collect()),
            u32_col("kind", rows.iter().map(|r| u32::from(r.kind)).collect()),
            u32_col("referral", rows.iter().map(|r| r.referral).collect()),
            u32_col("gender", rows.iter().map(|r| u32::from(r.gender)).collect()),
            u32_col("weekday", rows.iter().map(|r| month_weekday(r.day).1).collect()),
        ],
    )
}

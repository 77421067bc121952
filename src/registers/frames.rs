//! The registers as polars frames: the one form the checks and the
//! aggregation query. Built once, at the end of loading, from the typed
//! tables. The definitions both stages use ("open in the period", "new in
//! the period", "enrolled by the end of the period") are the polars
//! expressions of this module, written once.
//!
//! Every date is a day number (days since 1970-01-01, `i32`); every name is
//! a key (`u32`) into an interner kept beside the frames.

use polars::prelude::*;

use super::model::{Accessi, Corso, DayCounts, Domanda, Gender, Ids, Incontro, Interner, Iscrizione, NONE, Utenti};
use crate::dates::to_days;

/// In the users' `comune` column: no fixed abode.
pub const HOMELESS: u32 = NONE - 1;

/// `column` (days) between `start` and `end`, both included.
pub fn within(column: &str, start: i32, end: i32) -> Expr {
    col(column).gt_eq(lit(start)).and(col(column).lt_eq(lit(end)))
}

/// The weekday (0 Monday … 6 Sunday) of a day-number column: day 0,
/// 1 January 1970, was a Thursday.
pub fn weekday(column: &str) -> Expr {
    ((col(column) % lit(7)) + lit(10)) % lit(7)
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

/// The accesses at day grain: one long table per dimension, with columns
/// `day`, `month` (`year * 12 + month - 1`), the dimension's key and `n`.
/// Their size depends on the days and distinct values, not on the rows.
#[derive(Debug, Clone)]
pub struct AccessFacts {
    dims: Vec<(&'static str, DataFrame)>,
}

/// The dimensions of [`AccessFacts`]: `country` (country id), `kind`
/// (request type index), `referral` (0 not given, `i + 1` referral `i`),
/// `gender` ([`Gender::key`]).
pub const ACCESS_DIMENSIONS: [&str; 4] = ["country", "kind", "referral", "gender"];

impl AccessFacts {
    fn new(a: &Accessi) -> PolarsResult<AccessFacts> {
        let days: Vec<(i32, &DayCounts)> = a.each_day().collect();
        let mut dims = Vec::new();
        for name in ACCESS_DIMENSIONS {
            let (mut day, mut month, mut key, mut n) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for &(d, counts) in &days {
                let m = crate::dates::month_key_of(crate::dates::from_days(d));
                let values: &[u32] = match name {
                    "country" => &counts.country,
                    "kind" => &counts.kind,
                    "referral" => &counts.referral,
                    _ => &counts.gender,
                };
                for (k, &c) in values.iter().enumerate().filter(|(_, c)| **c > 0) {
                    day.push(d);
                    month.push(m);
                    // Countries are counted by slot: the frame carries the country id.
                    key.push(if name == "country" { u32::from(a.slot_country[k]) } else { k as u32 });
                    n.push(u64::from(c));
                }
            }
            let height = day.len();
            let columns = vec![
                i32_col("day", day),
                u32_col("month", month),
                u32_col(name, key),
                UInt64Chunked::from_vec("n".into(), n).into_series().into_column(),
            ];
            dims.push((name, DataFrame::new(height, columns)?));
        }
        Ok(AccessFacts { dims })
    }

    /// The long table of one of [`ACCESS_DIMENSIONS`].
    pub fn dimension(&self, name: &str) -> &DataFrame {
        &self.dims.iter().find(|(n, _)| *n == name).expect("one of ACCESS_DIMENSIONS").1
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
    /// The access log at day grain.
    pub accesses: AccessFacts,
    /// One row per access, only when the rows were kept
    /// ([`super::Accessi::keep_rows`]): `line`, `day`, `month` (as in
    /// [`AccessFacts`]) and the keys of [`ACCESS_DIMENSIONS`].
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
            accesses: AccessFacts::new(accesses)?,
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

/// The access rows kept for `explain`, in line order, with their
/// `weekday` ([`weekday`]).
fn access_rows(a: &Accessi) -> PolarsResult<DataFrame> {
    let mut rows = a.row_list.clone();
    rows.sort_unstable_by_key(|r| r.line);
    let month = |d: i32| crate::dates::month_key_of(crate::dates::from_days(d));
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
        ],
    )?
    .lazy()
    .with_column(weekday("day").cast(DataType::UInt32).alias("weekday"))
    .collect()
}

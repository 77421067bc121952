//! The queries: each figure of the report is a polars query over the
//! registers' frames (`registers::frames`), filtered to the period with the
//! definitions written there and grouped. Results come back per distinct
//! key (a few dozen countries, seven request types, a handful of courses),
//! and only those are mapped to names in Rust.

use std::collections::HashMap;

use polars::prelude::*;

use crate::registers::frames::{
    AccessFacts, HOMELESS, count_where, enrolled_by, new_between, open_between, weekday, within,
};

/// Counts by key, in no particular order.
pub type Counts = Vec<(u32, u64)>;

fn counts(lf: LazyFrame, key: &str) -> PolarsResult<Counts> {
    let df = lf.group_by([col(key)]).agg([len().alias("n")]).collect()?;
    collect_counts(&df, key)
}

fn collect_counts(df: &DataFrame, key: &str) -> PolarsResult<Counts> {
    let keys = df.column(key)?.u32()?;
    let n = df.column("n")?.cast(&DataType::UInt64)?;
    let n = n.u64()?;
    Ok(keys.iter().zip(n.iter()).filter_map(|(k, n)| Some((k?, n?))).filter(|(_, n)| *n > 0).collect())
}

/// The accesses of a period, grouped every way the report needs.
#[derive(Debug, Default)]
pub struct AccessCounts {
    /// Total in the period.
    pub total: u64,
    /// By country id.
    pub country: Counts,
    /// By request type index.
    pub kind: Counts,
    /// By month, as `year * 12 + month - 1`.
    pub month: Counts,
    /// By referral slot (0 = not given, `i + 1` = referral `i`).
    pub referral: Counts,
    /// By gender code (0 unknown, 1 F, 2 M, 3 X).
    pub gender: Counts,
}

/// Everything about the accesses between days `start` and `end` inclusive.
pub fn access_counts(facts: &AccessFacts, start: i32, end: i32) -> PolarsResult<AccessCounts> {
    let sum_by = |dim: &str, key: &str| access_sums(facts, dim, key, start, end);
    let country = sum_by("country", "country")?;
    Ok(AccessCounts {
        total: country.iter().map(|(_, n)| n).sum(),
        country,
        kind: sum_by("kind", "kind")?,
        month: sum_by("country", "month")?,
        referral: sum_by("referral", "referral")?,
        gender: sum_by("gender", "gender")?,
    })
}

/// Accesses between days `start` and `end` of dimension `dim` (one of
/// `ACCESS_DIMENSIONS`), summed by `key` (that dimension, or `month`): one
/// figure family, for callers that need no other (the year earlier's total,
/// a month's trend).
pub fn access_sums(facts: &AccessFacts, dim: &str, key: &str, start: i32, end: i32) -> PolarsResult<Counts> {
    let out = facts
        .dimension(dim)
        .clone()
        .lazy()
        .filter(within("day", start, end))
        .group_by([col(key)])
        .agg([col("n").sum().alias("n")])
        .collect()?;
    collect_counts(&out, key)
}

/// Accesses between days `start` and `end` by weekday (0 Monday … 6 Sunday).
pub fn access_weekdays(facts: &AccessFacts, start: i32, end: i32) -> PolarsResult<Counts> {
    let out = facts
        .dimension("country")
        .clone()
        .lazy()
        .filter(within("day", start, end))
        .group_by([weekday("day").cast(DataType::UInt32).alias("weekday")])
        .agg([col("n").sum().alias("n")])
        .collect()?;
    collect_counts(&out, "weekday")
}

/// Accesses between days `start` and `end` by country id and month key
/// (`dates::month_key`): `(country, month, n)`, nonzero only.
pub fn access_country_months(facts: &AccessFacts, start: i32, end: i32) -> PolarsResult<Vec<(u32, u32, u64)>> {
    let df = facts
        .dimension("country")
        .clone()
        .lazy()
        .filter(within("day", start, end))
        .group_by([col("country"), col("month")])
        .agg([col("n").sum().alias("n")])
        .collect()?;
    let (c, m, n) = (df.column("country")?.u32()?, df.column("month")?.u32()?, df.column("n")?.u64()?);
    Ok((0..df.height()).filter_map(|i| Some((c.get(i)?, m.get(i)?, n.get(i)?))).filter(|t| t.2 > 0).collect())
}

/// The users of a period, grouped.
#[derive(Debug, Default)]
pub struct UserCounts {
    /// Cases open in the period.
    pub total: u64,
    /// Taken in charge inside it.
    pub new: u64,
    /// By country id.
    pub country: Counts,
    /// By gender code (1 F, 2 M, 3 X).
    pub gender: Counts,
    /// By comune id ([`u32::MAX`] none), only users with a fixed abode.
    pub comune: Counts,
    /// Users with no fixed abode.
    pub homeless: u64,
}

/// Users whose case was open at any time between days `start` and `end`.
pub fn user_counts(users: &DataFrame, start: i32, end: i32) -> PolarsResult<UserCounts> {
    let lf = users.clone().lazy().filter(open_between(start, end));
    let country = counts(lf.clone(), "country")?;
    let mut comune = counts(lf.clone(), "comune")?;
    let homeless = comune.iter().filter(|(c, _)| *c == HOMELESS).map(|(_, n)| n).sum();
    comune.retain(|(c, _)| *c != HOMELESS);
    Ok(UserCounts {
        total: country.iter().map(|(_, n)| n).sum(),
        new: count_where(users, new_between(start, end))?,
        country,
        gender: counts(lf, "gender")?,
        comune,
        homeless,
    })
}

/// A course's meetings in a period.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MeetingStats {
    /// Meetings held.
    pub meetings: u64,
    /// Their hours (a meeting whose hours are written nowhere counts 0).
    pub hours: f64,
    /// First and last meeting's day.
    pub first: Option<i32>,
    /// Last meeting's day.
    pub last: Option<i32>,
}

/// Meetings held between days `start` and `end`, by course key.
pub fn meeting_stats(meetings: &DataFrame, start: i32, end: i32) -> PolarsResult<HashMap<u32, MeetingStats>> {
    let df = meetings
        .clone()
        .lazy()
        .filter(within("day", start, end))
        .group_by([col("course")])
        .agg([
            len().cast(DataType::UInt64).alias("meetings"),
            col("hours").sum().alias("hours"),
            col("day").min().alias("first"),
            col("day").max().alias("last"),
        ])
        .collect()?;
    let (course, n) = (df.column("course")?.u32()?, df.column("meetings")?.u64()?);
    let hours = df.column("hours")?.f64()?;
    let (first, last) = (df.column("first")?.i32()?, df.column("last")?.i32()?);
    let mut out = HashMap::new();
    for i in 0..df.height() {
        let Some(c) = course.get(i) else { continue };
        out.insert(
            c,
            MeetingStats {
                meetings: n.get(i).unwrap_or(0),
                hours: hours.get(i).unwrap_or(0.0),
                first: first.get(i),
                last: last.get(i),
            },
        );
    }
    Ok(out)
}

/// Enrolments that count for a period ending on day `end`, by course key:
/// (origin key, n) and (country id, n) pairs.
pub fn enrolment_counts(enrolments: &DataFrame, end: i32) -> PolarsResult<EnrolmentCounts> {
    let lf = enrolments.clone().lazy().filter(enrolled_by(end));
    let pairs = |key: &str| -> PolarsResult<HashMap<u32, Counts>> {
        let df = lf
            .clone()
            .filter(col(key).is_not_null())
            .group_by([col("course"), col(key)])
            .agg([len().cast(DataType::UInt64).alias("n")])
            .collect()?;
        let (course, k, n) = (df.column("course")?.u32()?, df.column(key)?.u32()?, df.column("n")?.u64()?);
        let mut out: HashMap<u32, Counts> = HashMap::new();
        for i in 0..df.height() {
            if let (Some(c), Some(k), Some(n)) = (course.get(i), k.get(i), n.get(i)) {
                out.entry(c).or_default().push((k, n));
            }
        }
        Ok(out)
    };
    Ok(EnrolmentCounts { by_origin: pairs("origin")?, by_country: pairs("country")? })
}

/// What [`enrolment_counts`] returns.
#[derive(Debug, Default)]
pub struct EnrolmentCounts {
    /// By course key: (origin key or `NONE`, n); every enrolment has one.
    pub by_origin: HashMap<u32, Counts>,
    /// By course key: (country id, n), enrolments with a country only.
    pub by_country: HashMap<u32, Counts>,
}

/// Applications between days `start` and `end` by call key: (call, count,
/// first day).
pub fn application_counts(applications: &DataFrame, start: i32, end: i32) -> PolarsResult<Vec<(u32, u64, i32)>> {
    let df = applications
        .clone()
        .lazy()
        .filter(within("day", start, end))
        .group_by([col("call")])
        .agg([len().cast(DataType::UInt64).alias("n"), col("day").min().alias("first")])
        .collect()?;
    let (call, n, first) = (df.column("call")?.u32()?, df.column("n")?.u64()?, df.column("first")?.i32()?);
    Ok((0..df.height()).filter_map(|i| Some((call.get(i)?, n.get(i)?, first.get(i)?))).collect())
}

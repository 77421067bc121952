//! The queries: each figure of the report is a polars query over the
//! registers' frames (`registers::frames`), filtered to the period with the
//! definitions written there and grouped. Results come back per distinct
//! key (a few dozen countries, seven request types, a handful of courses),
//! and only those are mapped to names in Rust.

use std::collections::HashMap;

use polars::prelude::*;
use polars::series::IsSorted;

use crate::registers::frames::{HOMELESS, count_where, enrolled_by, new_between, open_between, within};

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
    /// By weekday (0 Monday … 6 Sunday).
    pub weekday: Counts,
    /// By country id and month: `(country, month, n)`.
    pub country_month: Vec<(u32, u32, u64)>,
}

/// The access facts between days `start` and `end` inclusive: a slice of
/// them when they are sorted by day (as `registers::frames` makes them,
/// unless regrouped), which costs nothing; else a filter.
fn period_facts(facts: &DataFrame, start: i32, end: i32) -> PolarsResult<LazyFrame> {
    let day = facts.column("day")?.i32()?;
    if day.is_sorted_flag() == IsSorted::Ascending
        && let Ok(days) = day.cont_slice()
    {
        let from = days.partition_point(|&d| d < start);
        let to = days.partition_point(|&d| d <= end).max(from);
        return Ok(facts.slice(from as i64, to - from).lazy());
    }
    Ok(facts.clone().lazy().filter(within("day", start, end)))
}

/// Everything about the accesses between days `start` and `end` inclusive,
/// from the access facts (`Frames::accesses`): the period is taken once,
/// then summed by each key.
pub fn access_counts(facts: &DataFrame, start: i32, end: i32) -> PolarsResult<AccessCounts> {
    let period = period_facts(facts, start, end)?.collect()?;
    let sum_by = |key: &str| sums(period.clone().lazy(), key);
    let country = sum_by("country")?;
    Ok(AccessCounts {
        total: country.iter().map(|(_, n)| n).sum(),
        country,
        kind: sum_by("kind")?,
        month: sum_by("month")?,
        referral: sum_by("referral")?,
        gender: sum_by("gender")?,
        weekday: sum_by("weekday")?,
        country_month: pairs(period.lazy(), "country", "month")?,
    })
}

fn sums(lf: LazyFrame, key: &str) -> PolarsResult<Counts> {
    let out = lf.group_by([col(key)]).agg([col("n").sum().alias("n")]).collect()?;
    collect_counts(&out, key)
}

/// Accesses between days `start` and `end`, summed by `key`: any `u32`
/// column of the access facts (`country`, `kind`, `referral`, `gender`,
/// `known`, `month`, `weekday`). One figure family, for callers that need
/// no other (the year earlier's total, a month's trend).
pub fn access_sums(facts: &DataFrame, key: &str, start: i32, end: i32) -> PolarsResult<Counts> {
    sums(period_facts(facts, start, end)?, key)
}

/// Accesses between days `start` and `end` crossed by two `u32` columns of
/// the access facts (weekday × request type, country × month):
/// `(k1, k2, n)` for every pair with accesses, in no particular order.
pub fn access_pairs(facts: &DataFrame, k1: &str, k2: &str, start: i32, end: i32) -> PolarsResult<Vec<(u32, u32, u64)>> {
    pairs(period_facts(facts, start, end)?, k1, k2)
}

fn pairs(lf: LazyFrame, k1: &str, k2: &str) -> PolarsResult<Vec<(u32, u32, u64)>> {
    let out = lf.group_by([col(k1), col(k2)]).agg([col("n").sum().alias("n")]).collect()?;
    let (a, b, n) = (out.column(k1)?.u32()?, out.column(k2)?.u32()?, out.column("n")?.u64()?);
    Ok((0..out.height()).filter_map(|i| Some((a.get(i)?, b.get(i)?, n.get(i)?))).filter(|(_, _, n)| *n > 0).collect())
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
    // The period's users taken once, then counted by each key (a lazy
    // frame collected three times filters every user three times).
    let period = users
        .clone()
        .lazy()
        .filter(open_between(start, end))
        .select([col("country"), col("comune"), col("gender")])
        .collect()?;
    let lf = period.lazy();
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

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::dates::to_days;
    use crate::registers::frames::{Frames, Small};
    use crate::registers::{Accessi, Gender, Utenti};

    fn day(y: i32, m: u32, d: u32) -> i32 {
        to_days(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    /// Accesses on three days of two months, by two readers: (day,
    /// country, kind, referral, gender, known) and how many times.
    fn log() -> Accessi {
        // Reader one: Monday 2025-03-03 and Tuesday 2025-03-04.
        let mut one = Accessi::default();
        let r = one.referrals.intern("ASP");
        let rows = [
            (day(2025, 3, 3), 10, 0, Some(r), Some(Gender::F), true, 3),
            (day(2025, 3, 3), 20, 1, None, Some(Gender::M), false, 2),
            (day(2025, 3, 4), 10, 1, None, None, false, 1),
        ];
        let mut line = 1;
        for (d, country, kind, referral, gender, known, times) in rows {
            for _ in 0..times {
                line += 1;
                one.add(line, d, country, kind, referral, gender, known);
            }
        }
        // Reader two: its own numbering (its kind 0 is the first's kind 1,
        // its referral 0 a new source); Sunday 2025-04-06, and one key the
        // first reader also counted.
        let mut two = Accessi::default();
        let r = two.referrals.intern("Comune");
        for _ in 0..4 {
            line += 1;
            two.add(line, day(2025, 4, 6), 20, 0, Some(r), Some(Gender::X), true);
        }
        two.add(line + 1, day(2025, 3, 3), 20, 0, None, Some(Gender::M), false);
        one.merge(two, |k| [1, 0][usize::from(k)]).unwrap();
        one
    }

    fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
        v.sort();
        v
    }

    #[test]
    fn one_fact_frame_one_row_per_key() {
        let f = Frames::new(&Utenti::default(), &log(), &Small::default()).unwrap();
        // Four distinct keys from eleven accesses; the key both readers
        // counted is one row.
        assert_eq!(f.accesses.height(), 4);
        let cols: Vec<&str> = f.accesses.get_column_names().iter().map(|c| c.as_str()).collect();
        assert_eq!(cols, ["day", "month", "weekday", "country", "kind", "referral", "gender", "known", "n"]);
        let all = access_counts(&f.accesses, i32::MIN, i32::MAX).unwrap();
        assert_eq!(all.total, 11);
        assert_eq!(sorted(all.country), [(10, 4), (20, 7)]);
        assert_eq!(sorted(all.kind), [(0, 3), (1, 8)]);
        // ASP is referral 0 (slot 1), Comune referral 1 (slot 2).
        assert_eq!(sorted(all.referral), [(0, 4), (1, 3), (2, 4)]);
        assert_eq!(sorted(all.gender), [(0, 1), (1, 3), (2, 3), (3, 4)]);
        assert_eq!(sorted(all.month), [(2025 * 12 + 2, 7), (2025 * 12 + 3, 4)]);
    }

    #[test]
    fn weekday_and_known_are_keys() {
        let f = Frames::new(&Utenti::default(), &log(), &Small::default()).unwrap();
        let by_weekday = access_sums(&f.accesses, "weekday", i32::MIN, i32::MAX).unwrap();
        assert_eq!(sorted(by_weekday), [(0, 6), (1, 1), (6, 4)]);
        assert_eq!(sorted(access_sums(&f.accesses, "known", i32::MIN, i32::MAX).unwrap()), [(0, 4), (1, 7)]);
        // Within the period only: March.
        let march = access_sums(&f.accesses, "weekday", day(2025, 3, 1), day(2025, 3, 31)).unwrap();
        assert_eq!(sorted(march), [(0, 6), (1, 1)]);
    }

    #[test]
    fn crossed_counts_add_up_to_both_marginals() {
        let f = Frames::new(&Utenti::default(), &log(), &Small::default()).unwrap();
        for (start, end) in
            [(i32::MIN, i32::MAX), (day(2025, 3, 4), day(2025, 4, 30)), (day(2026, 1, 1), day(2026, 1, 2))]
        {
            for (k1, k2) in [("country", "month"), ("weekday", "kind"), ("gender", "referral")] {
                let pairs = access_pairs(&f.accesses, k1, k2, start, end).unwrap();
                let margin = |pick: fn(&(u32, u32, u64)) -> u32| {
                    let mut m: HashMap<u32, u64> = HashMap::new();
                    for p in &pairs {
                        *m.entry(pick(p)).or_default() += p.2;
                    }
                    sorted(m.into_iter().collect::<Vec<_>>())
                };
                assert_eq!(margin(|p| p.0), sorted(access_sums(&f.accesses, k1, start, end).unwrap()), "{k1}×{k2}");
                assert_eq!(margin(|p| p.1), sorted(access_sums(&f.accesses, k2, start, end).unwrap()), "{k1}×{k2}");
            }
        }
        let pairs = access_pairs(&f.accesses, "weekday", "kind", i32::MIN, i32::MAX).unwrap();
        assert_eq!(sorted(pairs), [(0, 0, 3), (0, 1, 3), (1, 1, 1), (6, 1, 4)]);
    }

    #[test]
    fn renamed_referrals_and_kinds_are_counted_together() {
        let mut a = log();
        a.rename_referrals(&["Comune".into(), "Comune".into()]).unwrap();
        a.renumber_kinds(&[0, 0]).unwrap();
        let f = Frames::new(&Utenti::default(), &a, &Small::default()).unwrap();
        let all = access_counts(&f.accesses, i32::MIN, i32::MAX).unwrap();
        assert_eq!(sorted(all.referral), [(0, 4), (1, 7)]);
        assert_eq!(all.kind, [(0, 11)]);
        assert_eq!(a.referrals.len(), 1);
        // Two keys that become one once renamed are one row of the facts.
        let mut b = Accessi::default();
        let (x, y) = (b.referrals.intern("x"), b.referrals.intern("y"));
        b.add(2, day(2025, 3, 3), 10, 0, Some(x), None, false);
        b.add(3, day(2025, 3, 3), 10, 0, Some(y), None, false);
        b.add(4, day(2025, 3, 5), 10, 0, None, None, false);
        b.rename_referrals(&["z".into(), "z".into()]).unwrap();
        let f = Frames::new(&Utenti::default(), &b, &Small::default()).unwrap();
        assert_eq!(f.accesses.height(), 2);
        assert_eq!(sorted(access_sums(&f.accesses, "referral", i32::MIN, i32::MAX).unwrap()), [(0, 1), (1, 2)]);
    }

    #[test]
    fn no_accesses_make_an_empty_frame_with_every_column() {
        let f = Frames::default();
        assert_eq!(f.accesses.height(), 0);
        assert_eq!(f.accesses.width(), 9);
        assert_eq!(access_counts(&f.accesses, 0, 100).unwrap().total, 0);
        assert!(access_pairs(&f.accesses, "country", "month", 0, 100).unwrap().is_empty());
    }
}

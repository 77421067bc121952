//! The polars side of aggregation: users handed over as columns, accesses as
//! per-day counts, filtered to the period and grouped. Results come back per
//! distinct key (a few dozen countries, seven request types), and only those
//! are mapped to names in Rust.

use polars::prelude::*;

use chrono::Datelike;

use crate::registers::{Accessi, DayCounts, NONE, Utenti};

/// Counts by key, in no particular order.
pub type Counts = Vec<(u32, u64)>;

fn u32_col(name: &str, v: Vec<u32>) -> Column {
    UInt32Chunked::from_vec(name.into(), v).into_series().into_column()
}

fn i32_col(name: &str, v: Vec<i32>) -> Column {
    Int32Chunked::from_vec(name.into(), v).into_series().into_column()
}

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

/// The accesses as four long tables `(day, month, key, n)`, one per
/// dimension, built from the per-day counts: their size depends on the days
/// and distinct values, not on the rows.
pub struct AccessFrame {
    dims: Vec<(&'static str, DataFrame)>,
}

impl AccessFrame {
    /// Hands the per-day counts to polars.
    pub fn new(a: &Accessi) -> PolarsResult<AccessFrame> {
        let days: Vec<(i32, &DayCounts)> = a.each_day().collect();
        let mut dims = Vec::new();
        type Dimension = (&'static str, fn(&DayCounts) -> &[u32]);
        let pick: [Dimension; 4] = [
            ("country", |d| &d.country),
            ("kind", |d| &d.kind),
            ("referral", |d| &d.referral),
            ("gender", |d| &d.gender),
        ];
        for (name, get) in pick {
            let (mut day, mut month, mut key, mut n) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for &(d, counts) in &days {
                let date = crate::dates::from_days(d);
                let m = date.year() as u32 * 12 + date.month0();
                for (k, &c) in get(counts).iter().enumerate().filter(|(_, c)| **c > 0) {
                    day.push(d);
                    month.push(m);
                    // Countries are counted by slot: the frame carries the country id.
                    key.push(if name == "country" { u32::from(a.slot_country[k]) } else { k as u32 });
                    n.push(u64::from(c));
                }
            }
            let height = day.len();
            let df = DataFrame::new(
                height,
                vec![
                    i32_col("day", day),
                    u32_col("month", month),
                    u32_col(name, key),
                    UInt64Chunked::from_vec("n".into(), n).into_series().into_column(),
                ],
            )?;
            dims.push((name, df));
        }
        Ok(AccessFrame { dims })
    }

    fn sum_by(&self, dim: &str, key: &str, start: i32, end: i32) -> PolarsResult<Counts> {
        let df = &self.dims.iter().find(|(n, _)| *n == dim).expect("a known dimension").1;
        let out = df
            .clone()
            .lazy()
            .filter(col("day").gt_eq(lit(start)).and(col("day").lt_eq(lit(end))))
            .group_by([col(key)])
            .agg([col("n").sum().alias("n")])
            .collect()?;
        collect_counts(&out, key)
    }

    /// Everything about the accesses between days `start` and `end` inclusive.
    pub fn counts(&self, start: i32, end: i32) -> PolarsResult<AccessCounts> {
        let country = self.sum_by("country", "country", start, end)?;
        Ok(AccessCounts {
            total: country.iter().map(|(_, n)| n).sum(),
            country,
            kind: self.sum_by("kind", "kind", start, end)?,
            month: self.sum_by("country", "month", start, end)?,
            referral: self.sum_by("referral", "referral", start, end)?,
            gender: self.sum_by("gender", "gender", start, end)?,
        })
    }
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

/// Builds the users frame once.
pub struct UserFrame(DataFrame);

impl UserFrame {
    /// Hands the columns to polars.
    pub fn new(u: &Utenti) -> PolarsResult<UserFrame> {
        let gender: Vec<u32> = u
            .gender
            .iter()
            .map(|g| match g {
                crate::registers::Gender::F => 1,
                crate::registers::Gender::M => 2,
                crate::registers::Gender::X => 3,
            })
            .collect();
        let comune: Vec<u32> = u
            .comune
            .iter()
            .zip(&u.homeless)
            .map(|(&c, &h)| {
                if h {
                    NONE - 1
                } else if c == u16::MAX {
                    NONE
                } else {
                    u32::from(c)
                }
            })
            .collect();
        let df = DataFrame::new(
            u.taken.len(),
            vec![
                i32_col("taken", u.taken.clone()),
                i32_col("closed", u.closed.clone()),
                u32_col("country", u.country.iter().map(|&c| u32::from(c)).collect()),
                u32_col("gender", gender),
                u32_col("comune", comune),
            ],
        )?;
        Ok(UserFrame(df))
    }

    /// Users whose case was open at any time between `start` and `end`.
    pub fn counts(&self, start: i32, end: i32) -> PolarsResult<UserCounts> {
        let lf = self.0.clone().lazy().filter(col("taken").lt_eq(lit(end)).and(col("closed").gt_eq(lit(start))));
        let country = counts(lf.clone(), "country")?;
        let new = lf.clone().filter(col("taken").gt_eq(lit(start))).select([len().alias("n")]).collect()?;
        let new = new.column("n")?.cast(&DataType::UInt64)?.u64()?.get(0).unwrap_or(0);
        let mut comune = counts(lf.clone(), "comune")?;
        let homeless = comune.iter().filter(|(c, _)| *c == NONE - 1).map(|(_, n)| n).sum();
        comune.retain(|(c, _)| *c != NONE - 1);
        Ok(UserCounts {
            total: country.iter().map(|(_, n)| n).sum(),
            new,
            country,
            gender: counts(lf, "gender")?,
            comune,
            homeless,
        })
    }
}

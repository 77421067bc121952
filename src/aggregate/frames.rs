//! The polars side of aggregation: the two large registers handed over as
//! columns (no copy of the vectors), filtered to the period and grouped.
//! Results come back per distinct key (a few dozen countries, seven request
//! types), and only those are mapped to names in Rust.

use polars::prelude::*;

use crate::registers::{Accessi, NONE, Utenti};

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
    let keys = df.column(key)?.u32()?;
    let n = df.column("n")?.cast(&DataType::UInt64)?;
    let n = n.u64()?;
    Ok(keys.iter().zip(n.iter()).filter_map(|(k, n)| Some((k?, n?))).collect())
}

fn counts_i32(lf: LazyFrame, key: &str) -> PolarsResult<Vec<(i32, u64)>> {
    let df = lf.group_by([col(key)]).agg([len().alias("n")]).collect()?;
    let keys = df.column(key)?.i32()?;
    let n = df.column("n")?.cast(&DataType::UInt64)?;
    let n = n.u64()?;
    Ok(keys.iter().zip(n.iter()).filter_map(|(k, n)| Some((k?, n?))).collect())
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
    /// By day (days since epoch); months are derived per distinct day.
    pub day: Vec<(i32, u64)>,
    /// By referral index ([`NONE`] = not given).
    pub referral: Counts,
    /// By gender code (0 unknown, 1 F, 2 M, 3 X).
    pub gender: Counts,
}

/// Builds the accesses frame once; it can then be queried for any period.
pub struct AccessFrame(DataFrame);

impl AccessFrame {
    /// Hands the columns to polars.
    pub fn new(a: &Accessi) -> PolarsResult<AccessFrame> {
        let gender: Vec<u32> = a
            .gender
            .iter()
            .map(|g| match g {
                None => 0,
                Some(crate::registers::Gender::F) => 1,
                Some(crate::registers::Gender::M) => 2,
                Some(crate::registers::Gender::X) => 3,
            })
            .collect();
        let df = DataFrame::new(
            a.date.len(),
            vec![
                i32_col("day", a.date.clone()),
                u32_col("country", a.country.iter().map(|&c| u32::from(c)).collect()),
                u32_col("kind", a.kind.iter().map(|&k| u32::from(k)).collect()),
                u32_col("referral", a.referral.clone()),
                u32_col("gender", gender),
            ],
        )?;
        Ok(AccessFrame(df))
    }

    /// Everything about the accesses between days `start` and `end` inclusive.
    pub fn counts(&self, start: i32, end: i32) -> PolarsResult<AccessCounts> {
        let lf = self.0.clone().lazy().filter(col("day").gt_eq(lit(start)).and(col("day").lt_eq(lit(end))));
        let country = counts(lf.clone(), "country")?;
        Ok(AccessCounts {
            total: country.iter().map(|(_, n)| n).sum(),
            country,
            kind: counts(lf.clone(), "kind")?,
            day: counts_i32(lf.clone(), "day")?,
            referral: counts(lf.clone(), "referral")?,
            gender: counts(lf, "gender")?,
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

//! The same period one year earlier, counted by the same queries as the
//! period itself, where the registers cover it (from `registri_dal`); and
//! a monthly report's last twelve months. Where the registers do not cover
//! a period, nothing is computed: `Comparison::covered` says so and the
//! report says from when comparisons start.

use chrono::Datelike;

use crate::dates::{long_date, to_days};
use crate::period::{Period, PeriodKind};
use crate::registers::Registers;

use super::error::AggregateError;
use super::model::*;
use super::queries::{self, UserCounts};
use super::shares::{categories, month_counts};

/// What the period's figures are compared with.
pub(super) struct Earlier {
    /// The earlier period and whether it is covered.
    pub comparison: Comparison,
    /// Its accesses, when covered.
    pub accesses: Option<AccessesPrevious>,
    /// Its users, when covered.
    pub users: Option<UsersPrevious>,
    /// A monthly report's last twelve months, when covered.
    pub trend: Vec<MonthCount>,
}

/// The earlier period's figures against `accesses` and `users` of `p`.
pub(super) fn earlier(
    regs: &Registers,
    p: &Period,
    accesses: u64,
    users: &UserCounts,
    now: &ByCategory,
) -> Result<Earlier, AggregateError> {
    let before = p.year_earlier();
    let covered = regs.complete_from(before.start) == Some(true);
    let comparison = Comparison {
        period: before.code.clone(),
        label: before.label(),
        covered,
        registers_from: regs.centro.registri_dal.map(|d| d.to_string()),
        registers_from_label: regs.centro.registri_dal.map(long_date),
    };
    let (mut previous_accesses, mut previous_users) = (None, None);
    if covered {
        let (s, e) = (to_days(before.start), to_days(before.end));
        let then = queries::access_sums(&regs.frames.accesses, "gender", s, e)?.iter().map(|(_, n)| n).sum();
        previous_accesses = Some(AccessesPrevious {
            period: before.code.clone(),
            total: then,
            change: Change::between(then, accesses),
        });
        let uc = queries::user_counts(&regs.frames.users, s, e)?;
        let cat = categories(&uc.country, before.end);
        previous_users = Some(UsersPrevious {
            period: before.code.clone(),
            total: uc.total,
            new: uc.new,
            change_total: Change::between(uc.total, users.total),
            change_new: Change::between(uc.new, users.new),
            change_by_category: CategoryChange {
                italian: Change::between(cat.italian, now.italian),
                eu: Change::between(cat.eu, now.eu),
                non_eu: Change::between(cat.non_eu, now.non_eu),
            },
            by_category: cat,
        });
    }
    Ok(Earlier { comparison, accesses: previous_accesses, users: previous_users, trend: trend(regs, p)? })
}

/// The twelve months ending with a monthly report's month, when the
/// registers cover them all; empty for other periods.
fn trend(regs: &Registers, p: &Period) -> Result<Vec<MonthCount>, AggregateError> {
    if p.kind != PeriodKind::Month {
        return Ok(Vec::new());
    }
    let Some(start) = p.start.checked_sub_months(chrono::Months::new(11)) else { return Ok(Vec::new()) };
    if regs.complete_from(start) != Some(true) {
        return Ok(Vec::new());
    }
    let by_month = queries::access_sums(&regs.frames.accesses, "month", to_days(start), to_days(p.end))?;
    let months: Vec<(i32, u32)> = (0..12)
        .filter_map(|i| start.checked_add_months(chrono::Months::new(i)))
        .map(|d| (d.year(), d.month()))
        .collect();
    Ok(month_counts(&months, &by_month))
}

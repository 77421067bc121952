//! Aggregation: the validated registers and a period become one [`Report`],
//! pure data, computed once and rendered by every output. Every count is a
//! polars query (`queries`) over the registers' frames; the sections
//! (`sections`) turn the counts into the report's shape, with names,
//! shares and Italian labels.

mod compare;
mod figures;
pub mod model;
pub mod queries;
mod sections;

use crate::dates::{long_date, month_name, month_short, to_days};
use crate::diag::{Diagnostics, Severity};
use crate::period::Period;
use crate::reference::{Category, Countries, CountryId};
use crate::registers::Registers;

pub use model::*;

/// A failure inside the aggregation engine (never the user's data).
#[derive(Debug, thiserror::Error)]
#[error("errore interno nell'aggregazione: {0}")]
pub struct AggregateError(#[from] polars::prelude::PolarsError);

/// Percentage with one decimal; 0 when the total is 0.
pub fn pct(n: u64, total: u64) -> f64 {
    if total == 0 { 0.0 } else { (n as f64 * 1000.0 / total as f64).round() / 10.0 }
}

/// Whole percentage (half up); 0 when the total is 0. For what is shown
/// without decimals: rounding [`pct`]'s tenth again would round twice
/// (52,49 → 52,5 → 53).
pub fn pct_whole(n: u64, total: u64) -> u64 {
    if total == 0 { 0 } else { (n * 200 + total) / (2 * total) }
}

/// Whole percentages of each count of a map over the map's sum.
fn whole_shares(counts: &std::collections::BTreeMap<String, u64>) -> std::collections::BTreeMap<String, u64> {
    let sum = counts.values().sum();
    counts.iter().map(|(k, &n)| (k.clone(), pct_whole(n, sum))).collect()
}

/// How many countries the users' chart shows one by one at most (the last
/// bar then groups the rest).
pub const USER_COUNTRIES_SHOWN: usize = 25;

/// Everything aggregation needs besides the registers.
pub struct Inputs<'a> {
    /// The registers, validated.
    pub regs: &'a Registers,
    /// Validation's diagnostics (for the data-quality appendix).
    pub diags: &'a Diagnostics,
    /// The period.
    pub period: &'a Period,
    /// Today: years after it are never computed for the history.
    pub today: chrono::NaiveDate,
}

/// Computes the report.
pub fn compute(inp: &Inputs) -> Result<Report, AggregateError> {
    let regs = inp.regs;
    let p = inp.period;
    let (s, e) = (to_days(p.start), to_days(p.end));
    let ac = queries::access_counts(&regs.frames.accesses, s, e)?;
    let uc = queries::user_counts(&regs.frames.users, s, e)?;
    let mut users = sections::users(regs, &uc, p);
    let before = compare::earlier(regs, p, ac.total, &uc, &users.by_category)?;
    users.previous = before.users;
    let mut accesses = accesses(regs, &ac, p);
    accesses.previous = before.accesses;
    accesses.trend = before.trend;
    let history = sections::history(regs, p, inp.today, &users.by_category, users.total)?;
    let applications = sections::applications(regs, p)?;
    let courses = sections::courses(regs, p)?;
    let mut report = Report {
        schema: 1,
        generator: Generator { name: "integra".into(), version: env!("CARGO_PKG_VERSION").into() },
        period: PeriodOut {
            code: p.code.clone(),
            start: p.start.to_string(),
            end: p.end.to_string(),
            label: p.label(),
            phrase: p.phrase(),
            start_label: long_date(p.start),
            end_label: long_date(p.end),
            kind: p.kind,
        },
        centre: sections::centre(&regs.centro, p),
        accesses,
        users,
        history,
        comparison: before.comparison,
        applications_total: applications.iter().map(|a| a.count).sum(),
        applications,
        courses_total: CoursesTotal {
            meetings: courses.iter().map(|c| c.meetings).sum(),
            // Rounded to the hundredth, as each course's hours.
            hours: (courses.iter().map(|c| c.hours).sum::<f64>() * 100.0).round() / 100.0 + 0.0,
            enrolled: courses.iter().map(|c| c.enrolled).sum(),
        },
        courses,
        events: sections::events(regs, p),
        needs: regs.notes.as_ref().map(|n| Needs { source: n.file.clone(), text: n.text.clone() }),
        data_quality: quality(inp.diags, &regs.codes, &regs.centro.contatti),
        sources: regs
            .files
            .iter()
            .map(|f| SourceOut {
                register: f.src.register.clone(),
                file: f.src.file.clone(),
                sheet: f.src.sheet.clone(),
                rows: f.rows,
                sha256: f.sha256.clone(),
            })
            .collect(),
        publication: Publication::default(),
        figures: Figures::default(),
    };
    report.figures = figures::build(regs, &report, p);
    Ok(report)
}

/// Country counts sorted by count descending, then name.
pub fn country_counts(counts: &[(u32, u64)], total: Option<u64>) -> Vec<CountryCount> {
    let c = Countries::get();
    let mut v: Vec<CountryCount> = counts
        .iter()
        .map(|&(id, n)| {
            let country = c.country(id as CountryId);
            CountryCount {
                country: country.name.clone(),
                iso2: country.iso2.clone(),
                count: n,
                share: total.map(|t| pct(n, t)),
            }
        })
        .collect();
    v.sort_by(|a, b| {
        b.count.cmp(&a.count).then_with(|| crate::text::fold(&a.country).cmp(&crate::text::fold(&b.country)))
    });
    v
}

fn accesses(regs: &Registers, ac: &queries::AccessCounts, p: &Period) -> Accesses {
    let total = ac.total;
    let threshold = regs.centro.altro_sotto;
    let by_country = country_counts(&ac.country, Some(total));
    let (main, mut other): (Vec<_>, Vec<_>) = by_country.iter().cloned().partition(|c| c.count >= u64::from(threshold));
    other.sort_by_key(|c| crate::text::fold(&c.country));
    let other_count: u64 = other.iter().map(|c| c.count).sum();
    let other_countries = other.into_iter().map(|c| CountryCount { share: None, ..c }).collect();

    let mut kinds = vec![0u64; regs.type_count()];
    for &(k, n) in &ac.kind {
        if let Some(slot) = kinds.get_mut(k as usize) {
            *slot += n;
        }
    }
    let request_types_total: u64 = kinds.iter().sum();
    let by_request_type = kinds
        .iter()
        .enumerate()
        .map(|(i, &n)| TypeCount {
            kind: regs.type_name(i as u16).to_string(),
            count: n,
            share: pct(n, total),
            share_of_requests: pct(n, request_types_total),
        })
        .collect();

    let months = p.months();
    let by_month = month_counts(&months, &ac.month);

    let mut by_referral: Vec<ReferralCount> = if regs.accessi.has_referral {
        ac.referral
            .iter()
            .map(|&(slot, n)| ReferralCount {
                source: match slot {
                    0 => None,
                    s => Some(regs.accessi.referrals.get(s - 1).to_string()),
                },
                count: n,
                share: pct(n, total),
            })
            .collect()
    } else {
        Vec::new()
    };
    // Not given sorts where its words "non indicato" would.
    by_referral.sort_by(|a, b| {
        let name = |r: &ReferralCount| r.source.clone().unwrap_or_else(|| "non indicato".into());
        b.count.cmp(&a.count).then_with(|| name(a).cmp(&name(b)))
    });

    let mut by_gender = std::collections::BTreeMap::new();
    for (code, key) in crate::registers::Gender::KEYS {
        by_gender.insert(key.to_string(), ac.gender.iter().filter(|(g, _)| *g == code).map(|(_, n)| n).sum());
    }
    Accesses {
        total,
        by_gender_whole_pct: whole_shares(&by_gender),
        request_types_total,
        main_countries: main,
        by_country,
        other: Other { threshold, count: other_count, share: pct(other_count, total), countries: other_countries },
        by_request_type,
        by_month,
        by_referral,
        by_gender,
        previous: None,
        trend: Vec::new(),
    }
}

/// The accesses of each of `months` (`(year, month)`), from counts keyed by
/// `year * 12 + month - 1`; labels carry the year when the months run over
/// more than twelve or across years.
pub fn month_counts(months: &[(i32, u32)], counts: &[(u32, u64)]) -> Vec<MonthCount> {
    let many_months = months.len() > 12;
    let many_years = months.first().map(|m| m.0) != months.last().map(|m| m.0);
    months
        .iter()
        .map(|&(y, m)| {
            let key = y as u32 * 12 + m - 1;
            let count = counts.iter().filter(|(k, _)| *k == key).map(|(_, n)| n).sum();
            MonthCount {
                month: format!("{y}-{m:02}"),
                label: format!("{} {y}", month_name(m)),
                axis_label: if many_months {
                    format!("{} {:02}", month_short(m), y.rem_euclid(100))
                } else {
                    month_short(m).to_string()
                },
                name: if many_years { format!("{} {y}", month_name(m)) } else { month_name(m).to_string() },
                count,
            }
        })
        .collect()
}

/// Italiani / Comunitari / Extracomunitari of country counts at a date.
pub fn categories(counts: &[(u32, u64)], at: chrono::NaiveDate) -> ByCategory {
    let c = Countries::get();
    let mut out = ByCategory::default();
    for &(id, n) in counts {
        match c.category(id as CountryId, at) {
            Category::Italian => out.italian += n,
            Category::Eu => out.eu += n,
            Category::NonEu => out.non_eu += n,
        }
    }
    out
}

/// Warnings listed in the report's data at most (all are counted).
pub const WARNINGS_LISTED: usize = 100;

fn quality(diags: &Diagnostics, codes: &crate::privacy::Codes, contacts: &crate::privacy::Exempt) -> DataQuality {
    // Rows left out by the period are bookkeeping, not a quality problem.
    let infos =
        diags.items().iter().filter(|d| d.severity == Severity::Info && d.code != "date-outside-period").count();
    DataQuality {
        errors: diags.count(Severity::Error),
        warnings: diags.count(Severity::Warning),
        infos,
        warnings_list: diags
            .sorted()
            .into_iter()
            .filter(|d| d.severity == Severity::Warning)
            .take(WARNINGS_LISTED)
            .map(|d| QualityItem {
                code: d.code.to_string(),
                register: d.register.clone(),
                file: d.file.clone(),
                line: d.line,
                // Messages never quote personal data nor a person's code;
                // this is the last guard.
                message: crate::privacy::redact_with(&d.message, codes, contacts).0.into_owned(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::{pct, pct_whole, quality};

    #[test]
    fn the_appendix_quotes_no_code_of_a_person() {
        let mut diags = crate::diag::Diagnostics::default();
        let src = crate::diag::Source::new("eventi", "eventi.csv");
        diags.push(src.diag(crate::diag::Severity::Warning, "x", "testo con U2019-058 e 333/1234567, corso ALF1"));
        let codes = crate::privacy::Codes::new(["U2019-058"]);
        let q = quality(&diags, &codes, &crate::privacy::Exempt::default());
        let r = crate::privacy::REDACTED;
        assert_eq!(q.warnings_list[0].message, format!("testo con {r} e {r}, corso ALF1"));
    }

    #[test]
    fn whole_percentages_are_rounded_once() {
        // 95 of 181 is 52.486%: one decimal says 52.5, but the whole number is 52.
        assert_eq!(pct(95, 181), 52.5);
        assert_eq!(pct_whole(95, 181), 52);
        assert_eq!(pct_whole(1, 2), 50);
        assert_eq!(pct_whole(1, 8), 13); // 12.5 rounds half up
        assert_eq!(pct_whole(3, 0), 0);
    }
}

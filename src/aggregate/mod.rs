//! Aggregation: the validated registers and a period become one [`Report`],
//! pure data, computed once and rendered by every output. Every count is a
//! polars query (`queries`) over the registers' frames; the sections
//! (`sections`) turn the counts into the report's shape, with names,
//! shares and Italian labels.

pub mod ambito;
mod compare;
mod error;
mod figures;
pub mod model;
pub mod queries;
mod sections;
mod shares;

use crate::dates::{long_date, to_days};
use crate::diag::{Diagnostics, Severity};
use crate::period::Period;
use crate::registers::Registers;

pub use error::AggregateError;
pub use model::*;
pub use shares::{USER_COUNTRIES_SHOWN, categories, country_counts, month_counts, pct, pct_whole};
use shares::{gender_counts, sort_referrals, split_other, whole_shares};

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
    compute_with_counts(inp).map(|(r, _)| r)
}

/// Computes the report, with the access counts it was made from (an
/// ambito adds its centres' up: [`ambito::totals`]).
pub fn compute_with_counts(inp: &Inputs) -> Result<(Report, queries::AccessCounts), AggregateError> {
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
        schema: 2,
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
        ambito: None,
        centres: Vec::new(),
        figures: Figures::default(),
    };
    report.figures = figures::build(Some(regs), &report, p, &ac);
    Ok((report, ac))
}

fn accesses(regs: &Registers, ac: &queries::AccessCounts, p: &Period) -> Accesses {
    let total = ac.total;
    let threshold = regs.centro.altro_sotto;
    let by_country = country_counts(&ac.country, Some(total));
    let (main, other) = split_other(&by_country, threshold, total);

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
    sort_referrals(&mut by_referral);

    let by_gender = gender_counts(&ac.gender, &crate::registers::Gender::KEYS);
    Accesses {
        total,
        by_gender_whole_pct: whole_shares(&by_gender),
        request_types_total,
        main_countries: main,
        by_country,
        other,
        by_request_type,
        by_month,
        by_referral,
        by_gender,
        previous: None,
        trend: Vec::new(),
    }
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
    use super::quality;

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
}

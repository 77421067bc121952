//! The report's smaller sections: the centre, users' categories and
//! residence, history, courses, applications, events.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::centro::Centro;
use crate::dates::{long_date, long_date_weekday, month_name, to_days};
use crate::period::Period;
use crate::reference::Comuni;
use crate::registers::{NONE, Registers};

use super::error::AggregateError;
use super::model::*;
use super::queries::{self, UserCounts};
use super::shares::{categories, country_counts, gender_counts, pct, users_shaped};

pub(super) fn centre(c: &Centro, p: &Period) -> Centre {
    let mut hours = Vec::new();
    for idx in 0u8..7 {
        let slots = c.orari.get(&idx);
        if idx >= 5 && slots.is_none() {
            continue;
        }
        let part = |morning: bool| {
            let labels: Vec<String> =
                slots.into_iter().flatten().filter(|s| s.morning() == morning).map(|s| s.label()).collect();
            (!labels.is_empty()).then(|| labels.join(", "))
        };
        hours.push(Hours {
            day: crate::dates::weekday_name(Centro::weekday(idx)).to_string(),
            morning: part(true),
            afternoon: part(false),
        });
    }
    Centre {
        name: c.nome.clone(),
        comune: c.comune.clone(),
        active_since: c.attivo_dal.map(|d| d.to_string()),
        active_since_label: c.attivo_dal.map(|d| format!("{} {}", month_name(d.month()), d.year())),
        description: c.descrizione.clone(),
        closures: c
            .chiusure
            .iter()
            .filter(|d| p.contains(**d))
            .map(|d| Closure { date: d.to_string(), label: long_date_weekday(*d) })
            .collect(),
        hours: if c.orari.is_empty() { Vec::new() } else { hours },
        hours_note: c.note_orari.clone(),
        staff: c.personale.iter().map(|s| StaffOut { role: s.role.clone(), count: s.count }).collect(),
        staff_note: c.note_personale.clone(),
        texts: CentreTexts::of(&c.testi),
    }
}

pub(super) fn users(regs: &Registers, uc: &UserCounts, p: &Period) -> Users {
    let by_category = categories(&uc.country, p.end);
    let total = uc.total;
    // Users always have a gender: F, M, X.
    let by_gender = gender_counts(&uc.gender, &crate::registers::Gender::KEYS[..3]);
    let comuni = Comuni::get();
    let home = comuni.lookup(&regs.centro.comune).ok().map(u32::from);
    let mut other: Vec<ComuneCount> = Vec::new();
    let (mut home_count, mut unknown) = (0, 0);
    for &(c, n) in &uc.comune {
        if Some(c) == home {
            home_count += n;
        } else if c == crate::registers::NONE {
            unknown += n;
        } else {
            other.push(ComuneCount { comune: comuni.label(c as u16), count: n });
        }
    }
    other.sort_by_key(|c| crate::text::fold(&c.comune));
    let by_country = country_counts(&uc.country, Some(total));
    let residence = Residence {
        home_comune: ComuneCount { comune: regs.centro.comune.clone(), count: home_count },
        other_comuni_total: other.iter().map(|c| c.count).sum(),
        other_comuni: other,
        no_fixed_abode: uc.homeless,
        unknown,
    };
    users_shaped(total, uc.new, by_category, by_gender, by_country, residence)
}

/// A column of the history table, with the sum of its parts.
fn history_row(period: String, label: String, total: u64, cat: &ByCategory, source: &str) -> HistoryRow {
    let parts_total = cat.italian + cat.eu + cat.non_eu;
    HistoryRow {
        period,
        label,
        total,
        italian: cat.italian,
        eu: cat.eu,
        non_eu: cat.non_eu,
        source: source.into(),
        parts_total,
        parts_mismatch: parts_total != total,
    }
}

/// How many earlier years the history table shows at most.
const HISTORY_YEARS: i32 = 4;

pub(super) fn history(
    regs: &Registers,
    p: &Period,
    today: NaiveDate,
    current: &ByCategory,
    current_total: u64,
) -> Result<Vec<HistoryRow>, AggregateError> {
    let first_year = p.start.year() - HISTORY_YEARS;
    let mut rows = Vec::new();
    for year in first_year..p.start.year() {
        let declared = regs.storico.iter().flatten().find(|h| h.year == year);
        if let Some(h) = declared {
            let cat = ByCategory { italian: u64::from(h.italian), eu: u64::from(h.eu), non_eu: u64::from(h.non_eu) };
            rows.push(history_row(year.to_string(), year.to_string(), u64::from(h.total), &cat, "declared"));
            continue;
        }
        let Some((jan1, dec31)) = regs.whole_year(year, today) else { continue };
        let uc = queries::user_counts(&regs.frames.users, to_days(jan1), to_days(dec31))?;
        let cat = categories(&uc.country, dec31);
        rows.push(history_row(year.to_string(), year.to_string(), uc.total, &cat, "registers"));
    }
    rows.push(history_row(p.code.clone(), p.short_label(), current_total, current, "registers"));
    Ok(rows)
}

/// The article and preposition before a day number, elided before the
/// numbers read with a vowel (1 "uno", 8 "otto", 11 "undici"): `dall'8`,
/// `all'11`, `l'1`.
fn with_article(plain: &str, elided: &str, day: u32) -> String {
    if matches!(day, 1 | 8 | 11) { format!("{elided}{day}") } else { format!("{plain}{day}") }
}

/// `dal 10 gennaio all'11 aprile`, `dal 4 al 28 marzo`, `l'8 gennaio`.
fn from_to(a: NaiveDate, b: NaiveDate) -> String {
    let month = |d: NaiveDate| {
        if a.year() == b.year() {
            month_name(d.month()).to_string()
        } else {
            format!("{} {}", month_name(d.month()), d.year())
        }
    };
    if a == b {
        return format!("{} {}", with_article("il ", "l'", a.day()), month(a));
    }
    let to = format!("{} {}", with_article("al ", "all'", b.day()), month(b));
    if (a.year(), a.month()) == (b.year(), b.month()) {
        return format!("{} {to}", with_article("dal ", "dall'", a.day()));
    }
    format!("{} {} {to}", with_article("dal ", "dall'", a.day()), month(a))
}

pub(super) fn courses(regs: &Registers, p: &Period) -> Result<Vec<Course>, AggregateError> {
    let Some(corsi) = &regs.corsi else { return Ok(Vec::new()) };
    let f = &regs.frames;
    let meetings = queries::meeting_stats(&f.meetings, to_days(p.start), to_days(p.end))?;
    let enrolments = queries::enrolment_counts(&f.enrolments, to_days(p.end))?;
    let day = |d: Option<i32>| d.map(crate::dates::from_days);
    let mut out = Vec::new();
    for c in corsi {
        let key = f.courses.find(&c.id).expect("every course id is a key");
        let held = meetings.get(&key).copied().unwrap_or_default();
        if held.meetings == 0 && !p.overlaps(c.start, c.end) {
            continue;
        }
        let (first, last) = (day(held.first), day(held.last));
        let origins = enrolments.by_origin.get(&key).map_or(&[][..], |v| v.as_slice());
        let mut merged: BTreeMap<Option<&str>, u64> = BTreeMap::new();
        for &(origin, n) in origins {
            *merged.entry((origin != NONE).then(|| f.origins.get(origin))).or_default() += n;
        }
        let mut by_origin: Vec<OriginCount> =
            merged.into_iter().map(|(o, count)| OriginCount { origin: o.map(String::from), count }).collect();
        // Not given last among equals.
        by_origin.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.origin.is_none().cmp(&b.origin.is_none())));
        let by_country = enrolments.by_country.get(&key).map_or(&[][..], |v| v.as_slice());
        let continues = c.end > p.end;
        out.push(Course {
            id: c.id.clone(),
            title: c.title.clone(),
            kind: c.kind.clone(),
            partner: c.partner.clone(),
            start: c.start.to_string(),
            end: c.end.to_string(),
            meetings: held.meetings,
            // Rounded to the hundredth; `+ 0.0` turns an empty sum's -0.0 into 0.
            hours: (held.hours * 100.0).round() / 100.0 + 0.0,
            hours_per_meeting: c.hours,
            first_meeting: first.map(|d| d.to_string()),
            last_meeting: last.map(|d| d.to_string()),
            dates_label: first.zip(last).map(|(a, b)| from_to(a, b)),
            continues_after_period: continues,
            continues_until_phrase: continues.then(|| {
                let year = if c.end.year() == p.end.year() { String::new() } else { format!(" {}", c.end.year()) };
                format!("{} {}{year}", with_article("fino al ", "fino all'", c.end.day()), month_name(c.end.month()))
            }),
            continues_until_label: continues.then(|| {
                if c.end.year() == p.end.year() {
                    format!("{} {}", c.end.day(), month_name(c.end.month()))
                } else {
                    long_date(c.end)
                }
            }),
            enrolled: origins.iter().map(|(_, n)| n).sum(),
            by_origin,
            countries: country_counts(by_country, None),
        });
    }
    out.sort_by(|a, b| {
        a.first_meeting.cmp(&b.first_meeting).then_with(|| a.start.cmp(&b.start)).then_with(|| a.id.cmp(&b.id))
    });
    Ok(out)
}

pub(super) fn applications(regs: &Registers, p: &Period) -> Result<Vec<Application>, AggregateError> {
    let f = &regs.frames;
    let mut calls = queries::application_counts(&f.applications, to_days(p.start), to_days(p.end))?;
    // In the order the calls first came up, then by name.
    calls.sort_by_cached_key(|&(call, _, first)| (first, crate::text::fold(f.calls.get(call))));
    let total = calls.iter().map(|&(_, n, _)| n).sum();
    Ok(calls
        .into_iter()
        .map(|(call, count, _)| Application { call: f.calls.get(call).to_string(), count, share: pct(count, total) })
        .collect())
}

pub(super) fn events(regs: &Registers, p: &Period) -> Vec<Event> {
    let mut v: Vec<Event> = regs
        .eventi
        .iter()
        .flatten()
        .filter(|e| p.contains(e.date))
        .map(|e| Event {
            date: e.date.to_string(),
            date_label: long_date_weekday(e.date),
            title: e.title.clone(),
            partner: e.partner.clone(),
            description: e.description.clone(),
        })
        .collect();
    v.sort_by(|a, b| a.date.cmp(&b.date));
    v
}

#[cfg(test)]
mod tests {
    use super::from_to;
    use chrono::NaiveDate;

    #[test]
    fn italian_elision() {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        assert_eq!(from_to(d(1, 10), d(4, 11)), "dal 10 gennaio all'11 aprile");
        assert_eq!(from_to(d(1, 8), d(4, 30)), "dall'8 gennaio al 30 aprile");
        assert_eq!(from_to(d(4, 14), d(6, 30)), "dal 14 aprile al 30 giugno");
        assert_eq!(from_to(d(3, 4), d(3, 28)), "dal 4 al 28 marzo");
        assert_eq!(from_to(d(1, 8), d(1, 8)), "l'8 gennaio");
        assert_eq!(from_to(d(4, 1), d(8, 1)), "dall'1 aprile all'1 agosto");
    }
}

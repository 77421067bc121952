//! Checks across registers: ids that must exist elsewhere, meetings inside
//! their course, enrolments, and declared history against the registers.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::config::LoadOptions;
use crate::dates::to_days;
use crate::diag::{Diagnostics, Severity, Source};
use crate::period::Period;
use crate::registers::Registers;
use crate::registers::frames::{count_where, open_between, within};
use crate::registers::model::{FirstSeen, id_key};
use crate::schema::RegisterKind;

/// Where diagnostics about register `kind` point: its file as read.
fn src(regs: &Registers, kind: RegisterKind) -> Source {
    regs.files
        .iter()
        .find(|f| f.kind == kind)
        .map_or_else(|| Source::new(kind.name(), &format!("{}.csv", kind.name())), |f| f.src.clone())
}

fn in_period(p: &Option<Period>, d: NaiveDate) -> bool {
    p.as_ref().is_none_or(|p| p.contains(d))
}

/// Runs every cross-register check.
pub fn run(regs: &Registers, opts: &LoadOptions, d: &mut Diagnostics) {
    users_exist(regs, opts, d);
    courses_exist(regs, opts, d);
    course_hours_known(regs, opts, d);
    history_matches(regs, opts, d);
    if let Some(p) = &opts.period {
        period_coverage(regs, p, opts.today, d);
    }
}

/// Warnings about the period itself: before the registers are complete, or
/// not over yet. They go into the report's data-quality appendix too.
fn period_coverage(regs: &Registers, p: &Period, today: NaiveDate, d: &mut Diagnostics) {
    let src = Source::new("periodo", "--period");
    if let (Some(false), Some(from)) = (regs.complete_from(p.start), regs.centro.registri_dal) {
        d.push(
            src.diag(
                Severity::Warning,
                "period-before-registers",
                format!(
                    "il periodo {} inizia prima del {}, da quando i registri sono completi: i numeri di quei giorni possono essere incompleti",
                    p.code,
                    crate::dates::long_date(from)
                ),
            )
            .value(p.code.clone())
            .hint("per gli anni precedenti fanno fede i totali dichiarati in storico; scegli un periodo dal registri_dal di centro.toml in poi"),
        );
    }
    let not_over = if p.start > today {
        Some(("non è ancora iniziato: il report è vuoto o quasi", "controlla l'anno del periodo"))
    } else if p.end >= today {
        Some((
            "non è ancora finito: i numeri sono parziali",
            "rifai il report dopo la fine del periodo per avere i numeri definitivi",
        ))
    } else {
        None
    };
    if let Some((what, hint)) = not_over {
        d.push(
            src.diag(Severity::Warning, "period-not-over", format!("il periodo {} {what}", p.code))
                .value(p.code.clone())
                .hint(hint),
        );
    }
}

/// A course with meetings whose hours are written nowhere (neither its own
/// `ore_incontro` nor any meeting's `ore`) would count 0 hours in silence.
/// One polars query over the meetings' frame, whose `hours` are a
/// meeting's own else its course's: a course whose meetings in the period
/// all have none.
fn course_hours_known(regs: &Registers, opts: &LoadOptions, d: &mut Diagnostics) {
    let Some(courses) = &regs.corsi else { return };
    if regs.incontri.is_none() {
        return;
    }
    let f = &regs.frames;
    let held = match &opts.period {
        Some(p) => within("day", to_days(p.start), to_days(p.end)),
        None => polars::prelude::lit(true),
    };
    let without = hourless_courses(&f.meetings, held).unwrap_or_default();
    let s = src(regs, RegisterKind::Corsi);
    for c in courses.iter().filter(|c| c.hours.is_none() && c.hours_blank) {
        if f.courses.find(&c.id).is_some_and(|k| without.contains(&k)) {
            d.push(
                s.diag(
                    Severity::Warning,
                    "course-hours-missing",
                    format!("il corso «{}» ha incontri ma nessuna durata: le sue ore contano 0", c.id),
                )
                .line(c.line)
                .column("ore_incontro")
                .hint("scrivi in ore_incontro la durata abituale di un incontro, oppure le ore di ogni incontro in incontri"),
            );
        }
    }
}

/// The course keys whose meetings that `held` keeps all lack hours.
fn hourless_courses(
    meetings: &polars::prelude::DataFrame,
    held: polars::prelude::Expr,
) -> polars::prelude::PolarsResult<Vec<u32>> {
    use polars::prelude::*;
    let df = meetings
        .clone()
        .lazy()
        .filter(held)
        .group_by([col("course")])
        .agg([len().alias("n"), col("hours").null_count().alias("none")])
        .filter(col("n").cast(DataType::UInt64).eq(col("none").cast(DataType::UInt64)))
        .collect()?;
    Ok(df.column("course")?.u32()?.iter().flatten().collect())
}

fn users_exist(regs: &Registers, opts: &LoadOptions, d: &mut Diagnostics) {
    if !regs.has(RegisterKind::Utenti) {
        return;
    }
    // Accesses were checked as they were read (registers::parse::access).
    let known = &regs.declared_users;
    let p = &opts.period;
    if let Some(domande) = &regs.domande {
        let s = src(regs, RegisterKind::Domande);
        for a in domande.iter().filter(|a| in_period(p, a.date)) {
            let Some(u) = &a.user else { continue };
            if regs.user_ids.find(u).is_some_and(|i| known.contains(i)) {
                continue;
            }
            d.push(crate::registers::cells::unknown_user(
                &s,
                a.line,
                u,
                "controlla il codice, oppure lascia vuota la cella se la persona non è presa in carico",
            ));
        }
    }
}

fn courses_exist(regs: &Registers, opts: &LoadOptions, d: &mut Diagnostics) {
    let courses: HashMap<String, (NaiveDate, NaiveDate)> =
        regs.corsi.iter().flatten().map(|c| (id_key(&c.id).into_owned(), (c.start, c.end))).collect();
    let hint_unknown = if regs.corsi.is_some() {
        "controlla il codice: deve essere uno degli id del registro corsi"
    } else {
        "manca il registro corsi: aggiungi corsi.csv con questo corso"
    };
    if let Some(meetings) = &regs.incontri {
        let s = src(regs, RegisterKind::Incontri);
        for m in meetings.iter().filter(|m| in_period(&opts.period, m.date)) {
            let key = id_key(&m.course);
            match courses.get(key.as_ref()) {
                None if !regs.declared_courses.contains(key.as_ref()) => {
                    d.push(unknown_course(&s, &m.course, m.line, hint_unknown))
                }
                // A course whose own row has an error: that error is enough.
                None => {}
                Some(&(start, end)) if m.date < start || m.date > end => d.push(
                    s.diag(
                        Severity::Error,
                        "meeting-outside-course",
                        format!(
                            "l'incontro del {} è fuori dalle date del corso «{}» ({} - {})",
                            crate::dates::short_date(m.date),
                            m.course,
                            crate::dates::short_date(start),
                            crate::dates::short_date(end)
                        ),
                    )
                    .line(m.line)
                    .column("data")
                    .value(crate::dates::short_date(m.date))
                    .hint("correggi la data dell'incontro, oppure le date del corso nel registro corsi"),
                ),
                Some(_) => {}
            }
        }
    }
    if let Some(enrolments) = &regs.iscrizioni {
        let s = src(regs, RegisterKind::Iscrizioni);
        let mut seen = FirstSeen::default();
        for e in enrolments {
            if !regs.declared_courses.contains(id_key(&e.course).as_ref()) {
                d.push(unknown_course(&s, &e.course, e.line, hint_unknown));
                continue;
            }
            let key = (id_key(&e.course).into_owned(), id_key(&e.participant).into_owned());
            if let Some(first) = seen.earlier(key, e.line) {
                d.push(
                    s.diag(
                        Severity::Warning,
                        "enrolment-duplicate",
                        format!("lo stesso partecipante è già iscritto al corso «{}» alla riga {first}", e.course),
                    )
                    .line(e.line)
                    .column("partecipante")
                    .hint("cancella l'iscrizione ripetuta: conterebbe due volte"),
                );
            }
        }
    }
}

fn unknown_course(s: &Source, course: &str, line: usize, hint: &str) -> crate::diag::Diagnostic {
    s.diag(Severity::Error, "course-unknown", format!("il corso «{course}» non è nel registro corsi"))
        .line(line)
        .column("corso")
        .value(course)
        .hint(hint)
}

/// Declared yearly totals against the registers, for every whole year the
/// registers cover (the same users the report would count for that year).
fn history_matches(regs: &Registers, opts: &LoadOptions, d: &mut Diagnostics) {
    let Some(storico) = &regs.storico else { return };
    let s = src(regs, RegisterKind::Storico);
    for h in storico {
        let Some((first, last)) = regs.whole_year(h.year, opts.today) else { continue };
        let open = open_between(to_days(first), to_days(last));
        // The frames are built from the tables just read: a failure is a bug.
        let Ok(computed) = count_where(&regs.frames.users, open) else { continue };
        if computed as u32 != h.total {
            d.push(
                s.diag(
                    Severity::Warning,
                    "history-registers-mismatch",
                    format!(
                        "per il {} lo storico dichiara {} utenti, ma dai registri ne risultano {computed}",
                        h.year, h.total
                    ),
                )
                .line(h.line)
                .column("totale")
                .value(h.total.to_string())
                .hint(format!(
                    "nello storico del report resta il numero dichiarato ({}); verifica quale dei due è giusto e correggi storico.csv o i registri",
                    h.total
                )),
            );
        }
    }
}

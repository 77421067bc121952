//! The rows behind a figure: the report's own period filter and key,
//! applied to the frames with their `line`; the rows with the same key that
//! the period filter leaves out are the near misses.

use std::collections::HashMap;

use polars::prelude::*;

use crate::aggregate::AggregateError;
use crate::dates::{from_days, short_date, to_days};
use crate::diag::{Diagnostics, Severity};
use crate::period::Period;
use crate::reference::{Comuni, Countries};
use crate::registers::Registers;
use crate::registers::frames::{HOMELESS, enrolled_by, new_between, open_between, within};
use crate::registers::model::NONE;
use crate::schema::RegisterKind;

use super::catalogue::Figure;
use super::model::{Cell, EXCLUDED_SHOWN, Explanation, RowRef, Value};
use crate::aggregate::{Key, Target};

/// Rows whose `column` is one of `values`.
fn any_of(column: &str, values: &[u32]) -> Expr {
    values.iter().fold(lit(false), |e, &v| e.or(col(column).eq(lit(v))))
}

fn key_expr(k: &Option<Key>) -> Expr {
    match k {
        None => lit(true),
        Some(k) if k.negate => any_of(k.column, &k.values).not(),
        Some(k) => any_of(k.column, &k.values),
    }
}

/// Explains `fig` for period `p`: every row counted and the near misses
/// (all of them when `all`, else the closest [`EXCLUDED_SHOWN`]).
pub fn explain(
    regs: &Registers,
    diags: &Diagnostics,
    p: &Period,
    fig: &Figure,
    target: &Target,
    all: bool,
) -> Result<Explanation, AggregateError> {
    let (s, e) = (to_days(p.start), to_days(p.end));
    let f = &regs.frames;
    let (frame, counted, key, register) = match target {
        Target::Accesses(k) => {
            let rows = f.access_rows.as_ref().ok_or_else(|| polars_err!(ComputeError: "access rows were not kept"))?;
            (rows, within("day", s, e), key_expr(k), RegisterKind::Accessi)
        }
        Target::Users { new, key } => {
            let filter = if *new { new_between(s, e) } else { open_between(s, e) };
            (&f.users, filter, key_expr(key), RegisterKind::Utenti)
        }
        Target::Meetings { courses, .. } => {
            (&f.meetings, within("day", s, e), any_of("course", courses), RegisterKind::Incontri)
        }
        Target::Enrolments { courses, key, .. } => {
            (&f.enrolments, enrolled_by(e), any_of("course", courses).and(key_expr(key)), RegisterKind::Iscrizioni)
        }
        Target::Applications(k) => (&f.applications, within("day", s, e), key_expr(k), RegisterKind::Domande),
    };
    let same_key = frame.clone().lazy().filter(key);
    let inside = same_key.clone().filter(counted.clone()).sort(["line"], Default::default()).collect()?;
    let outside = same_key.filter(counted.not()).collect()?;
    let value = match target {
        Target::Meetings { hours: true, .. } => {
            let sum = inside.clone().lazy().select([col("hours").sum()]).collect()?;
            let h = sum.column("hours")?.f64()?.get(0).unwrap_or(0.0);
            // Rounded to the hundredth, as the report does.
            Value::Hours((h * 100.0).round() / 100.0 + 0.0)
        }
        _ => Value::Count(inside.height() as u64),
    };
    let src = regs.files.iter().find(|fi| fi.kind == register).map(|fi| fi.src.clone());
    let (file, sheet) = src.map_or_else(|| (String::new(), None), |s| (s.file, s.sheet));
    let mut warnings: HashMap<usize, Vec<String>> = HashMap::new();
    for d in diags.items() {
        if d.severity == Severity::Warning
            && d.file == file
            && d.sheet == sheet
            && let Some(line) = d.line
        {
            warnings.entry(line).or_default().push(format!("{}: {}", d.code, d.message));
        }
    }
    let shown = Shown { regs, target, p };
    let place = |line: usize, columns, reason, warnings| RowRef {
        file: file.clone(),
        sheet: sheet.clone(),
        line,
        columns,
        reason,
        warnings,
    };
    let mut rows = Vec::with_capacity(inside.height());
    for i in 0..inside.height() {
        let line = u32_at(&inside, "line", i)? as usize;
        rows.push(place(line, shown.columns(&inside, i)?, None, warnings.remove(&line).unwrap_or_default()));
    }
    let mut near = Vec::with_capacity(outside.height());
    for i in 0..outside.height() {
        let line = u32_at(&outside, "line", i)? as usize;
        let (distance, reason) = shown.why_not(&outside, i, s, e)?;
        near.push((distance, line, i, reason));
    }
    near.sort_by_key(|&(d, line, _, _)| (d, line));
    let excluded_total = near.len();
    near.truncate(if all { usize::MAX } else { EXCLUDED_SHOWN });
    let mut excluded = Vec::with_capacity(near.len());
    for (_, line, i, reason) in near {
        excluded.push(place(line, shown.columns(&outside, i)?, Some(reason), Vec::new()));
    }
    Ok(Explanation {
        figure: fig.path.clone(),
        period: p.code.clone(),
        rule: fig.rule.clone(),
        value,
        rows,
        excluded,
        excluded_total,
        centre: None,
    })
}

fn u32_at(df: &DataFrame, column: &str, i: usize) -> PolarsResult<u32> {
    Ok(df.column(column)?.u32()?.get(i).unwrap_or(NONE))
}

fn i32_at(df: &DataFrame, column: &str, i: usize) -> PolarsResult<Option<i32>> {
    Ok(df.column(column)?.i32()?.get(i))
}

/// What a target shows of its rows.
struct Shown<'a> {
    regs: &'a Registers,
    target: &'a Target,
    p: &'a Period,
}

fn date(day: Option<i32>, blank: &'static str) -> Cell {
    day.map_or(Cell::Blank(blank), |d| Cell::Date(from_days(d)))
}

fn country(id: u32) -> Cell {
    Cell::Text(Countries::get().country(id as u16).name.clone())
}

impl Shown<'_> {
    /// The columns that decided whether row `i` of `df` counts.
    fn columns(&self, df: &DataFrame, i: usize) -> PolarsResult<Vec<(&'static str, Cell)>> {
        let regs = self.regs;
        let f = &regs.frames;
        let mut out = Vec::new();
        let key_column = |k: &Option<Key>| k.as_ref().map(|k| k.column);
        match self.target {
            Target::Accesses(k) => {
                out.push(("data", date(i32_at(df, "day", i)?, "")));
                match key_column(k) {
                    Some("country") => out.push(("paese", country(u32_at(df, "country", i)?))),
                    Some("kind") => {
                        let kind = u32_at(df, "kind", i)?;
                        out.push(("tipo_richiesta", Cell::Text(regs.type_name(kind as u16).to_string())));
                    }
                    Some("referral") => out.push((
                        "inviato_da",
                        match u32_at(df, "referral", i)? {
                            0 => Cell::Blank("non indicato"),
                            r => Cell::Text(regs.accessi.referrals.get(r - 1).to_string()),
                        },
                    )),
                    Some("gender") => out.push(("genere", gender(u32_at(df, "gender", i)?))),
                    _ => {}
                }
            }
            Target::Users { key, .. } => {
                out.push(("data_presa_in_carico", date(i32_at(df, "taken", i)?, "")));
                let closed = i32_at(df, "closed", i)?.filter(|&c| c != i32::MAX);
                out.push(("data_chiusura", date(closed, "aperto")));
                match key_column(key) {
                    Some("country") => out.push(("paese", country(u32_at(df, "country", i)?))),
                    Some("gender") => out.push(("genere", gender(u32_at(df, "gender", i)?))),
                    Some("comune") => {
                        let c = u32_at(df, "comune", i)?;
                        if c == HOMELESS {
                            out.push(("senza_dimora", Cell::Text("sì".into())));
                        } else {
                            out.push((
                                "comune_residenza",
                                if c == NONE {
                                    Cell::Blank("non indicato")
                                } else {
                                    // What was counted, and what was written
                                    // when that is another spelling.
                                    let counted = Comuni::get().comune(c as u16);
                                    let line = u32_at(df, "line", i)?;
                                    let u = &regs.utenti;
                                    // Users are kept in file order: lines ascend
                                    // (a line is found only where it is).
                                    let written = u
                                        .line
                                        .binary_search(&line)
                                        .ok()
                                        .or_else(|| u.line.iter().position(|&x| x == line))
                                        .and_then(|at| u.comune_written.get(at).cloned().flatten());
                                    let label = Comuni::get().label(c as u16);
                                    Cell::Text(match written {
                                        Some(w) => format!("{} ({}), scritto «{w}»", counted.name, counted.province),
                                        None => label,
                                    })
                                },
                            ));
                            out.push(("senza_dimora", Cell::Text("no".into())));
                        }
                    }
                    _ => {}
                }
            }
            Target::Meetings { hours, .. } => {
                out.push(("corso", Cell::Text(f.courses.get(u32_at(df, "course", i)?).to_string())));
                out.push(("data", date(i32_at(df, "day", i)?, "")));
                if *hours {
                    let h = df.column("hours")?.f64()?.get(i);
                    out.push(("ore", h.map_or(Cell::Blank("non indicate: 0"), Cell::Hours)));
                }
            }
            Target::Enrolments { key, .. } => {
                out.push(("corso", Cell::Text(f.courses.get(u32_at(df, "course", i)?).to_string())));
                out.push(("data_iscrizione", date(i32_at(df, "day", i)?, "non indicata")));
                match key_column(key) {
                    Some("origin") => out.push((
                        "provenienza",
                        match u32_at(df, "origin", i)? {
                            NONE => Cell::Blank("non indicata"),
                            o => Cell::Text(f.origins.get(o).to_string()),
                        },
                    )),
                    Some("country") => out.push(("paese", country(u32_at(df, "country", i)?))),
                    _ => {}
                }
            }
            Target::Applications(_) => {
                out.push(("bando", Cell::Text(f.calls.get(u32_at(df, "call", i)?).to_string())));
                out.push(("data", date(i32_at(df, "day", i)?, "")));
            }
        }
        Ok(out)
    }

    /// Why row `i` of `df` (same key, left out by the period) does not
    /// count, and how far from counting it was (days).
    fn why_not(&self, df: &DataFrame, i: usize, s: i32, e: i32) -> PolarsResult<(i64, String)> {
        let (start, end) = (short_date(self.p.start), short_date(self.p.end));
        let on = |d: i32| short_date(from_days(d));
        let dated = |what: &str, d: i32| {
            if d < s {
                (i64::from(s) - i64::from(d), format!("{what} {}, prima dell'inizio del periodo ({start})", on(d)))
            } else {
                (i64::from(d) - i64::from(e), format!("{what} {}, dopo la fine del periodo ({end})", on(d)))
            }
        };
        Ok(match self.target {
            Target::Accesses(_) => dated("accesso del", i32_at(df, "day", i)?.unwrap_or(s)),
            Target::Meetings { .. } => dated("incontro del", i32_at(df, "day", i)?.unwrap_or(s)),
            Target::Applications(_) => dated("domanda del", i32_at(df, "day", i)?.unwrap_or(s)),
            Target::Enrolments { .. } => {
                let d = i32_at(df, "day", i)?.unwrap_or(e);
                (i64::from(d) - i64::from(e), format!("iscrizione del {}, dopo la fine del periodo ({end})", on(d)))
            }
            Target::Users { .. } => {
                let taken = i32_at(df, "taken", i)?.unwrap_or(s);
                let closed = i32_at(df, "closed", i)?.unwrap_or(i32::MAX);
                if taken > e {
                    (
                        i64::from(taken) - i64::from(e),
                        format!("preso in carico il {}, dopo la fine del periodo ({end})", on(taken)),
                    )
                } else if closed < s {
                    (
                        i64::from(s) - i64::from(closed),
                        format!("chiuso il {}, prima dell'inizio del periodo ({start})", on(closed)),
                    )
                } else {
                    // Only `new` leaves out a case open in the period.
                    (
                        i64::from(s) - i64::from(taken),
                        format!("preso in carico il {}, prima del periodo: in carico, ma non nuovo", on(taken)),
                    )
                }
            }
        })
    }
}

fn gender(code: u32) -> Cell {
    match crate::registers::Gender::KEYS.iter().find(|(k, _)| *k == code && *k != 0) {
        Some((_, name)) => Cell::Text((*name).into()),
        None => Cell::Blank("non indicato"),
    }
}

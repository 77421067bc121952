//! The public version of the report (`report --pubblico`): one stage over
//! the computed [`Report`], between aggregation and rendering. Counts of
//! people below `[soglie] minimo_pubblicabile` are withheld, and so is any
//! other count from which a withheld one could be computed; the renderers
//! only show what [`Publication`] says. The rule, and what a reader is
//! assumed to know, is in docs/PUBLICATION.md.
//!
//! The report's counts become [`Table`]: cells (a count that several places
//! show is one cell) and lines (cells that add up to a total cell). The
//! rule works on that alone, so the property test can feed it random tables.

mod calendar;
mod cells;
mod rule;

pub use calendar::family;
pub use rule::{Line, Mark, Relation, Table, UNBOUNDED, prior, protected, ranges, suppress, suppress_given};

use crate::aggregate::{Publication, Report, Suppressed};
use crate::period::Period;

/// A number the public version names that the report does not have: a
/// mistake of integra's own (a misspelt pointer), which must stop the run
/// rather than publish the number unwithheld or print a silent 0.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("errore interno di integra: la versione pubblica nomina numeri che il report non ha ({})", .0.join(", "))]
pub struct UnknownFigure(pub Vec<String>);

/// The public version of `r` alone, as if no other period were published.
pub fn public(r: &Report, threshold: u32) -> Result<Report, UnknownFigure> {
    let k = cells::cells_of(r);
    let marks = suppress(&k.table, threshold);
    apply(r, &k, &marks, threshold)
}

/// The public version of the last report of `family` (the periods of
/// [`family`], each with its report), safe together with the public
/// versions of all the others.
pub fn public_among(family: &[(Period, Report)], threshold: u32) -> Result<Report, UnknownFigure> {
    public_among_each(family, &vec![threshold; family.len()])
}

fn public_among_each(family: &[(Period, Report)], thresholds: &[u32]) -> Result<Report, UnknownFigure> {
    let (k, marks) = calendar::replay(family, thresholds);
    apply(&family[family.len() - 1].1, &k, &marks, thresholds[thresholds.len() - 1])
}

/// What each report of `family` publishes, decided in turn as
/// [`public_among`] decides the last: the marks of each report's cells.
pub fn marks_of_each(family: &[(Period, Report)], threshold: u32) -> Vec<Vec<Mark>> {
    calendar::steps(family, &vec![threshold; family.len()])
}

/// The public version of the last report of `family`, where the reports
/// with `fixed` marks are published by someone else as they are (an
/// ambito's centres, [`marks_of_each`] of their own calendars) and the
/// others are decided here, each knowing everything before it.
pub fn public_among_fixed(
    family: &[(Period, Report)],
    thresholds: &[u32],
    fixed: &[Option<Vec<Mark>>],
) -> Result<Report, UnknownFigure> {
    let (k, marks) = calendar::replay_fixed(family, thresholds, fixed);
    apply(&family[family.len() - 1].1, &k, &marks, thresholds[thresholds.len() - 1])
}

/// `r` with every number `marks` withholds set to 0 and listed in
/// `publication`. A reader is told only that it is withheld ("n.p."):
/// saying "< 3" would tell a count below the threshold apart.
fn apply(r: &Report, k: &cells::Cells, marks: &[Mark], threshold: u32) -> Result<Report, UnknownFigure> {
    let mut withheld: Vec<String> = Vec::new();
    for (c, mark) in marks.iter().enumerate() {
        if *mark == Mark::Shown {
            continue;
        }
        withheld.extend(k.paths[c].iter().cloned());
        withheld.extend(k.derived[c].iter().cloned());
    }
    let mut value = serde_json::to_value(r).expect("the report always serialises");
    let mut unknown = Vec::new();
    for path in &withheld {
        match value.pointer_mut(path) {
            Some(slot) if slot.is_number() => *slot = serde_json::Value::from(0),
            Some(_) => {}
            None => unknown.push(path.clone()),
        }
    }
    if !unknown.is_empty() {
        return Err(UnknownFigure(unknown));
    }
    // In the report's order, as a reader meets them.
    withheld.sort_by_cached_key(|p| order_key(&value, p));
    withheld.dedup();
    // The typed report read back from the zeroed JSON: every withheld
    // count and percentage is 0, so that no renderer can show it.
    let mut out: Report = serde_json::from_value(value).expect("the report reads back what it writes");
    // The figure list: a figure is withheld with the numbers it is shown
    // as, and its percentage with the percentages computed from it (a
    // share of the users goes when their total does, the count staying).
    let gone: std::collections::HashSet<&str> = withheld.iter().map(String::as_str).collect();
    out.figures = marked(&r.figures, &gone, "");
    // An ambito's centres keep their own lists, with the same marks.
    for (i, (c, o)) in r.centres.iter().zip(&mut out.centres).enumerate() {
        o.report.figures = marked(&c.report.figures, &gone, &format!("/centres/{i}/report"));
    }
    out.publication = Publication {
        public: true,
        threshold: Some(threshold),
        suppressed: withheld.into_iter().map(|path| Suppressed { path, below: None }).collect(),
    };
    Ok(out)
}

/// `figures` with each figure withheld whose numbers are `gone` (the
/// report's pointers, under `prefix` for a centre of an ambito).
fn marked(
    figures: &crate::aggregate::Figures,
    gone: &std::collections::HashSet<&str>,
    prefix: &str,
) -> crate::aggregate::Figures {
    let mut out = figures.clone();
    let is_gone = |p: &str| gone.contains(format!("{prefix}{p}").as_str());
    for f in &mut out.list {
        if f.at.iter().any(|p| is_gone(p)) {
            f.withheld = true;
            f.value = crate::aggregate::Value::Count(0);
        }
        if f.withheld || f.shares.iter().any(|s| is_gone(&s.at)) {
            f.share = None;
        }
    }
    out
}

/// A sort key that follows the JSON's order: the position of each step.
fn order_key(v: &serde_json::Value, path: &str) -> Vec<usize> {
    let mut key = Vec::new();
    let mut at = v;
    for step in path.split('/').skip(1) {
        let (pos, next) = match at {
            serde_json::Value::Object(m) => (m.keys().position(|k| k == step), m.get(step)),
            serde_json::Value::Array(a) => (step.parse().ok(), step.parse::<usize>().ok().and_then(|i| a.get(i))),
            _ => (None, None),
        };
        key.push(pos.unwrap_or(usize::MAX));
        match next {
            Some(n) => at = n,
            None => break,
        }
    }
    key
}

/// The report's JSON with the public version's marks: every withheld number
/// `null`, and a list item holding one also `"suppressed": true` (and
/// `"below"`, the threshold, when it is the count that is below it); in the
/// figure list, a withheld figure's value is `null` (its share is already
/// `None`).
pub fn mark_json(r: &Report, value: &mut serde_json::Value) {
    for (i, _) in r.figures.list.iter().enumerate().filter(|(_, f)| f.withheld) {
        if let Some(slot) = value.pointer_mut(&format!("/figures/{i}/value")) {
            *slot = serde_json::Value::Null;
        }
    }
    for (c, part) in r.centres.iter().enumerate() {
        for (i, _) in part.report.figures.list.iter().enumerate().filter(|(_, f)| f.withheld) {
            if let Some(slot) = value.pointer_mut(&format!("/centres/{c}/report/figures/{i}/value")) {
                *slot = serde_json::Value::Null;
            }
        }
    }
    for s in &r.publication.suppressed {
        if let Some(slot) = value.pointer_mut(&s.path) {
            *slot = serde_json::Value::Null;
        }
        let Some((parent, key)) = s.path.rsplit_once('/') else { continue };
        if key != "count" {
            continue;
        }
        if let Some(serde_json::Value::Object(item)) = value.pointer_mut(parent) {
            item.insert("suppressed".into(), true.into());
            if let Some(t) = s.below {
                item.insert("below".into(), t.into());
            }
        }
    }
}

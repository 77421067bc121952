//! The public version among the centre's other public reports: a reader
//! of the Comune's website has every public report of the publication
//! calendar (each month, quarter, semester and year by default), and the
//! counts of one period are tied to those of the periods it is made of.
//! The public version of a period is decided by replaying the calendar in
//! the order the reports come out: each report withholds what it must so
//! that nothing published before it, nor itself, can be worked out from
//! everything published so far (docs/PUBLICATION.md).

use std::collections::HashMap;

use chrono::Datelike;

use super::cells::{Across, Cells, cells_of};
use super::rule::{Line, Mark, Relation, Table, suppress_given};
use crate::aggregate::Report;
use crate::period::{Period, PeriodKind};

/// Whether users of a longer period are related to its parts' (at least
/// the largest, at most the sum).
const COVER: bool = false;

/// The periods of the calendar (`kinds`) that come out before `target`, in
/// the years it touches, in the order they come out (by last day, the
/// shorter first: March before the first quarter), then `target` itself.
pub fn family(target: &Period, kinds: &[PeriodKind]) -> Vec<Period> {
    let mut out: Vec<Period> = Vec::new();
    for y in target.start.year()..=target.end.year() {
        let mut codes: Vec<String> = Vec::new();
        for kind in kinds {
            match kind {
                PeriodKind::Month => codes.extend((1..=12).map(|m| format!("{y}-{m:02}"))),
                PeriodKind::Quarter => codes.extend((1..=4).map(|q| format!("{y}Q{q}"))),
                PeriodKind::Semester => codes.extend((1..=2).map(|h| format!("{y}H{h}"))),
                PeriodKind::Year => codes.push(format!("{y}")),
                PeriodKind::Range => {}
            }
        }
        let order = |p: &Period| (p.end, p.end - p.start);
        out.extend(codes.iter().filter_map(|c| Period::parse(c).ok()).filter(|p| order(p) < order(target)));
    }
    out.sort_by_key(|p| (p.end, p.end - p.start, p.code.clone()));
    out.push(target.clone());
    out
}

/// The periods of `family` that tile `parent` exactly, one kind at a time.
fn tilings(family: &[(Period, Report)], parent: usize) -> Vec<Vec<usize>> {
    let p = &family[parent].0;
    let mut out = Vec::new();
    for kind in [PeriodKind::Semester, PeriodKind::Quarter, PeriodKind::Month] {
        if kind == p.kind {
            continue;
        }
        let mut parts: Vec<usize> = (0..family.len())
            .filter(|&i| i != parent && family[i].0.kind == kind)
            .filter(|&i| p.start <= family[i].0.start && family[i].0.end <= p.end)
            .collect();
        parts.sort_by_key(|&i| family[i].0.start);
        let mut next = p.start;
        let mut tiles = !parts.is_empty();
        for &i in &parts {
            tiles &= family[i].0.start == next;
            next = family[i].0.end.succ_opt().unwrap_or(family[i].0.end);
        }
        if tiles && parts.last().is_some_and(|&i| family[i].0.end == p.end) {
            out.push(parts);
        }
    }
    out
}

/// Every report's cells in one table, with the relations between reports;
/// each line carries the report after which a reader knows it.
struct Joint {
    table: Table,
    /// The first cell of each report, and the end.
    start: Vec<usize>,
    /// For each line of `table`, the last report it needs.
    known_after: Vec<usize>,
    cells: Vec<Cells>,
}

fn joint(family: &[(Period, Report)]) -> Joint {
    let mut table = Table::default();
    let mut start = Vec::new();
    let mut known_after = Vec::new();
    let mut cells = Vec::new();
    let mut by_key: Vec<HashMap<String, (Across, usize)>> = Vec::new();
    for (k, (_, r)) in family.iter().enumerate() {
        let c = cells_of(r);
        let off = table.values.len();
        start.push(off);
        table.values.extend(&c.table.values);
        table.fixed.extend(&c.table.fixed);
        table.listed.extend(&c.table.listed);
        for l in &c.table.lines {
            table.lines.push(Line {
                cells: l.cells.iter().map(|x| x + off).collect(),
                total: l.total + off,
                relation: l.relation,
            });
            known_after.push(k);
        }
        let mut keys: HashMap<String, (Across, usize)> = c
            .keys
            .iter()
            .enumerate()
            .filter_map(|(i, key)| key.clone().map(|(how, name)| (name, (how, i + off))))
            .collect();
        if family[k].0.kind == PeriodKind::Year {
            // A year's users by category are the history row of that year
            // in every later report.
            let year = &family[k].0.code;
            let mut same = |from: &str, to: String| {
                if let Some(&(_, cell)) = keys.get(from) {
                    keys.insert(to, (Across::Same, cell));
                }
            };
            for cat in ["italian", "eu", "non_eu"] {
                same(&format!("u/category/{cat}"), format!("h/{year}/{cat}"));
            }
            same("u/total", format!("h/{year}/parts"));
        }
        if family[k].0.kind == PeriodKind::Month {
            // A month's count is the same number as that month's cell of a
            // longer period's table by month (accesses by country and month).
            let month = &family[k].0.code;
            let sums: Vec<(String, usize)> =
                keys.iter().filter(|(_, (how, _))| *how == Across::Sum).map(|(n, (_, c))| (n.clone(), *c)).collect();
            for (name, cell) in sums {
                keys.insert(format!("{name}@{month}"), (Across::Same, cell));
            }
        }
        by_key.push(keys);
        cells.push(c);
    }
    start.push(table.values.len());
    let v = table.values.clone();
    // A longer period and the periods that tile it.
    for parent in 0..family.len() {
        for parts in tilings(family, parent) {
            let after = parts.iter().copied().chain([parent]).max().unwrap_or(parent);
            for (name, &(how, total)) in &by_key[parent] {
                let relation = match how {
                    Across::Sum => Relation::Sum,
                    // People counted once each over a longer period: a
                    // bound, not a sum (docs/PUBLICATION.md, "Limits").
                    Across::Cover if COVER => Relation::Cover,
                    Across::Cover => continue,
                    Across::Same => continue,
                };
                // A part that does not show the count has none of it.
                let members: Vec<usize> = parts.iter().filter_map(|&i| by_key[i].get(name).map(|x| x.1)).collect();
                let sum: u64 = members.iter().map(|&c| v[c]).sum();
                let max = members.iter().map(|&c| v[c]).max().unwrap_or(0);
                // Only a relation the numbers keep: a count defined otherwise
                // in another period (a category at a different last day) is
                // not tied to it.
                let holds = match relation {
                    Relation::Sum => sum == v[total],
                    Relation::Cover => max <= v[total] && v[total] <= sum,
                };
                if members.is_empty() || !holds {
                    continue;
                }
                table.lines.push(Line { cells: members, total, relation });
                known_after.push(after);
            }
        }
    }
    // The same count shown by several reports.
    let mut same: HashMap<(&str, u64), Vec<usize>> = HashMap::new();
    for keys in &by_key {
        for (name, &(how, c)) in keys {
            if how == Across::Same {
                same.entry((name.as_str(), v[c])).or_default().push(c);
            }
        }
    }
    let owner = |c: usize| start.partition_point(|&s| s <= c) - 1;
    // Two reports of one period (an ambito's and a centre's own, whose
    // names the ambito scopes to the centre): a count of the same name is
    // the same number in both.
    for i in 0..family.len() {
        for j in i + 1..family.len() {
            if family[i].0 != family[j].0 {
                continue;
            }
            for (name, &(_, a)) in &by_key[i] {
                if let Some(&(_, b)) = by_key[j].get(name)
                    && v[a] == v[b]
                {
                    table.lines.push(Line::sum(vec![a], b));
                    known_after.push(j);
                }
            }
        }
    }
    for group in same.into_values() {
        for w in group.windows(2) {
            table.lines.push(Line::sum(vec![w[0]], w[1]));
            known_after.push(owner(w[0]).max(owner(w[1])));
        }
    }
    Joint { table, start, known_after, cells }
}

/// The marks of the last report of `family`, published after all the
/// others in it: each report in turn, in order, withholds what it must
/// given what the ones before it published.
pub(super) fn replay(family: &[(Period, Report)], thresholds: &[u32]) -> (Cells, Vec<Mark>) {
    replay_fixed(family, thresholds, &vec![None; family.len()])
}

/// Every report's marks, in the replay of `family`: what each published.
pub(super) fn steps(family: &[(Period, Report)], thresholds: &[u32]) -> Vec<Vec<Mark>> {
    let (j, given) = run(family, thresholds, &vec![None; family.len()]);
    (0..family.len())
        .map(|k| given[j.start[k]..j.start[k + 1]].iter().map(|m| m.unwrap_or(Mark::Shown)).collect())
        .collect()
}

/// [`replay`] where some reports are published as they are, decided by
/// someone else (`fixed`: an ambito's centres publish their own reports,
/// each by its own calendar): only the others are decided here, knowing them.
pub(super) fn replay_fixed(
    family: &[(Period, Report)],
    thresholds: &[u32],
    fixed: &[Option<Vec<Mark>>],
) -> (Cells, Vec<Mark>) {
    let (mut j, given) = run(family, thresholds, fixed);
    let last = family.len() - 1;
    let marks = given[j.start[last]..].iter().map(|m| m.unwrap_or(Mark::Shown)).collect();
    (j.cells.swap_remove(last), marks)
}

fn run(family: &[(Period, Report)], thresholds: &[u32], fixed: &[Option<Vec<Mark>>]) -> (Joint, Vec<Option<Mark>>) {
    let j = joint(family);
    let mut given: Vec<Option<Mark>> = vec![None; j.table.values.len()];
    for step in 0..family.len() {
        if let Some(m) = &fixed[step] {
            for (c, mark) in (j.start[step]..j.start[step + 1]).zip(m) {
                given[c] = Some(*mark);
            }
            continue;
        }
        let end = j.start[step + 1];
        let lines: Vec<Line> =
            j.table.lines.iter().zip(&j.known_after).filter(|(_, k)| **k <= step).map(|(l, _)| l.clone()).collect();
        let now = Table {
            values: j.table.values[..end].to_vec(),
            fixed: j.table.fixed[..end].to_vec(),
            listed: j.table.listed[..end].to_vec(),
            lines,
        };
        let marks = suppress_given(&now, thresholds[step], &given[..end]);
        for c in j.start[step]..end {
            given[c] = Some(marks[c]);
        }
    }
    (j, given)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_semester_comes_after_its_months_and_quarters() {
        let h1 = Period::parse("2025H1").unwrap();
        let f: Vec<String> = family(&h1, &crate::centro::CALENDAR_DEFAULT).into_iter().map(|p| p.code).collect();
        assert_eq!(f, ["2025-01", "2025-02", "2025-03", "2025Q1", "2025-04", "2025-05", "2025-06", "2025Q2", "2025H1"]);
        let march = Period::parse("2025-03").unwrap();
        assert_eq!(family(&march, &crate::centro::CALENDAR_DEFAULT).len(), 3);
    }
}

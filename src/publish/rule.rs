//! The rule alone, on a [`Table`] of counts and the relations that tie them:
//! which cells the public version withholds, and what a reader who combines
//! every published number still cannot learn of a withheld one
//! (docs/PUBLICATION.md).
//!
//! The reader is modelled as an interval fixpoint over every relation at
//! once: each withheld cell starts from what its mark says (at least 0, at
//! least 1 when it is a listed item), each relation narrows the cells it
//! ties, until nothing narrows further. A withheld count is protected when
//! its range keeps two whole values and reaches the threshold.

use std::collections::BTreeSet;

use rustc_hash::FxHashSet;

/// What the public version says of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Shown: known exactly.
    Shown,
    /// A count of people from 1 to t - 1: withheld, shown "n.p.".
    Below,
    /// Withheld so that another cannot be worked out, shown "n.p.".
    Complement,
    /// Withheld though it is 0 (its line withdrawn), shown "n.p.".
    Withdrawn,
}

/// How the cells of a [`Line`] relate to its total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Relation {
    /// The cells add up to the total (countries of the accesses; the
    /// months of a quarter).
    #[default]
    Sum,
    /// The total counts the people of the cells once each: at least the
    /// largest cell, at most their sum (a semester's users and its
    /// quarters' users).
    Cover,
}

/// Counts and the relations that tie them.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The counts.
    pub values: Vec<u64>,
    /// Counts that are published whatever they are (the accesses' total,
    /// which the months add up to anyway).
    pub fixed: Vec<bool>,
    /// Counts a reader sees listed when they are withheld (a country in a
    /// table, a comune): a listed item has someone, so it is at least 1.
    pub listed: Vec<bool>,
    /// Relations: the cells of each line add up to (or are covered by) its total.
    pub lines: Vec<Line>,
}

/// Cells tied to a total.
#[derive(Debug, Clone)]
pub struct Line {
    /// The parts.
    pub cells: Vec<usize>,
    /// The cell they add up to.
    pub total: usize,
    /// How.
    pub relation: Relation,
}

impl Line {
    /// Parts that add up to `total`.
    pub fn sum(cells: Vec<usize>, total: usize) -> Line {
        Line { cells, total, relation: Relation::Sum }
    }
}

/// No upper bound.
pub const UNBOUNDED: u64 = u64::MAX / 4;

/// What a reader knows of a cell before combining anything: its value when
/// shown; at least 1 when it is a listed item with someone; at least 0.
pub fn prior(table: &Table, marks: &[Mark], c: usize) -> (u64, u64) {
    let v = table.values[c];
    match marks[c] {
        Mark::Shown => (v, v),
        _ if table.listed.get(c).copied().unwrap_or(false) => (v.min(1), UNBOUNDED),
        _ => (0, UNBOUNDED),
    }
}

fn add(a: u64, b: u64) -> u64 {
    a.saturating_add(b).min(UNBOUNDED)
}

/// `a - b` where `a` may be unbounded.
fn minus(a: u64, b: u64) -> u64 {
    if a >= UNBOUNDED { UNBOUNDED } else { a.saturating_sub(b) }
}

/// The range each cell can take for a reader who knows every shown count,
/// each mark, and every relation of `lines`, combined until nothing narrows
/// (an interval fixpoint; every step is sound, so stopping early would only
/// make the reader weaker, and it is bounded by `rounds`).
pub fn ranges(table: &Table, marks: &[Mark], lines: &[&Line]) -> Vec<(u64, u64)> {
    let mut r: Vec<(u64, u64)> = (0..marks.len()).map(|c| prior(table, marks, c)).collect();
    let withheld: BTreeSet<usize> = (0..marks.len()).filter(|&c| marks[c] != Mark::Shown).collect();
    let mut reader = Reader::new(marks.len(), lines);
    reader.narrow(table, marks, lines, &withheld, &mut r);
    r
}

/// What computing [`ranges`] again and again over one table keeps: the
/// lines each cell is in, and which lines are queued (all `false` between
/// two runs).
struct Reader {
    on: Vec<Vec<usize>>,
    queued: Vec<bool>,
}

impl Reader {
    fn new(n: usize, lines: &[&Line]) -> Reader {
        let mut on: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, l) in lines.iter().enumerate() {
            for &c in l.cells.iter().chain(std::iter::once(&l.total)) {
                on[c].push(i);
            }
        }
        Reader { on, queued: vec![false; lines.len()] }
    }

    /// [`ranges`] into `r`, which holds each shown cell's value as its
    /// range (`(v, v)`); `withheld` are the cells not shown.
    ///
    /// Only the withheld cells' ranges are started again and only lines
    /// with a withheld cell are looked at: a shown cell's range is its
    /// value, which no line moves, so a line of shown cells narrows
    /// nothing (and the lines that do narrow are taken in the same order,
    /// so the result is the same as from scratch). [`suppress_given`] asks
    /// for the ranges once for every count it withholds, over a calendar's
    /// joint table of thousands of cells (an ambito's: hundreds of
    /// thousands) of which a few hundred are withheld.
    fn narrow(
        &mut self,
        table: &Table,
        marks: &[Mark],
        lines: &[&Line],
        withheld: &BTreeSet<usize>,
        r: &mut [(u64, u64)],
    ) {
        let n = marks.len();
        let (on, queued) = (&self.on, &mut self.queued);
        let mut first: Vec<usize> = Vec::new();
        for &c in withheld {
            r[c] = prior(table, marks, c);
            first.extend(&on[c]);
        }
        first.sort_unstable();
        first.dedup();
        for &i in &first {
            queued[i] = true;
        }
        let mut queue: std::collections::VecDeque<usize> = first.into();
        // Each narrowing moves a bound by at least 1 inside [0, largest count]:
        // the work is finite; the cap only guards against a pathological cycle.
        let mut budget = 64 * (lines.len() + 1) * (n + 1) + 10_000;
        while let Some(i) = queue.pop_front() {
            queued[i] = false;
            if budget == 0 {
                break;
            }
            budget -= 1;
            let l = lines[i];
            let mut changed: Vec<usize> = Vec::new();
            let mut narrow = |r: &mut [(u64, u64)], c: usize, lo: u64, hi: u64| {
                let (a, b) = r[c];
                let (na, nb) = (a.max(lo), b.min(hi));
                if (na, nb) != (a, b) && na <= nb {
                    r[c] = (na, nb);
                    changed.push(c);
                }
            };
            let lo_sum = l.cells.iter().fold(0, |s, &c| add(s, r[c].0));
            // The parts' upper bounds: their finite sum and how many are unbounded.
            let (hi_fin, unbounded) = l
                .cells
                .iter()
                .fold((0u64, 0usize), |(s, u), &c| if r[c].1 >= UNBOUNDED { (s, u + 1) } else { (add(s, r[c].1), u) });
            let hi_sum = if unbounded > 0 { UNBOUNDED } else { hi_fin };
            // The others' upper bound, for a part whose own is `chi`.
            let others_hi = |chi: u64| match (unbounded, chi >= UNBOUNDED) {
                (0, _) => hi_fin - chi,
                (1, true) => hi_fin,
                _ => UNBOUNDED,
            };
            match l.relation {
                Relation::Sum => {
                    narrow(r, l.total, lo_sum, hi_sum);
                    let (tlo, thi) = r[l.total];
                    for &c in &l.cells {
                        let (clo, chi) = r[c];
                        let rest_hi = others_hi(chi);
                        let lo = if rest_hi >= UNBOUNDED { 0 } else { tlo.saturating_sub(rest_hi) };
                        narrow(r, c, lo, minus(thi, lo_sum - clo));
                    }
                }
                Relation::Cover => {
                    let max_lo = l.cells.iter().map(|&c| r[c].0).max().unwrap_or(0);
                    narrow(r, l.total, max_lo, hi_sum);
                    let (tlo, thi) = r[l.total];
                    for &c in &l.cells {
                        let rest_hi = others_hi(r[c].1);
                        let lo = if rest_hi >= UNBOUNDED { 0 } else { tlo.saturating_sub(rest_hi) };
                        narrow(r, c, lo, thi);
                    }
                }
            }
            for c in changed {
                for &j in &on[c] {
                    if j != i && !queued[j] {
                        queued[j] = true;
                        queue.push_back(j);
                    }
                }
            }
        }
        // Stopped early: the lines left are no longer queued.
        for i in queue {
            queued[i] = false;
        }
    }
}

/// Whether a withheld count is protected by its range: it keeps at least
/// two whole values, one of them at least the threshold. Zeros withheld
/// with their line protect nobody and need no protection.
pub fn protected(value: u64, mark: Mark, range: (u64, u64), threshold: u32) -> bool {
    mark == Mark::Shown || value == 0 || (range.1 > range.0 && range.1 >= u64::from(threshold))
}

/// The rule on a whole table: every count from 1 to `threshold - 1` is
/// withheld; then, while a reader can narrow a withheld count too far, more
/// is withheld next to it (see [`suppress_given`]).
pub fn suppress(table: &Table, threshold: u32) -> Vec<Mark> {
    let given = vec![None; table.values.len()];
    suppress_given(table, threshold, &given)
}

/// The rule where some cells were published earlier (`given[c]` is their
/// mark, which cannot change): only the others may be withheld.
///
/// 1. Every free count from 1 to `threshold - 1` is withheld.
/// 2. While some withheld count is not [`protected`] under [`ranges`], one
///    more count is withheld for it ([`Aim::raise`]): in the line that caps
///    it lowest, the smallest free part that frees enough room (else the
///    part that frees most, else the line's total); where that line has
///    nothing free, the count that caps it is raised in turn. Failing
///    that, the nearest lines outwards are searched ([`widen`]), and where
///    no shown count is left, their zeros are withheld (the line
///    withdrawn).
/// 3. A count withheld for another but computable all the same is shown
///    again ([`reveal`]).
///
/// A count can stay exposed only when nothing free is left near it (a
/// fixed total below the threshold): the rule stops there.
pub fn suppress_given(table: &Table, threshold: u32, given: &[Option<Mark>]) -> Vec<Mark> {
    let t = u64::from(threshold);
    let v = &table.values;
    let n = v.len();
    let free = |c: usize| given[c].is_none() && !table.fixed.get(c).copied().unwrap_or(false);
    let mut marks: Vec<Mark> = (0..n)
        .map(|c| match given[c] {
            Some(m) => m,
            None if free(c) && v[c] >= 1 && v[c] < t => Mark::Below,
            None => Mark::Shown,
        })
        .collect();
    let lines: Vec<&Line> = table.lines.iter().collect();
    let mut reader = Reader::new(n, &lines);
    let mut hopeless = vec![false; n];
    // Only a withheld count can be exposed (a shown one is protected by
    // definition), and only withheld counts' ranges move.
    let mut withheld: BTreeSet<usize> = (0..n).filter(|&c| marks[c] != Mark::Shown).collect();
    let mut r: Vec<(u64, u64)> = (0..n).map(|c| prior(table, &marks, c)).collect();
    loop {
        reader.narrow(table, &marks, &lines, &withheld, &mut r);
        // One exposed count at a time, in order: a count withheld for one
        // may well protect the next, which the ranges will show. A count
        // nothing can be withheld for is left (hopeless); when every
        // exposed count is, the rule stops.
        let mut chosen = None;
        for &c in &withheld {
            if hopeless[c] || protected(v[c], marks[c], r[c], threshold) {
                continue;
            }
            let target = u64::from(threshold).max(r[c].0 + 1);
            let aimed = Aim { table, lines: &lines, on: &reader.on, marks: &marks, ranges: &r, free: &free };
            match aimed
                .raise(c, target, 4)
                .map(|d| vec![(d, Mark::Complement)])
                .or_else(|| widen(table, &lines, &reader.on, &marks, c, &free))
            {
                Some(cells) => {
                    chosen = Some(cells);
                    break;
                }
                None => hopeless[c] = true,
            }
        }
        let Some(cells) = chosen else { return reveal(marks, &r, given) };
        for (d, m) in cells {
            marks[d] = m;
            withheld.insert(d);
        }
    }
}

/// Shows again what was withheld to protect another but is worked out
/// exactly all the same (a quarter's count when its three months are
/// shown): withholding it protects nobody, and a withheld number should
/// never be one a reader can compute.
fn reveal(mut marks: Vec<Mark>, r: &[(u64, u64)], given: &[Option<Mark>]) -> Vec<Mark> {
    for (c, m) in marks.iter_mut().enumerate() {
        if given[c].is_none() && matches!(m, Mark::Complement | Mark::Withdrawn) && r[c].0 == r[c].1 {
            *m = Mark::Shown;
        }
    }
    marks
}

/// Everything [`Aim::raise`] looks at.
struct Aim<'a> {
    table: &'a Table,
    lines: &'a [&'a Line],
    on: &'a [Vec<usize>],
    marks: &'a [Mark],
    ranges: &'a [(u64, u64)],
    free: &'a dyn Fn(usize) -> bool,
}

impl Aim<'_> {
    /// What a reader knows of `d` if it were withheld: its lower bound.
    fn withheld_lo(&self, d: usize) -> u64 {
        let v = self.table.values[d];
        if self.table.listed.get(d).copied().unwrap_or(false) { v.min(1) } else { 0 }
    }

    fn can_take(&self, d: usize) -> bool {
        (self.free)(d) && self.marks[d] == Mark::Shown && self.table.values[d] > 0
    }

    /// The upper bound line `l` alone puts on `c`, from the others' ranges.
    fn line_hi(&self, l: &Line, c: usize) -> u64 {
        let r = self.ranges;
        let parts_hi = || l.cells.iter().fold(0, |s, &d| add(s, r[d].1));
        if l.total == c {
            return parts_hi();
        }
        match l.relation {
            Relation::Sum => {
                let others_lo: u64 = l.cells.iter().filter(|&&d| d != c).map(|&d| r[d].0).sum();
                minus(r[l.total].1, others_lo)
            }
            Relation::Cover => r[l.total].1,
        }
    }

    /// The count to withhold so that `c` may reach `target`: in the line
    /// that caps it lowest, the smallest part that frees enough room (else
    /// the one that frees most, else its total); where that line has
    /// nothing left to withhold, the cell that caps it is raised in turn.
    fn raise(&self, c: usize, target: u64, depth: u32) -> Option<usize> {
        let v = &self.table.values;
        let mut capping: Vec<(u64, usize)> =
            self.on[c].iter().map(|&i| (self.line_hi(self.lines[i], c), i)).filter(|&(hi, _)| hi < target).collect();
        capping.sort_unstable();
        let &(hi, i) = capping.first()?;
        let l = self.lines[i];
        let need = target - hi;
        if l.total != c {
            let mut parts: Vec<usize> = l.cells.iter().copied().filter(|&d| d != c && self.can_take(d)).collect();
            parts.sort_by_key(|&d| (v[d], d));
            let frees = |d: usize| v[d] - self.withheld_lo(d);
            if l.relation == Relation::Sum {
                if let Some(&d) = parts.iter().find(|&&d| frees(d) >= need) {
                    return Some(d);
                }
                if self.can_take(l.total) {
                    return Some(l.total);
                }
                if let Some(&d) = parts.iter().max_by_key(|&&d| (frees(d), std::cmp::Reverse(d))) {
                    return Some(d);
                }
            } else if self.can_take(l.total) {
                return Some(l.total);
            }
            if depth == 0 || self.marks[l.total] == Mark::Shown {
                return None;
            }
            return self.raise(l.total, self.ranges[l.total].1.saturating_add(need), depth - 1);
        }
        // `c` is the total: some part must be able to grow.
        let mut parts: Vec<usize> = l.cells.iter().copied().filter(|&d| self.can_take(d)).collect();
        parts.sort_by_key(|&d| (v[d], d));
        if let Some(&d) = parts.first() {
            return Some(d);
        }
        if depth == 0 {
            return None;
        }
        let p =
            l.cells.iter().copied().filter(|&d| self.ranges[d].1 < UNBOUNDED).min_by_key(|&d| (self.ranges[d].1, d))?;
        self.raise(p, self.ranges[p].1.saturating_add(need), depth - 1)
    }
}

/// What to withhold next to the exposed cell `c`: the smallest free shown
/// count in the nearest lines that have one, else those lines' free zeros
/// and totals. `None` when nothing free is left anywhere near.
fn widen(
    table: &Table,
    lines: &[&Line],
    on: &[Vec<usize>],
    marks: &[Mark],
    c: usize,
    free: &dyn Fn(usize) -> bool,
) -> Option<Vec<(usize, Mark)>> {
    let v = &table.values;
    // Sets of what was seen, not a flag per cell and line: a table can
    // hold hundreds of thousands, and this runs once per count withheld.
    let mut seen_line: FxHashSet<usize> = FxHashSet::default();
    let mut seen_cell: FxHashSet<usize> = FxHashSet::default();
    let mut frontier = vec![c];
    seen_cell.insert(c);
    while !frontier.is_empty() {
        let mut level: Vec<usize> = Vec::new();
        for &d in &frontier {
            for &i in &on[d] {
                if seen_line.insert(i) {
                    level.push(i);
                }
            }
        }
        if level.is_empty() {
            return None;
        }
        let members = |i: usize| lines[i].cells.iter().copied().chain(std::iter::once(lines[i].total));
        // A part before a total (a total hides every line it sums), then
        // the smallest.
        let mut totals: Vec<usize> = level.iter().map(|&i| lines[i].total).collect();
        totals.sort_unstable();
        let is_total = |d: usize| totals.binary_search(&d).is_ok();
        let smallest = level
            .iter()
            .flat_map(|&i| members(i))
            .filter(|&d| free(d) && marks[d] == Mark::Shown && v[d] > 0)
            .min_by_key(|&d| (is_total(d), v[d], d));
        if let Some(d) = smallest {
            return Some(vec![(d, Mark::Complement)]);
        }
        let zeros: Vec<(usize, Mark)> = level
            .iter()
            .flat_map(|&i| members(i))
            .filter(|&d| free(d) && marks[d] == Mark::Shown)
            .map(|d| (d, Mark::Withdrawn))
            .collect();
        if !zeros.is_empty() {
            return Some(zeros);
        }
        // Outwards: through the withheld cells of these lines.
        frontier = level
            .iter()
            .flat_map(|&i| members(i))
            .filter(|&d| marks[d] != Mark::Shown && !seen_cell.contains(&d))
            .collect();
        frontier.sort_unstable();
        frontier.dedup();
        seen_cell.extend(&frontier);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(values: &[u64]) -> Table {
        let n = values.len();
        let mut v = values.to_vec();
        v.push(values.iter().sum());
        Table {
            values: v,
            fixed: vec![false; n + 1],
            listed: vec![true; n + 1],
            lines: vec![Line::sum((0..n).collect(), n)],
        }
    }

    #[test]
    fn one_small_cell_takes_the_next_smallest_with_it() {
        let m = suppress(&table(&[1, 10, 20, 30]), 3);
        assert_eq!(m[..4], [Mark::Below, Mark::Complement, Mark::Shown, Mark::Shown]);
    }

    #[test]
    fn two_small_cells_are_not_enough_together() {
        // 1 and 1 of 2 + 20 + 30: each is 1 or 2 at most, under the threshold.
        let m = suppress(&table(&[1, 1, 20, 30]), 3);
        assert_eq!(m.iter().filter(|m| **m != Mark::Shown).count(), 3, "{m:?}");
    }

    #[test]
    fn a_line_of_small_cells_is_withdrawn() {
        // A small total is itself withheld, and then hides its parts.
        let m = suppress(&table(&[2, 0]), 3);
        assert_eq!(m[0], Mark::Below);
        assert_eq!(m[2], Mark::Below);
        // A total published whatever it is (the accesses'): nothing can
        // hide a part of 2, and the rule stops.
        let mut t = table(&[2, 0]);
        t.fixed[2] = true;
        let m = suppress(&t, 3);
        assert_eq!(m[0], Mark::Below);
        let m = suppress(&table(&[5, 7, 0]), 3);
        assert!(m.iter().all(|m| *m == Mark::Shown));
    }

    #[test]
    fn a_month_published_earlier_is_protected_by_its_quarter() {
        // Two months (1 + 9 = 10 and 0 + 12 = 12) and their quarter
        // (1 + 21 = 22): the quarter's first cell is the months' sum.
        let mut t = Table::default();
        let cell = |t: &mut Table, v: u64| {
            t.values.push(v);
            t.fixed.push(false);
            t.listed.push(true);
            t.values.len() - 1
        };
        let (a1, b1) = (cell(&mut t, 1), cell(&mut t, 9));
        let m1 = cell(&mut t, 10);
        t.fixed[m1] = true;
        let (a2, b2) = (cell(&mut t, 0), cell(&mut t, 12));
        let m2 = cell(&mut t, 12);
        t.fixed[m2] = true;
        let (aq, bq) = (cell(&mut t, 1), cell(&mut t, 21));
        let q = cell(&mut t, 22);
        t.fixed[q] = true;
        t.lines = vec![
            Line::sum(vec![a1, b1], m1),
            Line::sum(vec![a2, b2], m2),
            Line::sum(vec![aq, bq], q),
            Line::sum(vec![a1, a2], aq),
            Line::sum(vec![b1, b2], bq),
        ];
        let mut given = vec![None; t.values.len()];
        let first = suppress(&t, 3);
        // Published month by month: the first month alone.
        let months = suppress_given(&Table { lines: t.lines[..1].to_vec(), ..t.clone() }, 3, &given);
        assert_eq!((months[a1], months[b1]), (Mark::Below, Mark::Complement));
        for c in [a1, b1, m1, a2, b2, m2] {
            given[c] = Some(months[c]);
        }
        given[a2] = Some(Mark::Shown);
        given[b2] = Some(Mark::Shown);
        let quarter = suppress_given(&t, 3, &given);
        // The quarter may not show 21 beside 12: that gives b1 = 9 and a1 = 1.
        assert_ne!(quarter[bq], Mark::Shown, "{quarter:?}");
        let r = ranges(&t, &quarter, &t.lines.iter().collect::<Vec<_>>());
        assert!(r[a1].1 >= 3 && r[a1].1 > r[a1].0, "{r:?}");
        let _ = first;
    }

    /// A grid of counts with row and column totals, and a grand total.
    fn grid(rows: usize, cols: usize, next: &mut impl FnMut() -> u64) -> Table {
        let mut t = Table::default();
        let cell = |r: usize, c: usize| r * (cols + 1) + c;
        for _ in 0..(rows + 1) * (cols + 1) {
            t.values.push(0);
        }
        for r in 0..rows {
            for c in 0..cols {
                t.values[cell(r, c)] = next() % 12;
            }
        }
        for r in 0..rows {
            t.values[cell(r, cols)] = (0..cols).map(|c| t.values[cell(r, c)]).sum();
            t.lines.push(Line::sum((0..cols).map(|c| cell(r, c)).collect(), cell(r, cols)));
        }
        for c in 0..=cols {
            t.values[cell(rows, c)] = (0..rows).map(|r| t.values[cell(r, c)]).sum();
            t.lines.push(Line::sum((0..rows).map(|r| cell(r, c)).collect(), cell(rows, c)));
        }
        let n = t.values.len();
        t.fixed = vec![false; n];
        t.listed = (0..n).map(|c| c % 3 == 0).collect();
        t
    }

    #[test]
    fn ranges_kept_between_runs_are_the_ranges_from_scratch() {
        let mut s = 7u64;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        for round in 0..40 {
            let t = grid(2 + round % 4, 2 + round % 5, &mut next);
            let n = t.values.len();
            let lines: Vec<&Line> = t.lines.iter().collect();
            let mut marks = vec![Mark::Shown; n];
            let mut withheld = BTreeSet::new();
            let mut reader = Reader::new(n, &lines);
            let mut r: Vec<(u64, u64)> = (0..n).map(|c| prior(&t, &marks, c)).collect();
            // Cells withheld one at a time, as suppress_given does.
            for _ in 0..n / 2 {
                let c = (next() % n as u64) as usize;
                marks[c] = if next() % 2 == 0 { Mark::Complement } else { Mark::Below };
                withheld.insert(c);
                reader.narrow(&t, &marks, &lines, &withheld, &mut r);
                assert_eq!(r, ranges(&t, &marks, &lines), "round {round}, {marks:?}");
                assert!(reader.queued.iter().all(|q| !q));
            }
        }
    }
}

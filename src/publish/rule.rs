//! The rule alone, on a [`Table`] of counts and the sums that tie them: which
//! cells the public version withholds, and whether a withheld one can still
//! be worked out from what is shown (docs/PUBLICATION.md).

/// What the public version says of a cell, and so what a reader knows of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Shown: known exactly.
    Shown,
    /// Below the threshold, shown "< t": between 1 and t - 1.
    Below,
    /// Withheld so that a smaller count cannot be computed ("n.p."): it was
    /// the smallest count shown, so at least t.
    Complement,
    /// Its whole line withheld ("n.p."), zeros too: at least 0.
    Withdrawn,
}

/// Counts and the sums that tie them.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The counts.
    pub values: Vec<u64>,
    /// Counts that are published whatever they are (the accesses' total,
    /// which the months add up to anyway).
    pub fixed: Vec<bool>,
    /// Sums: the cells of each line add up to its total.
    pub lines: Vec<Line>,
}

/// Cells that add up to a total.
#[derive(Debug, Clone)]
pub struct Line {
    /// The parts.
    pub cells: Vec<usize>,
    /// The cell they add up to.
    pub total: usize,
}

/// No upper bound.
const UNBOUNDED: u64 = u64::MAX / 4;

/// The values a reader knows a cell may take, from its mark.
pub fn bounds(mark: Mark, value: u64, threshold: u32) -> (u64, u64) {
    match mark {
        Mark::Shown => (value, value),
        Mark::Below => (1, u64::from(threshold.max(2)) - 1),
        Mark::Complement => (u64::from(threshold), UNBOUNDED),
        Mark::Withdrawn => (0, UNBOUNDED),
    }
}

/// Whether a withheld cell of `line` can be computed: from the other cells'
/// bounds and the sum, the values it can take narrow to one.
pub fn exposed(line: &Line, values: &[u64], marks: &[Mark], threshold: u32) -> bool {
    let b = |c: usize| bounds(marks[c], values[c], threshold);
    let sum = |skip: Option<usize>| {
        line.cells.iter().enumerate().filter(|(i, _)| Some(*i) != skip).fold((0u64, 0u64), |(lo, hi), (_, &c)| {
            let (l, h) = b(c);
            (lo.saturating_add(l).min(UNBOUNDED), hi.saturating_add(h).min(UNBOUNDED))
        })
    };
    let (tlo, thi) = b(line.total);
    if marks[line.total] != Mark::Shown {
        let (lo, hi) = sum(None);
        if lo.max(tlo) >= hi.min(thi) {
            return true;
        }
    }
    line.cells.iter().enumerate().any(|(i, &c)| {
        if marks[c] == Mark::Shown {
            return false;
        }
        let (olo, ohi) = sum(Some(i));
        let (l, h) = b(c);
        let lo = l.max(tlo.saturating_sub(ohi));
        let hi = h.min(thi.saturating_sub(olo));
        lo >= hi
    })
}

/// The rule: every count from 1 to `threshold - 1` is withheld; then, while
/// a line lets a withheld cell be computed, the smallest count it still
/// shows is withheld too; a line with nothing left to withhold is withdrawn
/// whole (zeros too), and as a last resort its total.
pub fn suppress(table: &Table, threshold: u32) -> Vec<Mark> {
    let t = u64::from(threshold);
    let v = &table.values;
    let free = |c: usize| !table.fixed.get(c).copied().unwrap_or(false);
    let mut marks: Vec<Mark> = v
        .iter()
        .enumerate()
        .map(|(c, &n)| if free(c) && n >= 1 && n < t { Mark::Below } else { Mark::Shown })
        .collect();
    loop {
        let mut changed = false;
        for line in &table.lines {
            if !exposed(line, v, &marks, threshold) {
                continue;
            }
            let smallest = line
                .cells
                .iter()
                .copied()
                .filter(|&c| free(c) && marks[c] == Mark::Shown && v[c] > 0)
                .min_by_key(|&c| v[c]);
            if let Some(c) = smallest {
                marks[c] = Mark::Complement;
                changed = true;
                continue;
            }
            let mut withdrew = false;
            for &c in &line.cells {
                if free(c) && marks[c] != Mark::Withdrawn {
                    marks[c] = Mark::Withdrawn;
                    withdrew = true;
                }
            }
            if !withdrew && free(line.total) && marks[line.total] != Mark::Withdrawn {
                marks[line.total] = Mark::Withdrawn;
                withdrew = true;
            }
            changed |= withdrew;
        }
        if !changed {
            return marks;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(values: &[u64]) -> Table {
        let n = values.len();
        let mut v = values.to_vec();
        v.push(values.iter().sum());
        Table { values: v, fixed: vec![false; n + 1], lines: vec![Line { cells: (0..n).collect(), total: n }] }
    }

    #[test]
    fn one_small_cell_takes_the_next_smallest_with_it() {
        let m = suppress(&table(&[1, 10, 20, 30]), 3);
        assert_eq!(m[..4], [Mark::Below, Mark::Complement, Mark::Shown, Mark::Shown]);
    }

    #[test]
    fn a_complement_equal_to_the_threshold_is_not_enough() {
        // 1 and 3 out of 4 + 20: with "at least 3" the 1 would be computed.
        let m = suppress(&table(&[1, 3, 20]), 3);
        assert!(m[..3].iter().all(|m| *m != Mark::Shown), "{m:?}");
    }

    #[test]
    fn a_line_of_small_cells_is_withdrawn() {
        // A small total is itself withheld, and then hides its parts.
        let m = suppress(&table(&[2, 0]), 3);
        assert_eq!(m, [Mark::Below, Mark::Shown, Mark::Below]);
        // A total published whatever it is (the accesses'): the line goes.
        let mut t = table(&[2, 0]);
        t.fixed[2] = true;
        assert_eq!(suppress(&t, 3)[..2], [Mark::Withdrawn, Mark::Withdrawn]);
        let m = suppress(&table(&[5, 7, 0]), 3);
        assert!(m.iter().all(|m| *m == Mark::Shown));
    }
}

//! The report's figure list as a [`Table`]: each figure the public rule
//! covers a cell (one cell for a count shown in several places), each sum
//! a line. Which figures are cells, and which are always shown, follows
//! from each figure's kind ([`Figure::role`]).

use super::rule::{Line, Table};
use crate::aggregate::{Figure, Report, Role};

/// The report's counts as a [`Table`], each cell with the JSON pointers it
/// is shown at and the percentages computed from it.
#[derive(Default)]
pub(super) struct Cells {
    pub(super) table: Table,
    pub(super) paths: Vec<Vec<String>>,
    pub(super) derived: Vec<Vec<String>>,
    /// What each cell counts, for relating it to the reports of other
    /// periods: how (see [`Across`]) and a name that is the same in every
    /// report (`a/country/MA`).
    pub(super) keys: Vec<Option<(Across, String)>>,
}

pub(super) use crate::aggregate::Across;

impl Cells {
    fn cell(&mut self, path: impl Into<Option<String>>, value: u64) -> usize {
        self.table.values.push(value);
        self.table.fixed.push(false);
        let path: Option<String> = path.into();
        self.table.listed.push(path.is_some());
        self.paths.push(path.into_iter().collect());
        self.derived.push(Vec::new());
        self.keys.push(None);
        self.table.values.len() - 1
    }

    fn also(&mut self, c: usize, path: String) {
        self.paths[c].push(path);
    }

    fn key(&mut self, c: usize, how: Across, name: impl Into<String>) -> usize {
        self.keys[c] = Some((how, name.into()));
        c
    }

    fn share(&mut self, c: usize, path: String) {
        self.derived[c].push(path);
    }

    /// `cells` add up to `total`; what they miss (people without a value)
    /// is a cell of its own, shown nowhere but computable (named after the
    /// total and `what`, so that it relates across periods as the total does).
    fn line(&mut self, mut cells: Vec<usize>, total: usize, what: &str) {
        let sum: u64 = cells.iter().map(|&c| self.table.values[c]).sum();
        let whole = self.table.values[total];
        if sum > whole {
            return;
        }
        if sum < whole {
            let rest = self.cell(None, whole - sum);
            if let Some((how, name)) = self.keys[total].clone() {
                self.key(rest, how, format!("{name}~{what}"));
            }
            cells.push(rest);
        }
        self.table.lines.push(Line::sum(cells, total));
    }
}

/// Whether a figure is a cell of the rule's table: a count the rule
/// protects, or one that takes part in a sum with them (the accesses'
/// total, always shown).
fn is_cell(f: &Figure, in_sum: bool) -> bool {
    f.value.count().is_some() && (f.role() == Role::Protected || (f.role() == Role::Shown && in_sum))
}

pub(super) fn cells_of(r: &Report) -> Cells {
    let figures = &r.figures;
    let mut in_sum = vec![false; figures.list.len()];
    for s in &figures.sums {
        for &f in s.parts.iter().chain([&s.total]) {
            in_sum[f] = true;
        }
    }
    let mut k = Cells::default();
    let mut cell_of: Vec<Option<usize>> = vec![None; figures.list.len()];
    let mut sums = figures.sums.iter().peekable();
    for (i, f) in figures.list.iter().enumerate() {
        if is_cell(f, in_sum[i]) {
            let mut at = f.at.iter();
            let c = k.cell(at.next().cloned(), f.count());
            for p in at {
                k.also(c, p.clone());
            }
            k.table.fixed[c] = f.role() == Role::Shown;
            if let Some((how, name)) = &f.across {
                k.key(c, *how, name.clone());
            }
            cell_of[i] = Some(c);
        }
        // Each sum once its figures exist, in the order declared.
        while let Some(s) = sums.next_if(|s| s.after <= i + 1) {
            let (Some(total), Some(parts)) =
                (cell_of[s.total], s.parts.iter().map(|&p| cell_of[p]).collect::<Option<Vec<usize>>>())
            else {
                continue;
            };
            k.line(parts, total, s.what);
        }
    }
    // Percentages go with the figure they are computed from, and with the
    // figures a reader needs besides it (a share of the users with their
    // total; a change with both its ends).
    for (i, f) in figures.list.iter().enumerate() {
        for s in &f.shares {
            for c in std::iter::once(i).chain(s.with.iter().copied()).filter_map(|x| cell_of[x]) {
                k.share(c, s.at.clone());
            }
        }
    }
    k
}

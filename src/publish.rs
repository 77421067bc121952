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

use std::collections::HashMap;

use crate::aggregate::{Publication, Report, Suppressed};
use crate::reference::{Category, Countries};

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

/// The report's counts as a [`Table`], each cell with the JSON pointers it
/// is shown at and the percentages computed from it.
#[derive(Default)]
struct Cells {
    table: Table,
    paths: Vec<Vec<String>>,
    derived: Vec<Vec<String>>,
}

impl Cells {
    fn cell(&mut self, path: impl Into<Option<String>>, value: u64) -> usize {
        self.table.values.push(value);
        self.table.fixed.push(false);
        self.paths.push(path.into().into_iter().collect());
        self.derived.push(Vec::new());
        self.table.values.len() - 1
    }

    fn also(&mut self, c: usize, path: String) {
        self.paths[c].push(path);
    }

    fn share(&mut self, c: usize, path: String) {
        self.derived[c].push(path);
    }

    /// `cells` add up to `total`; what they miss (people without a value)
    /// is a cell of its own, shown nowhere but computable.
    fn line(&mut self, mut cells: Vec<usize>, total: usize) {
        let sum: u64 = cells.iter().map(|&c| self.table.values[c]).sum();
        let whole = self.table.values[total];
        if sum > whole {
            return;
        }
        if sum < whole {
            cells.push(self.cell(None, whole - sum));
        }
        self.table.lines.push(Line { cells, total });
    }
}

/// A country's category at the period's end, from its ISO code.
fn category(iso2: &str, end: Option<chrono::NaiveDate>) -> Option<Category> {
    let c = Countries::get();
    let id = c.all().iter().position(|x| x.iso2 == iso2)?;
    Some(c.category(id as crate::reference::CountryId, end?))
}

fn cells_of(r: &Report) -> Cells {
    let mut k = Cells::default();
    let a = &r.accesses;
    let accesses = k.cell("/accesses/total".to_string(), a.total);
    k.table.fixed[accesses] = true;
    let mut by_iso = HashMap::new();
    let mut all = Vec::new();
    for (i, c) in a.by_country.iter().enumerate() {
        let id = k.cell(format!("/accesses/by_country/{i}/count"), c.count);
        k.share(id, format!("/accesses/by_country/{i}/share"));
        by_iso.insert(c.iso2.clone(), id);
        all.push(id);
    }
    k.line(all, accesses);
    let mut main = Vec::new();
    for (i, c) in a.main_countries.iter().enumerate() {
        let id = by_iso[&c.iso2];
        k.also(id, format!("/accesses/main_countries/{i}/count"));
        k.share(id, format!("/accesses/main_countries/{i}/share"));
        main.push(id);
    }
    let other = k.cell("/accesses/other/count".to_string(), a.other.count);
    k.share(other, "/accesses/other/share".into());
    let mut members = Vec::new();
    for (i, c) in a.other.countries.iter().enumerate() {
        let id = by_iso[&c.iso2];
        k.also(id, format!("/accesses/other/countries/{i}/count"));
        members.push(id);
    }
    k.line(members, other);
    main.push(other);
    k.line(main, accesses);
    let mut refs = Vec::new();
    for (i, x) in a.by_referral.iter().enumerate() {
        let id = k.cell(format!("/accesses/by_referral/{i}/count"), x.count);
        k.share(id, format!("/accesses/by_referral/{i}/share"));
        refs.push(id);
    }
    if !refs.is_empty() {
        k.line(refs, accesses);
    }
    let mut genders = Vec::new();
    for (g, &n) in &a.by_gender {
        let id = k.cell(format!("/accesses/by_gender/{g}"), n);
        k.share(id, format!("/accesses/by_gender_whole_pct/{g}"));
        genders.push(id);
    }
    k.line(genders, accesses);

    let u = &r.users;
    let users = k.cell("/users/total".to_string(), u.total);
    k.cell("/users/new".to_string(), u.new);
    let cat = [("italian", u.by_category.italian), ("eu", u.by_category.eu), ("non_eu", u.by_category.non_eu)].map(
        |(key, n)| {
            let id = k.cell(format!("/users/by_category/{key}"), n);
            k.share(id, format!("/users/by_category_pct/{key}"));
            k.share(id, format!("/users/by_category_whole_pct/{key}"));
            id
        },
    );
    k.line(cat.to_vec(), users);
    let mut genders = Vec::new();
    for (g, &n) in &u.by_gender {
        let id = k.cell(format!("/users/by_gender/{g}"), n);
        k.share(id, format!("/users/by_gender_whole_pct/{g}"));
        genders.push(id);
    }
    k.line(genders, users);
    let end = chrono::NaiveDate::parse_from_str(&r.period.end, "%Y-%m-%d").ok();
    let mut countries = Vec::new();
    let mut groups: [Vec<usize>; 3] = Default::default();
    let mut by_iso = HashMap::new();
    for (i, c) in u.by_country.iter().enumerate() {
        let id = k.cell(format!("/users/by_country/{i}/count"), c.count);
        k.share(id, format!("/users/by_country/{i}/share"));
        by_iso.insert(c.iso2.clone(), id);
        countries.push(id);
        match category(&c.iso2, end) {
            Some(Category::Italian) => groups[0].push(id),
            Some(Category::Eu) => groups[1].push(id),
            Some(Category::NonEu) => groups[2].push(id),
            None => {}
        }
    }
    k.line(countries, users);
    // Italians are the users from Italy, and so on: each category is a sum.
    for (group, &total) in groups.into_iter().zip(&cat) {
        k.line(group, total);
    }
    for (i, c) in u.main_countries.iter().enumerate() {
        let id = by_iso[&c.iso2];
        k.also(id, format!("/users/main_countries/{i}/count"));
        k.share(id, format!("/users/main_countries/{i}/share"));
    }
    if let Some(o) = &u.other_countries {
        let id = k.cell("/users/other_countries/count".to_string(), o.count);
        k.share(id, "/users/other_countries/share".into());
        let rest = u.by_country.iter().skip(u.main_countries.len()).map(|c| by_iso[&c.iso2]).collect();
        k.line(rest, id);
    }
    let res = &u.residence;
    let home = k.cell("/users/residence/home_comune/count".to_string(), res.home_comune.count);
    let others: Vec<usize> = res
        .other_comuni
        .iter()
        .enumerate()
        .map(|(i, c)| k.cell(format!("/users/residence/other_comuni/{i}/count"), c.count))
        .collect();
    let others_total = k.cell("/users/residence/other_comuni_total".to_string(), res.other_comuni_total);
    k.line(others, others_total);
    let homeless = k.cell("/users/residence/no_fixed_abode".to_string(), res.no_fixed_abode);
    let unknown = k.cell("/users/residence/unknown".to_string(), res.unknown);
    k.line(vec![home, others_total, homeless, unknown], users);

    let last = r.history.len().saturating_sub(1);
    for (i, h) in r.history.iter().enumerate() {
        let current = i == last && h.source == "registers";
        let parts: Vec<usize> = [("italian", h.italian, 0), ("eu", h.eu, 1), ("non_eu", h.non_eu, 2)]
            .into_iter()
            .map(|(key, n, c)| {
                let path = format!("/history/{i}/{key}");
                if current {
                    k.also(cat[c], path);
                    cat[c]
                } else {
                    k.cell(path, n)
                }
            })
            .collect();
        let sum = if current && !h.parts_mismatch {
            k.also(users, format!("/history/{i}/parts_total"));
            users
        } else {
            k.cell(format!("/history/{i}/parts_total"), h.parts_total)
        };
        if h.parts_mismatch {
            k.cell(format!("/history/{i}/total"), h.total);
        } else if !current {
            k.also(sum, format!("/history/{i}/total"));
        } else {
            k.also(users, format!("/history/{i}/total"));
        }
        k.line(parts, sum);
    }

    let mut enrolled = Vec::new();
    for (i, c) in r.courses.iter().enumerate() {
        let e = k.cell(format!("/courses/{i}/enrolled"), c.enrolled);
        enrolled.push(e);
        let origins =
            (0..c.by_origin.len()).map(|j| k.cell(format!("/courses/{i}/by_origin/{j}/count"), c.by_origin[j].count));
        let origins = origins.collect();
        k.line(origins, e);
        let from: Vec<usize> = c
            .countries
            .iter()
            .enumerate()
            .map(|(j, x)| k.cell(format!("/courses/{i}/countries/{j}/count"), x.count))
            .collect();
        k.line(from, e);
    }
    let all = k.cell("/courses_total/enrolled".to_string(), r.courses_total.enrolled);
    k.line(enrolled, all);
    k
}

/// The public version of `r`: every withheld number set to 0 and listed,
/// with its mark, in `publication`.
pub fn public(r: &Report, threshold: u32) -> Report {
    let k = cells_of(r);
    let marks = suppress(&k.table, threshold);
    let mut withheld: Vec<(String, Option<u32>)> = Vec::new();
    for (c, mark) in marks.iter().enumerate() {
        if *mark == Mark::Shown {
            continue;
        }
        let below = (*mark == Mark::Below).then_some(threshold);
        withheld.extend(k.paths[c].iter().map(|p| (p.clone(), below)));
        withheld.extend(k.derived[c].iter().map(|p| (p.clone(), None)));
    }
    let mut value = serde_json::to_value(r).expect("the report always serialises");
    for (path, _) in &withheld {
        if let Some(slot) = value.pointer_mut(path)
            && slot.is_number()
        {
            *slot = serde_json::Value::from(0);
        }
    }
    let mut out = r.clone();
    zero(&mut out, &value);
    // In the report's order, as a reader meets them.
    withheld.sort_by_key(|(p, _)| order_key(&value, p));
    withheld.dedup_by(|a, b| a.0 == b.0);
    out.publication = Publication {
        public: true,
        threshold: Some(threshold),
        suppressed: withheld.into_iter().map(|(path, below)| Suppressed { path, below }).collect(),
    };
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

/// Copies the zeros of `v` (the report's JSON) into the typed report: every
/// withheld count and percentage becomes 0, so that no renderer can show it.
fn zero(r: &mut Report, v: &serde_json::Value) {
    let n = |p: &str| v.pointer(p).and_then(serde_json::Value::as_u64).unwrap_or(0);
    let f = |p: &str| v.pointer(p).and_then(serde_json::Value::as_f64).unwrap_or(0.0);
    let country = |list: &mut [crate::aggregate::CountryCount], base: &str| {
        for (i, c) in list.iter_mut().enumerate() {
            c.count = n(&format!("{base}/{i}/count"));
            c.share = c.share.map(|_| f(&format!("{base}/{i}/share")));
        }
    };
    let a = &mut r.accesses;
    country(&mut a.by_country, "/accesses/by_country");
    country(&mut a.main_countries, "/accesses/main_countries");
    country(&mut a.other.countries, "/accesses/other/countries");
    a.other.count = n("/accesses/other/count");
    a.other.share = f("/accesses/other/share");
    for (i, x) in a.by_referral.iter_mut().enumerate() {
        x.count = n(&format!("/accesses/by_referral/{i}/count"));
        x.share = f(&format!("/accesses/by_referral/{i}/share"));
    }
    for (g, x) in a.by_gender.iter_mut() {
        *x = n(&format!("/accesses/by_gender/{g}"));
    }
    for (g, x) in a.by_gender_whole_pct.iter_mut() {
        *x = n(&format!("/accesses/by_gender_whole_pct/{g}"));
    }
    let u = &mut r.users;
    u.total = n("/users/total");
    u.new = n("/users/new");
    for (key, c, p, w) in [
        ("italian", &mut u.by_category.italian, &mut u.by_category_pct.italian, &mut u.by_category_whole_pct.italian),
        ("eu", &mut u.by_category.eu, &mut u.by_category_pct.eu, &mut u.by_category_whole_pct.eu),
        ("non_eu", &mut u.by_category.non_eu, &mut u.by_category_pct.non_eu, &mut u.by_category_whole_pct.non_eu),
    ] {
        *c = n(&format!("/users/by_category/{key}"));
        *p = f(&format!("/users/by_category_pct/{key}"));
        *w = n(&format!("/users/by_category_whole_pct/{key}"));
    }
    for (g, x) in u.by_gender.iter_mut() {
        *x = n(&format!("/users/by_gender/{g}"));
    }
    for (g, x) in u.by_gender_whole_pct.iter_mut() {
        *x = n(&format!("/users/by_gender_whole_pct/{g}"));
    }
    country(&mut u.by_country, "/users/by_country");
    country(&mut u.main_countries, "/users/main_countries");
    if let Some(o) = &mut u.other_countries {
        o.count = n("/users/other_countries/count");
        o.share = f("/users/other_countries/share");
    }
    let res = &mut u.residence;
    res.home_comune.count = n("/users/residence/home_comune/count");
    for (i, c) in res.other_comuni.iter_mut().enumerate() {
        c.count = n(&format!("/users/residence/other_comuni/{i}/count"));
    }
    res.other_comuni_total = n("/users/residence/other_comuni_total");
    res.no_fixed_abode = n("/users/residence/no_fixed_abode");
    res.unknown = n("/users/residence/unknown");
    for (i, h) in r.history.iter_mut().enumerate() {
        h.total = n(&format!("/history/{i}/total"));
        h.italian = n(&format!("/history/{i}/italian"));
        h.eu = n(&format!("/history/{i}/eu"));
        h.non_eu = n(&format!("/history/{i}/non_eu"));
        h.parts_total = n(&format!("/history/{i}/parts_total"));
    }
    for (i, c) in r.courses.iter_mut().enumerate() {
        c.enrolled = n(&format!("/courses/{i}/enrolled"));
        for (j, o) in c.by_origin.iter_mut().enumerate() {
            o.count = n(&format!("/courses/{i}/by_origin/{j}/count"));
        }
        country(&mut c.countries, &format!("/courses/{i}/countries"));
    }
    r.courses_total.enrolled = n("/courses_total/enrolled");
}

/// The report's JSON with the public version's marks: every withheld number
/// `null`, and a list item holding one also `"suppressed": true` (and
/// `"below"`, the threshold, when it is the count that is below it).
pub fn mark_json(r: &Report, value: &mut serde_json::Value) {
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

//! The report's counts as a [`Table`]: each count a cell (one cell for a
//! count shown in several places), each sum a line.

use std::collections::HashMap;

use super::rule::{Line, Table};
use crate::aggregate::Report;
use crate::reference::{Category, Countries};

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

/// How a count relates to the same count of other periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Across {
    /// Adds up over periods that tile a longer one (accesses, new users).
    Sum,
    /// People counted once each: a longer period's count covers its parts'
    /// (at least the largest, at most their sum).
    Cover,
    /// The same number in every report that shows it (a course's enrolled,
    /// a past year's row).
    Same,
}

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

/// A country's category at the period's end, from its ISO code.
fn category(iso2: &str, end: Option<chrono::NaiveDate>) -> Option<Category> {
    let c = Countries::get();
    let id = c.all().iter().position(|x| x.iso2 == iso2)?;
    Some(c.category(id as crate::reference::CountryId, end?))
}

pub(super) fn cells_of(r: &Report) -> Cells {
    let mut k = Cells::default();
    let a = &r.accesses;
    let accesses = k.cell("/accesses/total".to_string(), a.total);
    k.key(accesses, Across::Sum, "a/total");
    k.table.fixed[accesses] = true;
    let mut by_iso = HashMap::new();
    let mut all = Vec::new();
    for (i, c) in a.by_country.iter().enumerate() {
        let id = k.cell(format!("/accesses/by_country/{i}/count"), c.count);
        k.key(id, Across::Sum, format!("a/country/{}", c.iso2));
        k.share(id, format!("/accesses/by_country/{i}/share"));
        by_iso.insert(c.iso2.clone(), id);
        all.push(id);
    }
    k.line(all, accesses, "country");
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
    k.line(members, other, "other");
    main.push(other);
    k.line(main, accesses, "main");
    let mut refs = Vec::new();
    for (i, x) in a.by_referral.iter().enumerate() {
        let id = k.cell(format!("/accesses/by_referral/{i}/count"), x.count);
        k.key(id, Across::Sum, format!("a/referral/{}", x.source.as_deref().unwrap_or("")));
        k.share(id, format!("/accesses/by_referral/{i}/share"));
        refs.push(id);
    }
    if !refs.is_empty() {
        k.line(refs, accesses, "referral");
    }
    let mut genders = Vec::new();
    for (g, &n) in &a.by_gender {
        let id = k.cell(format!("/accesses/by_gender/{g}"), n);
        k.key(id, Across::Sum, format!("a/gender/{g}"));
        k.share(id, format!("/accesses/by_gender_whole_pct/{g}"));
        genders.push(id);
    }
    k.line(genders, accesses, "gender");

    let u = &r.users;
    let users = k.cell("/users/total".to_string(), u.total);
    k.key(users, Across::Cover, "u/total");
    let new_now = k.cell("/users/new".to_string(), u.new);
    k.key(new_now, Across::Sum, "u/new");
    let cat = [("italian", u.by_category.italian), ("eu", u.by_category.eu), ("non_eu", u.by_category.non_eu)].map(
        |(key, n)| {
            let id = k.cell(format!("/users/by_category/{key}"), n);
            k.key(id, Across::Cover, format!("u/category/{key}"));
            k.share(id, format!("/users/by_category_pct/{key}"));
            k.share(id, format!("/users/by_category_whole_pct/{key}"));
            id
        },
    );
    k.line(cat.to_vec(), users, "category");
    if let Some(p) = &u.previous {
        // The same period a year earlier: its counts are people too, and a
        // change gives a count away when either of its two ends is withheld.
        let base = "/users/previous";
        let then = k.cell(format!("{base}/total"), p.total);
        k.key(then, Across::Same, format!("p/{}/total", p.period));
        for path in ["absolute", "pct"].map(|x| format!("{base}/change_total/{x}")) {
            k.share(then, path.clone());
            k.share(users, path);
        }
        let new_then = k.cell(format!("{base}/new"), p.new);
        k.key(new_then, Across::Same, format!("p/{}/new", p.period));
        for x in ["absolute", "pct"] {
            k.share(new_then, format!("{base}/change_new/{x}"));
            k.share(new_now, format!("{base}/change_new/{x}"));
        }
        let parts = [("italian", p.by_category.italian), ("eu", p.by_category.eu), ("non_eu", p.by_category.non_eu)];
        let mut cells = Vec::new();
        for (i, (key, n)) in parts.into_iter().enumerate() {
            let id = k.cell(format!("{base}/by_category/{key}"), n);
            k.key(id, Across::Same, format!("p/{}/category/{key}", p.period));
            for x in ["absolute", "pct"] {
                k.share(id, format!("{base}/change_by_category/{key}/{x}"));
                k.share(cat[i], format!("{base}/change_by_category/{key}/{x}"));
            }
            cells.push(id);
        }
        k.line(cells, then, "category");
    }
    let mut genders = Vec::new();
    for (g, &n) in &u.by_gender {
        let id = k.cell(format!("/users/by_gender/{g}"), n);
        k.key(id, Across::Cover, format!("u/gender/{g}"));
        k.share(id, format!("/users/by_gender_whole_pct/{g}"));
        genders.push(id);
    }
    k.line(genders, users, "gender");
    let end = chrono::NaiveDate::parse_from_str(&r.period.end, "%Y-%m-%d").ok();
    let mut countries = Vec::new();
    let mut groups: [Vec<usize>; 3] = Default::default();
    let mut by_iso = HashMap::new();
    for (i, c) in u.by_country.iter().enumerate() {
        let id = k.cell(format!("/users/by_country/{i}/count"), c.count);
        k.key(id, Across::Cover, format!("u/country/{}", c.iso2));
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
    k.line(countries, users, "country");
    // Italians are the users from Italy, and so on: each category is a sum.
    for (group, &total) in groups.into_iter().zip(&cat) {
        k.line(group, total, "country");
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
        k.line(rest, id, "country");
    }
    let res = &u.residence;
    let home = k.cell("/users/residence/home_comune/count".to_string(), res.home_comune.count);
    k.key(home, Across::Cover, "u/residence/home");
    let others: Vec<usize> = res
        .other_comuni
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let id = k.cell(format!("/users/residence/other_comuni/{i}/count"), c.count);
            k.key(id, Across::Cover, format!("u/residence/comune/{}", c.comune))
        })
        .collect();
    let others_total = k.cell("/users/residence/other_comuni_total".to_string(), res.other_comuni_total);
    k.key(others_total, Across::Cover, "u/residence/others");
    k.line(others, others_total, "comune");
    let homeless = k.cell("/users/residence/no_fixed_abode".to_string(), res.no_fixed_abode);
    k.key(homeless, Across::Cover, "u/residence/no_fixed_abode");
    let unknown = k.cell("/users/residence/unknown".to_string(), res.unknown);
    k.key(unknown, Across::Cover, "u/residence/unknown");
    k.line(vec![home, others_total, homeless, unknown], users, "residence");

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
                    let id = k.cell(path, n);
                    k.key(id, Across::Same, format!("h/{}/{key}", h.period))
                }
            })
            .collect();
        let sum = if current && !h.parts_mismatch {
            k.also(users, format!("/history/{i}/parts_total"));
            users
        } else {
            let id = k.cell(format!("/history/{i}/parts_total"), h.parts_total);
            k.key(id, Across::Same, format!("h/{}/parts", h.period))
        };
        if h.parts_mismatch {
            k.cell(format!("/history/{i}/total"), h.total);
        } else if !current {
            k.also(sum, format!("/history/{i}/total"));
        } else {
            k.also(users, format!("/history/{i}/total"));
        }
        k.line(parts, sum, "category");
    }

    let mut enrolled = Vec::new();
    for (i, c) in r.courses.iter().enumerate() {
        let e = k.cell(format!("/courses/{i}/enrolled"), c.enrolled);
        k.key(e, Across::Same, format!("c/{}/enrolled", c.id));
        enrolled.push(e);
        let origins = (0..c.by_origin.len())
            .map(|j| {
                let o = &c.by_origin[j];
                let id = k.cell(format!("/courses/{i}/by_origin/{j}/count"), o.count);
                k.key(id, Across::Same, format!("c/{}/origin/{}", c.id, o.origin.as_deref().unwrap_or("")))
            })
            .collect();
        k.line(origins, e, "origin");
        let from: Vec<usize> = c
            .countries
            .iter()
            .enumerate()
            .map(|(j, x)| {
                let id = k.cell(format!("/courses/{i}/countries/{j}/count"), x.count);
                k.key(id, Across::Same, format!("c/{}/country/{}", c.id, x.iso2))
            })
            .collect();
        k.line(from, e, "country");
    }
    let all = k.cell("/courses_total/enrolled".to_string(), r.courses_total.enrolled);
    k.line(enrolled, all, "course");
    // A percentage of the users is a count divided by their total: with
    // the count shown, it gives the total away, so it goes with it.
    let of_users: Vec<String> = k
        .derived
        .iter()
        .flatten()
        .filter(|p| p.starts_with("/users/") && !p.starts_with("/users/previous/"))
        .cloned()
        .collect();
    k.derived[users].extend(of_users);
    k
}

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
    let (k, marks) = calendar::replay(family, threshold);
    apply(&family[family.len() - 1].1, &k, &marks, threshold)
}

/// `r` with every number `marks` withholds set to 0 and listed in
/// `publication`. A reader is told only that it is withheld ("n.p."):
/// saying "< 3" would tell a count below the threshold apart.
fn apply(r: &Report, k: &cells::Cells, marks: &[Mark], threshold: u32) -> Result<Report, UnknownFigure> {
    let mut withheld: Vec<(String, Option<u32>)> = Vec::new();
    for (c, mark) in marks.iter().enumerate() {
        if *mark == Mark::Shown {
            continue;
        }
        withheld.extend(k.paths[c].iter().map(|p| (p.clone(), None)));
        withheld.extend(k.derived[c].iter().map(|p| (p.clone(), None)));
    }
    let mut value = serde_json::to_value(r).expect("the report always serialises");
    let mut unknown = Vec::new();
    for (path, _) in &withheld {
        match value.pointer_mut(path) {
            Some(slot) if slot.is_number() => *slot = serde_json::Value::from(0),
            Some(_) => {}
            None => unknown.push(path.clone()),
        }
    }
    let mut out = r.clone();
    unknown.extend(zero(&mut out, &value));
    if !unknown.is_empty() {
        return Err(UnknownFigure(unknown));
    }
    // In the report's order, as a reader meets them.
    withheld.sort_by_key(|(p, _)| order_key(&value, p));
    withheld.dedup_by(|a, b| a.0 == b.0);
    out.publication = Publication {
        public: true,
        threshold: Some(threshold),
        suppressed: withheld.into_iter().map(|(path, below)| Suppressed { path, below }).collect(),
    };
    Ok(out)
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
/// Returns the pointers it looked for and did not find (none, unless a
/// pointer below is misspelt).
fn zero(r: &mut Report, v: &serde_json::Value) -> Vec<String> {
    let missing = std::cell::RefCell::new(Vec::new());
    let at = |p: &str| {
        let found = v.pointer(p);
        if found.is_none() {
            missing.borrow_mut().push(p.to_string());
        }
        found
    };
    let n = |p: &str| at(p).and_then(serde_json::Value::as_u64).unwrap_or(0);
    let f = |p: &str| at(p).and_then(serde_json::Value::as_f64).unwrap_or(0.0);
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
    if let Some(p) = &mut u.previous {
        let i = |path: &str| at(path).and_then(serde_json::Value::as_i64).unwrap_or(0);
        let change = |c: &mut crate::aggregate::Change, base: &str| {
            c.absolute = i(&format!("{base}/absolute"));
            c.pct = c.pct.map(|_| f(&format!("{base}/pct")));
        };
        p.total = n("/users/previous/total");
        p.new = n("/users/previous/new");
        change(&mut p.change_total, "/users/previous/change_total");
        change(&mut p.change_new, "/users/previous/change_new");
        for (key, c, d) in [
            ("italian", &mut p.by_category.italian, &mut p.change_by_category.italian),
            ("eu", &mut p.by_category.eu, &mut p.change_by_category.eu),
            ("non_eu", &mut p.by_category.non_eu, &mut p.change_by_category.non_eu),
        ] {
            *c = n(&format!("/users/previous/by_category/{key}"));
            change(d, &format!("/users/previous/change_by_category/{key}"));
        }
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
    missing.into_inner()
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

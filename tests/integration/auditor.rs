//! An attacker written apart from `src/publish/`: it knows only the public
//! JSON reports of a set of periods and the rule docs/PUBLICATION.md
//! publishes (which counts add up to which, that a withheld item of a list
//! has someone), and computes each withheld count's range over every sum
//! of every report at once, an interval fixpoint. The internal reports are
//! used only to say which sums hold and to check the verdict: every
//! withheld count of people keeps at least two possible values, one of
//! them at least the threshold.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::harness::{Integra, root};

const INF: i64 = i64::MAX / 8;

/// The members of the European Union in 2025 (ISO alpha-2), Italy apart.
const EU: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "LT", "LU", "LV", "MT",
    "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// What the attacker works on: named unknowns, what is published of them,
/// and the sums.
#[derive(Default, Clone)]
pub struct Attack {
    names: Vec<String>,
    index: HashMap<String, usize>,
    /// Published value, or `None` when withheld.
    pub shown: Vec<Option<i64>>,
    /// The true value (from the internal report), for the verdict only.
    pub truth: Vec<i64>,
    /// Lower bound a reader knows of a withheld count (1 for a listed item).
    floor: Vec<i64>,
    /// `parts` add up to `total`.
    sums: Vec<(Vec<usize>, usize)>,
    /// Put before every name: a centre of an ambito (`Jesi|`), whose
    /// counts are other unknowns than the ambito's of the same name.
    scope: String,
}

impl Attack {
    pub fn var(&mut self, name: String, public: &Value, internal: &Value, listed: bool) -> Option<usize> {
        let truth = internal.as_i64()?;
        let name = format!("{}{name}", self.scope);
        if let Some(&i) = self.index.get(&name) {
            // Shown by one report is known, whatever the others do.
            if self.shown[i].is_none() {
                self.shown[i] = public.as_i64();
            }
            return Some(i);
        }
        let i = self.names.len();
        self.index.insert(name.clone(), i);
        self.names.push(name);
        self.shown.push(public.as_i64());
        self.truth.push(truth);
        self.floor.push(if listed && public.is_null() { truth.min(1) } else { 0 });
        Some(i)
    }

    /// A sum the rule says holds; kept only if it does (a breakdown that
    /// misses people, users without a gender, is no sum a reader can use).
    pub fn sum(&mut self, parts: Vec<usize>, total: usize) {
        let s: i64 = parts.iter().map(|&p| self.truth[p]).sum();
        if !parts.is_empty() && s == self.truth[total] {
            self.sums.push((parts, total));
        }
    }

    /// The interval fixpoint: every sum narrows its cells until none moves.
    pub fn ranges(&self) -> Vec<(i64, i64)> {
        let mut r: Vec<(i64, i64)> =
            (0..self.names.len()).map(|i| self.shown[i].map_or((self.floor[i], INF), |v| (v, v))).collect();
        loop {
            let mut moved = false;
            for (parts, total) in &self.sums {
                let lo: i64 = parts.iter().map(|&p| r[p].0).sum();
                let hi: i64 = parts.iter().map(|&p| r[p].1).fold(0, |a, b| (a + b).min(INF));
                let t = (r[*total].0.max(lo), r[*total].1.min(hi));
                moved |= t != r[*total];
                r[*total] = t;
                for &p in parts {
                    let others_lo = lo - r[p].0;
                    let others_hi = parts.iter().filter(|&&q| q != p).map(|&q| r[q].1).fold(0, |a, b| (a + b).min(INF));
                    let plo = if others_hi >= INF { r[p].0 } else { r[p].0.max(t.0 - others_hi) };
                    let phi = if t.1 >= INF { r[p].1 } else { r[p].1.min(t.1 - others_lo) };
                    moved |= (plo, phi) != r[p];
                    r[p] = (plo, phi);
                }
            }
            if !moved {
                return r;
            }
        }
    }
}

/// Whether a count is an item of a list (a reader knows a withheld one
/// has someone).
fn listed_name(name: &str) -> bool {
    ["/country/", "/referral/", "/comune/", "/origin/"].iter().any(|k| name.contains(k))
}

fn list<'a>(v: &'a Value, ptr: &str) -> &'a [Value] {
    v.pointer(ptr).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// One report's counts and sums, each count named so that the same count
/// of another report shares the name when it is the same number.
fn read(a: &mut Attack, code: &str, p: &Value, i: &Value) -> HashMap<String, usize> {
    let mut mine: HashMap<String, usize> = HashMap::new();
    let var = |a: &mut Attack, name: String, ptr: &str, listed: bool, mine: &mut HashMap<String, usize>| {
        let v = a.var(format!("{code}:{name}"), p.pointer(ptr).unwrap_or(&Value::Null), i.pointer(ptr)?, listed)?;
        mine.insert(name, v);
        Some(v)
    };
    // Accesses.
    let total = var(a, "a/total".into(), "/accesses/total", false, &mut mine).unwrap();
    let mut countries = Vec::new();
    for (k, c) in list(i, "/accesses/by_country").iter().enumerate() {
        let iso = c["iso2"].as_str().unwrap();
        countries.extend(var(
            a,
            format!("a/country/{iso}"),
            &format!("/accesses/by_country/{k}/count"),
            true,
            &mut mine,
        ));
    }
    a.sum(countries, total);
    let other = var(a, "a/other".into(), "/accesses/other/count", false, &mut mine);
    if let Some(other) = other {
        let members: Vec<usize> = list(i, "/accesses/other/countries")
            .iter()
            .filter_map(|c| mine.get(&format!("a/country/{}", c["iso2"].as_str().unwrap())).copied())
            .collect();
        a.sum(members, other);
        let mut main: Vec<usize> = list(i, "/accesses/main_countries")
            .iter()
            .filter_map(|c| mine.get(&format!("a/country/{}", c["iso2"].as_str().unwrap())).copied())
            .collect();
        main.push(other);
        a.sum(main, total);
    }
    let mut refs = Vec::new();
    for (k, x) in list(i, "/accesses/by_referral").iter().enumerate() {
        let src = x["source"].as_str().unwrap_or("-");
        refs.extend(var(a, format!("a/referral/{src}"), &format!("/accesses/by_referral/{k}/count"), true, &mut mine));
    }
    a.sum(refs, total);
    let mut genders = Vec::new();
    for g in i["accesses"]["by_gender"].as_object().unwrap().keys() {
        genders.extend(var(a, format!("a/gender/{g}"), &format!("/accesses/by_gender/{g}"), false, &mut mine));
    }
    a.sum(genders, total);
    // Accesses by country and month: a cell is that month's own count of
    // the country (one name in every report, the month's own too), its row
    // adds up to the country, its column to the month's accesses.
    let months: Vec<(String, usize)> = list(i, "/accesses/by_month")
        .iter()
        .enumerate()
        .filter_map(|(k, m)| {
            let month = m["month"].as_str().unwrap();
            let shown = p.pointer(&format!("/accesses/by_month/{k}/count")).unwrap_or(&Value::Null);
            Some((month.to_string(), a.var(format!("{month}:a/total"), shown, &m["count"], false)?))
        })
        .collect();
    let iso: HashMap<&str, &str> = list(i, "/accesses/by_country")
        .iter()
        .map(|c| (c["country"].as_str().unwrap(), c["iso2"].as_str().unwrap()))
        .collect();
    let (mut rows, mut cols): (HashMap<String, Vec<usize>>, HashMap<String, Vec<usize>>) = Default::default();
    for f in list(i, "/figures") {
        let id = f["id"].as_str().unwrap();
        if !id.starts_with("accesses.by_country_month.") {
            continue;
        }
        let (country, month) = (f["dims"][0]["value"].as_str().unwrap(), f["dims"][1]["value"].as_str().unwrap());
        let shown = list(p, "/figures").iter().find(|x| x["id"] == id).map_or(&Value::Null, |x| &x["value"]);
        if let Some(v) = a.var(format!("{month}:a/country/{}", iso[country]), shown, &f["value"], true) {
            rows.entry(iso[country].to_string()).or_default().push(v);
            cols.entry(month.to_string()).or_default().push(v);
        }
    }
    for (iso, cells) in rows {
        if let Some(&t) = mine.get(&format!("a/country/{iso}")) {
            a.sum(cells, t);
        }
    }
    for (month, t) in months {
        a.sum(cols.remove(&month).unwrap_or_default(), t);
    }
    // Users. A percentage of the users with its count shown gives their
    // total: withheld with it.
    let users = var(a, "u/total".into(), "/users/total", false, &mut mine).unwrap();
    if p["users"]["total"].is_null() {
        for x in list(p, "/users/by_country") {
            assert!(x["count"].is_null() || x.get("share").is_none_or(Value::is_null), "{code}: {x}");
        }
        for (k, v) in p["users"]["by_category_pct"].as_object().into_iter().flatten() {
            assert!(v.is_null() || p["users"]["by_category"][k].is_null(), "{code}: {k} {v}");
        }
        // The figure list shows the same percentages: none of the users.
        for f in list(p, "/figures") {
            let id = f["id"].as_str().unwrap();
            assert!(!id.starts_with("users.") || f["share"].is_null(), "{code}: {f}");
        }
    }
    // A figure's percentage beside its count gives its total: a share is
    // shown only where the section shows it too.
    for f in list(p, "/figures") {
        if f["share"].is_null() || f["value"].is_null() {
            continue;
        }
        let (v, sh) = (f["value"].as_f64().unwrap(), f["share"].as_f64().unwrap());
        if sh > 0.0 && f["unit"] == "persone" {
            let total = v * 100.0 / sh;
            assert!(!p["users"]["total"].is_null(), "{code}: {} gives a total near {total:.0}", f["id"]);
        }
    }
    let cats: Vec<usize> = ["italian", "eu", "non_eu"]
        .iter()
        .filter_map(|c| var(a, format!("u/category/{c}"), &format!("/users/by_category/{c}"), false, &mut mine))
        .collect();
    a.sum(cats.clone(), users);
    let mut genders = Vec::new();
    for g in i["users"]["by_gender"].as_object().unwrap().keys() {
        genders.extend(var(a, format!("u/gender/{g}"), &format!("/users/by_gender/{g}"), false, &mut mine));
    }
    a.sum(genders, users);
    let mut all = Vec::new();
    let mut groups: [Vec<usize>; 3] = Default::default();
    for (k, c) in list(i, "/users/by_country").iter().enumerate() {
        let iso = c["iso2"].as_str().unwrap();
        if let Some(v) = var(a, format!("u/country/{iso}"), &format!("/users/by_country/{k}/count"), true, &mut mine) {
            all.push(v);
            groups[if iso == "IT" {
                0
            } else if EU.contains(&iso) {
                1
            } else {
                2
            }]
            .push(v);
        }
    }
    a.sum(all, users);
    for (g, &c) in groups.into_iter().zip(&cats) {
        a.sum(g, c);
    }
    let res = "/users/residence";
    let home = var(a, "u/home".into(), &format!("{res}/home_comune/count"), false, &mut mine).unwrap();
    let others = var(a, "u/others".into(), &format!("{res}/other_comuni_total"), false, &mut mine).unwrap();
    let nfa = var(a, "u/nfa".into(), &format!("{res}/no_fixed_abode"), false, &mut mine).unwrap();
    let unk = var(a, "u/unknown".into(), &format!("{res}/unknown"), false, &mut mine).unwrap();
    a.sum(vec![home, others, nfa, unk], users);
    let comuni: Vec<usize> = list(i, "/users/residence/other_comuni")
        .iter()
        .enumerate()
        .filter_map(|(k, c)| {
            let name = c["comune"].as_str().unwrap();
            var(a, format!("u/comune/{name}"), &format!("{res}/other_comuni/{k}/count"), true, &mut mine)
        })
        .collect();
    a.sum(comuni, others);
    // Past years, the same in every report: one name for all.
    let last = list(i, "/history").len().saturating_sub(1);
    for (k, h) in list(i, "/history").iter().enumerate() {
        if k == last && h["source"] == "registers" {
            continue;
        }
        let year = h["period"].as_str().unwrap();
        let parts: Vec<usize> = ["italian", "eu", "non_eu"]
            .iter()
            .filter_map(|c| a.var(format!("h/{year}/{c}"), &p["history"][k][c], &h[*c], false))
            .collect();
        if let Some(t) = a.var(format!("h/{year}/parts"), &p["history"][k]["parts_total"], &h["parts_total"], false) {
            a.sum(parts, t);
        }
    }
    // Courses: a course shows the same enrolments in every report.
    let mut enrolled = Vec::new();
    for (k, c) in list(i, "/courses").iter().enumerate() {
        let id = c["id"].as_str().unwrap();
        let base = format!("/courses/{k}");
        let e = a
            .var(
                format!("c/{id}/{}", c["enrolled"]),
                p.pointer(&format!("{base}/enrolled")).unwrap(),
                &c["enrolled"],
                false,
            )
            .unwrap();
        enrolled.push(e);
        let origins: Vec<usize> = list(c, "/by_origin")
            .iter()
            .enumerate()
            .filter_map(|(j, o)| {
                let name = format!("c/{id}/origin/{}/{}", o["origin"].as_str().unwrap_or("-"), o["count"]);
                a.var(name, p.pointer(&format!("{base}/by_origin/{j}/count")).unwrap(), &o["count"], true)
            })
            .collect();
        a.sum(origins, e);
        let from: Vec<usize> = list(c, "/countries")
            .iter()
            .enumerate()
            .filter_map(|(j, o)| {
                let name = format!("c/{id}/country/{}/{}", o["iso2"].as_str().unwrap(), o["count"]);
                a.var(name, p.pointer(&format!("{base}/countries/{j}/count")).unwrap(), &o["count"], true)
            })
            .collect();
        a.sum(from, e);
    }
    if let Some(all) =
        a.var(format!("{code}:c/total"), &p["courses_total"]["enrolled"], &i["courses_total"]["enrolled"], false)
    {
        a.sum(enrolled, all);
    }
    mine
}

fn json(data: &Path, period: &str, public: bool) -> Value {
    let mut args = vec!["report", "--period", period, "--format", "json", "--data"];
    let data = data.to_str().unwrap().to_string();
    args.push(&data);
    if public {
        args.push("--pubblico");
    }
    serde_json::from_str(&Integra::new().args(args).run().code_is(0).stdout()).unwrap()
}

/// Attacks the public reports of `periods` (the longer ones tiled by the
/// shorter ones, as `tiles` says) and returns the withheld counts a reader
/// narrows too far, with their ranges.
fn attack(data: &Path, periods: &[&str], tiles: &[(&str, &[&str])]) -> (usize, Vec<String>) {
    let mut a = Attack::default();
    let mut by_period: HashMap<&str, HashMap<String, usize>> = HashMap::new();
    let mut t = 0;
    for &code in periods {
        let (p, i) = (json(data, code, true), json(data, code, false));
        t = p["publication"]["threshold"].as_i64().unwrap();
        by_period.insert(code, read(&mut a, code, &p, &i));
    }
    // Accesses add up over periods that tile a longer one.
    for (parent, parts) in tiles {
        for (name, &total) in &by_period[parent] {
            if !name.starts_with("a/") || name == "a/other" {
                continue;
            }
            let members: Vec<usize> = parts.iter().filter_map(|q| by_period[q].get(name).copied()).collect();
            a.sum(members, total);
        }
    }
    if let Some(path) = std::env::var_os("INTEGRA_AUDITOR_DUMP") {
        // For an outside solver (an LP): the unknowns and the sums.
        let dump = serde_json::json!({
            "names": a.names, "shown": a.shown, "floor": a.floor, "truth": a.truth, "threshold": t,
            "sums": a.sums.iter().map(|(p, t)| serde_json::json!({"parts": p, "total": t})).collect::<Vec<_>>(),
        });
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::path::PathBuf::from(path).join(format!("{}-{n}.json", periods.join("+")));
        std::fs::write(path, dump.to_string()).unwrap();
    }
    // A year's own report and the history rows of later ones.
    for &code in periods {
        if code.len() == 4 {
            for c in ["italian", "eu", "non_eu"] {
                let (row, own) =
                    (a.index.get(&format!("h/{code}/{c}")), by_period[code].get(&format!("u/category/{c}")));
                if let (Some(&row), Some(&own)) = (row, own) {
                    a.sum(vec![row], own);
                }
            }
        }
    }
    verdict(&a, t)
}

/// The withheld counts the attack narrows below the threshold (or to one
/// value), but for those no rule could protect.
fn verdict(a: &Attack, t: i64) -> (usize, Vec<String>) {
    let r = a.ranges();
    let withheld = (0..a.names.len()).filter(|&i| a.shown[i].is_none()).count();
    // What no rule can protect: a count still narrowed with everything
    // withheld but the accesses' totals, which are always published (a
    // month of 7 accesses from 6 countries: each has at most 2).
    let mut most = a.clone();
    for (i, name) in a.names.iter().enumerate() {
        if !name.ends_with(":a/total") {
            most.shown[i] = None;
            most.floor[i] =
                if a.floor[i] > 0 || (a.shown[i].is_some() && listed_name(name)) { a.truth[i].min(1) } else { 0 };
        }
    }
    let best = most.ranges();
    let narrowed = |r: (i64, i64)| r.1 <= r.0 || r.1 < t;
    let broken = (0..a.names.len())
        .filter(|&i| a.shown[i].is_none() && a.truth[i] > 0 && !narrowed(best[i]))
        .filter(|&i| narrowed(r[i]))
        .map(|i| format!("{} = {} in {:?}", a.names[i], a.truth[i], r[i]))
        .collect();
    (withheld, broken)
}

/// Attacks an ambito's public reports of `periods`, with each centre's own
/// public report of the same periods: the totals and every
/// centre's own counts beside them, one unknown each, with every sum of
/// each report, the tiling of periods, and the ambito's own: a total is its
/// centres' counts added up (a centre's own comune is one of the ambito's
/// comuni, its courses are named by centre in the totals).
pub fn attack_ambito(data: &Path, periods: &[&str], tiles: &[(&str, &[&str])]) -> (usize, Vec<String>) {
    let mut a = Attack::default();
    let mut by_period: HashMap<(String, &str), HashMap<String, usize>> = HashMap::new();
    let mut t = 0;
    let mut scopes = vec![String::new()];
    for &code in periods {
        let (p, i) = (json(data, code, true), json(data, code, false));
        t = p["publication"]["threshold"].as_i64().unwrap();
        let first = a.names.len();
        a.scope = String::new();
        by_period.insert((String::new(), code), read(&mut a, code, &p, &i));
        let totals_end = a.names.len();
        let mut centre_homes = Vec::new();
        for (k, c) in list(&i, "/centres").iter().enumerate() {
            let label = c["label"].as_str().unwrap().to_string();
            let scope = format!("{label}|");
            a.scope = scope.clone();
            let mine = read(&mut a, code, &p["centres"][k]["report"], &c["report"]);
            by_period.insert((scope.clone(), code), mine);
            // The centre's own public report of the period, published too:
            // the same counts, under the same names.
            let dir = data.join(c["folder"].as_str().unwrap());
            let (op, oi) = (json(&dir, code, true), json(&dir, code, false));
            read(&mut a, code, &op, &oi);
            if !scopes.contains(&scope) {
                scopes.push(scope.clone());
            }
            centre_homes.push((
                scope,
                c["report"]["users"]["residence"]["home_comune"]["comune"].as_str().unwrap().to_string(),
            ));
        }
        a.scope = String::new();
        // The ambito's sums: each count of the totals read in this period
        // is the sum of the same count of each centre.
        for n in first..totals_end {
            let name = a.names[n].clone();
            if name.ends_with(":a/other") {
                continue;
            }
            let parts: Vec<usize> =
                centre_homes.iter().filter_map(|(scope, _)| a.index.get(&format!("{scope}{name}")).copied()).collect();
            a.sum(parts, n);
        }
        // The users of each comune whatever their centre: a centre's own
        // comune is its «home» line.
        let mut comuni = Vec::new();
        for (k, c) in list(&i, "/ambito/residence").iter().enumerate() {
            let comune = c["comune"].as_str().unwrap();
            let ptr = format!("/ambito/residence/{k}/count");
            let shown = p.pointer(&ptr).unwrap_or(&Value::Null);
            let Some(v) = a.var(format!("{code}:u/ambito/{comune}"), shown, i.pointer(&ptr).unwrap(), true) else {
                continue;
            };
            let parts: Vec<usize> = centre_homes
                .iter()
                .filter_map(|(scope, home)| {
                    let theirs = if home == comune { "u/home".to_string() } else { format!("u/comune/{comune}") };
                    a.index.get(&format!("{scope}{code}:{theirs}")).copied()
                })
                .collect();
            a.sum(parts, v);
            comuni.push(v);
        }
        let users = by_period[&(String::new(), code)].clone();
        comuni.extend(["u/nfa", "u/unknown"].iter().filter_map(|n| users.get(*n).copied()));
        if let Some(&t) = users.get("u/total") {
            a.sum(comuni, t);
        }
    }
    for scope in &scopes {
        for (parent, parts) in tiles {
            let Some(whole) = by_period.get(&(scope.clone(), *parent)) else { continue };
            for (name, &total) in whole {
                if !name.starts_with("a/") || name == "a/other" {
                    continue;
                }
                let members: Vec<usize> = parts
                    .iter()
                    .filter_map(|q| by_period.get(&(scope.clone(), *q)).and_then(|m| m.get(name)).copied())
                    .collect();
                a.sum(members, total);
            }
        }
    }
    verdict(&a, t)
}

/// Synthetic registers of two years to 2025 (`integra synth`) in `parent`.
fn synth(parent: &Path, accesses: &str, users: &str, seed: &str) -> std::path::PathBuf {
    let dir = parent.join("synth");
    Integra::new()
        .args(["synth", "--accessi", accesses, "--utenti", users, "--anni", "2", "--fino-al", "2025"])
        .args(["--seme", seed, "-q"])
        .arg_path(&dir)
        .run()
        .code_is(0);
    dir
}

fn samples() -> std::path::PathBuf {
    root().join("data-samples")
}

#[test]
fn the_semester_and_its_quarters_give_no_withheld_count_away() {
    let (withheld, broken) = attack(&samples(), &["2025Q1", "2025Q2", "2025H1"], &[("2025H1", &["2025Q1", "2025Q2"])]);
    assert!(withheld > 20, "{withheld}");
    assert!(broken.is_empty(), "{} of {withheld} withheld counts narrowed:\n{}", broken.len(), broken.join("\n"));
}

#[test]
fn the_semester_and_its_months_give_no_withheld_count_away() {
    let months = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"];
    let mut periods = months.to_vec();
    periods.extend(["2025Q1", "2025Q2", "2025H1"]);
    let (withheld, broken) = attack(
        &samples(),
        &periods,
        &[("2025H1", &months), ("2025H1", &["2025Q1", "2025Q2"]), ("2025Q1", &months[..3]), ("2025Q2", &months[3..])],
    );
    assert!(withheld > 50, "{withheld}");
    assert!(broken.is_empty(), "{} of {withheld} withheld counts narrowed:\n{}", broken.len(), broken.join("\n"));
}

#[test]
fn a_centre_that_publishes_only_semesters_shows_more_in_each() {
    let tmp = tempfile::tempdir().unwrap();
    crate::harness::copy_dir(&samples(), tmp.path());
    let toml = tmp.path().join("centro.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("\n[pubblicazione]\ncalendario = [\"semestre\"]\n");
    std::fs::write(&toml, text).unwrap();
    // The report's own tables (a table by country and month, only in the
    // figure list, is finer with semesters alone: no month shows it).
    let count = |data: &Path| {
        let j = json(data, "2025H1", true);
        j["publication"]["suppressed"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| !s["path"].as_str().unwrap().starts_with("/figures/"))
            .count()
    };
    let (every, semesters) = (count(&samples()), count(tmp.path()));
    assert!(semesters < every, "{semesters} withheld publishing semesters only, {every} publishing every period");
    let (_, broken) = attack(tmp.path(), &["2025H1"], &[]);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The calendar of 2025H1 on synthetic registers of several sizes and
/// seeds: small centres (most monthly counts under the threshold) and a
/// larger one.
#[test]
fn random_registers_give_no_withheld_count_away() {
    let months = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"];
    let mut periods = months.to_vec();
    periods.extend(["2025Q1", "2025Q2", "2025H1"]);
    let tiles: &[(&str, &[&str])] =
        &[("2025H1", &months), ("2025H1", &["2025Q1", "2025Q2"]), ("2025Q1", &months[..3]), ("2025Q2", &months[3..])];
    for (accesses, users, seed) in [("300", "60", "7"), ("800", "150", "11"), ("3000", "400", "13")] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = synth(tmp.path(), accesses, users, seed);
        let (withheld, broken) = attack(&dir, &periods, tiles);
        assert!(withheld > 0, "seed {seed}");
        assert!(
            broken.is_empty(),
            "seed {seed}, {accesses} accesses: {} of {withheld} narrowed:\n{}",
            broken.len(),
            broken.join("\n")
        );
    }
}

/// Every fixture folder the semester's report accepts, with its quarters.
#[test]
fn the_fixtures_give_no_withheld_count_away() {
    let periods = ["2025Q1", "2025Q2", "2025H1"];
    let mut attacked = 0;
    for name in crate::harness::fixture_names() {
        let dir = crate::harness::materialise(&name);
        let ok = periods.iter().all(|p| {
            Integra::new()
                .args(["report", "--period", p, "--format", "json", "-q", "--data"])
                .arg_path(dir.path())
                .run()
                .code()
                == 0
        });
        if !ok {
            continue;
        }
        let (_, broken) = attack(dir.path(), &periods, &[("2025H1", &["2025Q1", "2025Q2"])]);
        assert!(broken.is_empty(), "{name}: {}", broken.join("\n"));
        attacked += 1;
    }
    assert!(attacked >= 10, "only {attacked} fixtures make a report");
}

/// A year computed from the registers is shown in its own annual report
/// and in the history table of the next year's reports: the two together
/// give nothing away.
#[test]
fn an_earlier_year_and_the_history_of_the_next_give_no_withheld_count_away() {
    for (accesses, users, seed) in [("300", "40", "1"), ("300", "50", "2"), ("600", "80", "3"), ("400", "60", "4")] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = synth(tmp.path(), accesses, users, seed);
        let h1 = json(&dir, "2025H1", false);
        assert!(list(&h1, "/history").iter().any(|h| h["period"] == "2024" && h["source"] == "registers"));
        let (withheld, broken) =
            attack(&dir, &["2024", "2025Q1", "2025Q2", "2025H1"], &[("2025H1", &["2025Q1", "2025Q2"])]);
        assert!(withheld > 0);
        assert!(broken.is_empty(), "seed {seed}: {} of {withheld} narrowed:\n{}", broken.len(), broken.join("\n"));
    }
}

//! An ambito's report: its centres' own reports added up into totals of
//! the same shape, each centre beside them (`centres`), and one figure
//! list in which every total is the sum of its centres' figures.
//!
//! People are counted per centre: a person followed by two centres is two
//! users of the ambito (the centres' registers share no code of a person,
//! docs/AMBITO.md). Each centre keeps its own vocabulary, «altro»
//! threshold and history in its own report; the totals group countries
//! under the ambito's threshold, list request types by name (the first
//! centre's order, then the others' new ones), and add up a year of the
//! history, or the same period a year earlier, only where every centre
//! has it (`ambito` says which do not).

use std::collections::HashMap;
use std::hash::Hash;

use super::figures;
use super::model::*;
use super::queries::AccessCounts;
use super::shares::{country_counts, pct, sort_referrals, split_other, users_shaped, whole_shares};
use crate::period::Period;

/// One centre's report, as computed from its own registers.
pub struct Part {
    /// Its name in the ambito.
    pub label: String,
    /// Its folder, as the ambito names it.
    pub folder: String,
    /// Its report (the internal version).
    pub report: Report,
    /// The access counts the report was made from.
    pub counts: AccessCounts,
}

/// What the ambito decides for its totals.
pub struct Settings {
    /// Its name.
    pub name: String,
    /// The comune capofila: the residence table's first line.
    pub comune: String,
    /// Its description.
    pub description: Option<String>,
    /// Countries with fewer accesses are «altro» in the totals.
    pub altro_sotto: u32,
    /// Its own words in the report (`[testi]` of `ambito.toml`).
    pub texts: CentreTexts,
}

/// Counts added up by key, in the order keys are first met.
struct Tally<K> {
    order: Vec<K>,
    n: HashMap<K, u64>,
}

impl<K: Eq + Hash + Clone> Tally<K> {
    fn new() -> Self {
        Tally { order: Vec::new(), n: HashMap::new() }
    }
    fn add(&mut self, k: K, n: u64) {
        match self.n.get_mut(&k) {
            Some(v) => *v += n,
            None => {
                self.order.push(k.clone());
                self.n.insert(k, n);
            }
        }
    }
    fn into_vec(self) -> Vec<(K, u64)> {
        let Tally { order, n } = self;
        order.into_iter().map(|k| (k.clone(), n[&k])).collect()
    }
}

/// Country counts of several lists as `(country id, n)`.
fn country_ids<'a>(lists: impl Iterator<Item = &'a Vec<CountryCount>>) -> Vec<(u32, u64)> {
    let c = crate::reference::Countries::get();
    let mut t = Tally::new();
    for list in lists {
        for x in list {
            // Every country of a report is a country of the reference list.
            if let Some(id) = c.id_of(&x.iso2, &x.country) {
                t.add(u32::from(id), x.count);
            }
        }
    }
    t.into_vec()
}

fn add_maps<'a>(
    maps: impl Iterator<Item = &'a std::collections::BTreeMap<String, u64>>,
) -> std::collections::BTreeMap<String, u64> {
    let mut out = std::collections::BTreeMap::new();
    for m in maps {
        for (k, &n) in m {
            *out.entry(k.clone()).or_insert(0) += n;
        }
    }
    out
}

fn add_categories<'a>(cs: impl Iterator<Item = &'a ByCategory>) -> ByCategory {
    let mut out = ByCategory::default();
    for c in cs {
        out.italian += c.italian;
        out.eu += c.eu;
        out.non_eu += c.non_eu;
    }
    out
}

/// Months of every centre added up, when every centre lists the same months.
fn add_months(lists: &[&Vec<MonthCount>]) -> Option<Vec<MonthCount>> {
    let first = lists.first()?;
    if lists.iter().any(|l| l.len() != first.len() || l.iter().zip(first.iter()).any(|(a, b)| a.month != b.month)) {
        return None;
    }
    let mut out: Vec<MonthCount> = (*first).clone();
    for (i, m) in out.iter_mut().enumerate() {
        m.count = lists.iter().map(|l| l[i].count).sum();
    }
    Some(out)
}

fn accesses(parts: &[Part], s: &Settings) -> Accesses {
    let rs: Vec<&Accesses> = parts.iter().map(|p| &p.report.accesses).collect();
    let total: u64 = rs.iter().map(|a| a.total).sum();
    let by_country = country_counts(&country_ids(rs.iter().map(|a| &a.by_country)), Some(total));
    let (main_countries, other) = split_other(&by_country, s.altro_sotto, total);
    let mut kinds = Tally::new();
    for a in &rs {
        for t in &a.by_request_type {
            kinds.add(t.kind.clone(), t.count);
        }
    }
    let request_types_total: u64 = rs.iter().map(|a| a.request_types_total).sum();
    let by_request_type = kinds
        .into_vec()
        .into_iter()
        .map(|(kind, n)| TypeCount {
            kind,
            count: n,
            share: pct(n, total),
            share_of_requests: pct(n, request_types_total),
        })
        .collect();
    let mut refs = Tally::new();
    for a in &rs {
        for r in &a.by_referral {
            refs.add(r.source.clone(), r.count);
        }
    }
    let mut by_referral: Vec<ReferralCount> = refs
        .into_vec()
        .into_iter()
        .map(|(source, count)| ReferralCount { source, count, share: pct(count, total) })
        .collect();
    sort_referrals(&mut by_referral);
    let by_gender = add_maps(rs.iter().map(|a| &a.by_gender));
    let by_month = add_months(&rs.iter().map(|a| &a.by_month).collect::<Vec<_>>()).unwrap_or_default();
    let previous = match rs.iter().map(|a| a.previous.as_ref()).collect::<Option<Vec<_>>>() {
        Some(prev) if !prev.is_empty() && prev.iter().all(|x| x.period == prev[0].period) => {
            let then = prev.iter().map(|x| x.total).sum();
            Some(AccessesPrevious { period: prev[0].period.clone(), total: then, change: Change::between(then, total) })
        }
        _ => None,
    };
    let trend = add_months(&rs.iter().map(|a| &a.trend).collect::<Vec<_>>()).unwrap_or_default();
    Accesses {
        total,
        main_countries,
        by_country,
        other,
        by_request_type,
        request_types_total,
        by_month,
        by_referral,
        by_gender_whole_pct: whole_shares(&by_gender),
        by_gender,
        previous,
        trend,
    }
}

fn users(parts: &[Part]) -> (Users, Vec<ComuneCount>) {
    let us: Vec<&Users> = parts.iter().map(|p| &p.report.users).collect();
    let total = us.iter().map(|u| u.total).sum();
    let by_category = add_categories(us.iter().map(|u| &u.by_category));
    let by_gender = add_maps(us.iter().map(|u| &u.by_gender));
    let by_country = country_counts(&country_ids(us.iter().map(|u| &u.by_country)), Some(total));
    // Each centre counts the users of its own comune apart: the ambito adds
    // those up (users living in their centre's comune) and the other comuni
    // by name, so that every line is its centres' lines added; the users of
    // each comune whatever the centre are `by_comune` (in `ambito`).
    let mut homes: Vec<&str> = Vec::new();
    let (mut others, mut by_comune) = (Tally::new(), Tally::new());
    for u in &us {
        let r = &u.residence;
        if !homes.contains(&r.home_comune.comune.as_str()) {
            homes.push(&r.home_comune.comune);
        }
        by_comune.add(r.home_comune.comune.clone(), r.home_comune.count);
        for c in &r.other_comuni {
            others.add(c.comune.clone(), c.count);
            by_comune.add(c.comune.clone(), c.count);
        }
    }
    let home = ComuneCount { comune: homes.join(", "), count: us.iter().map(|u| u.residence.home_comune.count).sum() };
    let by_name = |t: Tally<String>| {
        let mut v: Vec<ComuneCount> = t
            .into_vec()
            .into_iter()
            .filter(|&(_, n)| n > 0)
            .map(|(comune, count)| ComuneCount { comune, count })
            .collect();
        v.sort_by_key(|c| crate::text::fold(&c.comune));
        v
    };
    let other_comuni = by_name(others);
    let by_comune = by_name(by_comune);
    let previous = match us.iter().map(|u| u.previous.as_ref()).collect::<Option<Vec<_>>>() {
        Some(prev) if !prev.is_empty() && prev.iter().all(|x| x.period == prev[0].period) => {
            let (then_total, then_new) = (prev.iter().map(|x| x.total).sum(), prev.iter().map(|x| x.new).sum());
            let then_cat = add_categories(prev.iter().map(|x| &x.by_category));
            let new = us.iter().map(|u| u.new).sum();
            Some(UsersPrevious {
                period: prev[0].period.clone(),
                total: then_total,
                new: then_new,
                change_total: Change::between(then_total, total),
                change_new: Change::between(then_new, new),
                change_by_category: CategoryChange {
                    italian: Change::between(then_cat.italian, by_category.italian),
                    eu: Change::between(then_cat.eu, by_category.eu),
                    non_eu: Change::between(then_cat.non_eu, by_category.non_eu),
                },
                by_category: then_cat,
            })
        }
        _ => None,
    };
    let residence = Residence {
        home_comune: home,
        other_comuni_total: us.iter().map(|u| u.residence.other_comuni_total).sum(),
        other_comuni,
        no_fixed_abode: us.iter().map(|u| u.residence.no_fixed_abode).sum(),
        unknown: us.iter().map(|u| u.residence.unknown).sum(),
    };
    let new = us.iter().map(|u| u.new).sum();
    (Users { previous, ..users_shaped(total, new, by_category, by_gender, by_country, residence) }, by_comune)
}

/// The history's years every centre has, added up; the others named.
fn history(parts: &[Part]) -> (Vec<HistoryRow>, Vec<HistoryGap>) {
    let mut periods: Vec<String> = Vec::new();
    for p in parts {
        for h in &p.report.history {
            if !periods.contains(&h.period) {
                periods.push(h.period.clone());
            }
        }
    }
    periods.sort();
    let (mut rows, mut gaps) = (Vec::new(), Vec::new());
    for period in periods {
        let found: Vec<Option<&HistoryRow>> =
            parts.iter().map(|p| p.report.history.iter().find(|h| h.period == period)).collect();
        let missing: Vec<String> =
            parts.iter().zip(&found).filter(|(_, h)| h.is_none()).map(|(p, _)| p.label.clone()).collect();
        if !missing.is_empty() {
            gaps.push(HistoryGap { period, centres: missing });
            continue;
        }
        let hs: Vec<&HistoryRow> = found.into_iter().flatten().collect();
        let source = if hs.iter().all(|h| h.source == hs[0].source) { hs[0].source.clone() } else { "declared".into() };
        rows.push(HistoryRow {
            period,
            label: hs[0].label.clone(),
            total: hs.iter().map(|h| h.total).sum(),
            italian: hs.iter().map(|h| h.italian).sum(),
            eu: hs.iter().map(|h| h.eu).sum(),
            non_eu: hs.iter().map(|h| h.non_eu).sum(),
            source,
            parts_total: hs.iter().map(|h| h.parts_total).sum(),
            parts_mismatch: hs.iter().any(|h| h.parts_mismatch),
        });
    }
    (rows, gaps)
}

fn centre(parts: &[Part], s: &Settings) -> Centre {
    let mut staff: Vec<StaffOut> = Vec::new();
    for p in parts {
        for x in &p.report.centre.staff {
            match staff.iter_mut().find(|y| y.role == x.role) {
                Some(y) => y.count += x.count,
                None => staff.push(x.clone()),
            }
        }
    }
    Centre {
        name: s.name.clone(),
        comune: s.comune.clone(),
        active_since: None,
        active_since_label: None,
        description: s.description.clone(),
        closures: Vec::new(),
        hours: Vec::new(),
        hours_note: None,
        staff,
        staff_note: None,
        texts: s.texts.clone(),
    }
}

/// The ambito's report: totals, each centre beside them, and the figure list.
pub fn totals(parts: Vec<Part>, s: &Settings, p: &Period) -> Report {
    let first = &parts[0].report;
    let accesses = accesses(&parts, s);
    let (users, residence) = users(&parts);
    let (history, history_left_out) = history(&parts);
    let previous_not_covered: Vec<String> =
        parts.iter().filter(|x| !x.report.comparison.covered).map(|x| x.label.clone()).collect();
    let comparison = Comparison {
        covered: previous_not_covered.is_empty(),
        registers_from: parts.iter().filter_map(|x| x.report.comparison.registers_from.clone()).max(),
        registers_from_label: None,
        ..first.comparison.clone()
    };
    let mut calls = Tally::new();
    for x in &parts {
        for a in &x.report.applications {
            calls.add(a.call.clone(), a.count);
        }
    }
    let applications_total: u64 = parts.iter().map(|x| x.report.applications_total).sum();
    let applications = calls
        .into_vec()
        .into_iter()
        .map(|(call, count)| Application { call, count, share: pct(count, applications_total) })
        .collect();
    // A course keeps its id, unless another centre has a course of that id:
    // then both are named by centre (`Jesi/ALF1`).
    let mut seen = std::collections::HashSet::new();
    let shared: std::collections::HashSet<String> = parts
        .iter()
        .flat_map(|x| x.report.courses.iter().map(|c| c.id.clone()).collect::<std::collections::HashSet<_>>())
        .filter(|id| !seen.insert(id.clone()))
        .collect();
    let mut courses = Vec::new();
    let mut events = Vec::new();
    let mut needs = Vec::new();
    let mut warnings = Vec::new();
    let mut sources = Vec::new();
    for x in &parts {
        let r = &x.report;
        courses.extend(r.courses.iter().cloned().map(|c| Course { id: course_id(&c.id, &x.label, &shared), ..c }));
        events.extend(r.events.iter().cloned().map(|e| Event { title: format!("{} ({})", e.title, x.label), ..e }));
        if let Some(n) = &r.needs {
            needs.push(format!("### {}\n\n{}", x.label, n.text.trim()));
        }
        let prefixed = |f: &str| if x.folder.is_empty() { f.to_string() } else { format!("{}/{f}", x.folder) };
        warnings
            .extend(r.data_quality.warnings_list.iter().cloned().map(|w| QualityItem { file: prefixed(&w.file), ..w }));
        sources.extend(r.sources.iter().cloned().map(|f| SourceOut { file: prefixed(&f.file), ..f }));
    }
    events.sort_by(|a, b| a.date.cmp(&b.date));
    warnings.truncate(super::WARNINGS_LISTED);
    let courses_total = CoursesTotal {
        meetings: parts.iter().map(|x| x.report.courses_total.meetings).sum(),
        hours: (parts.iter().map(|x| x.report.courses_total.hours).sum::<f64>() * 100.0).round() / 100.0 + 0.0,
        enrolled: parts.iter().map(|x| x.report.courses_total.enrolled).sum(),
    };
    let mut report = Report {
        schema: first.schema,
        generator: first.generator.clone(),
        period: first.period.clone(),
        centre: centre(&parts, s),
        accesses,
        users,
        history,
        comparison,
        applications,
        applications_total,
        courses,
        courses_total,
        events,
        needs: (!needs.is_empty()).then(|| Needs { source: "note dei centri".into(), text: needs.join("\n\n") }),
        data_quality: DataQuality {
            errors: parts.iter().map(|x| x.report.data_quality.errors).sum(),
            warnings: parts.iter().map(|x| x.report.data_quality.warnings).sum(),
            infos: parts.iter().map(|x| x.report.data_quality.infos).sum(),
            warnings_list: warnings,
        },
        sources,
        publication: Publication::default(),
        ambito: Some(AmbitoOut {
            name: s.name.clone(),
            centres: parts.iter().map(|x| x.label.clone()).collect(),
            people: "per centro: una persona seguita da due centri conta due volte".into(),
            previous_not_covered,
            history_left_out,
            residence,
        }),
        centres: Vec::new(),
        figures: Figures::default(),
    };
    // The totals' figures, from the totals and the centres' counts added.
    let mut counts = AccessCounts::default();
    for x in &parts {
        counts.weekday.extend(x.counts.weekday.iter().copied());
        counts.country_month.extend(x.counts.country_month.iter().copied());
    }
    let mut list = figures::build(None, &report, p, &counts);
    for f in &mut list.list {
        if !matches!(f.rows, Rows::Computed(_)) {
            f.rows = Rows::Centres;
        }
    }
    report.figures = link(list, &parts, &shared);
    residence_by_comune(&mut report, &parts);
    report.centres =
        parts.into_iter().map(|x| CentrePart { label: x.label, folder: x.folder, report: x.report }).collect();
    report
}

/// A count's name across reports (`Across`), in centre `label` of an
/// ambito: the same in the ambito's copy of the centre and in the centre's
/// own report, and apart from the other centres'.
fn scoped(name: &str, label: &str) -> String {
    format!("{label}|{name}")
}

/// A centre's own report as one publication beside its ambito's: its
/// counts named as the ambito names the centre's (so that the public
/// ambito is decided knowing what the centre publishes alone).
pub fn as_centre_of_ambito(mut r: Report, label: &str) -> Report {
    for f in &mut r.figures.list {
        if let Some((_, name)) = &mut f.across {
            *name = scoped(name, label);
        }
    }
    r
}

/// The name of course `id` of centre `label` in the totals.
fn course_id(id: &str, label: &str, shared: &std::collections::HashSet<String>) -> String {
    if shared.contains(id) { format!("{label}/{id}") } else { id.to_string() }
}

/// What a figure counts across the ambito, so that a total and its
/// centres' figures meet: its id (a course named by centre in the totals
/// when two centres have one of that id). `None` for what depends on a
/// centre's own threshold or hours («altro», the part of the day) and for
/// ids told apart by `#2`.
fn link_key(f: &Figure, centre: Option<(&str, &std::collections::HashSet<String>)>) -> Option<String> {
    let id = f.id.as_str();
    if id.contains('#')
        || id.starts_with("accesses.other.")
        || id.starts_with("users.other_countries")
        || id.starts_with("accesses.by_weekday_half.")
    {
        return None;
    }
    if let (Some((label, shared)), Some(rest)) = (centre, id.strip_prefix("courses."))
        && let Some((course, what)) = rest.split_once('.')
    {
        return Some(format!("courses.{}.{what}", course_id(course, label, shared)));
    }
    Some(id.to_string())
}

/// The ambito's figure list: the totals', then each centre's under
/// `centres.{name}.`, its JSON pointers under `/centres/{i}/report`; each
/// total that is the sum of its centres' figures is a sum the public
/// version keeps (no centre's withheld count is their difference).
fn link(mut out: Figures, parts: &[Part], shared: &std::collections::HashSet<String>) -> Figures {
    let totals = out.list.len();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (i, f) in out.list.iter().enumerate() {
        if let Some(k) = link_key(f, None) {
            by_key.insert(k, i);
        }
    }
    let mut parts_of: Vec<Vec<usize>> = vec![Vec::new(); totals];
    for (c, x) in parts.iter().enumerate() {
        let base = out.list.len();
        let prefix = format!("/centres/{c}/report");
        for (j, f) in x.report.figures.list.iter().enumerate() {
            let mut g = f.clone();
            g.id = format!("centres.{}.{}", x.label, f.id);
            g.dims.insert(0, Dim { name: "centro".into(), value: x.label.clone() });
            g.at = f.at.iter().map(|a| format!("{prefix}{a}")).collect();
            g.shares = f
                .shares
                .iter()
                .map(|s| Share { at: format!("{prefix}{}", s.at), with: s.with.iter().map(|w| w + base).collect() })
                .collect();
            g.across = f.across.as_ref().map(|(how, name)| (*how, scoped(name, &x.label)));
            g.rows = Rows::InCentre { centre: x.label.clone(), id: f.id.clone() };
            if let Some(t) = link_key(f, Some((&x.label, shared))).and_then(|k| by_key.get(&k)) {
                parts_of[*t].push(base + j);
            }
            out.list.push(g);
        }
        for s in &x.report.figures.sums {
            out.sums.push(Sum {
                parts: s.parts.iter().map(|p| p + base).collect(),
                total: s.total + base,
                what: s.what,
                after: s.after + base,
            });
        }
    }
    let after = out.list.len();
    for (t, parts) in parts_of.into_iter().enumerate() {
        // A sum the public version relies on must hold: one that does not
        // is a mistake of `link_key`, and is left out rather than trusted.
        let adds_up = |v: fn(&Figure) -> f64| {
            (parts.iter().map(|&p| v(&out.list[p])).sum::<f64>() - v(&out.list[t])).abs() < 1e-6
        };
        let value = |f: &Figure| match f.value {
            Value::Count(n) => n as f64,
            Value::Hours(h) => h,
        };
        if parts.is_empty() {
            continue;
        }
        debug_assert!(adds_up(value), "{}: the centres' figures do not add up", out.list[t].id);
        if adds_up(value) {
            out.sums.push(Sum { parts, total: t, what: "centre", after });
        }
    }
    out
}

/// The users of each comune across the ambito (`ambito.residence`),
/// whatever their centre: each a figure of the list, the sum of its
/// centres' lines for that comune (their own comune's, or one of their
/// others), and with the homeless and the unknown adding up to the users.
fn residence_by_comune(report: &mut Report, parts: &[Part]) {
    let Some(amb) = &report.ambito else { return };
    let figures = &mut report.figures;
    let find = |figures: &Figures, id: &str| figures.list.iter().position(|f| f.id == id);
    let mut all = Vec::new();
    for (i, c) in amb.residence.iter().enumerate() {
        let mut parts_of = Vec::new();
        for x in parts {
            let own = x.report.users.residence.home_comune.comune == c.comune;
            let id = if own {
                format!("centres.{}.users.residence.home_comune", x.label)
            } else {
                format!("centres.{}.users.residence.other_comuni.{}", x.label, c.comune)
            };
            parts_of.extend(find(figures, &id));
        }
        let f = figures.list.len();
        figures.list.push(Figure {
            id: format!("ambito.residence.{}", c.comune),
            table: "Utenti per comune di residenza, nell'ambito".into(),
            label: format!("Utenti residenti a {}, in tutti i centri", c.comune),
            unit: Unit::Persone,
            dims: vec![Dim { name: "comune".into(), value: c.comune.clone() }],
            value: Value::Count(c.count),
            share: None,
            withheld: false,
            at: vec![format!("/ambito/residence/{i}/count")],
            shares: Vec::new(),
            across: None,
            rows: Rows::Centres,
        });
        let after = figures.list.len();
        figures.sums.push(Sum { parts: parts_of, total: f, what: "centre", after });
        all.push(f);
    }
    for id in ["users.residence.no_fixed_abode", "users.residence.unknown"] {
        all.extend(find(figures, id));
    }
    if let Some(total) = find(figures, "users.total") {
        let after = figures.list.len();
        figures.sums.push(Sum { parts: all, total, what: "comune", after });
    }
}

#[cfg(test)]
mod tests {
    use super::Tally;

    #[test]
    fn a_tally_keeps_the_order_keys_came_in() {
        let mut t = Tally::new();
        t.add("b", 1);
        t.add("a", 2);
        t.add("b", 3);
        assert_eq!(t.into_vec(), [("b", 4), ("a", 2)]);
    }
}

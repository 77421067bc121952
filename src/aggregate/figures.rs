//! The figure list: every number of a [`Report`] defined once, built
//! from the computed sections in the report's order, with the rows each
//! figure counts (for `explain`), the sums it takes part in and how it
//! relates to other periods' reports (for the public version). The types
//! and what decides a figure's treatment are in `model/figure.rs`.

use super::model::*;
use super::queries::AccessCounts;
use chrono::Datelike;

use crate::dates::short_date;
use crate::period::Period;
use crate::reference::{Category, Comuni, Countries};
use crate::registers::frames::HOMELESS;
use crate::registers::{Gender, NONE, Registers};

fn key(column: &'static str, values: Vec<u32>, says: String) -> Option<Key> {
    Some(Key { column, values, negate: false, says })
}

fn country_ids(name: &str) -> Vec<u32> {
    Countries::get().ids_named(name)
}

/// Builds the list in the report's order.
struct Builder {
    out: Figures,
    /// Each id's figure: ids are unique (see [`Builder::push`]).
    ids: std::collections::HashMap<String, usize>,
}

/// A figure being declared.
struct New {
    id: String,
    table: &'static str,
    label: String,
    unit: Unit,
    dims: Vec<Dim>,
    value: Value,
    share: Option<f64>,
    at: Vec<String>,
    rows: Rows,
}

fn dim(name: &str, value: impl Into<String>) -> Dim {
    Dim { name: name.into(), value: value.into() }
}

impl New {
    fn count(id: String, table: &'static str, label: String, unit: Unit, n: u64, at: Option<String>) -> New {
        New {
            id,
            table,
            label,
            unit,
            dims: Vec::new(),
            value: Value::Count(n),
            share: None,
            at: at.into_iter().collect(),
            rows: Rows::Declared,
        }
    }
    fn dims(mut self, dims: Vec<Dim>) -> New {
        self.dims = dims;
        self
    }
    fn share(mut self, share: f64) -> New {
        self.share = Some(share);
        self
    }
    fn rows(mut self, target: Target) -> New {
        self.rows = Rows::Here(target);
        self
    }
    fn computed(mut self, words: impl Into<String>) -> New {
        self.rows = Rows::Computed(words.into());
        self
    }
    fn elsewhere(mut self, period: &str, id: &str) -> New {
        self.rows = Rows::Elsewhere { period: period.into(), id: id.into() };
        self
    }
}

impl Builder {
    /// Adds a figure; one the report's sections do not hold is shown at
    /// its place in the JSON's figure list.
    ///
    /// Ids are unique: two figures whose names read the same (a referral
    /// written «non indicato» beside the blank ones, two comuni of one
    /// name) are told apart by `#2`, `#3`… in the order of the report, so
    /// that the seal and the CSV never fold two numbers into one.
    fn push(&mut self, mut n: New) -> usize {
        let i = self.out.list.len();
        if n.at.is_empty() {
            n.at.push(format!("/figures/{i}/value"));
        }
        if self.ids.contains_key(&n.id) {
            let base = n.id.clone();
            n.id = (2..).map(|k| format!("{base}#{k}")).find(|id| !self.ids.contains_key(id)).expect("a free id");
        }
        self.ids.insert(n.id.clone(), i);
        self.out.list.push(Figure {
            id: n.id,
            table: n.table.into(),
            label: n.label,
            unit: n.unit,
            dims: n.dims,
            value: n.value,
            share: n.share,
            withheld: false,
            at: n.at,
            shares: Vec::new(),
            across: None,
            rows: n.rows,
        });
        self.out.list.len() - 1
    }
    /// The figure of id `id`, if pushed.
    fn find(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }

    fn also(&mut self, f: usize, at: String) {
        self.out.list[f].at.push(at);
    }
    fn across(&mut self, f: usize, how: Across, name: impl Into<String>) -> usize {
        self.out.list[f].across = Some((how, name.into()));
        f
    }
    fn share(&mut self, f: usize, at: String, with: &[usize]) {
        self.out.list[f].shares.push(Share { at, with: with.to_vec() });
    }
    fn sum(&mut self, parts: Vec<usize>, total: usize, what: &'static str) {
        let after = self.out.list.len();
        self.out.sums.push(Sum { parts, total, what, after });
    }
}

/// The figure list of `r`, computed from `regs` for period `p`; the
/// figures the report's sections do not hold are queried here. Without
/// registers (an ambito's totals, `aggregate::ambito`) the same figures
/// are made from the report and the counts alone, without the rows each
/// counts (the caller says where they are) and without what only a
/// centre's own opening hours say (the part of the day).
pub fn build(regs: Option<&Registers>, r: &Report, p: &Period, ac: &AccessCounts) -> Figures {
    let mut b = Builder { out: Figures::default(), ids: Default::default() };
    accesses(&mut b, regs, r, p);
    weekdays(&mut b, regs, ac);
    users(&mut b, regs, r, p);
    history(&mut b, r);
    courses(&mut b, regs, r);
    applications(&mut b, regs, r);
    country_months(&mut b, r, p, ac);
    b.out
}

/// Accesses by country and month, in a period of several months: each
/// country's months add up to its count, each month's countries to the
/// month's; a cell is the same number as that country's count in the
/// month's own report (`a/country/NG@2025-01`, see `publish::calendar`).
fn country_months(b: &mut Builder, r: &Report, p: &Period, ac: &AccessCounts) {
    let months = p.months();
    if months.len() < 2 {
        return;
    }
    let mut counts: std::collections::HashMap<(u32, u32), u64> = std::collections::HashMap::new();
    for &(country, month, n) in &ac.country_month {
        *counts.entry((country, month)).or_default() += n;
    }
    let a = &r.accesses;
    let mut by_month: Vec<Vec<usize>> = vec![Vec::new(); months.len()];
    for c in &a.by_country {
        let ids = country_ids(&c.country);
        let mut row = Vec::new();
        for (j, (&(y, mo), m)) in months.iter().zip(&a.by_month).enumerate() {
            let key_m = crate::dates::month_key(y, mo);
            // The part of the month inside the period: the month, or the
            // days of it a range covers.
            let first = chrono::NaiveDate::from_ymd_opt(y, mo, 1).unwrap_or(p.start).max(p.start);
            let next = if mo == 12 { (y + 1, 1) } else { (y, mo + 1) };
            let last = chrono::NaiveDate::from_ymd_opt(next.0, next.1, 1)
                .and_then(|d| d.pred_opt())
                .unwrap_or(p.end)
                .min(p.end);
            let whole = first.day() == 1 && last.succ_opt().is_none_or(|d| d.day() == 1);
            let span = if whole { m.month.clone() } else { format!("{first}..{last}") };
            let n: u64 = ids.iter().filter_map(|&id| counts.get(&(id, key_m))).sum();
            if n == 0 {
                continue;
            }
            let f = b.push(
                New::count(
                    format!("accesses.by_country_month.{}.{}", c.country, m.month),
                    "Accessi per paese e mese",
                    format!("Accessi con paese {} in {}", c.country, m.label),
                    Unit::Accessi,
                    n,
                    None,
                )
                .dims(vec![dim("paese", &c.country), dim("mese", &m.month)])
                .elsewhere(&span, &format!("accesses.by_country.{}", c.country)),
            );
            b.across(f, Across::Same, format!("a/country/{}@{span}", c.iso2));
            row.push(f);
            by_month[j].push(f);
        }
        if let Some(total) = b.find(&format!("accesses.by_country.{}", c.country)) {
            b.sum(row, total, "month");
        }
    }
    for (cells, m) in by_month.into_iter().zip(&a.by_month) {
        if let Some(total) = b.find(&format!("accesses.by_month.{}", m.month)) {
            b.sum(cells, total, "country");
        }
    }
}

/// When in the day a weekday's accesses fall, from the opening hours: a
/// day open only in the morning (or only in the afternoon) has its
/// accesses there; a day open in both cannot be split (the access log
/// has no time).
fn half_of(slots: Option<&Vec<crate::centro::Slot>>, hours_known: bool) -> &'static str {
    let slots = slots.map(Vec::as_slice).unwrap_or_default();
    let (am, pm) = (slots.iter().any(|s| s.morning()), slots.iter().any(|s| !s.morning()));
    match (am, pm) {
        (true, false) => "mattina",
        (false, true) => "pomeriggio",
        (true, true) => "mattina o pomeriggio",
        (false, false) if hours_known => "giorno di chiusura",
        (false, false) => "orari non indicati",
    }
}

/// Accesses by weekday, and by weekday and part of the day.
fn weekdays(b: &mut Builder, regs: Option<&Registers>, ac: &AccessCounts) {
    let counts = &ac.weekday;
    let total = b.out.list.iter().position(|f| f.id == "accesses.total");
    let no_hours = Default::default();
    let orari = regs.map_or(&no_hours, |r| &r.centro.orari);
    let mut days = Vec::new();
    let mut halves = Vec::new();
    let mut open = Vec::new();
    for idx in 0u8..7 {
        let n: u64 = counts.iter().filter(|(d, _)| *d == u32::from(idx)).map(|(_, n)| n).sum();
        // Saturday and Sunday only when the centre opens or someone came.
        if idx >= 5 && n == 0 && !orari.contains_key(&idx) {
            continue;
        }
        let day = crate::dates::weekday_name(crate::centro::Centro::weekday(idx));
        let target = |words: String| Target::Accesses(key("weekday", vec![u32::from(idx)], words));
        days.push(
            b.push(
                New::count(
                    format!("accesses.by_weekday.{day}"),
                    "Accessi per giorno della settimana",
                    format!("Accessi di {day}"),
                    Unit::Accessi,
                    n,
                    None,
                )
                .dims(vec![dim("giorno", day)])
                .rows(target(format!("di {day}"))),
            ),
        );
        open.push((idx, day, n));
    }
    for (idx, day, n) in open.into_iter().filter(|_| regs.is_some()) {
        let target = |words: String| Target::Accesses(key("weekday", vec![u32::from(idx)], words));
        let half = half_of(orari.get(&idx), !orari.is_empty());
        halves.push(
            b.push(
                New::count(
                    format!("accesses.by_weekday_half.{day}.{half}"),
                    "Accessi per giorno e parte del giorno",
                    format!("Accessi di {day} ({half})"),
                    Unit::Accessi,
                    n,
                    None,
                )
                .dims(vec![dim("giorno", day), dim("parte_del_giorno", half)])
                .rows(target(format!("di {day} ({half}, dagli orari di apertura)"))),
            ),
        );
    }
    if let Some(total) = total {
        b.sum(days, total, "weekday");
        b.sum(halves, total, "weekday_half");
    }
}

fn accesses(b: &mut Builder, regs: Option<&Registers>, r: &Report, p: &Period) {
    let a = &r.accesses;
    let acc = Unit::Accessi;
    let total = b.push(
        New::count(
            "accesses.total".into(),
            "Accessi",
            "Accessi nel periodo".into(),
            acc,
            a.total,
            Some("/accesses/total".into()),
        )
        .rows(Target::Accesses(None)),
    );
    b.across(total, Across::Sum, "a/total");
    let mut by_iso = std::collections::HashMap::new();
    let mut all = Vec::new();
    for (i, c) in a.by_country.iter().enumerate() {
        let k = key("country", country_ids(&c.country), format!("con paese «{}»", c.country));
        let f = b.push(
            New::count(
                format!("accesses.by_country.{}", c.country),
                "Accessi per paese",
                format!("Accessi con paese {}", c.country),
                acc,
                c.count,
                Some(format!("/accesses/by_country/{i}/count")),
            )
            .dims(vec![dim("paese", &c.country)])
            .share(c.share.unwrap_or(0.0))
            .rows(Target::Accesses(k)),
        );
        b.across(f, Across::Sum, format!("a/country/{}", c.iso2));
        b.share(f, format!("/accesses/by_country/{i}/share"), &[]);
        by_iso.insert(c.iso2.clone(), f);
        all.push(f);
    }
    b.sum(all, total, "country");
    let mut main = Vec::new();
    for (i, c) in a.main_countries.iter().enumerate() {
        let f = by_iso[&c.iso2];
        b.also(f, format!("/accesses/main_countries/{i}/count"));
        b.share(f, format!("/accesses/main_countries/{i}/share"), &[]);
        main.push(f);
    }
    let names: Vec<&str> = a.other.countries.iter().map(|c| c.country.as_str()).collect();
    let ids = names.iter().flat_map(|n| country_ids(n)).collect();
    let says = format!(
        "con paese tra quelli con meno di {} accessi nel periodo ({})",
        a.other.threshold,
        if names.is_empty() { "nessuno".to_string() } else { names.join(", ") }
    );
    let other = b.push(
        New::count(
            "accesses.other.count".into(),
            "Accessi per paese",
            format!("Accessi dai paesi con meno di {} accessi («altro»)", a.other.threshold),
            acc,
            a.other.count,
            Some("/accesses/other/count".into()),
        )
        .dims(vec![dim("paese", "altro")])
        .share(a.other.share)
        .rows(Target::Accesses(key("country", ids, says))),
    );
    b.share(other, "/accesses/other/share".into(), &[]);
    let mut members = Vec::new();
    for (i, c) in a.other.countries.iter().enumerate() {
        let f = by_iso[&c.iso2];
        b.also(f, format!("/accesses/other/countries/{i}/count"));
        members.push(f);
    }
    b.sum(members, other, "other");
    main.push(other);
    b.sum(main, total, "main");
    let mut refs = Vec::new();
    for (i, x) in a.by_referral.iter().enumerate() {
        let (name, slot, says) = match &x.source {
            None => ("non indicato".to_string(), 0, "senza inviato_da".to_string()),
            Some(src) => {
                let slot = regs.and_then(|r| r.accessi.referrals.find(src)).map_or(NONE, |i| i + 1);
                (src.clone(), slot, format!("inviati da «{src}»"))
            }
        };
        let f = b.push(
            New::count(
                format!("accesses.by_referral.{name}"),
                "Accessi per inviante",
                format!("Accessi inviati da: {name}"),
                acc,
                x.count,
                Some(format!("/accesses/by_referral/{i}/count")),
            )
            .dims(vec![dim("inviato_da", &name)])
            .share(x.share)
            .rows(Target::Accesses(key("referral", vec![slot], says))),
        );
        b.across(f, Across::Sum, format!("a/referral/{}", x.source.as_deref().unwrap_or("")));
        b.share(f, format!("/accesses/by_referral/{i}/share"), &[]);
        refs.push(f);
    }
    if !refs.is_empty() {
        b.sum(refs, total, "referral");
    }
    let mut genders = Vec::new();
    for (code, name) in Gender::KEYS {
        let says = if code == 0 { "senza genere indicato".to_string() } else { format!("con genere {name}") };
        let words = if code == 0 { "non indicato" } else { name };
        let n = a.by_gender.get(name).copied().unwrap_or(0);
        let f = b.push(
            New::count(
                format!("accesses.by_gender.{name}"),
                "Accessi per genere",
                format!("Accessi con genere {words}"),
                acc,
                n,
                Some(format!("/accesses/by_gender/{name}")),
            )
            .dims(vec![dim("genere", words)])
            .rows(Target::Accesses(key("gender", vec![code], says))),
        );
        b.across(f, Across::Sum, format!("a/gender/{name}"));
        b.share(f, format!("/accesses/by_gender_whole_pct/{name}"), &[]);
        genders.push(f);
    }
    b.sum(genders, total, "gender");
    // Not people: always shown.
    for (i, t) in a.by_request_type.iter().enumerate() {
        let k = key("kind", vec![i as u32], format!("con tipo di richiesta «{}»", t.kind));
        b.push(
            New::count(
                format!("accesses.by_request_type.{}", t.kind),
                "Accessi per tipo di richiesta",
                format!("Richieste di tipo {}", t.kind),
                acc,
                t.count,
                Some(format!("/accesses/by_request_type/{i}/count")),
            )
            .dims(vec![dim("tipo_richiesta", &t.kind)])
            .share(t.share)
            .rows(Target::Accesses(k)),
        );
    }
    b.push(
        New::count(
            "accesses.request_types_total".into(),
            "Accessi per tipo di richiesta",
            "Richieste, somma dei tipi".into(),
            acc,
            a.request_types_total,
            Some("/accesses/request_types_total".into()),
        )
        .computed("somma delle voci accesses.by_request_type"),
    );
    // The report lists every month of the period, in order.
    for (i, (m, &(y, mo))) in a.by_month.iter().zip(&p.months()).enumerate() {
        let k = key("month", vec![crate::dates::month_key(y, mo)], format!("nel mese di {}", m.label));
        b.push(
            New::count(
                format!("accesses.by_month.{}", m.month),
                "Accessi per mese",
                format!("Accessi in {}", m.label),
                acc,
                m.count,
                Some(format!("/accesses/by_month/{i}/count")),
            )
            .dims(vec![dim("mese", &m.month)])
            .rows(Target::Accesses(k)),
        );
    }
    if let Some(prev) = &a.previous {
        b.push(
            New::count(
                "accesses.previous.total".into(),
                "Lo stesso periodo un anno prima",
                format!("Accessi nel {}", prev.period),
                acc,
                prev.total,
                Some("/accesses/previous/total".into()),
            )
            .dims(vec![dim("periodo", &prev.period)])
            .elsewhere(&prev.period, "accesses.total"),
        );
    }
    for (i, m) in a.trend.iter().enumerate() {
        b.push(
            New::count(
                format!("accesses.trend.{}", m.month),
                "Accessi negli ultimi dodici mesi",
                format!("Accessi in {}", m.label),
                acc,
                m.count,
                Some(format!("/accesses/trend/{i}/count")),
            )
            .dims(vec![dim("mese", &m.month)])
            .elsewhere(&m.month, "accesses.total"),
        );
    }
}

fn users(b: &mut Builder, regs: Option<&Registers>, r: &Report, p: &Period) {
    let u = &r.users;
    let people = Unit::Persone;
    let user = |key: Option<Key>| Target::Users { new: false, key };
    let total = b.push(
        New::count(
            "users.total".into(),
            "Utenti",
            "Utenti presi in carico".into(),
            people,
            u.total,
            Some("/users/total".into()),
        )
        .rows(user(None)),
    );
    b.across(total, Across::Cover, "u/total");
    let new_now = b.push(
        New::count(
            "users.new".into(),
            "Utenti",
            "Utenti nuovi nel periodo".into(),
            people,
            u.new,
            Some("/users/new".into()),
        )
        .rows(Target::Users { new: true, key: None }),
    );
    b.across(new_now, Across::Sum, "u/new");
    let mut seen: Vec<u32> = regs.map(|r| r.utenti.country.iter().map(|&c| u32::from(c)).collect()).unwrap_or_default();
    seen.sort_unstable();
    seen.dedup();
    let end = short_date(p.end);
    let mut cat = Vec::new();
    for (category, name, label, words, n, pct) in [
        (
            Category::Italian,
            "italian",
            "Italiani",
            "con cittadinanza italiana".to_string(),
            u.by_category.italian,
            u.by_category_pct.italian,
        ),
        (
            Category::Eu,
            "eu",
            "Comunitari",
            format!("con cittadinanza di un paese UE al {end}"),
            u.by_category.eu,
            u.by_category_pct.eu,
        ),
        (
            Category::NonEu,
            "non_eu",
            "Extracomunitari",
            format!("con cittadinanza di un paese non UE al {end}"),
            u.by_category.non_eu,
            u.by_category_pct.non_eu,
        ),
    ] {
        let ids = seen.iter().copied().filter(|&id| Countries::get().category(id as u16, p.end) == category).collect();
        let f = b.push(
            New::count(
                format!("users.by_category.{name}"),
                "Utenti per categoria",
                format!("Utenti {}", label.to_lowercase()),
                people,
                n,
                Some(format!("/users/by_category/{name}")),
            )
            .dims(vec![dim("categoria", label)])
            .share(pct)
            .rows(user(key("country", ids, words))),
        );
        b.across(f, Across::Cover, format!("u/category/{name}"));
        b.share(f, format!("/users/by_category_pct/{name}"), &[total]);
        b.share(f, format!("/users/by_category_whole_pct/{name}"), &[total]);
        cat.push(f);
    }
    b.sum(cat.clone(), total, "category");
    if let Some(prev) = &u.previous {
        // The same period a year earlier: its counts are people too, and a
        // change gives a count away when either of its two ends is withheld.
        let base = "/users/previous";
        let table = "Lo stesso periodo un anno prima";
        let then = b.push(
            New::count(
                "users.previous.total".into(),
                table,
                format!("Utenti presi in carico nel {}", prev.period),
                people,
                prev.total,
                Some(format!("{base}/total")),
            )
            .dims(vec![dim("periodo", &prev.period)])
            .elsewhere(&prev.period, "users.total"),
        );
        b.across(then, Across::Same, format!("p/{}/total", prev.period));
        for x in ["absolute", "pct"] {
            b.share(then, format!("{base}/change_total/{x}"), &[total]);
        }
        let new_then = b.push(
            New::count(
                "users.previous.new".into(),
                table,
                format!("Utenti nuovi nel {}", prev.period),
                people,
                prev.new,
                Some(format!("{base}/new")),
            )
            .dims(vec![dim("periodo", &prev.period)])
            .elsewhere(&prev.period, "users.new"),
        );
        b.across(new_then, Across::Same, format!("p/{}/new", prev.period));
        for x in ["absolute", "pct"] {
            b.share(new_then, format!("{base}/change_new/{x}"), &[new_now]);
        }
        let parts = [
            ("italian", "Italiani", prev.by_category.italian),
            ("eu", "Comunitari", prev.by_category.eu),
            ("non_eu", "Extracomunitari", prev.by_category.non_eu),
        ];
        let mut cells = Vec::new();
        for (i, (name, label, n)) in parts.into_iter().enumerate() {
            let f = b.push(
                New::count(
                    format!("users.previous.by_category.{name}"),
                    table,
                    format!("Utenti {} nel {}", label.to_lowercase(), prev.period),
                    people,
                    n,
                    Some(format!("{base}/by_category/{name}")),
                )
                .dims(vec![dim("periodo", &prev.period), dim("categoria", label)])
                .elsewhere(&prev.period, &format!("users.by_category.{name}")),
            );
            b.across(f, Across::Same, format!("p/{}/category/{name}", prev.period));
            for x in ["absolute", "pct"] {
                b.share(f, format!("{base}/change_by_category/{name}/{x}"), &[cat[i]]);
            }
            cells.push(f);
        }
        b.sum(cells, then, "category");
    }
    let mut genders = Vec::new();
    for &(code, name) in &Gender::KEYS[..3] {
        let n = u.by_gender.get(name).copied().unwrap_or(0);
        let f = b.push(
            New::count(
                format!("users.by_gender.{name}"),
                "Utenti per genere",
                format!("Utenti di genere {name}"),
                people,
                n,
                Some(format!("/users/by_gender/{name}")),
            )
            .dims(vec![dim("genere", name)])
            .rows(user(key("gender", vec![code], format!("di genere {name}")))),
        );
        b.across(f, Across::Cover, format!("u/gender/{name}"));
        b.share(f, format!("/users/by_gender_whole_pct/{name}"), &[total]);
        genders.push(f);
    }
    b.sum(genders, total, "gender");
    let mut countries = Vec::new();
    let mut groups: [Vec<usize>; 3] = Default::default();
    let mut by_iso = std::collections::HashMap::new();
    for (i, c) in u.by_country.iter().enumerate() {
        let k = key("country", country_ids(&c.country), format!("con cittadinanza «{}»", c.country));
        let f = b.push(
            New::count(
                format!("users.by_country.{}", c.country),
                "Utenti per paese",
                format!("Utenti con cittadinanza {}", c.country),
                people,
                c.count,
                Some(format!("/users/by_country/{i}/count")),
            )
            .dims(vec![dim("paese", &c.country)])
            .share(c.share.unwrap_or(0.0))
            .rows(user(k)),
        );
        b.across(f, Across::Cover, format!("u/country/{}", c.iso2));
        b.share(f, format!("/users/by_country/{i}/share"), &[total]);
        by_iso.insert(c.iso2.clone(), f);
        countries.push(f);
        match Countries::get().category_of_iso(&c.iso2, p.end) {
            Some(Category::Italian) => groups[0].push(f),
            Some(Category::Eu) => groups[1].push(f),
            Some(Category::NonEu) => groups[2].push(f),
            None => {}
        }
    }
    b.sum(countries, total, "country");
    // Italians are the users from Italy, and so on: each category is a sum.
    for (group, &c) in groups.into_iter().zip(&cat) {
        b.sum(group, c, "country");
    }
    for (i, c) in u.main_countries.iter().enumerate() {
        let f = by_iso[&c.iso2];
        b.also(f, format!("/users/main_countries/{i}/count"));
        b.share(f, format!("/users/main_countries/{i}/share"), &[total]);
    }
    if let Some(o) = &u.other_countries {
        let f = b.push(
            New::count(
                "users.other_countries.count".into(),
                "Utenti per paese",
                format!("Utenti degli altri {} paesi", o.countries),
                people,
                o.count,
                Some("/users/other_countries/count".into()),
            )
            .dims(vec![dim("paese", "altri paesi")])
            .share(o.share)
            .computed(format!("somma delle voci users.by_country dopo le prime {}", u.main_countries.len())),
        );
        b.share(f, "/users/other_countries/share".into(), &[total]);
        let rest = u.by_country.iter().skip(u.main_countries.len()).map(|c| by_iso[&c.iso2]).collect();
        b.sum(rest, f, "country");
    }
    residence(b, regs, r, total);
}

fn residence(b: &mut Builder, regs: Option<&Registers>, r: &Report, total: usize) {
    let res = &r.users.residence;
    let people = Unit::Persone;
    let user = |key: Option<Key>| Target::Users { new: false, key };
    let table = "Utenti per comune di residenza";
    let comuni = Comuni::get();
    let home_id = comuni.lookup(&res.home_comune.comune).ok().map(u32::from);
    let not_homeless = "e non segnati senza dimora";
    let k = key(
        "comune",
        home_id.into_iter().collect(),
        format!("residenti a «{}» {not_homeless}", res.home_comune.comune),
    );
    let home = b.push(
        New::count(
            "users.residence.home_comune".into(),
            table,
            format!("Utenti residenti a {}", res.home_comune.comune),
            people,
            res.home_comune.count,
            Some("/users/residence/home_comune/count".into()),
        )
        .dims(vec![dim("comune", &res.home_comune.comune)])
        .rows(user(k)),
    );
    b.across(home, Across::Cover, "u/residence/home");
    let mut written: Vec<u32> =
        regs.map(|r| r.utenti.comune.iter().map(|&c| u32::from(c)).collect()).unwrap_or_default();
    written.sort_unstable();
    written.dedup();
    let mut others = Vec::new();
    for (i, c) in res.other_comuni.iter().enumerate() {
        // Two comuni of one name (Castro BG, Castro LE): their ids are told
        // apart by `push`; their rows cannot be told apart by name.
        let twin = res.other_comuni.iter().filter(|o| o.comune == c.comune).count() > 1;
        let id = format!("users.residence.other_comuni.{}", c.comune);
        let ids: Vec<u32> = written
            .iter()
            .copied()
            .filter(|&id| id < u32::from(u16::MAX) && Some(id) != home_id && comuni.label(id as u16) == c.comune)
            .collect();
        let mut n = New::count(
            id,
            table,
            format!("Utenti residenti a {}", c.comune),
            people,
            c.count,
            Some(format!("/users/residence/other_comuni/{i}/count")),
        )
        .dims(vec![dim("comune", &c.comune)]);
        if !twin {
            n = n.rows(user(key("comune", ids, format!("residenti a «{}» {not_homeless}", c.comune))));
        }
        let f = b.push(n);
        others.push(b.across(f, Across::Cover, format!("u/residence/comune/{}", c.comune)));
    }
    let mut not_others = vec![NONE, HOMELESS];
    not_others.extend(home_id);
    let k = Some(Key {
        column: "comune",
        values: not_others,
        negate: true,
        says: format!("residenti in un comune diverso da «{}» {not_homeless}", res.home_comune.comune),
    });
    let others_total = b.push(
        New::count(
            "users.residence.other_comuni_total".into(),
            table,
            "Utenti residenti negli altri comuni".into(),
            people,
            res.other_comuni_total,
            Some("/users/residence/other_comuni_total".into()),
        )
        .dims(vec![dim("comune", "altri comuni")])
        .rows(user(k)),
    );
    b.across(others_total, Across::Cover, "u/residence/others");
    b.sum(others, others_total, "comune");
    let k = key("comune", vec![HOMELESS], "segnati senza dimora (qualunque sia il loro comune)".into());
    let homeless = b.push(
        New::count(
            "users.residence.no_fixed_abode".into(),
            table,
            "Utenti senza dimora".into(),
            people,
            res.no_fixed_abode,
            Some("/users/residence/no_fixed_abode".into()),
        )
        .dims(vec![dim("comune", "senza dimora")])
        .rows(user(k)),
    );
    b.across(homeless, Across::Cover, "u/residence/no_fixed_abode");
    let k = key("comune", vec![NONE], "senza comune di residenza e non segnati senza dimora".into());
    let unknown = b.push(
        New::count(
            "users.residence.unknown".into(),
            table,
            "Utenti senza residenza indicata".into(),
            people,
            res.unknown,
            Some("/users/residence/unknown".into()),
        )
        .dims(vec![dim("comune", "non indicato")])
        .rows(user(k)),
    );
    b.across(unknown, Across::Cover, "u/residence/unknown");
    b.sum(vec![home, others_total, homeless, unknown], total, "residence");
}

fn history(b: &mut Builder, r: &Report) {
    let people = Unit::Persone;
    let table = "Utenti negli anni";
    let last = r.history.len().saturating_sub(1);
    for (i, h) in r.history.iter().enumerate() {
        let current = i == last && h.source == "registers";
        let declared = h.source == "declared";
        let row = |b: &mut Builder, name: &str, label: &str, n: u64, at: String, same: &str| {
            let mut f = New::count(
                format!("history.{}.{name}", h.period),
                table,
                format!("{label} nel {}", h.period),
                people,
                n,
                Some(at),
            )
            .dims(vec![dim("periodo", &h.period), dim("categoria", label)]);
            if !declared {
                f = f.elsewhere(&h.period, same);
            }
            b.push(f)
        };
        let parts: Vec<usize> =
            [("italian", "Italiani", h.italian), ("eu", "Comunitari", h.eu), ("non_eu", "Extracomunitari", h.non_eu)]
                .into_iter()
                .map(|(name, label, n)| {
                    let at = format!("/history/{i}/{name}");
                    let same = format!("users.by_category.{name}");
                    match b.find(&same).filter(|_| current) {
                        Some(f) => {
                            b.also(f, at);
                            f
                        }
                        None => {
                            let f = row(b, name, label, n, at, &same);
                            b.across(f, Across::Same, format!("h/{}/{name}", h.period))
                        }
                    }
                })
                .collect();
        let users = b.find("users.total").filter(|_| current && !h.parts_mismatch);
        let sum = match users {
            Some(f) => {
                b.also(f, format!("/history/{i}/parts_total"));
                f
            }
            None => {
                let mut f = New::count(
                    format!("history.{}.parts_total", h.period),
                    table,
                    format!("Utenti nel {} (somma delle categorie)", h.period),
                    people,
                    h.parts_total,
                    Some(format!("/history/{i}/parts_total")),
                )
                .dims(vec![dim("periodo", &h.period)]);
                if !declared {
                    f = f.elsewhere(&h.period, "users.total");
                }
                let f = b.push(f);
                b.across(f, Across::Same, format!("h/{}/parts", h.period))
            }
        };
        if h.parts_mismatch {
            b.push(
                New::count(
                    format!("history.{}.total", h.period),
                    table,
                    format!("Utenti nel {} (come dichiarato)", h.period),
                    people,
                    h.total,
                    Some(format!("/history/{i}/total")),
                )
                .dims(vec![dim("periodo", &h.period)]),
            );
        } else if !current {
            b.also(sum, format!("/history/{i}/total"));
        } else if let Some(f) = b.find("users.total") {
            b.also(f, format!("/history/{i}/total"));
        }
        b.sum(parts, sum, "category");
    }
}

fn courses(b: &mut Builder, regs: Option<&Registers>, r: &Report) {
    let f = regs.map(|r| &r.frames);
    let mut all = Vec::new();
    let mut enrolled = Vec::new();
    for (i, c) in r.courses.iter().enumerate() {
        let k = f.and_then(|f| f.courses.find(&c.id));
        all.extend(k);
        let id = &c.id;
        let of = |hours| k.map(|k| Target::Meetings { courses: vec![k], hours, of: format!("del corso «{id}»") });
        let to = |key| k.map(|k| Target::Enrolments { courses: vec![k], key, to: format!("al corso «{id}»") });
        let with_rows = |n: New, t: Option<Target>| match t {
            Some(t) => n.rows(t),
            None => n,
        };
        let course = dim("corso", id);
        b.push(with_rows(
            New::count(
                format!("courses.{id}.meetings"),
                "Corsi",
                format!("Incontri del corso {id}"),
                Unit::Incontri,
                c.meetings,
                Some(format!("/courses/{i}/meetings")),
            )
            .dims(vec![course.clone()]),
            of(false),
        ));
        let mut hours = New::count(
            format!("courses.{id}.hours"),
            "Corsi",
            format!("Ore del corso {id}"),
            Unit::Ore,
            0,
            Some(format!("/courses/{i}/hours")),
        )
        .dims(vec![course.clone()]);
        hours.value = Value::Hours(c.hours);
        b.push(with_rows(hours, of(true)));
        let e = b.push(with_rows(
            New::count(
                format!("courses.{id}.enrolled"),
                "Corsi",
                format!("Iscritti al corso {id}"),
                Unit::Iscrizioni,
                c.enrolled,
                Some(format!("/courses/{i}/enrolled")),
            )
            .dims(vec![course.clone()]),
            to(None),
        ));
        b.across(e, Across::Same, format!("c/{id}/enrolled"));
        enrolled.push(e);
        let mut origins = Vec::new();
        for (j, o) in c.by_origin.iter().enumerate() {
            let (name, origin, says) = match &o.origin {
                None => ("non indicato".to_string(), NONE, "senza provenienza".to_string()),
                Some(s) => {
                    (s.clone(), f.and_then(|f| f.origins.find(s)).unwrap_or(NONE - 1), format!("con provenienza «{s}»"))
                }
            };
            let x = b.push(with_rows(
                New::count(
                    format!("courses.{id}.by_origin.{name}"),
                    "Iscritti ai corsi per provenienza",
                    format!("Iscritti al corso {id} con provenienza {name}"),
                    Unit::Iscrizioni,
                    o.count,
                    Some(format!("/courses/{i}/by_origin/{j}/count")),
                )
                .dims(vec![course.clone(), dim("provenienza", &name)]),
                to(key("origin", vec![origin], says)),
            ));
            origins.push(b.across(x, Across::Same, format!("c/{id}/origin/{}", o.origin.as_deref().unwrap_or(""))));
        }
        b.sum(origins, e, "origin");
        let mut from = Vec::new();
        for (j, x) in c.countries.iter().enumerate() {
            let y = b.push(with_rows(
                New::count(
                    format!("courses.{id}.countries.{}", x.country),
                    "Iscritti ai corsi per paese",
                    format!("Iscritti al corso {id} con paese {}", x.country),
                    Unit::Iscrizioni,
                    x.count,
                    Some(format!("/courses/{i}/countries/{j}/count")),
                )
                .dims(vec![course.clone(), dim("paese", &x.country)]),
                to(key("country", country_ids(&x.country), format!("con paese «{}»", x.country))),
            ));
            from.push(b.across(y, Across::Same, format!("c/{id}/country/{}", x.iso2)));
        }
        b.sum(from, e, "country");
    }
    let t = &r.courses_total;
    let target = Target::Meetings { courses: all.clone(), hours: false, of: "dei corsi del report".into() };
    b.push(
        New::count(
            "courses_total.meetings".into(),
            "Corsi",
            "Incontri dei corsi".into(),
            Unit::Incontri,
            t.meetings,
            Some("/courses_total/meetings".into()),
        )
        .rows(target),
    );
    let mut hours = New::count(
        "courses_total.hours".into(),
        "Corsi",
        "Ore dei corsi".into(),
        Unit::Ore,
        0,
        Some("/courses_total/hours".into()),
    );
    hours.value = Value::Hours(t.hours);
    b.push(hours.rows(Target::Meetings { courses: all.clone(), hours: true, of: "dei corsi del report".into() }));
    let target = Target::Enrolments { courses: all, key: None, to: "ai corsi del report".into() };
    let total = b.push(
        New::count(
            "courses_total.enrolled".into(),
            "Corsi",
            "Iscritti ai corsi".into(),
            Unit::Iscrizioni,
            t.enrolled,
            Some("/courses_total/enrolled".into()),
        )
        .rows(target),
    );
    b.sum(enrolled, total, "course");
}

fn applications(b: &mut Builder, regs: Option<&Registers>, r: &Report) {
    for (i, a) in r.applications.iter().enumerate() {
        let calls = regs.and_then(|r| r.frames.calls.find(&a.call)).into_iter().collect();
        let k = key("call", calls, format!("per il bando «{}»", a.call));
        let f = b.push(
            New::count(
                format!("applications.{}", a.call),
                "Domande per bando",
                format!("Domande per il bando {}", a.call),
                Unit::Domande,
                a.count,
                Some(format!("/applications/{i}/count")),
            )
            .dims(vec![dim("bando", &a.call)])
            .share(a.share)
            .rows(Target::Applications(k)),
        );
        b.share(f, format!("/applications/{i}/share"), &[]);
    }
    b.push(
        New::count(
            "applications_total".into(),
            "Domande per bando",
            "Domande in tutto".into(),
            Unit::Domande,
            r.applications_total,
            Some("/applications_total".into()),
        )
        .rows(Target::Applications(None)),
    );
}

#[cfg(test)]
mod tests {
    use super::{Builder, New, Unit};

    #[test]
    fn figures_whose_names_read_the_same_get_distinct_ids() {
        let mut b = Builder { out: Default::default(), ids: Default::default() };
        let new = || New::count("accesses.by_referral.non indicato".into(), "t", "l".into(), Unit::Accessi, 1, None);
        let (a, c) = (b.push(new()), b.push(new()));
        assert_eq!(b.out.list[a].id, "accesses.by_referral.non indicato");
        assert_eq!(b.out.list[c].id, "accesses.by_referral.non indicato#2");
        assert_eq!(b.find("accesses.by_referral.non indicato#2"), Some(c));
        assert_eq!(b.out.list[c].at, ["/figures/1/value"]);
    }
}

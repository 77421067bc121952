//! Every figure of a report, by its JSON path, with the report's value and
//! what it counts; and finding one by name (case and accents aside).

use crate::aggregate::Report;
use crate::dates::short_date;
use crate::period::Period;
use crate::reference::{Category, Comuni, Countries, CountryMatch};
use crate::registers::Gender;
use crate::registers::Registers;
use crate::registers::frames::HOMELESS;
use crate::registers::model::NONE;
use crate::text::fold;

use super::{Key, Target, Value, span_words};

/// One figure of the report.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Its path in the report's JSON (`accesses.by_country.Nigeria`).
    pub path: String,
    /// The report's value.
    pub value: Value,
    /// The rule, one Italian sentence.
    pub rule: String,
    /// What it counts.
    pub target: Target,
}

/// Every figure `explain` can reproduce, in the report's order.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// The figures.
    pub figures: Vec<Figure>,
    period: Period,
}

/// A name that is no figure (exit 2), with what to do.
#[derive(Debug, Clone)]
pub struct Unknown {
    /// What is wrong.
    pub message: String,
    /// The nearest names, or how to list them.
    pub hint: Option<String>,
}

fn key(column: &'static str, values: Vec<u32>, says: String) -> Option<Key> {
    Some(Key { column, values, negate: false, says })
}

/// The ids of the countries named `name` (the reference's Italian name).
fn country_ids(name: &str) -> Vec<u32> {
    let c = Countries::get();
    c.all().iter().enumerate().filter(|(_, c)| c.name == name).map(|(i, _)| i as u32).collect()
}

struct Builder<'a> {
    p: &'a Period,
    out: Vec<Figure>,
}

impl Builder<'_> {
    fn push(&mut self, path: String, value: Value, target: Target) {
        let rule = rule(self.p, &target);
        self.out.push(Figure { path, value, rule, target });
    }
}

/// The rule of a target, in words.
pub(super) fn rule(p: &Period, t: &Target) -> String {
    let (start, end) = (short_date(p.start), short_date(p.end));
    let with = |base: String, k: &Option<Key>| match k {
        Some(k) => format!("{base}, {}", k.says),
        None => base,
    };
    match t {
        Target::Accesses(k) => with(format!("accessi con data {}", span_words(p)), k),
        Target::Users { new: false, key } => {
            with(format!("utenti presi in carico entro il {end} e non chiusi prima del {start}"), key)
        }
        Target::Users { new: true, key } => with(format!("utenti presi in carico {}", span_words(p)), key),
        Target::Meetings { hours, of, .. } => {
            let what = if *hours { "ore degli incontri" } else { "incontri" };
            let mut s = format!("{what} {of} con data {}", span_words(p));
            if *hours {
                s.push_str(" (di ogni incontro le sue ore, altrimenti le ore_incontro del corso, altrimenti 0)");
            }
            s
        }
        Target::Enrolments { key, to, .. } => {
            with(format!("iscrizioni {to} senza data o con data entro il {end}"), key)
        }
        Target::Applications(k) => with(format!("domande con data {}", span_words(p)), k),
    }
}

impl Catalogue {
    /// The figures of `report`, computed from `regs` for period `p`.
    pub fn new(regs: &Registers, report: &Report, p: &Period) -> Catalogue {
        let mut b = Builder { p, out: Vec::new() };
        accesses(&mut b, regs, report);
        users(&mut b, regs, report);
        applications(&mut b, regs, report);
        courses(&mut b, regs, report);
        Catalogue { figures: b.out, period: p.clone() }
    }

    /// The figure named `name`: its path as written or with other case and
    /// accents; a country of `by_country` the report does not list (no row
    /// in the period) is a figure of value 0.
    pub fn find(&self, name: &str) -> Result<Figure, Unknown> {
        let name = name.trim();
        if let Some(f) = self.figures.iter().find(|f| f.path == name) {
            return Ok(f.clone());
        }
        let folded = fold(name);
        if let Some(f) = self.figures.iter().find(|f| fold(&f.path) == folded) {
            return Ok(f.clone());
        }
        let lower = name.to_lowercase();
        for (prefix, users) in [("accesses.by_country.", false), ("users.by_country.", true)] {
            let Some(rest) = lower.strip_prefix(prefix) else { continue };
            let (CountryMatch::Exact(id) | CountryMatch::Variant(id)) = Countries::get().lookup(rest) else { continue };
            let country = &Countries::get().country(id).name;
            let path = format!("{prefix}{country}");
            if let Some(f) = self.figures.iter().find(|f| f.path == path) {
                return Ok(f.clone());
            }
            let k = if users {
                key("country", vec![u32::from(id)], format!("con cittadinanza «{country}»"))
            } else {
                key("country", vec![u32::from(id)], format!("con paese «{country}»"))
            };
            let target = if users { Target::Users { new: false, key: k } } else { Target::Accesses(k) };
            let rule = rule(&self.period, &target);
            return Ok(Figure { path, value: Value::Count(0), rule, target });
        }
        let group: Vec<&str> = self
            .figures
            .iter()
            .filter(|f| f.path.to_lowercase().starts_with(&format!("{}.", lower.trim_end_matches('.'))))
            .map(|f| f.path.as_str())
            .collect();
        let list = format!("«integra explain --period {} --list» elenca le voci con i valori", self.period.code);
        if !group.is_empty() {
            let shown: Vec<String> = group.iter().take(6).map(|g| format!("«{g}»")).collect();
            let more = if group.len() > 6 { format!(" e altre {}", group.len() - 6) } else { String::new() };
            return Err(Unknown {
                message: format!("«{name}» è un gruppo di voci, non una voce del report"),
                hint: Some(format!("le sue voci sono {}{more}; {list}", shown.join(", "))),
            });
        }
        let near = crate::text::nearest(name, self.figures.iter().map(|f| f.path.as_str()), 3);
        Err(Unknown {
            message: format!("«{name}» non è una voce del report {}", self.period.code),
            hint: Some(match crate::text::maybe_hint(&near) {
                Some(h) => format!("{h} ({list})"),
                None => list,
            }),
        })
    }

    /// The figures whose path starts with `prefix` (all without one).
    pub fn listed(&self, prefix: Option<&str>) -> Vec<&Figure> {
        let Some(prefix) = prefix.map(|p| p.trim().to_lowercase()) else { return self.figures.iter().collect() };
        self.figures
            .iter()
            .filter(|f| {
                let path = f.path.to_lowercase();
                path == prefix || path.starts_with(&format!("{}.", prefix.trim_end_matches('.')))
            })
            .collect()
    }
}

fn accesses(b: &mut Builder, regs: &Registers, r: &Report) {
    let a = &r.accesses;
    b.push("accesses.total".into(), Value::Count(a.total), Target::Accesses(None));
    for c in &a.by_country {
        let k = key("country", country_ids(&c.country), format!("con paese «{}»", c.country));
        b.push(format!("accesses.by_country.{}", c.country), Value::Count(c.count), Target::Accesses(k));
    }
    let names: Vec<&str> = a.other.countries.iter().map(|c| c.country.as_str()).collect();
    let ids = names.iter().flat_map(|n| country_ids(n)).collect();
    let says = format!(
        "con paese tra quelli con meno di {} accessi nel periodo ({})",
        a.other.threshold,
        if names.is_empty() { "nessuno".to_string() } else { names.join(", ") }
    );
    b.push("accesses.other.count".into(), Value::Count(a.other.count), Target::Accesses(key("country", ids, says)));
    // The report lists request types by index, in order.
    for (i, t) in a.by_request_type.iter().enumerate() {
        let k = key("kind", vec![i as u32], format!("con tipo di richiesta «{}»", t.kind));
        b.push(format!("accesses.by_request_type.{}", t.kind), Value::Count(t.count), Target::Accesses(k));
    }
    for m in &a.by_month {
        let (y, mo) = m.month.split_once('-').unwrap_or_default();
        let (y, mo): (u32, u32) = (y.parse().unwrap_or(0), mo.parse().unwrap_or(1));
        let k = key("month", vec![y * 12 + mo - 1], format!("nel mese di {}", m.label));
        b.push(format!("accesses.by_month.{}", m.month), Value::Count(m.count), Target::Accesses(k));
    }
    for s in &a.by_referral {
        let (name, slot, says) = match &s.source {
            None => ("non indicato".to_string(), 0, "senza inviato_da".to_string()),
            Some(src) => {
                let slot = regs.accessi.referrals.find(src).map_or(NONE, |i| i + 1);
                (src.clone(), slot, format!("inviati da «{src}»"))
            }
        };
        let k = key("referral", vec![slot], says);
        b.push(format!("accesses.by_referral.{name}"), Value::Count(s.count), Target::Accesses(k));
    }
    for (code, name) in Gender::KEYS {
        let says = if code == 0 { "senza genere indicato".to_string() } else { format!("con genere {name}") };
        let n = a.by_gender.get(name).copied().unwrap_or(0);
        b.push(
            format!("accesses.by_gender.{name}"),
            Value::Count(n),
            Target::Accesses(key("gender", vec![code], says)),
        );
    }
}

fn users(b: &mut Builder, regs: &Registers, r: &Report) {
    let u = &r.users;
    let user = |key: Option<Key>| Target::Users { new: false, key };
    b.push("users.total".into(), Value::Count(u.total), user(None));
    b.push("users.new".into(), Value::Count(u.new), Target::Users { new: true, key: None });
    let mut seen: Vec<u32> = regs.utenti.country.iter().map(|&c| u32::from(c)).collect();
    seen.sort_unstable();
    seen.dedup();
    let end = short_date(b.p.end);
    for (cat, name, words) in [
        (Category::Italian, "italian", "con cittadinanza italiana".to_string()),
        (Category::Eu, "eu", format!("con cittadinanza di un paese UE al {end}")),
        (Category::NonEu, "non_eu", format!("con cittadinanza di un paese non UE al {end}")),
    ] {
        let ids =
            seen.iter().copied().filter(|&id| Countries::get().category(id as u16, b.p.end) == cat).collect::<Vec<_>>();
        let n = match cat {
            Category::Italian => u.by_category.italian,
            Category::Eu => u.by_category.eu,
            Category::NonEu => u.by_category.non_eu,
        };
        b.push(format!("users.by_category.{name}"), Value::Count(n), user(key("country", ids, words)));
    }
    for &(code, name) in &Gender::KEYS[..3] {
        let n = u.by_gender.get(name).copied().unwrap_or(0);
        b.push(
            format!("users.by_gender.{name}"),
            Value::Count(n),
            user(key("gender", vec![code], format!("di genere {name}"))),
        );
    }
    for c in &u.by_country {
        let k = key("country", country_ids(&c.country), format!("con cittadinanza «{}»", c.country));
        b.push(format!("users.by_country.{}", c.country), Value::Count(c.count), user(k));
    }
    let res = &u.residence;
    let comuni = Comuni::get();
    let home = comuni.lookup(&regs.centro.comune).ok().map(u32::from);
    let not_homeless = "e non segnati senza dimora";
    let k =
        key("comune", home.into_iter().collect(), format!("residenti a «{}» {not_homeless}", res.home_comune.comune));
    b.push("users.residence.home_comune".into(), Value::Count(res.home_comune.count), user(k));
    let mut written: Vec<u32> = regs.utenti.comune.iter().map(|&c| u32::from(c)).collect();
    written.sort_unstable();
    written.dedup();
    for c in &res.other_comuni {
        // Two comuni of one name (Castro BG, Castro LE) would share a path: left out.
        if res.other_comuni.iter().filter(|o| o.comune == c.comune).count() > 1 {
            continue;
        }
        let ids: Vec<u32> = written
            .iter()
            .copied()
            .filter(|&id| id < u32::from(u16::MAX) && Some(id) != home && comuni.label(id as u16) == c.comune)
            .collect();
        let k = key("comune", ids, format!("residenti a «{}» {not_homeless}", c.comune));
        b.push(format!("users.residence.other_comuni.{}", c.comune), Value::Count(c.count), user(k));
    }
    let mut others = vec![NONE, HOMELESS];
    others.extend(home);
    let k = Some(Key {
        column: "comune",
        values: others,
        negate: true,
        says: format!("residenti in un comune diverso da «{}» {not_homeless}", res.home_comune.comune),
    });
    b.push("users.residence.other_comuni_total".into(), Value::Count(res.other_comuni_total), user(k));
    let k = key("comune", vec![HOMELESS], "segnati senza dimora (qualunque sia il loro comune)".into());
    b.push("users.residence.no_fixed_abode".into(), Value::Count(res.no_fixed_abode), user(k));
    let k = key("comune", vec![NONE], "senza comune di residenza e non segnati senza dimora".into());
    b.push("users.residence.unknown".into(), Value::Count(res.unknown), user(k));
}

fn applications(b: &mut Builder, regs: &Registers, r: &Report) {
    for a in &r.applications {
        let calls = regs.frames.calls.find(&a.call).into_iter().collect();
        let k = key("call", calls, format!("per il bando «{}»", a.call));
        b.push(format!("applications.{}", a.call), Value::Count(a.count), Target::Applications(k));
    }
    b.push("applications_total".into(), Value::Count(r.applications_total), Target::Applications(None));
}

fn courses(b: &mut Builder, regs: &Registers, r: &Report) {
    let f = &regs.frames;
    let mut all = Vec::new();
    for c in &r.courses {
        let Some(k) = f.courses.find(&c.id) else { continue };
        all.push(k);
        let id = &c.id;
        let meetings = |hours| Target::Meetings { courses: vec![k], hours, of: format!("del corso «{id}»") };
        b.push(format!("courses.{id}.meetings"), Value::Count(c.meetings), meetings(false));
        b.push(format!("courses.{id}.hours"), Value::Hours(c.hours), meetings(true));
        let enrolled = |key| Target::Enrolments { courses: vec![k], key, to: format!("al corso «{id}»") };
        b.push(format!("courses.{id}.enrolled"), Value::Count(c.enrolled), enrolled(None));
        for o in &c.by_origin {
            let (name, origin, says) = match &o.origin {
                None => ("non indicato".to_string(), NONE, "senza provenienza".to_string()),
                Some(s) => (s.clone(), f.origins.find(s).unwrap_or(NONE - 1), format!("con provenienza «{s}»")),
            };
            let t = enrolled(key("origin", vec![origin], says));
            b.push(format!("courses.{id}.by_origin.{name}"), Value::Count(o.count), t);
        }
        for cc in &c.countries {
            let t = enrolled(key("country", country_ids(&cc.country), format!("con paese «{}»", cc.country)));
            b.push(format!("courses.{id}.countries.{}", cc.country), Value::Count(cc.count), t);
        }
    }
    let t = &r.courses_total;
    let target = Target::Meetings { courses: all.clone(), hours: false, of: "dei corsi del report".into() };
    b.push("courses_total.meetings".into(), Value::Count(t.meetings), target);
    let target = Target::Enrolments { courses: all, key: None, to: "ai corsi del report".into() };
    b.push("courses_total.enrolled".into(), Value::Count(t.enrolled), target);
}

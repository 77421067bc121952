//! Every figure of a report's figure list, by its id, with the report's
//! value and the rows it counts; and finding one by name (case and accents
//! aside).

use crate::aggregate::{Report, Rows, rule};
use crate::period::Period;
use crate::reference::{Countries, CountryMatch};
use crate::text::fold;

use crate::aggregate::{Key, Target, Value};

/// One figure of the report.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Its id in the figure list (`accesses.by_country.Nigeria`).
    pub path: String,
    /// The report's value.
    pub value: Value,
    /// The rule, one Italian sentence.
    pub rule: String,
    /// What it counts, when its rows are the report period's.
    pub target: Option<Target>,
    /// The period and id that explain it, when it is another period's figure.
    pub elsewhere: Option<(String, String)>,
    /// A sum of other figures of the list (explained one by one).
    pub computed: bool,
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

impl Catalogue {
    /// The figures of `report` (its figure list), for period `p`.
    pub fn new(report: &Report, p: &Period) -> Catalogue {
        let figures = report
            .figures
            .list
            .iter()
            .map(|f| {
                let (rule, target) = match &f.rows {
                    Rows::Here(t) => (rule(p, t), Some(t.clone())),
                    Rows::Elsewhere { period, id } => (format!("è «{id}» del periodo {period}"), None),
                    Rows::Declared => ("dichiarato nel registro storico (i numeri di un anno prima dei registri), non contato dalle righe".to_string(), None),
                    Rows::Computed(words) => (words.clone(), None),
                    Rows::Centres => ("somma della stessa voce di ogni centro dell'ambito".to_string(), None),
                    Rows::InCentre { centre, id } => (format!("è «{id}» del centro «{centre}»"), None),
                };
                let elsewhere = match &f.rows {
                    Rows::Elsewhere { period, id } => Some((period.clone(), id.clone())),
                    _ => None,
                };
                let computed = matches!(f.rows, Rows::Computed(_));
                Figure { path: f.id.clone(), value: f.value, rule, target, elsewhere, computed }
            })
            .collect();
        Catalogue { figures, period: p.clone() }
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
            return Ok(Figure {
                path,
                value: Value::Count(0),
                rule,
                target: Some(target),
                elsewhere: None,
                computed: false,
            });
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

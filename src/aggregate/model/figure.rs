//! The figure list's types: every number of a [`Report`] defined once, with its
//! id, its Italian words, what it counts, its dimension values, where the
//! report's JSON shows it and the sums it takes part in. Publish (which
//! counts it withholds), the seal, `explain`, the CSV and the terminal table
//! read this list; none keeps a catalogue of its own.
//!
//! Ids are one naming scheme for every output: the JSON path with list
//! items named by what they are (`accesses.by_country.Nigeria`,
//! `courses.BASE1.enrolled`), stable across reports and periods.
//!
//! How a figure is treated by the public version follows from its kind
//! ([`Figure::role`]): a count of people, or of accesses by a personal
//! attribute, is protected; the accesses' totals are always shown;
//! meetings, hours and applications are not counts of people.

use serde::Serialize;

use crate::dates::short_date;
use crate::period::Period;

/// What a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// People: users taken in charge.
    #[default]
    Persone,
    /// Accesses (visits to the desk).
    Accessi,
    /// Enrolments in courses (people).
    Iscrizioni,
    /// Course meetings.
    Incontri,
    /// Hours of course meetings.
    Ore,
    /// Applications to calls.
    Domande,
}

impl Unit {
    /// Its Italian name, as the JSON and CSV write it.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Persone => "persone",
            Unit::Accessi => "accessi",
            Unit::Iscrizioni => "iscrizioni",
            Unit::Incontri => "incontri",
            Unit::Ore => "ore",
            Unit::Domande => "domande",
        }
    }
}

/// A figure's value: a count, or hours.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// People, accesses, meetings, applications.
    Count(u64),
    /// Hours, rounded to the hundredth as the report does.
    Hours(f64),
}

impl Default for Value {
    fn default() -> Self {
        Value::Count(0)
    }
}

impl Value {
    /// The count (hours have none).
    pub fn count(self) -> Option<u64> {
        match self {
            Value::Count(n) => Some(n),
            Value::Hours(_) => None,
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Count(n) => write!(f, "{n}"),
            Value::Hours(h) if h.fract() == 0.0 => write!(f, "{h:.0}"),
            Value::Hours(h) => write!(f, "{h}"),
        }
    }
}

/// One dimension value of a figure (`paese` = `Nigeria`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dim {
    /// The dimension, in Italian (`paese`, `mese`, `genere`…).
    pub name: String,
    /// Its value as the report shows it.
    pub value: String,
}

/// The dimensions that describe a person: a figure grouped by one of them
/// can single someone out, so the public version protects it.
pub const PERSONAL: [&str; 6] = ["paese", "genere", "inviato_da", "categoria", "comune", "provenienza"];

/// How the public version treats a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A count of people (or of accesses by a personal attribute): withheld
    /// when small, or when a withheld one could be computed from it.
    Protected,
    /// Always shown, and known to a reader of the public version (the
    /// accesses' totals).
    Shown,
    /// Not a count of people; shown as it is.
    Free,
}

/// How a count relates to the same count of other periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Across {
    /// Adds up over periods that tile a longer one (accesses, new users).
    Sum,
    /// People counted once each: a longer period's count covers its parts'.
    Cover,
    /// The same number in every report that shows it (a course's enrolled,
    /// a past year's row).
    Same,
}

/// A percentage computed from a figure: where the JSON shows it, and the
/// other figures a reader needs with it (a share of the users goes with
/// their total; a change with both its ends).
#[derive(Debug, Clone)]
pub struct Share {
    /// JSON pointer.
    pub at: String,
    /// Figures (indices into the list) it also gives away.
    pub with: Vec<usize>,
}

/// Figures (indices into the list) that add up to another: `parts` sum to
/// `total`, what they miss being people without a value (`what` names it).
#[derive(Debug, Clone)]
pub struct Sum {
    /// The parts.
    pub parts: Vec<usize>,
    /// The total.
    pub total: usize,
    /// What the parts group by (`country`), to name what they miss.
    pub what: &'static str,
    /// How many figures the list had when the sum was declared (the public
    /// rule builds its table in this order).
    pub after: usize,
}

/// A group of rows: those whose `column` is one of `values` (or, `negate`d,
/// none of them); `says` is its part of the rule.
#[derive(Debug, Clone)]
pub struct Key {
    /// The frame's column.
    pub column: &'static str,
    /// Its keys.
    pub values: Vec<u32>,
    /// Rows whose key is none of `values`.
    pub negate: bool,
    /// The rule's words for it (`con paese «Nigeria»`).
    pub says: String,
}

/// Which rows a figure counts: a register's frame, the report's period
/// filter for it, and the key (none for a total).
#[derive(Debug, Clone)]
pub enum Target {
    /// `accessi`, dated in the period.
    Accesses(Option<Key>),
    /// `utenti` open in the period (`new`: taken in charge inside it).
    Users {
        /// Only those new in the period.
        new: bool,
        /// The group.
        key: Option<Key>,
    },
    /// `incontri` of these courses dated in the period (`hours`: their hours).
    Meetings {
        /// Course keys.
        courses: Vec<u32>,
        /// Sum their hours instead of counting them.
        hours: bool,
        /// The rule's words for the courses (`del corso «BASE1»`).
        of: String,
    },
    /// `iscrizioni` of these courses without a date or dated by the period's end.
    Enrolments {
        /// Course keys.
        courses: Vec<u32>,
        /// The group (origin, country).
        key: Option<Key>,
        /// The rule's words for the courses (`al corso «BASE1»`).
        to: String,
    },
    /// `domande` dated in the period.
    Applications(Option<Key>),
}

/// Where a figure's rows are, for `explain`.
#[derive(Debug, Clone, Default)]
pub enum Rows {
    /// The report's period, these rows.
    Here(Target),
    /// The figure `id` of another period (`users.total` of `2024H1`).
    Elsewhere {
        /// The period's code.
        period: String,
        /// The figure's id there.
        id: String,
    },
    /// Not counted from rows: a year declared in the `storico` register.
    #[default]
    Declared,
    /// Computed from other figures of the list (their sum), in words.
    Computed(String),
    /// An ambito's total: the same figure of each of its centres added
    /// up; `explain` names each centre's rows.
    Centres,
    /// The figure `id` of centre `centre` of an ambito (its own report).
    InCentre {
        /// The centre's name.
        centre: String,
        /// The figure's id in the centre's own report.
        id: String,
    },
}

/// One figure of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// Its id (`accesses.by_country.Nigeria`).
    pub id: String,
    /// The table it belongs to, in Italian (`Accessi per paese`).
    pub table: String,
    /// What it is, in Italian (`Accessi con paese Nigeria`).
    pub label: String,
    /// What it counts.
    pub unit: Unit,
    /// Its dimension values, outermost first.
    pub dims: Vec<Dim>,
    /// The value (0 where the public version withholds it; the JSON
    /// writes `null` there).
    pub value: Value,
    /// Its main percentage, where the report shows one.
    pub share: Option<f64>,
    /// Withheld by the public version.
    pub withheld: bool,
    /// JSON pointers where the report shows it.
    #[serde(skip)]
    pub at: Vec<String>,
    /// The percentages computed from it.
    #[serde(skip)]
    pub shares: Vec<Share>,
    /// How it relates to other periods' reports, under a name the same in
    /// each (`a/country/NG`).
    #[serde(skip)]
    pub across: Option<(Across, String)>,
    /// Where its rows are.
    #[serde(skip)]
    pub rows: Rows,
}

impl Figure {
    /// How the public version treats it, by its kind.
    pub fn role(&self) -> Role {
        let personal = self.dims.iter().any(|d| PERSONAL.contains(&d.name.as_str()));
        match self.unit {
            Unit::Persone | Unit::Iscrizioni => Role::Protected,
            Unit::Accessi if personal => Role::Protected,
            Unit::Accessi => Role::Shown,
            Unit::Incontri | Unit::Ore | Unit::Domande => Role::Free,
        }
    }

    /// The count, 0 for hours.
    pub fn count(&self) -> u64 {
        self.value.count().unwrap_or(0)
    }
}

/// The figure list of a report (the JSON writes the list).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct Figures {
    /// Every figure, in the report's order.
    pub list: Vec<Figure>,
    /// The sums among them.
    #[serde(skip)]
    pub sums: Vec<Sum>,
}

impl Figures {
    /// The figure of id `id`.
    pub fn get(&self, id: &str) -> Option<&Figure> {
        self.list.iter().find(|f| f.id == id)
    }
}

/// The rule of a target for period `p`, in words.
pub fn rule(p: &Period, t: &Target) -> String {
    let span = format!("dal {} al {}", short_date(p.start), short_date(p.end));
    let (start, end) = (short_date(p.start), short_date(p.end));
    let with = |base: String, k: &Option<Key>| match k {
        Some(k) => format!("{base}, {}", k.says),
        None => base,
    };
    match t {
        Target::Accesses(k) => with(format!("accessi con data {span}"), k),
        Target::Users { new: false, key } => {
            with(format!("utenti presi in carico entro il {end} e non chiusi prima del {start}"), key)
        }
        Target::Users { new: true, key } => with(format!("utenti presi in carico {span}"), key),
        Target::Meetings { hours, of, .. } => {
            let what = if *hours { "ore degli incontri" } else { "incontri" };
            let mut s = format!("{what} {of} con data {span}");
            if *hours {
                s.push_str(" (di ogni incontro le sue ore, altrimenti le ore_incontro del corso, altrimenti 0)");
            }
            s
        }
        Target::Enrolments { key, to, .. } => {
            with(format!("iscrizioni {to} senza data o con data entro il {end}"), key)
        }
        Target::Applications(k) => with(format!("domande con data {span}"), k),
    }
}

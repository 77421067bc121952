//! The checked model of `centro.toml`: the centre ([`Centro`]) with its
//! hours ([`Slot`]), staff ([`Staff`]) and texts ([`Testi`]), the calendar's
//! words and the weekdays, as `parse` fills them in and every stage reads
//! them.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Weekday};

use crate::diag::{Diagnostic, Severity, Source};

/// The file name, in the data folder.
pub const FILE: &str = "centro.toml";

/// One opening slot, e.g. 09:00–12:00, in minutes from midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Opening time, minutes from midnight.
    pub from: u16,
    /// Closing time, minutes from midnight.
    pub to: u16,
}

/// Slots opening from this minute of the day on are afternoon slots.
pub const AFTERNOON_FROM: u16 = 13 * 60;

impl Slot {
    /// A morning slot: opening before [`AFTERNOON_FROM`].
    pub fn morning(&self) -> bool {
        self.from < AFTERNOON_FROM
    }

    /// `9 - 12`, `15 - 18:30`: the seed report's style.
    pub fn label(&self) -> String {
        fn hm(m: u16) -> String {
            if m.is_multiple_of(60) { format!("{}", m / 60) } else { format!("{}:{:02}", m / 60, m % 60) }
        }
        format!("{} - {}", hm(self.from), hm(self.to))
    }
}

/// A role and how many people fill it.
#[derive(Debug, Clone, PartialEq)]
pub struct Staff {
    /// Role, e.g. "Coordinatore".
    pub role: String,
    /// Number of people.
    pub count: u32,
}

/// The centre's own prose (`[testi]`), each text in paragraphs; a text not
/// written is `None`, and the report then says nothing in its place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Testi {
    /// Introduces the users taken in charge.
    pub utenti: Option<Vec<String>>,
    /// The work with the comune's registry office («Anagrafe»).
    pub anagrafe: Option<Vec<String>>,
    /// Introduces the applications the centre helps with.
    pub domande: Option<Vec<String>>,
    /// Introduces the courses of a type (`[testi.corsi]`, keyed by the
    /// `tipo` of `corsi.csv`).
    pub corsi: BTreeMap<String, Vec<String>>,
}

/// Everything `centro.toml` says, checked.
#[derive(Debug, Clone)]
pub struct Centro {
    /// Name of the centre.
    pub nome: String,
    /// The centre's own comune (residence there is counted apart).
    pub comune: String,
    /// Opening date of the centre; earlier dates are suspicious.
    pub attivo_dal: Option<NaiveDate>,
    /// From this day the registers are complete; earlier years come from `storico`.
    pub registri_dal: Option<NaiveDate>,
    /// One paragraph describing the service.
    pub descrizione: Option<String>,
    /// Days the centre was closed.
    pub chiusure: Vec<NaiveDate>,
    /// A sentence under the hours table.
    pub note_orari: Option<String>,
    /// A sentence under the staff list.
    pub note_personale: Option<String>,
    /// Opening slots per weekday; a weekday absent is closed.
    pub orari: BTreeMap<u8, Vec<Slot>>,
    /// Staff by role.
    pub personale: Vec<Staff>,
    /// Countries with fewer accesses than this are grouped as "altro".
    pub altro_sotto: u32,
    /// In the public version (`report --pubblico`), counts of people below
    /// this are not published (`[soglie] minimo_pubblicabile`, default 3).
    pub minimo_pubblicabile: u32,
    /// The kinds of period whose public reports the centre publishes
    /// (`[pubblicazione] calendario`, default every month, quarter,
    /// semester and year): the public version of a period is safe together
    /// with all of them (docs/PUBLICATION.md).
    pub calendario: Vec<crate::period::PeriodKind>,
    /// Accepted request types, in the order the report lists them.
    pub tipo_richiesta: Vec<String>,
    /// Extra header names: register → canonical column → aliases.
    pub colonne: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// The centre's own prose.
    pub testi: Testi,
    /// Who publishes the open-data package, under which licence and theme
    /// (`[dati_aperti]`).
    pub dati_aperti: super::open_data::DatiAperti,
    /// The help desk's own telephone numbers and e-mail addresses
    /// (`[centro] telefono`, `email`): left as written where a text shows
    /// them, since they are no one's personal data.
    pub contatti: crate::privacy::Exempt,
    /// Where each key is written, for the diagnostics of [`Centro::scan_texts`].
    pub(crate) spans: std::sync::Arc<super::spans::Spans>,
}

impl Default for Centro {
    fn default() -> Self {
        Centro {
            nome: "Centro Servizi per l'Integrazione Sociale".into(),
            comune: String::new(),
            attivo_dal: None,
            registri_dal: None,
            descrizione: None,
            chiusure: Vec::new(),
            note_orari: None,
            note_personale: None,
            orari: BTreeMap::new(),
            personale: Vec::new(),
            altro_sotto: 5,
            minimo_pubblicabile: 3,
            calendario: CALENDAR_DEFAULT.to_vec(),
            tipo_richiesta: Vec::new(),
            colonne: BTreeMap::new(),
            testi: Testi::default(),
            dati_aperti: super::open_data::DatiAperti::default(),
            contatti: crate::privacy::Exempt::default(),
            spans: std::sync::Arc::default(),
        }
    }
}

/// What the centre publishes when `[pubblicazione] calendario` is not
/// given: every kind of period the relative forms (`mese-scorso`…) produce.
pub const CALENDAR_DEFAULT: [crate::period::PeriodKind; 4] = [
    crate::period::PeriodKind::Month,
    crate::period::PeriodKind::Quarter,
    crate::period::PeriodKind::Semester,
    crate::period::PeriodKind::Year,
];

/// The words of `[pubblicazione] calendario`.
pub const CALENDAR_WORDS: [(&str, crate::period::PeriodKind); 4] = [
    ("mese", crate::period::PeriodKind::Month),
    ("trimestre", crate::period::PeriodKind::Quarter),
    ("semestre", crate::period::PeriodKind::Semester),
    ("anno", crate::period::PeriodKind::Year),
];

/// Weekday keys of `[orari]`, with and without accents.
pub(super) const WEEKDAYS: [(&str, Weekday); 7] = [
    ("lunedi", Weekday::Mon),
    ("martedi", Weekday::Tue),
    ("mercoledi", Weekday::Wed),
    ("giovedi", Weekday::Thu),
    ("venerdi", Weekday::Fri),
    ("sabato", Weekday::Sat),
    ("domenica", Weekday::Sun),
];

impl Centro {
    /// Whether the centre is open on `d`: not a listed closure and a weekday
    /// with opening hours (when hours are given at all).
    pub fn is_open(&self, d: NaiveDate) -> bool {
        use chrono::Datelike;
        if self.chiusure.binary_search(&d).is_ok() {
            return false;
        }
        self.orari.is_empty() || self.orari.contains_key(&(d.weekday().num_days_from_monday() as u8))
    }

    /// The weekday key (`lunedi`) of day index 0..7.
    pub fn weekday(idx: u8) -> Weekday {
        WEEKDAYS[idx as usize % 7].1
    }
}

/// Shorthand used by tests and `init`.
pub fn diag_missing(data_dir: &str) -> Diagnostic {
    Source::new(FILE, FILE)
        .diag(Severity::Error, "config-missing", format!("nella cartella «{data_dir}» non c'è {FILE}"))
        .hint("indica la cartella dei registri con --data, oppure creane una nuova con «integra init CARTELLA»")
}

//! The centre as the report describes it: hours, closures, staff, its own texts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A closure day.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Closure {
    /// ISO date.
    pub date: String,
    /// `giovedì 2 gennaio 2025`.
    pub label: String,
}

/// One line of the opening-hours table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hours {
    /// `lunedì`.
    pub day: String,
    /// `9 - 12`, or `null` when closed.
    pub morning: Option<String>,
    /// `15 - 18`, or `null` when closed.
    pub afternoon: Option<String>,
}

/// A role and how many.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StaffOut {
    /// Role.
    pub role: String,
    /// How many.
    pub count: u32,
}

/// The centre's description.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Centre {
    /// Name.
    pub name: String,
    /// Own comune.
    pub comune: String,
    /// ISO date, if known.
    pub active_since: Option<String>,
    /// `ottobre 2008`.
    pub active_since_label: Option<String>,
    /// One paragraph.
    pub description: Option<String>,
    /// Closures inside the period.
    pub closures: Vec<Closure>,
    /// Opening hours, Monday to Friday plus any weekend day with hours.
    pub hours: Vec<Hours>,
    /// A sentence under the hours.
    pub hours_note: Option<String>,
    /// Staff.
    pub staff: Vec<StaffOut>,
    /// A sentence under the staff.
    pub staff_note: Option<String>,
    /// The centre's own prose (`[testi]` of `centro.toml`), in paragraphs.
    pub texts: CentreTexts,
}

/// Prose that describes the centre, as its coordinator wrote it: each text a
/// list of paragraphs, `null` (or absent from `courses`) when not written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CentreTexts {
    /// Introduces the users taken in charge (`[testi] utenti`).
    pub users: Option<Vec<String>>,
    /// The work with the comune's registry office (`[testi] anagrafe`).
    pub registry_office: Option<Vec<String>>,
    /// Introduces the applications the centre helps with (`[testi] domande`).
    pub applications: Option<Vec<String>>,
    /// Introduces the courses of a type, by type (`[testi.corsi]`).
    pub courses: BTreeMap<String, Vec<String>>,
}

impl CentreTexts {
    /// The texts a `[testi]` table says (`centro.toml`, `ambito.toml`).
    pub fn of(t: &crate::centro::Testi) -> CentreTexts {
        CentreTexts {
            users: t.utenti.clone(),
            registry_office: t.anagrafe.clone(),
            applications: t.domande.clone(),
            courses: t.corsi.clone(),
        }
    }
}

//! What the centre did: applications by call, courses with their meetings and enrolments, events.

use super::counts::CountryCount;

use serde::{Deserialize, Serialize};

/// A call and how many applications.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Application {
    /// The call's name.
    pub call: String,
    /// Applications in the period.
    pub count: u64,
    /// Percentage of all applications.
    pub share: f64,
}

/// A course's activity in the period.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Course {
    /// Code.
    pub id: String,
    /// Title.
    pub title: String,
    /// Kind.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Partners.
    pub partner: Option<String>,
    /// Planned first day.
    pub start: String,
    /// Planned last day.
    pub end: String,
    /// Meetings held inside the period.
    pub meetings: u64,
    /// Hours of those meetings.
    pub hours: f64,
    /// Usual hours a meeting.
    pub hours_per_meeting: Option<f64>,
    /// First meeting in the period.
    pub first_meeting: Option<String>,
    /// Last meeting in the period.
    pub last_meeting: Option<String>,
    /// `dal 10 gennaio all'11 aprile`.
    pub dates_label: Option<String>,
    /// The course goes on after the period's end.
    pub continues_after_period: bool,
    /// `1 agosto`, when it goes on.
    pub continues_until_label: Option<String>,
    /// `fino all'1 agosto`, with the article elided as Italian wants.
    pub continues_until_phrase: Option<String>,
    /// Participants enrolled.
    pub enrolled: u64,
    /// Enrolled by who sent them, by count descending then name.
    pub by_origin: Vec<OriginCount>,
    /// Enrolled by country, when given.
    pub countries: Vec<CountryCount>,
}

/// Who sent some of a course's participants.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OriginCount {
    /// As written (`Centro`, `SAI`); `null` when not given.
    pub origin: Option<String>,
    /// How many.
    pub count: u64,
}

/// Sums over the courses of the period.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct CoursesTotal {
    /// Meetings held.
    pub meetings: u64,
    /// Hours of those meetings.
    pub hours: f64,
    /// Enrolments.
    pub enrolled: u64,
}

/// An event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    /// ISO date.
    pub date: String,
    /// `venerdì 4 aprile 2025`.
    pub date_label: String,
    /// Title.
    pub title: String,
    /// Partners.
    pub partner: Option<String>,
    /// One paragraph.
    pub description: Option<String>,
}

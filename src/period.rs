//! Reporting periods: every form of docs/CLI.md (`2025`, `2025H1`, `2025Q3`,
//! `2025-03`, `2025-01-01..2025-06-30`) parsed once into a date range with
//! its Italian labels.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::dates::{long_date, month_name, month_short};

/// The shape of a period, which decides its labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    /// A calendar year.
    Year,
    /// January–June or July–December.
    Semester,
    /// A calendar quarter.
    Quarter,
    /// A calendar month.
    Month,
    /// Any inclusive date range.
    Range,
}

/// An inclusive range of days with its canonical code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// Canonical code, upper case: `2025H1`, `2025-03`, `2025-01-01..2025-02-15`.
    pub code: String,
    /// First day, inclusive.
    pub start: NaiveDate,
    /// Last day, inclusive.
    pub end: NaiveDate,
    /// The form the period was given in.
    pub kind: PeriodKind,
}

/// The forms accepted, for error messages.
pub const PERIOD_FORMS: &str = "2025 (anno), 2025H1 / 2025H2 (semestre), 2025Q1…2025Q4 (trimestre), 2025-03 (mese), 2025-01-01..2025-06-30 (intervallo), mese-scorso / trimestre-scorso / semestre-scorso / anno-scorso (rispetto a oggi)";

/// A period as written on the command line: fixed (`2025H1`) or relative to
/// today (`mese-scorso`), resolved once today is known (`config`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodSpec {
    /// A period given by its dates.
    Fixed(Period),
    /// The last whole month, quarter, semester or year before today.
    Last(PeriodKind),
}

/// The relative periods and their names (Italian first, English aliases).
const RELATIVE: [(&str, PeriodKind); 8] = [
    ("mese-scorso", PeriodKind::Month),
    ("trimestre-scorso", PeriodKind::Quarter),
    ("semestre-scorso", PeriodKind::Semester),
    ("anno-scorso", PeriodKind::Year),
    ("last-month", PeriodKind::Month),
    ("last-quarter", PeriodKind::Quarter),
    ("last-semester", PeriodKind::Semester),
    ("last-year", PeriodKind::Year),
];

/// Why a period cannot be read; the message names the period as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// No accepted form.
    #[error("periodo «{0}» non riconosciuto; forme accettate: {forms}", forms = PERIOD_FORMS)]
    Unrecognised(String),
    /// A range naming a day that does not exist.
    #[error("periodo «{input}»: il giorno {day} non esiste")]
    NoSuchDay {
        /// The period as written.
        input: String,
        /// The day.
        day: String,
    },
    /// A range that ends before it starts.
    #[error("periodo «{0}»: la data finale precede quella iniziale")]
    Reversed(String),
    /// A year before 1900 or after 2999.
    #[error("periodo «{0}»: gli anni vanno dal 1900 al 2999")]
    YearOutOfRange(String),
    /// A range longer than [`MAX_YEARS`].
    #[error("periodo «{0}»: un intervallo copre al massimo {years} anni (un report per decennio è già tanto)", years = MAX_YEARS)]
    TooLong(String),
}

impl PeriodSpec {
    /// Parses a fixed period or one of `mese-scorso`, `trimestre-scorso`,
    /// `semestre-scorso`, `anno-scorso` (or `last-month`, …).
    pub fn parse(input: &str) -> Result<PeriodSpec, PeriodError> {
        let key = input.trim().to_ascii_lowercase().replace('_', "-");
        match RELATIVE.iter().find(|(name, _)| *name == key) {
            Some((_, kind)) => Ok(PeriodSpec::Last(*kind)),
            None => Period::parse(input).map(PeriodSpec::Fixed),
        }
    }

    /// The period, with relative ones counted back from `today`: the last
    /// one wholly over (on 15/04/2025, `mese-scorso` is 2025-03). A today
    /// so early that the period falls before 1900 is an error, not a panic.
    pub fn resolve(&self, today: NaiveDate) -> Result<Period, PeriodError> {
        let (y, m) = (today.year(), today.month());
        let code = match self {
            PeriodSpec::Fixed(p) => return Ok(p.clone()),
            PeriodSpec::Last(PeriodKind::Month) if m == 1 => format!("{}-12", y - 1),
            PeriodSpec::Last(PeriodKind::Month) => format!("{y}-{:02}", m - 1),
            PeriodSpec::Last(PeriodKind::Quarter) if m <= 3 => format!("{}Q4", y - 1),
            PeriodSpec::Last(PeriodKind::Quarter) => format!("{y}Q{}", (m - 1) / 3),
            PeriodSpec::Last(PeriodKind::Semester) if m <= 6 => format!("{}H2", y - 1),
            PeriodSpec::Last(PeriodKind::Semester) => format!("{y}H1"),
            PeriodSpec::Last(_) => format!("{}", y - 1),
        };
        Period::parse(&code)
    }
}

/// The longest explicit interval a report covers.
pub const MAX_YEARS: u32 = 10;

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn last_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1)?.pred_opt()
}

fn parse_year(s: &str) -> Option<i32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
        .filter(|y| (1900..=2999).contains(y))
}

impl Period {
    /// Parses any form of docs/CLI.md; lower case is accepted.
    pub fn parse(input: &str) -> Result<Period, PeriodError> {
        let s = input.trim().to_ascii_uppercase();
        let written = || input.trim().to_string();
        let bad = || PeriodError::Unrecognised(written());
        // Every form is ASCII; slicing below relies on it (the fuzzer found
        // "202€" panicking at a character boundary).
        if !s.is_ascii() {
            return Err(bad());
        }
        if let Some((a, b)) = s.split_once("..") {
            let day = |x: &str| {
                NaiveDate::parse_from_str(x, "%Y-%m-%d").map_err(|_| match crate::dates::parse_date(x) {
                    Err(crate::dates::DateError::Invalid) => {
                        PeriodError::NoSuchDay { input: written(), day: x.to_string() }
                    }
                    _ => bad(),
                })
            };
            let (start, end) = (day(a)?, day(b)?);
            if end < start {
                return Err(PeriodError::Reversed(written()));
            }
            if [start, end].iter().any(|d| parse_year(&format!("{:04}", d.year())).is_none()) {
                return Err(PeriodError::YearOutOfRange(written()));
            }
            if end > start + chrono::Months::new(12 * MAX_YEARS) {
                return Err(PeriodError::TooLong(written()));
            }
            return Ok(Period { code: s, start, end, kind: PeriodKind::Range });
        }
        if let Some(y) = parse_year(&s) {
            return Ok(Period {
                code: s,
                start: ymd(y, 1, 1).ok_or_else(bad)?,
                end: ymd(y, 12, 31).ok_or_else(bad)?,
                kind: PeriodKind::Year,
            });
        }
        if s.len() == 6 && s.as_bytes()[4] != b'-' {
            let y = parse_year(&s[..4]).ok_or_else(bad)?;
            let (kind, first_month, months) = match &s[4..] {
                "H1" => (PeriodKind::Semester, 1, 6),
                "H2" => (PeriodKind::Semester, 7, 6),
                "Q1" => (PeriodKind::Quarter, 1, 3),
                "Q2" => (PeriodKind::Quarter, 4, 3),
                "Q3" => (PeriodKind::Quarter, 7, 3),
                "Q4" => (PeriodKind::Quarter, 10, 3),
                _ => return Err(bad()),
            };
            return Ok(Period {
                code: s,
                start: ymd(y, first_month, 1).ok_or_else(bad)?,
                end: last_of_month(y, first_month + months - 1).ok_or_else(bad)?,
                kind,
            });
        }
        if (s.len() == 6 || s.len() == 7) && s.as_bytes()[4] == b'-' {
            let y = parse_year(&s[..4]).ok_or_else(bad)?;
            let m: u32 = s[5..].parse().map_err(|_| bad())?;
            if !(1..=12).contains(&m) || !s[5..].bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            return Ok(Period {
                code: format!("{y}-{m:02}"),
                start: ymd(y, m, 1).ok_or_else(bad)?,
                end: last_of_month(y, m).ok_or_else(bad)?,
                kind: PeriodKind::Month,
            });
        }
        Err(bad())
    }

    /// The same period one year earlier: `2025H1` → `2024H1`, `2025-03` →
    /// `2024-03`; an explicit range moved back twelve months (29 February
    /// becomes the 28th).
    pub fn year_earlier(&self) -> Period {
        let back = |d: NaiveDate| d.checked_sub_months(chrono::Months::new(12)).unwrap_or(d);
        let (start, end) = (back(self.start), back(self.end));
        let y = start.year();
        let code = match self.kind {
            PeriodKind::Year => format!("{y}"),
            PeriodKind::Semester => format!("{y}H{}", if start.month() <= 6 { 1 } else { 2 }),
            PeriodKind::Quarter => format!("{y}Q{}", (start.month() - 1) / 3 + 1),
            PeriodKind::Month => format!("{y}-{:02}", start.month()),
            PeriodKind::Range => format!("{start}..{end}"),
        };
        Period { code, start, end, kind: self.kind }
    }

    /// Whether `d` falls inside the period.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    /// Whether the days from `from` to `to` (both included) overlap the
    /// period: the one definition for a course running in it, a text
    /// written for it; `registers::frames::open_between` is the same rule
    /// as a polars expression, for a user's case.
    pub fn overlaps(&self, from: NaiveDate, to: NaiveDate) -> bool {
        from <= self.end && to >= self.start
    }

    /// The Italian label used in titles: `gennaio - giugno 2025`, `marzo 2025`.
    pub fn label(&self) -> String {
        let (s, e) = (self.start, self.end);
        match self.kind {
            PeriodKind::Year => format!("anno {}", s.year()),
            PeriodKind::Month => format!("{} {}", month_name(s.month()), s.year()),
            PeriodKind::Semester | PeriodKind::Quarter => {
                format!("{} - {} {}", month_name(s.month()), month_name(e.month()), s.year())
            }
            PeriodKind::Range => format!("{} - {}", long_date(s), long_date(e)),
        }
    }

    /// The short label for table headings: `gen - giu 2025`, `2024`.
    pub fn short_label(&self) -> String {
        let (s, e) = (self.start, self.end);
        match self.kind {
            PeriodKind::Year => s.year().to_string(),
            PeriodKind::Month => format!("{} {}", month_short(s.month()), s.year()),
            PeriodKind::Semester | PeriodKind::Quarter => {
                format!("{} - {} {}", month_short(s.month()), month_short(e.month()), s.year())
            }
            PeriodKind::Range => format!("{} - {}", s.format("%d/%m/%Y"), e.format("%d/%m/%Y")),
        }
    }

    /// The period as a phrase that follows a noun ("utenti presi in carico
    /// …"): `nel 2025`, `nel mese di marzo 2025`, `da gennaio a giugno 2025`,
    /// `da ottobre 2024 a marzo 2025`, `dal 3 febbraio al 17 marzo 2025`.
    pub fn phrase(&self) -> String {
        let (a, b) = (self.start, self.end);
        let last_of_month = b.succ_opt().is_none_or(|n| n.month() != b.month());
        let whole_months = a.day() == 1 && last_of_month;
        let same_year = a.year() == b.year();
        if whole_months && same_year && a.month() == 1 && b.month() == 12 {
            format!("nel {}", a.year())
        } else if whole_months && same_year && a.month() == b.month() {
            format!("nel mese di {} {}", month_name(a.month()), a.year())
        } else if whole_months && same_year {
            format!("da {} a {} {}", month_name(a.month()), month_name(b.month()), a.year())
        } else if whole_months {
            format!("da {} {} a {} {}", month_name(a.month()), a.year(), month_name(b.month()), b.year())
        } else {
            // The article elided before the numbers read with a vowel: dall'8, all'11.
            let elided = |d: NaiveDate, plain: &str, apostrophe: &str| {
                if matches!(d.day(), 1 | 8 | 11) { apostrophe.to_string() } else { plain.to_string() }
            };
            let from = if same_year { format!("{} {}", a.day(), month_name(a.month())) } else { long_date(a) };
            format!("{}{from} {}{}", elided(a, "dal ", "dall'"), elided(b, "al ", "all'"), long_date(b))
        }
    }

    /// The months the period touches, as `(year, month)`.
    pub fn months(&self) -> Vec<(i32, u32)> {
        let mut out = Vec::new();
        let (mut y, mut m) = (self.start.year(), self.start.month());
        while (y, m) <= (self.end.year(), self.end.month()) {
            out.push((y, m));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form() {
        let p = Period::parse("2025h1").unwrap();
        assert_eq!(
            (p.code.as_str(), p.start.to_string(), p.end.to_string()),
            ("2025H1", "2025-01-01".into(), "2025-06-30".into())
        );
        assert_eq!(p.label(), "gennaio - giugno 2025");
        assert_eq!(p.short_label(), "gen - giu 2025");
        let p = Period::parse("2025-03").unwrap();
        assert_eq!(p.label(), "marzo 2025");
        assert_eq!(p.end.to_string(), "2025-03-31");
        let p = Period::parse("2024-02").unwrap();
        assert_eq!(p.end.to_string(), "2024-02-29");
        let p = Period::parse("2025Q4").unwrap();
        assert_eq!((p.start.to_string(), p.end.to_string()), ("2025-10-01".into(), "2025-12-31".into()));
        let p = Period::parse("2025").unwrap();
        assert_eq!(p.months().len(), 12);
        assert_eq!(p.short_label(), "2025");
        let p = Period::parse("2025-01-01..2025-06-30").unwrap();
        assert_eq!(p.kind, PeriodKind::Range);
        assert_eq!(p.months().len(), 6);
    }

    #[test]
    fn phrases_follow_a_noun() {
        let phrase = |s: &str| Period::parse(s).unwrap().phrase();
        assert_eq!(phrase("2025"), "nel 2025");
        assert_eq!(phrase("2025H1"), "da gennaio a giugno 2025");
        assert_eq!(phrase("2025-03"), "nel mese di marzo 2025");
        assert_eq!(phrase("2024-10-01..2025-03-31"), "da ottobre 2024 a marzo 2025");
        assert_eq!(phrase("2025-02-03..2025-03-17"), "dal 3 febbraio al 17 marzo 2025");
        assert_eq!(phrase("2024-12-08..2025-01-11"), "dall'8 dicembre 2024 all'11 gennaio 2025");
    }

    #[test]
    fn a_year_earlier_is_the_same_period_of_the_year_before() {
        let back = |s: &str| Period::parse(s).unwrap().year_earlier();
        assert_eq!(back("2025H1"), Period::parse("2024H1").unwrap());
        assert_eq!(back("2025Q3"), Period::parse("2024Q3").unwrap());
        assert_eq!(back("2025-03"), Period::parse("2024-03").unwrap());
        assert_eq!(back("2025"), Period::parse("2024").unwrap());
        assert_eq!(back("2024-02"), Period::parse("2023-02").unwrap(), "29 February has no twin");
        let r = back("2024-02-29..2024-03-10");
        assert_eq!((r.start.to_string(), r.end.to_string()), ("2023-02-28".into(), "2023-03-10".into()));
    }

    #[test]
    fn bad_periods_show_the_forms() {
        assert_eq!(Period::parse("2025-3").unwrap().code, "2025-03");
        assert!(Period::parse("2025-02-29..2025-03-01").unwrap_err().to_string().contains("non esiste"));
        for bad in ["2025H3", "2025-13", "25H1", "2025-06-30..2025-01-01", "semestre", "2025-0", ""] {
            let e = Period::parse(bad).unwrap_err().to_string();
            assert!(e.contains("2025H1") || e.contains("precede"), "{bad}: {e}");
        }
    }

    #[test]
    fn explicit_periods_stay_within_reason() {
        // Red team: these were accepted, then the PDF took 3.4 GB or failed.
        assert!(Period::parse("0001-01-01..2025-06-30").unwrap_err().to_string().contains("1900"));
        assert!(Period::parse("2025-01-01..2999-12-31").unwrap_err().to_string().contains("10 anni"));
        assert!(Period::parse("2015-01-01..2025-01-01").is_ok());
        assert!(Period::parse("2015-01-01..2025-01-02").is_err());
    }

    #[test]
    fn relative_periods_count_back_from_today() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let code = |s: &str, today| PeriodSpec::parse(s).unwrap().resolve(today).unwrap().code;
        assert_eq!(code("mese-scorso", d(2025, 4, 15)), "2025-03");
        assert_eq!(code("last-month", d(2025, 1, 1)), "2024-12");
        assert_eq!(code("trimestre-scorso", d(2025, 4, 1)), "2025Q1");
        assert_eq!(code("trimestre-scorso", d(2025, 2, 28)), "2024Q4");
        assert_eq!(code("semestre-scorso", d(2025, 7, 1)), "2025H1");
        assert_eq!(code("Semestre-Scorso", d(2025, 6, 30)), "2024H2");
        assert_eq!(code("anno-scorso", d(2025, 11, 27)), "2024");
        assert_eq!(code("2025H1", d(2030, 1, 1)), "2025H1");
        assert!(PeriodSpec::parse("mese-prossimo").is_err());
        for odd in ["202€", "20è6", "2-0\u{1F389}", "2025H\u{e8}"] {
            assert!(Period::parse(odd).is_err(), "{odd}");
        }
    }
}

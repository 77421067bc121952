//! Reading the dates, numbers and booleans staff type into spreadsheets, and
//! writing dates the Italian way.
//!
//! Parsing is allocation-free: registers can hold millions of rows.

use chrono::{Datelike, NaiveDate, Weekday};

/// Why a cell could not be read as a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// The shape is a date's but the day does not exist (31/02/2025).
    Invalid,
    /// Not a date in any accepted form.
    Unreadable,
}

/// Parses `dd/mm/yyyy`, `d/m/yyyy`, `dd/mm/yy`, `dd-mm-yyyy`, `dd.mm.yyyy`
/// and `yyyy-mm-dd`; two-digit years are 20yy. A time of day after the
/// date (`10:30`, `00:00:00`, `T10:30:00`, as date-time cells export) is
/// ignored.
pub fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let s = s.trim();
    let s = strip_time(s);
    let b = s.as_bytes();
    let mut parts = [0u32; 3];
    let mut lens = [0usize; 3];
    let mut sep = 0u8;
    let mut idx = 0;
    for &c in b {
        if c.is_ascii_digit() {
            if lens[idx] >= 4 {
                return Err(DateError::Unreadable);
            }
            parts[idx] = parts[idx] * 10 + u32::from(c - b'0');
            lens[idx] += 1;
        } else if matches!(c, b'/' | b'-' | b'.') {
            if sep == 0 {
                sep = c;
            } else if sep != c {
                return Err(DateError::Unreadable);
            }
            if lens[idx] == 0 || idx == 2 {
                return Err(DateError::Unreadable);
            }
            idx += 1;
        } else {
            return Err(DateError::Unreadable);
        }
    }
    if idx != 2 || lens[2] == 0 {
        return Err(DateError::Unreadable);
    }
    let (y, m, d) = if lens[0] == 4 {
        // ISO: yyyy-mm-dd
        if lens[1] > 2 || lens[2] > 2 {
            return Err(DateError::Unreadable);
        }
        (parts[0] as i32, parts[1], parts[2])
    } else {
        if lens[0] > 2 || lens[1] > 2 || !(lens[2] == 2 || lens[2] == 4) {
            return Err(DateError::Unreadable);
        }
        let y = if lens[2] == 2 { 2000 + parts[2] } else { parts[2] };
        (y as i32, parts[1], parts[0])
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(DateError::Invalid);
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or(DateError::Invalid)
}

/// What a `dd/mm/yyyy`-shaped cell says of the order of day and month:
/// `31/01/2025` can only be day first, `01/31/2025` only month first (and
/// is then a real date read the other way); `05/06/2025` says nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// The first number is above 12: a day.
    DayFirst,
    /// The second number is above 12 and, read as the day, makes a date.
    MonthFirst,
}

/// The order evidence of cell `s`, if it gives any.
pub fn order_evidence(s: &str) -> Option<Order> {
    let s = strip_time(s.trim());
    let mut parts = s.split(['/', '-', '.']);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || a.len() > 2 || b.len() > 2 || !(c.len() == 2 || c.len() == 4) {
        return None;
    }
    let (a, b, y): (u32, u32, i32) = (a.parse().ok()?, b.parse().ok()?, c.parse().ok()?);
    let y = if c.len() == 2 { 2000 + y } else { y };
    match (a, b) {
        (13..=31, 1..=12) => Some(Order::DayFirst),
        (1..=12, 13..=31) if NaiveDate::from_ymd_opt(y, a, b).is_some() => Some(Order::MonthFirst),
        _ => None,
    }
}

fn strip_time(s: &str) -> &str {
    // A date-time cell exported as text ("07/01/2025 10:30",
    // "2025-01-07T10:30:00"): the day is what counts.
    let Some(cut) = s.rfind([' ', 'T']) else { return s };
    let time = &s[cut + 1..];
    let mut parts = time.split(':');
    let field = |p: Option<&str>, max: u32| {
        p.is_some_and(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            && p.and_then(|p| p.parse::<u32>().ok()).is_some_and(|v| v < max)
    };
    let (h, m) = (parts.next(), parts.next());
    let secs = parts.next().map(|x| x.split_once(['.', ',']).map_or(x, |(w, _)| w));
    let ok = field(h, 24) && m.is_some_and(|m| m.len() == 2) && field(m, 60) && secs.is_none_or(|x| field(Some(x), 60));
    if ok && parts.next().is_none() { s[..cut].trim_end() } else { s }
}

/// Parses a number with a decimal comma or point (`1,5` = `1.5`).
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    // Digits with one decimal separator and thousands points: no exponent
    // (1e308), no sign, no "inf", no 23-digit numbers.
    if !s.bytes().all(|b| b.is_ascii_digit() || b == b',' || b == b'.') || s.len() > 12 {
        return None;
    }
    let v: f64 = if s.contains(',') {
        if s.contains('.') {
            // 1.234,5 (thousands point, decimal comma)
            s.replace('.', "").replace(',', ".").parse().ok()?
        } else {
            s.replace(',', ".").parse().ok()?
        }
    } else {
        s.parse().ok()?
    };
    v.is_finite().then_some(v)
}

/// Parses a boolean cell: `sì`/`si`/`no`, `x`/empty, `true`/`false`, `1`/`0`
/// (any case). Empty means "no".
pub fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim();
    if t.is_empty() {
        return Some(false);
    }
    match t {
        "sì" | "si" | "x" | "1" => return Some(true),
        "no" | "0" => return Some(false),
        _ => {}
    }
    match crate::text::fold(t).as_str() {
        "si" | "s" | "x" | "true" | "vero" | "1" | "yes" => Some(true),
        "no" | "n" | "false" | "falso" | "0" => Some(false),
        _ => None,
    }
}

const MONTHS: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];
const MONTHS_SHORT: [&str; 12] = ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"];

/// The key months are grouped and sorted by: `year * 12 + month - 1`
/// (one definition for the frames, the queries and the figures).
pub fn month_key(year: i32, month: u32) -> u32 {
    year as u32 * 12 + month - 1
}

/// The [`month_key`] of the month `d` falls in.
pub fn month_key_of(d: NaiveDate) -> u32 {
    month_key(d.year(), d.month())
}

/// The Italian name of month `m` (1-12).
pub fn month_name(m: u32) -> &'static str {
    MONTHS[(m as usize).clamp(1, 12) - 1]
}

/// The Italian three-letter abbreviation of month `m` (1-12).
pub fn month_short(m: u32) -> &'static str {
    MONTHS_SHORT[(m as usize).clamp(1, 12) - 1]
}

/// The Italian name of a weekday (`lunedì`).
pub fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "lunedì",
        Weekday::Tue => "martedì",
        Weekday::Wed => "mercoledì",
        Weekday::Thu => "giovedì",
        Weekday::Fri => "venerdì",
        Weekday::Sat => "sabato",
        Weekday::Sun => "domenica",
    }
}

/// `4 aprile 2025`.
pub fn long_date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), month_name(d.month()), d.year())
}

/// `venerdì 4 aprile 2025`.
pub fn long_date_weekday(d: NaiveDate) -> String {
    format!("{} {}", weekday_name(d.weekday()), long_date(d))
}

/// `04/04/2025`, the form staff write.
pub fn short_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// 1970-01-01 as a day of the common era: day 0 of [`to_days`].
const EPOCH_CE: i32 = 719_163;

/// Days since 1970-01-01, the representation handed to polars.
pub fn to_days(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - EPOCH_CE
}

/// The month (or, with an impossible month, the year) a date that does not
/// exist still names: `31/02/2025` is somewhere in February 2025. Used to
/// place a row with a wrong date inside or outside a period.
pub fn approx_span(s: &str) -> Option<(NaiveDate, NaiveDate)> {
    let parts: Vec<&str> = s.trim().split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else { return None };
    let num = |x: &str| x.trim().parse::<i32>().ok();
    let (y, m) = if a.trim().len() == 4 { (num(a)?, num(b)?) } else { (num(c)?, num(b)?) };
    let y = if (0..100).contains(&y) { 2000 + y } else { y };
    if (1..=12).contains(&m) {
        let first = NaiveDate::from_ymd_opt(y, m as u32, 1)?;
        let next =
            if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1)? } else { NaiveDate::from_ymd_opt(y, m as u32 + 1, 1)? };
        Some((first, next.pred_opt()?))
    } else {
        Some((NaiveDate::from_ymd_opt(y, 1, 1)?, NaiveDate::from_ymd_opt(y, 12, 31)?))
    }
}

/// The day before serial 1 of a workbook's date system: 1899-12-30 in the
/// 1900 system (with Excel's 29/02/1900), 1904-01-01 in the 1904 system
/// (Mac Excel until 2011, some files since).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateSystem {
    /// Serial 1 is 1900-01-01 (Windows Excel, LibreOffice, ODS).
    #[default]
    From1900,
    /// Serial 0 is 1904-01-01.
    From1904,
}

impl DateSystem {
    /// The date a serial number stands for (its fraction is the time of day).
    pub fn date(self, serial: f64) -> Option<NaiveDate> {
        if !(0.0..2_958_466.0).contains(&serial) {
            return None;
        }
        let (base, first) = match self {
            DateSystem::From1900 => (NaiveDate::from_ymd_opt(1899, 12, 30)?, 1.0),
            DateSystem::From1904 => (NaiveDate::from_ymd_opt(1904, 1, 1)?, 0.0),
        };
        if serial < first {
            return None;
        }
        base.checked_add_days(chrono::Days::new(serial.floor() as u64))
    }

    /// How a message names it.
    pub fn label(self) -> &'static str {
        match self {
            DateSystem::From1900 => "sistema di date 1900 (Excel per Windows, LibreOffice)",
            DateSystem::From1904 => "sistema di date 1904 (Excel per Mac)",
        }
    }
}

/// An Excel serial date of the 1900 system (the fraction is the time of
/// day), as spreadsheets store dates in cells not formatted as dates.
pub fn from_excel_serial(s: &str) -> Option<NaiveDate> {
    DateSystem::From1900.date(s.trim().parse().ok()?)
}

/// The date `days` after 1970-01-01.
pub fn from_days(days: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(days + EPOCH_CE).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_accepted_form() {
        assert_eq!(parse_date("04/04/2025"), Ok(d(2025, 4, 4)));
        assert_eq!(parse_date("4/4/2025"), Ok(d(2025, 4, 4)));
        assert_eq!(parse_date("04/04/25"), Ok(d(2025, 4, 4)));
        assert_eq!(parse_date("04-04-2025"), Ok(d(2025, 4, 4)));
        assert_eq!(parse_date("04.04.2025"), Ok(d(2025, 4, 4)));
        assert_eq!(parse_date("2025-04-04"), Ok(d(2025, 4, 4)));
        assert_eq!(parse_date(" 2025-04-04 00:00:00"), Ok(d(2025, 4, 4)));
        assert_eq!(parse_date("07/01/2025 10:30"), Ok(d(2025, 1, 7)));
        assert_eq!(parse_date("2025-01-07T16:05:59.250"), Ok(d(2025, 1, 7)));
        assert_eq!(parse_date("07/01/2025 25:30"), Err(DateError::Unreadable));
        assert_eq!(parse_date("07/01/2025 10"), Err(DateError::Unreadable));
        assert_eq!(parse_date("29/02/2024"), Ok(d(2024, 2, 29)));
    }

    #[test]
    fn impossible_and_unreadable_dates() {
        assert_eq!(parse_date("31/02/2025"), Err(DateError::Invalid));
        assert_eq!(parse_date("29/02/2025"), Err(DateError::Invalid));
        assert_eq!(parse_date("12/13/2025"), Err(DateError::Invalid));
        assert_eq!(parse_date("2025-13-01"), Err(DateError::Invalid));
        assert_eq!(parse_date("ieri"), Err(DateError::Unreadable));
        assert_eq!(parse_date("4/4"), Err(DateError::Unreadable));
        assert_eq!(parse_date("04/04-2025"), Err(DateError::Unreadable));
        assert_eq!(parse_date("04/04/025"), Err(DateError::Unreadable));
        assert_eq!(parse_date(""), Err(DateError::Unreadable));
        assert_eq!(parse_date("12345/1/1"), Err(DateError::Unreadable));
    }

    #[test]
    fn day_and_month_order() {
        assert_eq!(order_evidence("31/01/2025"), Some(Order::DayFirst));
        assert_eq!(order_evidence("01/31/2025"), Some(Order::MonthFirst));
        assert_eq!(order_evidence("1/31/25"), Some(Order::MonthFirst));
        assert_eq!(order_evidence("02/30/2025"), None);
        assert_eq!(order_evidence("05/06/2025"), None);
        assert_eq!(order_evidence("2025-01-31"), None);
        assert_eq!(order_evidence("13/13/2025"), None);
    }

    #[test]
    fn excel_serials() {
        assert_eq!(from_excel_serial("45658"), Some(d(2025, 1, 1)));
        assert_eq!(from_excel_serial("45658.75"), Some(d(2025, 1, 1)));
        assert_eq!(from_excel_serial("abc"), None);
    }

    #[test]
    fn impossible_dates_still_name_their_month() {
        assert_eq!(approx_span("31/02/2025"), Some((d(2025, 2, 1), d(2025, 2, 28))));
        assert_eq!(approx_span("2025-13-45"), Some((d(2025, 1, 1), d(2025, 12, 31))));
        assert_eq!(approx_span("ieri"), None);
    }

    #[test]
    fn numbers_and_booleans() {
        assert_eq!(parse_number("1,5"), Some(1.5));
        assert_eq!(parse_number("1.5"), Some(1.5));
        assert_eq!(parse_number("1.234,5"), Some(1234.5));
        assert_eq!(parse_number("tre"), None);
        assert_eq!(parse_number("1e308"), None);
        assert_eq!(parse_number("-2"), None);
        assert_eq!(parse_number("12345678901234567890123"), None);
        assert_eq!(parse_bool("Sì"), Some(true));
        assert_eq!(parse_bool("x"), Some(true));
        assert_eq!(parse_bool(""), Some(false));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("forse"), None);
    }

    #[test]
    fn italian_labels() {
        assert_eq!(long_date_weekday(d(2025, 4, 4)), "venerdì 4 aprile 2025");
        assert_eq!(to_days(d(1970, 1, 2)), 1);
        assert_eq!(from_days(to_days(d(2025, 6, 30))), d(2025, 6, 30));
    }
}

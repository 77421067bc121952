//! Personal data in what the centre writes: the shapes integra recognises
//! and how they are kept out of every output.
//!
//! Registers use pseudonymous codes, never names or fiscal codes
//! ([`id_looks_personal`] spots a code that breaks the rule). Free text
//! (course titles, event descriptions, the period's notes…) goes into the
//! report as written, so [`redact`] finds the shapes of personal data in it
//! — a codice fiscale, an e-mail address, a telephone number — and replaces
//! each with [`REDACTED`]; the caller warns at the row. Names of people in
//! free text cannot be told from names of places or organisations by their
//! shape: those stay the centre's responsibility (docs/PRIVACY.md).
//!
//! Diagnostics that concern personal data say where, never what.

use std::borrow::Cow;

/// What replaces a personal datum in the report.
pub const REDACTED: &str = "[dato personale omesso]";

/// Whether 16 characters have the shape of a codice fiscale (omocodia
/// letters included).
fn codice_fiscale(b: &[u8]) -> bool {
    if b.len() != 16 || !b.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let up = |i: usize| b[i].to_ascii_uppercase();
    let digitish = |c: u8| c.is_ascii_digit() || b"LMNPQRSTUV".contains(&c);
    [0, 1, 2, 3, 4, 5, 8, 11, 15].iter().all(|&i| up(i).is_ascii_alphabetic())
        && [6, 7, 9, 10, 12, 13, 14].iter().all(|&i| digitish(up(i)))
}

/// What personal data an id looks like, if any: a codice fiscale (also the
/// 11-digit provisional one) or a first name and surname.
pub fn id_looks_personal(id: &str) -> Option<&'static str> {
    let s = id.trim();
    let b = s.as_bytes();
    if codice_fiscale(b) {
        return Some("un codice fiscale");
    }
    if b.len() == 11 && b.iter().all(u8::is_ascii_digit) {
        return Some("un codice fiscale provvisorio");
    }
    let name_word = |w: &str| {
        w.chars().count() >= 2
            && w.chars().all(|c| c.is_alphabetic() || c == '\'')
            && w.chars().next().is_some_and(char::is_uppercase)
    };
    if s.split_whitespace().count() >= 2 && s.split_whitespace().all(name_word) {
        return Some("un nome e cognome");
    }
    None
}

/// One personal datum found in a text: byte range and what it is.
type Found = (std::ops::Range<usize>, &'static str);

fn is_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"._%+-".contains(&c)
}

fn is_domain(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'.' || c == b'-'
}

/// E-mail addresses: `local@domain.tld`.
fn emails(b: &[u8], out: &mut Vec<Found>) {
    for at in memchr::memchr_iter(b'@', b) {
        let start = (0..at).rev().take_while(|&i| is_local(b[i])).last();
        let end = (at + 1..b.len()).take_while(|&i| is_domain(b[i])).last().map(|i| i + 1);
        let (Some(start), Some(end)) = (start, end) else { continue };
        let domain = std::str::from_utf8(&b[at + 1..end]).unwrap_or("").trim_end_matches(['.', '-']);
        let tld_ok = domain.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty() && tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic())
        });
        if tld_ok {
            out.push((start..at + 1 + domain.len(), "un indirizzo e-mail"));
        }
    }
}

/// Fiscal codes: 16 alphanumerics between non-alphanumerics.
fn fiscal_codes(b: &[u8], out: &mut Vec<Found>) {
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        // A letter outside ASCII glued to the word makes it no code.
        let glued = |j: usize| b.get(j).is_some_and(|c| *c >= 0x80);
        if codice_fiscale(&b[start..i]) && !(start > 0 && glued(start - 1)) && !glued(i) {
            out.push((start..i, "un codice fiscale"));
        }
    }
}

/// Telephone numbers: an optional `+`, then groups of digits joined by one
/// space, dot or dash, 9 to 13 digits in all, starting with 3 (mobile) or
/// 0 (landline) unless an international prefix is written. A first group of
/// one or two digits (a day, `01-02-2025`) is not a number.
fn phones(b: &[u8], out: &mut Vec<Found>) {
    let mut i = 0;
    while i < b.len() {
        let plus = b[i] == b'+' && b.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !(plus || b[i].is_ascii_digit()) || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'+')) {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = if plus { i + 1 } else { i };
        let (mut digits, mut first_group, mut end) = (0usize, None, j);
        loop {
            let g = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j == g {
                break;
            }
            digits += j - g;
            first_group.get_or_insert(j - g);
            end = j;
            if j + 1 < b.len() && b" .-".contains(&b[j]) && b[j + 1].is_ascii_digit() {
                j += 1;
            } else {
                break;
            }
        }
        let lead = b[if plus { start + 1 } else { start }];
        let shaped = plus || ((lead == b'3' || lead == b'0') && first_group.unwrap_or(0) >= 3);
        let bounded = !b.get(end).is_some_and(u8::is_ascii_alphanumeric);
        if shaped && bounded && (9..=13).contains(&digits) {
            out.push((start..end, "un numero di telefono"));
        }
        i = end.max(start + 1);
    }
}

/// The personal data in `text`, in order, without overlaps.
pub fn find(text: &str) -> Vec<Found> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    // Cheap exits: most cells have no '@', no long word, few digits.
    if b.contains(&b'@') {
        emails(b, &mut found);
    }
    if b.len() >= 16 {
        fiscal_codes(b, &mut found);
    }
    if b.iter().filter(|c| c.is_ascii_digit()).count() >= 9 {
        phones(b, &mut found);
    }
    found.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut kept: Vec<Found> = Vec::with_capacity(found.len());
    for f in found {
        if kept.last().is_none_or(|k| f.0.start >= k.0.end) {
            kept.push(f);
        }
    }
    kept
}

/// `text` with every personal datum replaced by [`REDACTED`], and what was
/// replaced (empty when nothing was: then the text is borrowed).
pub fn redact(text: &str) -> (Cow<'_, str>, Vec<&'static str>) {
    let found = find(text);
    if found.is_empty() {
        return (Cow::Borrowed(text), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (r, _) in &found {
        out.push_str(&text[at..r.start]);
        out.push_str(REDACTED);
        at = r.end;
    }
    out.push_str(&text[at..]);
    (Cow::Owned(out), found.into_iter().map(|(_, what)| what).collect())
}

/// A multi-line text redacted line by line; `seen(line, what)` is called
/// for each datum replaced, with its 1-based line.
pub fn redact_lines(text: &str, mut seen: impl FnMut(usize, &'static str)) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let (clean, what) = redact(line);
        for w in what {
            seen(n + 1, w);
        }
        out.push_str(&clean);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_are_personal_data() {
        assert_eq!(id_looks_personal("RSSMRA80A01E388X"), Some("un codice fiscale"));
        assert_eq!(id_looks_personal("rssmra80a01e388x"), Some("un codice fiscale"));
        assert_eq!(id_looks_personal("Mario Rossi"), Some("un nome e cognome"));
        assert_eq!(id_looks_personal("ROSSI MARIO"), Some("un nome e cognome"));
        assert_eq!(id_looks_personal("12345678901"), Some("un codice fiscale provvisorio"));
        assert_eq!(id_looks_personal("U2025-001"), None);
        assert_eq!(id_looks_personal("SAI-031"), None);
        assert_eq!(id_looks_personal("JS0123"), None);
    }

    fn kinds(text: &str) -> Vec<&'static str> {
        find(text).into_iter().map(|(_, w)| w).collect()
    }

    #[test]
    fn shapes_in_free_text() {
        assert_eq!(kinds("scrivere a mario.rossi@example.it per info"), ["un indirizzo e-mail"]);
        assert_eq!(kinds("referente RSSMRA80A01E388X."), ["un codice fiscale"]);
        assert_eq!(kinds("tel. 333 1234567"), ["un numero di telefono"]);
        assert_eq!(kinds("tel. 0731-538111"), ["un numero di telefono"]);
        assert_eq!(kinds("+39 333.123.4567"), ["un numero di telefono"]);
        assert_eq!(kinds("3331234567"), ["un numero di telefono"]);
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for t in [
            "Incontro del 01-02-2025 10 partecipanti",
            "dal 12/03/2025 al 15/03/2025",
            "anni 2023 2024 2025",
            "Bando affitti 2025 (DGR 1234/2024)",
            "SAI «Ancona Provincia d'Asilo»",
            "email: scrivi allo sportello",
            "ore 10.30-12.30, sala 3",
            "CAMPAGNAINFORMATIVA",
            "protocollo n. 12345",
        ] {
            assert!(find(t).is_empty(), "{t}: {:?}", find(t));
        }
    }

    #[test]
    fn redaction_replaces_only_the_datum() {
        let (clean, what) = redact("Contatti: a@b.it, 333 1234567.");
        assert_eq!(clean, format!("Contatti: {REDACTED}, {REDACTED}."));
        assert_eq!(what.len(), 2);
        let mut lines = Vec::new();
        let out = redact_lines("uno\ndue a@b.it\n", |l, _| lines.push(l));
        assert_eq!(lines, [2]);
        assert_eq!(out, format!("uno\ndue {REDACTED}\n"));
    }
}

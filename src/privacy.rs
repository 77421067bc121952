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
    // Also written in pieces: `RSS MRA 80A01 H501U`.
    let joined: Vec<u8> = b.iter().copied().filter(|c| !b" -.".contains(c)).collect();
    if codice_fiscale(&joined) {
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

/// Fiscal codes written in pieces (`RSS MRA 80A01 H501U`, `RSSMRA-80A01-H501U`):
/// whole words joined by one space, dash or dot, 16 letters and digits in
/// all, with the shape of a codice fiscale and at least four real digits
/// (omocodia turns a few digits into letters; prose run together would be
/// letters only).
fn spaced_fiscal_codes(b: &[u8], out: &mut Vec<Found>) {
    let word = |c: u8| c.is_ascii_alphanumeric() || c >= 0x80;
    for i in 0..b.len() {
        if !b[i].is_ascii_alphanumeric() || (i > 0 && word(b[i - 1])) {
            continue;
        }
        let (mut code, mut j, mut pieces) = ([0u8; 16], i, 1);
        let mut n = 0;
        while n < 16 && j < b.len() {
            if b[j].is_ascii_alphanumeric() {
                code[n] = b[j];
                n += 1;
                j += 1;
            } else if b" -.".contains(&b[j]) && b.get(j + 1).is_some_and(u8::is_ascii_alphanumeric) {
                pieces += 1;
                j += 1;
            } else {
                break;
            }
        }
        let digits = code.iter().filter(|c| c.is_ascii_digit()).count();
        if n == 16 && pieces > 1 && !b.get(j).is_some_and(|&c| word(c)) && digits >= 4 && codice_fiscale(&code) {
            out.push((i..j, "un codice fiscale"));
        }
    }
}

/// Telephone numbers: an optional `+` (or `(+39)`), an optional area code
/// in brackets (`(0731) 538111`), then groups of digits joined by one
/// space, dot, dash or slash, 9 to 13 digits in all, starting with 3
/// (mobile) or 0 (landline) unless an international prefix is written.
///
/// What keeps dates, amounts and times out: a first group of one or two
/// digits is no number (`01-02-2025`, `9.30-12.30`) unless it is an area
/// code before a slash (`02/12345678`); a slash only follows the first
/// group, and only when that is a prefix (`333/1234567`, `0731/538111`:
/// `12/03/2025`, `DGR 1234/2024` and `prot. 0012345/2025` are not); groups
/// of three after dots, without a leading zero, are an amount
/// (`300.000.000`). Where a run of groups is too long, the longest run of
/// its first groups that is a number is taken (two numbers in a row).
fn phones(b: &[u8], out: &mut Vec<Found>) {
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit() || b[i] == b'+' || b[i] == b'(';
        let glued = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'+' || b[i - 1] >= 0x80);
        match (starts && !glued).then(|| phone_at(b, i)).flatten() {
            Some(end) => {
                out.push((i..end, "un numero di telefono"));
                i = end;
            }
            None => i += 1,
        }
    }
}

/// The end of the telephone number starting at `i`, if one does (see [`phones`]).
fn phone_at(b: &[u8], i: usize) -> Option<usize> {
    let digits_from = |j: usize| (j..b.len()).take_while(|&k| b[k].is_ascii_digit()).count();
    let mut j = i;
    let (mut plus, mut bracketed) = (false, false);
    // Groups as (start, len), and the joiner before each group after the first.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut joiners: Vec<u8> = Vec::new();
    if b[j] == b'(' {
        plus = b.get(j + 1) == Some(&b'+');
        let g = j + 1 + usize::from(plus);
        let n = digits_from(g);
        let area_ok = if plus { (1..=3).contains(&n) } else { (2..=4).contains(&n) && b[g] == b'0' };
        if !area_ok || b.get(g + n) != Some(&b')') {
            return None;
        }
        groups.push((g, n));
        j = g + n + 1;
        if b.get(j) == Some(&b' ') {
            j += 1;
        }
        if !b.get(j).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        joiners.push(b')');
        bracketed = !plus;
    } else if b[j] == b'+' {
        plus = true;
        j += 1;
    }
    loop {
        let n = digits_from(j);
        if n == 0 {
            break;
        }
        groups.push((j, n));
        j += n;
        match b.get(j) {
            Some(&c) if b" .-/".contains(&c) && b.get(j + 1).is_some_and(u8::is_ascii_digit) => {
                joiners.push(c);
                j += 1;
            }
            _ => break,
        }
    }
    let end_of = |k: usize| groups[k - 1].0 + groups[k - 1].1;
    // The longest run of first groups that is a number; a shorter one only
    // where a space parts it from what follows.
    (1..=groups.len())
        .rev()
        .find(|&k| {
            let parted = k == groups.len() || joiners[k - 1] == b' ';
            let bounded = !b.get(end_of(k)).is_some_and(|&c| c.is_ascii_alphanumeric() || c >= 0x80);
            parted && bounded && is_phone(b, &groups[..k], &joiners[..k - 1], plus, bracketed)
        })
        .map(end_of)
}

/// Whether digit groups (with the joiners between them) make a telephone
/// number: the rules of [`phones`].
fn is_phone(b: &[u8], groups: &[(usize, usize)], joiners: &[u8], plus: bool, bracketed: bool) -> bool {
    let digits: usize = groups.iter().map(|g| g.1).sum();
    if !(9..=13).contains(&digits) {
        return false;
    }
    let lead = |k: usize| b[groups[k].0];
    let first = groups[0].1;
    // A slash only once, right after the prefix (after the country code
    // when one is written).
    let prefix = usize::from(plus);
    let slashes: Vec<usize> = joiners.iter().enumerate().filter(|(_, c)| **c == b'/').map(|(k, _)| k).collect();
    let slash_ok = match slashes.as_slice() {
        [] => true,
        [k] if *k == prefix => {
            let (l, n) = (lead(prefix), groups[prefix].1);
            (l == b'3' && n == 3) || (l == b'0' && (2..=4).contains(&n))
        }
        _ => false,
    };
    if !slash_ok {
        return false;
    }
    if plus || bracketed {
        return true;
    }
    let amount = lead(0) != b'0'
        && first <= 3
        && joiners.iter().all(|&c| c == b'.')
        && groups[1..].iter().all(|g| g.1 == 3)
        && groups.len() > 1;
    (lead(0) == b'3' || lead(0) == b'0') && (first >= 3 || !slashes.is_empty()) && !amount
}

/// What a code of the registers is called where it is found in text.
pub const A_CODE: &str = "il codice di una persona dei registri";

/// The codes of the registers that name people (users, participants),
/// found in free text as whole words, ignoring case: `U2020-136` in
/// «inviato da U2020-136», never `U2020` inside `U2020-136`, nor `136`.
///
/// A code shorter than 3 characters, or a bare number of fewer than 5
/// digits, cannot be told from a count, a year or an ordinary word and is
/// not looked for ([`Codes::findable`]).
#[derive(Debug, Clone, Default)]
pub struct Codes {
    finder: Option<aho_corasick::AhoCorasick>,
}

impl Codes {
    /// The codes to find, as written in the registers (duplicates and
    /// codes that cannot be found are dropped).
    pub fn new<'a>(codes: impl IntoIterator<Item = &'a str>) -> Codes {
        let mut patterns: Vec<String> =
            codes.into_iter().map(str::trim).filter(|c| Codes::findable(c)).map(str::to_uppercase).collect();
        patterns.sort_unstable();
        patterns.dedup();
        if patterns.is_empty() {
            return Codes::default();
        }
        let finder = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&patterns)
            .expect("a few thousand short codes make an automaton");
        Codes { finder: Some(finder) }
    }

    /// Whether a code can be told apart in text: 3 characters or more, and
    /// not a number of fewer than 5 digits.
    pub fn findable(code: &str) -> bool {
        let code = code.trim();
        code.chars().count() >= 3 && !(code.len() < 5 && code.bytes().all(|c| c.is_ascii_digit()))
    }

    /// Whether there are codes to look for.
    pub fn is_empty(&self) -> bool {
        self.finder.is_none()
    }

    fn find(&self, text: &str, out: &mut Vec<Found>) {
        let Some(finder) = &self.finder else { return };
        for m in finder.find_overlapping_iter(text) {
            if whole_word(text, m.start(), m.end()) {
                out.push((m.start()..m.end(), A_CODE));
            }
        }
    }
}

/// Whether `text[start..end]` is a word of its own: no letter or digit
/// glued to it, directly or through a dash or underscore (`U2020` is not a
/// word of `U2020-136`), or a dot between digits.
fn whole_word(text: &str, start: usize, end: usize) -> bool {
    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return false;
    }
    let mut before = text[..start].chars().rev();
    let mut after = text[end..].chars();
    let glued = |next: Option<char>, then: Option<char>| match next {
        Some(c) if c.is_alphanumeric() => true,
        Some('-' | '_') => then.is_some_and(char::is_alphanumeric),
        Some('.') => then.is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    !glued(before.next(), before.next()) && !glued(after.next(), after.next())
}

/// What free text may keep: the help desk's own telephone numbers and
/// e-mail addresses, declared in `centro.toml` (`[centro] telefono`,
/// `email`), which are no one's personal data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exempt {
    /// Telephone numbers, digits only, without an international prefix.
    phones: Vec<String>,
    /// E-mail addresses, lower case.
    emails: Vec<String>,
}

/// A telephone number's digits, without `+39`/`0039`.
fn phone_digits(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let intl = s.trim_start().trim_start_matches('(').starts_with('+');
    match digits.strip_prefix("0039") {
        Some(rest) => rest.to_string(),
        None if intl => digits.strip_prefix("39").unwrap_or(&digits).to_string(),
        None => digits,
    }
}

impl Exempt {
    /// Every contact of `all` (the centres of an ambito).
    pub fn union<'a>(all: impl IntoIterator<Item = &'a Exempt>) -> Exempt {
        let mut out = Exempt::default();
        for e in all {
            out.phones.extend(e.phones.iter().cloned());
            out.emails.extend(e.emails.iter().cloned());
        }
        out
    }

    /// Adds the centre's telephone number `s`; false (and nothing added)
    /// when `s` is not one integra recognises as a telephone number (then
    /// it could not be told in text either).
    pub fn phone(&mut self, s: &str) -> bool {
        let s = s.trim();
        match find(s).as_slice() {
            [(r, "un numero di telefono")] if r.start == 0 && r.end == s.len() => {
                self.phones.push(phone_digits(s));
                true
            }
            _ => false,
        }
    }

    /// Adds the centre's e-mail address `s`; false when it is not one.
    pub fn email(&mut self, s: &str) -> bool {
        let s = s.trim();
        match find(s).as_slice() {
            [(r, "un indirizzo e-mail")] if r.start == 0 && r.end == s.len() => {
                self.emails.push(s.to_lowercase());
                true
            }
            _ => false,
        }
    }

    /// The centre's e-mail addresses, in the order given (lower case).
    pub fn emails(&self) -> &[String] {
        &self.emails
    }

    /// Whether `datum`, found as `what`, is one of the centre's own.
    fn spares(&self, datum: &str, what: &str) -> bool {
        match what {
            "un numero di telefono" => self.phones.contains(&phone_digits(datum)),
            "un indirizzo e-mail" => self.emails.iter().any(|e| e.eq_ignore_ascii_case(datum)),
            _ => false,
        }
    }
}

/// The personal data in `text`, in order, without overlaps.
pub fn find(text: &str) -> Vec<Found> {
    find_with(text, &Codes::default(), &Exempt::default())
}

/// The personal data in `text` and the `codes` of the registers written in
/// it, in order, without overlaps, but for what `exempt` spares.
pub fn find_with(text: &str, codes: &Codes, exempt: &Exempt) -> Vec<Found> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    codes.find(text, &mut found);
    // Cheap exits: most cells have no '@', no long word, few digits.
    if b.contains(&b'@') {
        emails(b, &mut found);
    }
    if b.len() >= 16 {
        fiscal_codes(b, &mut found);
        if b.len() >= 17 {
            spaced_fiscal_codes(b, &mut found);
        }
    }
    if b.iter().filter(|c| c.is_ascii_digit()).count() >= 9 {
        phones(b, &mut found);
    }
    found.retain(|(r, what)| !exempt.spares(&text[r.clone()], what));
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
    redact_with(text, &Codes::default(), &Exempt::default())
}

/// [`redact`], also replacing the `codes` of the registers and sparing
/// what `exempt` spares ([`find_with`]).
pub fn redact_with<'t>(text: &'t str, codes: &Codes, exempt: &Exempt) -> (Cow<'t, str>, Vec<&'static str>) {
    let found = find_with(text, codes, exempt);
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
pub fn redact_lines(text: &str, seen: impl FnMut(usize, &'static str)) -> String {
    redact_lines_with(text, &Codes::default(), &Exempt::default(), seen)
}

/// [`redact_lines`] with [`redact_with`].
pub fn redact_lines_with(
    text: &str,
    codes: &Codes,
    exempt: &Exempt,
    mut seen: impl FnMut(usize, &'static str),
) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let (clean, what) = redact_with(line, codes, exempt);
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
    fn telephone_numbers_as_people_write_them() {
        for t in [
            "333/1234567",
            "chiamare il 333/1234567.",
            "0731/538111",
            "tel. 0731/538 111",
            "(0731) 538111",
            "(0731)538111",
            "(06) 1234 5678",
            "(+39) 333 1234567",
            "+39 333/1234567",
            "02/12345678",
            "333 123 4567",
            "071.123.456",
        ] {
            assert_eq!(kinds(t), ["un numero di telefono"], "{t}");
        }
        // The whole number goes, and only it.
        let (clean, _) = redact("tel. (0731) 538111, orari 9:30-12:30");
        assert_eq!(clean, format!("tel. {REDACTED}, orari 9:30-12:30"));
        let (clean, _) = redact("333/1234567 oppure 0731/538111");
        assert_eq!(clean, format!("{REDACTED} oppure {REDACTED}"));
        // Two numbers in a row are two numbers.
        assert_eq!(kinds("333 1234567 0731 538111"), ["un numero di telefono", "un numero di telefono"]);
    }

    #[test]
    fn a_codice_fiscale_written_in_pieces() {
        for t in [
            "RSS MRA 80A01 H501U",
            "cf: rss mra 80a01 h501u.",
            "RSSMRA 80A01 H501U",
            "RSS-MRA-80A01-H501U",
            "RSS MRA 80 A 01 H 501 U",
            "RSS.MRA.80A01.H501U",
        ] {
            assert_eq!(kinds(t), ["un codice fiscale"], "{t}");
        }
        let (clean, _) = redact("Referente RSS MRA 80A01 H501U, presente.");
        assert_eq!(clean, format!("Referente {REDACTED}, presente."));
        assert_eq!(id_looks_personal("RSS MRA 80A01 H501U"), Some("un codice fiscale"));
    }

    #[test]
    fn near_misses_are_left_alone() {
        for t in [
            // Dates, years, periods.
            "01/02/2025",
            "dal 01/02/2025 al 28/02/2025",
            "01/02/2025 - 15/03/2025",
            "02/2025",
            "anni 2023/2024 e 2024/2025",
            "2019 2020 2021 2022 2023",
            // Counts, times, hours.
            "12 utenti, 30 accessi, 158 persone",
            "orario 9:30-12:30 e 15:00-18:00",
            "ore 09.30-12.30",
            "corso di 120 ore (40 incontri da 3 ore)",
            "1,5 ore a incontro",
            // Money.
            "€ 300.000.000 di fondi",
            "€ 1.500,00",
            "importo 3.000.000 euro",
            // References.
            "DGR 1234/2024",
            "prot. n. 0012345/2025",
            "L.R. 30/98",
            "CAP 60035",
            // Words that run together are not a codice fiscale.
            "SERVIZI PER LE FAMIGLIE MIGRANTI",
            "Club linguistico alfabetizzazione A1 B2",
        ] {
            assert!(find(t).is_empty(), "{t}: {:?}", find(t));
        }
    }

    #[test]
    fn codes_of_the_registers_are_found_as_whole_words() {
        let codes = Codes::new(["U2020-136", "SAI-010", " u2019-058 ", "7", "123", "12345", "AB", "U2020"]);
        fn in_text<'t>(codes: &Codes, t: &'t str) -> Vec<&'t str> {
            find_with(t, codes, &Exempt::default()).into_iter().map(|(r, _)| &t[r]).collect()
        }
        let found = |t| in_text(&codes, t);
        assert_eq!(found("inviato da U2020-136"), ["U2020-136"]);
        assert_eq!(found("con u2019-058 e Sai-010."), ["u2019-058", "Sai-010"]);
        assert_eq!(found("(SAI-010/U2019-058)"), ["SAI-010", "U2019-058"]);
        assert_eq!(found("«U2020-136»: nuovo accesso"), ["U2020-136"]);
        assert_eq!(found("U2020, poi U2020-136"), ["U2020", "U2020-136"]);
        // Not inside a longer code or word.
        for t in ["U2020-1361", "XU2020-136", "U2020-136-B", "SAI-0101", "U2020.5", "SAI_010x", "ESAI-010"] {
            assert_eq!(found(t), Vec::<&str>::new(), "{t}");
        }
        // Short codes and small numbers cannot be told from counts: not looked for.
        assert_eq!(found("7 partecipanti, 123 accessi, AB"), Vec::<&str>::new());
        assert_eq!(found("protocollo 12345"), ["12345"]);
        assert!(Codes::new(["1", "22"]).is_empty());
        // Redacted like any other datum.
        let (clean, what) = redact_with("inviato da U2020-136", &codes, &Exempt::default());
        assert_eq!(clean, format!("inviato da {REDACTED}"));
        assert_eq!(what, [A_CODE]);
    }

    #[test]
    fn the_centres_own_contacts_are_spared() {
        let mut exempt = Exempt::default();
        assert!(exempt.phone("0731 538111"));
        assert!(exempt.email("sportello@comune.jesi.an.it"));
        assert!(!exempt.phone("sportello"));
        assert!(!exempt.phone("0731 538111 e 333 1234567"));
        assert!(!exempt.email("0731 538111"));
        let text = "Info: 0731/538111, +39 0731 538111, Sportello@Comune.Jesi.an.it; non 333 1234567 né a@b.it";
        let (clean, what) = redact_with(text, &Codes::default(), &exempt);
        assert_eq!(
            clean,
            format!("Info: 0731/538111, +39 0731 538111, Sportello@Comune.Jesi.an.it; non {REDACTED} né {REDACTED}")
        );
        assert_eq!(what.len(), 2);
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

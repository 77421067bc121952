//! Text normalisation shared by every lookup: header names, countries, comuni
//! and vocabularies are compared by a *folded key* so that case, accents,
//! spaces and punctuation never decide whether a value is recognised.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `s` to a lookup key: lower case, accents removed, only letters and
/// digits kept (`"Serra de' Conti "` → `"serradeconti"`, `"Perù"` → `"peru"`).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() {
                out.push(b.to_ascii_lowercase() as char);
            }
        }
        return out;
    }
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// How long a [`slug`] may grow: a file name, not a sentence.
pub const SLUG_MAX: usize = 80;

/// `s` as a name for a file or a URL: lower-case ASCII letters and digits,
/// accents removed, every other run of characters one `-`
/// (`"Accessi per paese e mese"` → `"accessi-per-paese-e-mese"`,
/// `"Perù"` → `"peru"`), cut at a `-` before [`SLUG_MAX`] characters.
/// Empty when `s` has no letter or digit that ASCII can spell.
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.len() > SLUG_MAX || out.ends_with('-') {
        let cut = out[..out.len().min(SLUG_MAX)].rfind('-').unwrap_or(out.len().min(SLUG_MAX));
        out.truncate(cut);
    }
    out
}

/// Whether a cell labels a totals row (`Totale`, `TOTALI`, `Tot.`,
/// `Totale generale`, `Somma`): checked on every row, so the first byte
/// is looked at before anything is folded.
pub fn is_total_label(cell: &str) -> bool {
    if !matches!(cell.trim_start().as_bytes().first(), Some(b'T' | b't' | b'S' | b's')) {
        return false;
    }
    matches!(fold(cell).as_str(), "totale" | "totali" | "tot" | "totalegenerale" | "somma" | "subtotale" | "total")
}

/// Trims the spaces (including non-breaking ones, frequent in spreadsheets)
/// around a cell.
#[inline]
pub fn trim_cell(s: &str) -> &str {
    // Most cells need no trimming: check the ends before walking chars.
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (None, _) => return s,
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => return s,
        _ => {}
    }
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{feff}')
}

/// How many characters of a bad value a message quotes.
pub const QUOTED_CHARS: usize = 80;

/// `s` as a message quotes it: at most [`QUOTED_CHARS`] characters, then
/// `…` and how long it really is (a 10 MB cell is never echoed whole).
pub fn short(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(QUOTED_CHARS) {
        None => std::borrow::Cow::Borrowed(s),
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}… ({} caratteri in tutto)", &s[..cut], s.chars().count())),
    }
}

/// `s` safe to print on a terminal: control characters (C0 but line feeds
/// and tabs, DEL, C1) and the bidirectional overrides become
/// `\u{..}` escapes, so that text read from a file (a PDF's seal, a file
/// name) can neither move the cursor, clear the screen nor reorder a line.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    // As `glyphs::is_control` (a leaf cannot name it), and a carriage
    // return too: it would let the rest of a line cover its start.
    let bad = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n')) || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The names in `candidates` closest to `input`, best first, for a
/// "forse «…»?" hint. Only reasonably close names are returned.
pub fn nearest<'a, I>(input: &str, candidates: I, max: usize) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let key = fold(input);
    if key.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(f64, &'a str)> = candidates
        .into_iter()
        .map(|c| {
            let ck = fold(c);
            let mut score = strsim::jaro_winkler(&key, &ck);
            // A name that contains what was typed (or the reverse) is a
            // strong hint, when the shorter is a good part of the longer:
            // «Auditore» holds «Re» but does not mean it.
            let (short, long) = if key.len() <= ck.len() { (&key, &ck) } else { (&ck, &key) };
            if short.len() >= 4 && short.len() * 2 >= long.len() && long.contains(short.as_str()) {
                score = score.max(0.9);
            }
            (score, c)
        })
        .filter(|(s, _)| *s >= 0.82)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut out: Vec<&str> = Vec::new();
    for (_, c) in scored {
        if !out.contains(&c) {
            out.push(c);
        }
        if out.len() == max {
            break;
        }
    }
    out
}

/// A count with Italian thousands separators: `32.767`, `1.048.576`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `1 accesso`, `3 accessi`: a count with the right Italian form.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Formats a hint naming the nearest candidates: `forse «Nigeria»?`.
pub fn maybe_hint(names: &[&str]) -> Option<String> {
    match names {
        [] => None,
        [one] => Some(format!("forse «{one}»?")),
        many => {
            let list: Vec<String> = many.iter().map(|n| format!("«{n}»")).collect();
            Some(format!("forse uno di: {}?", list.join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_what_would_drive_a_terminal() {
        assert_eq!(printable("2025H1"), "2025H1");
        assert_eq!(printable("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(printable("riga\nsotto\tcol"), "riga\nsotto\tcol");
        assert_eq!(printable("x\u{9b}y\u{202e}z\u{7f}"), "x\\u{9b}y\\u{202e}z\\u{7f}");
    }

    #[test]
    fn fold_ignores_case_accents_and_punctuation() {
        assert_eq!(fold("Data presa in carico"), "datapresaincarico");
        assert_eq!(fold("data_presa-in.carico"), "datapresaincarico");
        assert_eq!(fold("Perù"), "peru");
        assert_eq!(fold("  Serra de' Conti "), "serradeconti");
        assert_eq!(fold("CÔTE D’IVOIRE"), "cotedivoire");
    }

    #[test]
    fn slugs_are_lower_case_ascii_words() {
        assert_eq!(slug("Accessi per paese e mese"), "accessi-per-paese-e-mese");
        assert_eq!(slug("Centro Servizi per l'Integrazione Sociale"), "centro-servizi-per-l-integrazione-sociale");
        assert_eq!(slug("  Perù / Città "), "peru-citta");
        assert_eq!(slug("2025-01-01..2025-06-30"), "2025-01-01-2025-06-30");
        assert_eq!(slug("ßøñ"), "n");
        assert_eq!(slug("—"), "");
        let long = slug(&"parola ".repeat(40));
        assert!(long.len() <= SLUG_MAX && long.ends_with("parola"), "{long}");
    }

    #[test]
    fn thousands_are_separated_by_dots() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(32_767), "32.767");
        assert_eq!(thousands(1_048_576), "1.048.576");
    }

    #[test]
    fn nearest_finds_a_typo() {
        let names = ["Nigeria", "Niger", "Marocco", "Italia"];
        assert_eq!(nearest("Nigerai", names, 1), vec!["Nigeria"]);
        assert!(nearest("zzzz", names, 3).is_empty());
    }

    #[test]
    fn a_short_name_inside_the_input_is_no_hint() {
        // «Auditore» holds «re», the comune Re (VB), but does not mean it.
        assert!(nearest("Auditore", ["Re", "Ne"], 3).is_empty());
        // A name close to the input still is.
        assert_eq!(nearest("Serra de Conti", ["Serra de' Conti", "Re"], 3), vec!["Serra de' Conti"]);
    }
}

//! What a first look at delimited text tells: its delimiter and its line
//! breaks. A leaf: `scan` (the one pass over a file) and `delimited`
//! (reading its records) both use it.

/// Picks the delimiter: the most frequent of `;`, `,` and tab outside quotes
/// over the first few non-blank lines (so a title row such as "Registro
/// degli accessi, anno 2025" above the header does not decide), `;` on a
/// tie, as Italian Excel writes.
pub fn detect_delimiter(text: &str, extension: &str) -> u8 {
    if extension.eq_ignore_ascii_case("tsv") {
        return b'\t';
    }
    let (mut semi, mut comma, mut tab) = (0, 0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()).take(6) {
        let mut in_quote = false;
        for c in line.chars() {
            match c {
                '"' => in_quote = !in_quote,
                ';' if !in_quote => semi += 1,
                ',' if !in_quote => comma += 1,
                '\t' if !in_quote => tab += 1,
                _ => {}
            }
        }
    }
    if tab > semi && tab > comma {
        b'\t'
    } else if comma > semi {
        b','
    } else {
        b';'
    }
}

/// Line breaks in `bytes`: LF, CRLF, and a lone CR (old Mac exports). When
/// `more` bytes follow (a buffer of a stream), a CR at the very end is left
/// uncounted: its LF may open the next buffer.
#[inline]
pub fn count_breaks(bytes: &[u8], more: bool) -> usize {
    // A record's few dozen bytes: one plain pass beats two searches.
    if bytes.len() < 256 {
        let mut n = 0;
        for (i, &b) in bytes.iter().enumerate() {
            n += usize::from(match b {
                b'\n' => true,
                b'\r' => bytes.get(i + 1).map_or(!more, |&next| next != b'\n'),
                _ => false,
            });
        }
        return n;
    }
    let lf = memchr::memchr_iter(b'\n', bytes).count();
    let lone_cr = memchr::memchr_iter(b'\r', bytes)
        .filter(|&i| match bytes.get(i + 1) {
            Some(&next) => next != b'\n',
            None => !more,
        })
        .count();
    lf + lone_cr
}

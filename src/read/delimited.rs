//! Delimited text files (`.csv`, `.tsv`, `.txt`): delimiter detection,
//! unclosed quotes, and records with the physical line they start on.

use csv::StringRecord;

/// Picks the delimiter from the first non-blank line: the most frequent of
/// `;`, `,` and tab outside quotes (`;` on a tie, as Italian Excel writes).
pub fn detect_delimiter(text: &str, extension: &str) -> u8 {
    if extension.eq_ignore_ascii_case("tsv") {
        return b'\t';
    }
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let (mut semi, mut comma, mut tab) = (0, 0, 0);
    let mut in_quote = false;
    for c in first.chars() {
        match c {
            '"' => in_quote = !in_quote,
            ';' if !in_quote => semi += 1,
            ',' if !in_quote => comma += 1,
            '\t' if !in_quote => tab += 1,
            _ => {}
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

/// Line breaks in `bytes`: LF, CRLF, and a lone CR (old Mac exports).
pub fn count_breaks(bytes: &[u8]) -> usize {
    let mut n = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

/// The line where a quoted field opens and never closes, if any.
pub fn unclosed_quote(text: &str, delimiter: u8) -> Option<usize> {
    let b = text.as_bytes();
    let mut line = 1;
    let mut at_field_start = true;
    let mut open_line = 0;
    let mut in_quote = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            line += 1;
        }
        if in_quote {
            if c == b'"' {
                if b.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quote = false;
                }
            }
        } else if c == b'"' && at_field_start {
            in_quote = true;
            open_line = line;
        }
        at_field_start = !in_quote && (c == delimiter || c == b'\n' || c == b'\r');
        i += 1;
    }
    in_quote.then_some(open_line)
}

/// Reads records with the physical line each starts on.
pub struct DelimitedRows<'a> {
    reader: csv::Reader<&'a [u8]>,
    bytes: &'a [u8],
    /// Byte offset and line (1-based) of the last record start seen.
    cursor: (usize, usize),
    /// Records starting on or after this line are not read (an unclosed quote).
    stop_line: Option<usize>,
}

impl<'a> DelimitedRows<'a> {
    /// Reader over decoded text.
    pub fn new(text: &'a str, delimiter: u8, stop_line: Option<usize>) -> Self {
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        DelimitedRows { reader, bytes: text.as_bytes(), cursor: (0, 1), stop_line }
    }

    /// Fills `rec` with the next record and returns its first line, or
    /// `None` at the end.
    pub fn next_record(&mut self, rec: &mut StringRecord) -> Option<usize> {
        match self.reader.read_record(rec) {
            Ok(true) => {
                // The reader's own line count starts a record before the line
                // break that precedes it (with CRLF), so count lines here: from
                // the last record start to this one, skipping line breaks.
                let mut start = rec.position().map_or(self.cursor.0, |p| p.byte() as usize).max(self.cursor.0);
                while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
                    start += 1;
                }
                let newlines = count_breaks(&self.bytes[self.cursor.0..start]);
                self.cursor = (start, self.cursor.1 + newlines);
                let line = self.cursor.1;
                match self.stop_line {
                    Some(stop) if line >= stop => None,
                    _ => Some(line),
                }
            }
            // The text is already valid UTF-8, so errors cannot occur; stop
            // rather than loop if one ever does.
            Ok(false) | Err(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("data;paese;tipo\n", "csv"), b';');
        assert_eq!(detect_delimiter("data,paese,tipo\n", "csv"), b',');
        assert_eq!(detect_delimiter("data\tpaese\ttipo\n", "txt"), b'\t');
        assert_eq!(detect_delimiter("\n\"a;b\",c,d\n", "csv"), b',');
    }

    #[test]
    fn physical_lines_survive_multiline_fields() {
        let text = "a;b\r\n1;\"due\r\nrighe\"\r\n\r\n3;4\r\n";
        let mut rows = DelimitedRows::new(text, b';', None);
        let mut rec = StringRecord::new();
        let mut lines = Vec::new();
        while let Some(l) = rows.next_record(&mut rec) {
            lines.push((l, rec.iter().map(String::from).collect::<Vec<_>>()));
        }
        assert_eq!(lines[0].0, 1);
        assert_eq!(lines[1], (2, vec!["1".to_string(), "due\r\nrighe".to_string()]));
        assert_eq!(lines.last().unwrap().0, 5);
    }

    #[test]
    fn lone_carriage_returns_are_line_breaks() {
        let mut rows = DelimitedRows::new("a;b\r1;2\r\r3;4\r", b';', None);
        let mut rec = StringRecord::new();
        let mut lines = Vec::new();
        while let Some(l) = rows.next_record(&mut rec) {
            lines.push(l);
        }
        assert_eq!(lines, vec![1, 2, 4]);
    }

    #[test]
    fn unclosed_quotes_are_located() {
        assert_eq!(unclosed_quote("a;b\n1;\"ok\"\n2;\"aperta\n3;4\n", b';'), Some(3));
        assert_eq!(unclosed_quote("a;b\n1;\"ok \"\"x\"\"\"\n", b';'), None);
        assert_eq!(unclosed_quote("a;b\n1;pollice 3\"\n", b';'), None);
    }
}

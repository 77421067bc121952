//! Delimited text files (`.csv`, `.tsv`, `.txt`): delimiter detection,
//! unclosed quotes, and records with the physical line they start on.

use csv::StringRecord;

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

/// Reads records with the physical line each starts on, from one piece of
/// UTF-8 text that starts on line `first_line`.
pub struct DelimitedRows {
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    /// Byte offset and line (1-based) of the last record start seen.
    cursor: (usize, usize),
    /// Records starting on or after this line are not read (an unclosed quote).
    stop_line: Option<usize>,
}

impl DelimitedRows {
    /// Reader over decoded text.
    pub fn new(text: Vec<u8>, delimiter: u8, first_line: usize, stop_line: Option<usize>) -> Self {
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(std::io::Cursor::new(text));
        DelimitedRows { reader, cursor: (0, first_line), stop_line }
    }

    /// Fills `rec` with the next record and returns its first line, or
    /// `None` at the end.
    pub fn next_record(&mut self, rec: &mut StringRecord) -> Option<usize> {
        match self.reader.read_record(rec) {
            Ok(true) => {
                // The reader's own line count starts a record before the line
                // break that precedes it (with CRLF), so count lines here: from
                // the last record start to this one, skipping line breaks.
                let bytes = self.reader.get_ref().get_ref();
                let mut start = rec.position().map_or(self.cursor.0, |p| p.byte() as usize).max(self.cursor.0);
                while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
                    start += 1;
                }
                let newlines = count_breaks(&bytes[self.cursor.0..start]);
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

/// How much text is parsed at once: files larger than this are read in
/// pieces cut at line breaks outside quotes, so memory stays bounded.
pub const CHUNK: u64 = 8 << 20;

/// What a first, streaming pass over a delimited file learns.
#[derive(Debug)]
pub struct Scan {
    /// SHA-256 of the whole file, hex.
    pub sha256: String,
    /// Whether every byte is valid UTF-8 (else the file is Windows-1252).
    pub utf8: bool,
    /// The delimiter.
    pub delimiter: u8,
    /// First line holding bytes that are text in no supported encoding.
    pub bad_line: Option<usize>,
    /// The line where a quoted field opens and never closes.
    pub unclosed_quote: Option<usize>,
    /// Pieces to parse: (first byte, end byte, first line).
    pub chunks: Vec<(u64, u64, usize)>,
}

/// Bytes Windows-1252 leaves undefined (decoded as control characters).
const UNDEFINED_1252: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

/// Reads the file once: hash, encoding, bad bytes, unclosed quote, and cut
/// points for the pieces. `skip` bytes (a UTF-8 BOM) are hashed, not parsed.
pub fn scan(file: impl std::io::Read, skip: usize, extension: &str) -> std::io::Result<Scan> {
    scan_in_pieces(file, skip, extension, CHUNK)
}

/// [`scan`] with a chosen piece size (small in tests, to cut often).
pub fn scan_in_pieces(mut file: impl std::io::Read, skip: usize, extension: &str, piece: u64) -> std::io::Result<Scan> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let (mut utf8, mut carry) = (true, Vec::<u8>::new());
    let (mut ctrl_line, mut undefined_line, mut replacement_line) = (None, None, None);
    let mut delimiter = None;
    let (mut line, mut pos, mut chunk_start, mut chunk_line) = (1usize, 0u64, skip as u64, 1usize);
    let (mut in_quote, mut at_field_start, mut open_line, mut prev) = (false, true, 0usize, 0u8);
    let mut quote_pending = false;
    let mut chunks = Vec::new();
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let data = &buf[..n];
        hasher.update(data);
        let from = if pos < skip as u64 { (skip as u64 - pos).min(n as u64) as usize } else { 0 };
        if delimiter.is_none() {
            let head = String::from_utf8_lossy(&data[from..]);
            delimiter = Some(detect_delimiter(&head, extension));
        }
        let delim = delimiter.unwrap_or(b';');
        if utf8 {
            carry.extend_from_slice(&data[from..]);
            match std::str::from_utf8(&carry) {
                Ok(_) => carry.clear(),
                Err(e) if e.error_len().is_none() => {
                    let keep = carry.split_off(e.valid_up_to());
                    carry = keep;
                }
                Err(_) => utf8 = false,
            }
        }
        for (i, &c) in data.iter().enumerate().skip(from) {
            let at = pos + i as u64;
            // A "" inside quotes was decided by looking one byte ahead.
            if quote_pending {
                quote_pending = false;
                if c == b'"' {
                    prev = c;
                    continue;
                }
                in_quote = false;
            }
            let lone_cr = prev == b'\r' && c != b'\n';
            if lone_cr {
                line += 1;
            }
            if c == b'\n' {
                line += 1;
            }
            if c < 0x20 && !matches!(c, b'\t' | b'\r' | b'\n') && ctrl_line.is_none() {
                ctrl_line = Some(line);
            }
            if UNDEFINED_1252.contains(&c) && undefined_line.is_none() {
                undefined_line = Some(line);
            }
            if c == 0xBD && prev == 0xBF && at >= 2 && replacement_line.is_none() {
                replacement_line = Some(line);
            }
            if in_quote {
                if c == b'"' {
                    quote_pending = true;
                }
            } else if c == b'"' && at_field_start {
                in_quote = true;
                open_line = line;
            }
            at_field_start = !in_quote && (c == delim || c == b'\n' || c == b'\r');
            // Cut after a line break outside quotes once the piece is large.
            let boundary = !in_quote && (c == b'\n' || lone_cr);
            if boundary && at + 1 - chunk_start >= piece {
                let end = if c == b'\n' { at + 1 } else { at };
                chunks.push((chunk_start, end, chunk_line));
                chunk_start = end;
                chunk_line = line;
            }
            prev = c;
        }
        pos += n as u64;
    }
    if quote_pending {
        in_quote = false;
    }
    if pos > chunk_start {
        chunks.push((chunk_start, pos, chunk_line));
    }
    if !carry.is_empty() {
        utf8 = false;
    }
    let bad_line = [ctrl_line, if utf8 { replacement_line } else { undefined_line }].into_iter().flatten().min();
    Ok(Scan {
        sha256: hex(&hasher.finalize()),
        utf8,
        delimiter: delimiter.unwrap_or(b';'),
        bad_line,
        unclosed_quote: in_quote.then_some(open_line),
        chunks,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Records of a delimited file, piece after piece.
pub struct ChunkedRows {
    file: std::fs::File,
    chunks: std::vec::IntoIter<(u64, u64, usize)>,
    utf8: bool,
    delimiter: u8,
    stop_line: Option<usize>,
    current: Option<DelimitedRows>,
}

impl ChunkedRows {
    /// Reads the pieces `scan` found.
    pub fn new(file: std::fs::File, scan: &Scan) -> Self {
        ChunkedRows {
            file,
            chunks: scan.chunks.clone().into_iter(),
            utf8: scan.utf8,
            delimiter: scan.delimiter,
            stop_line: scan.unclosed_quote,
            current: None,
        }
    }

    /// Fills `rec` with the next record and returns its first line.
    pub fn next_record(&mut self, rec: &mut StringRecord) -> Option<usize> {
        use std::io::{Read, Seek, SeekFrom};
        loop {
            if let Some(rows) = &mut self.current {
                if let Some(line) = rows.next_record(rec) {
                    return Some(line);
                }
                self.current = None;
            }
            let (start, end, first_line) = self.chunks.next()?;
            if self.stop_line.is_some_and(|s| first_line >= s) {
                return None;
            }
            let mut bytes = vec![0u8; (end - start) as usize];
            if self.file.seek(SeekFrom::Start(start)).and_then(|_| self.file.read_exact(&mut bytes)).is_err() {
                return None;
            }
            if !self.utf8 {
                bytes = encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned().into_bytes();
            }
            self.current = Some(DelimitedRows::new(bytes, self.delimiter, first_line, self.stop_line));
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
        assert_eq!(detect_delimiter("Registro degli accessi, anno 2025\ndata;paese;tipo\n1;2;3\n", "csv"), b';');
    }

    #[test]
    fn physical_lines_survive_multiline_fields() {
        let text = "a;b\r\n1;\"due\r\nrighe\"\r\n\r\n3;4\r\n";
        let mut rows = DelimitedRows::new(text.as_bytes().to_vec(), b';', 1, None);
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
        let mut rows = DelimitedRows::new(b"a;b\r1;2\r\r3;4\r".to_vec(), b';', 1, None);
        let mut rec = StringRecord::new();
        let mut lines = Vec::new();
        while let Some(l) = rows.next_record(&mut rec) {
            lines.push(l);
        }
        assert_eq!(lines, vec![1, 2, 4]);
    }

    #[test]
    fn pieces_keep_records_and_physical_lines() {
        let text =
            "data;note\r\n01/01/2025;\"due\r\nrighe\"\r\n\r\n02/01/2025;x\r03/01/2025;\"a \"\"b\"\"\"\n04/01/2025;y\n";
        let whole = {
            let mut rows = DelimitedRows::new(text.as_bytes().to_vec(), b';', 1, None);
            let mut rec = StringRecord::new();
            let mut out = Vec::new();
            while let Some(l) = rows.next_record(&mut rec) {
                out.push((l, rec.iter().map(String::from).collect::<Vec<_>>()));
            }
            out
        };
        assert_eq!(whole.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 2, 5, 6, 7]);
        for piece in 1..12 {
            let mut f = tempfile::tempfile().unwrap();
            std::io::Write::write_all(&mut f, text.as_bytes()).unwrap();
            let sc = scan_in_pieces(text.as_bytes(), 0, "csv", piece).unwrap();
            assert!(sc.chunks.len() > 1, "piece {piece} cuts");
            let mut rows = ChunkedRows::new(f, &sc);
            let mut rec = StringRecord::new();
            let mut out = Vec::new();
            while let Some(l) = rows.next_record(&mut rec) {
                out.push((l, rec.iter().map(String::from).collect::<Vec<_>>()));
            }
            assert_eq!(out, whole, "piece size {piece}");
        }
    }

    #[test]
    fn unclosed_quotes_are_located() {
        assert_eq!(unclosed_quote("a;b\n1;\"ok\"\n2;\"aperta\n3;4\n", b';'), Some(3));
        assert_eq!(unclosed_quote("a;b\n1;\"ok \"\"x\"\"\"\n", b';'), None);
        assert_eq!(unclosed_quote("a;b\n1;pollice 3\"\n", b';'), None);
    }
}

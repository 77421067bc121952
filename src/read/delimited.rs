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

/// Line breaks in `bytes`: LF, CRLF, and a lone CR (old Mac exports). When
/// `more` bytes follow (a buffer of a stream), a CR at the very end is left
/// uncounted: its LF may open the next buffer.
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
                let newlines = count_breaks(&bytes[self.cursor.0..start], false);
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

/// Reads any piece of a delimited file, from any thread: positional reads,
/// so threads sharing the handle never race on a file offset.
pub struct Pieces {
    file: std::fs::File,
    utf8: bool,
    delimiter: u8,
    stop_line: Option<usize>,
    meter: crate::progress::Meter,
}

impl Pieces {
    /// A reader over one piece (`None` past an unclosed quote or on a read error).
    pub fn reader(&self, piece: &(u64, u64, usize)) -> Option<DelimitedRows> {
        let &(start, end, first_line) = piece;
        if self.stop_line.is_some_and(|s| first_line >= s) {
            return None;
        }
        let mut bytes = vec![0u8; (end - start) as usize];
        read_at(&self.file, &mut bytes, start).ok()?;
        self.meter.advance(end - start);
        if !self.utf8 {
            bytes = encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned().into_bytes();
        }
        Some(DelimitedRows::new(bytes, self.delimiter, first_line, self.stop_line))
    }
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

/// Records of a delimited file, piece after piece.
pub struct ChunkedRows {
    pieces: Pieces,
    chunks: std::vec::IntoIter<(u64, u64, usize)>,
    current: Option<DelimitedRows>,
}

impl ChunkedRows {
    /// Reads the pieces `scan` found, advancing `meter` by each piece read.
    pub fn new(file: std::fs::File, scan: &super::scan::Scan, meter: crate::progress::Meter) -> Self {
        ChunkedRows {
            pieces: Pieces { file, utf8: scan.utf8, delimiter: scan.delimiter, stop_line: scan.unclosed_quote, meter },
            chunks: scan.chunks.clone().into_iter(),
            current: None,
        }
    }

    /// The pieces not yet started, taken away: after this, `next_record`
    /// finishes only the piece under way. Read them with [`Self::pieces`].
    pub fn take_pieces(&mut self) -> Vec<(u64, u64, usize)> {
        std::mem::take(&mut self.chunks).collect()
    }

    /// What another thread needs to read pieces of the same file.
    pub fn pieces(&self) -> Option<Pieces> {
        Some(Pieces { file: self.pieces.file.try_clone().ok()?, meter: self.pieces.meter.clone(), ..self.pieces })
    }

    /// Fills `rec` with the next record and returns its first line.
    pub fn next_record(&mut self, rec: &mut StringRecord) -> Option<usize> {
        loop {
            if let Some(rows) = &mut self.current {
                if let Some(line) = rows.next_record(rec) {
                    return Some(line);
                }
                self.current = None;
            }
            self.current = Some(self.pieces.reader(&self.chunks.next()?)?);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::scan::scan;
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
            let sc = scan(Dribble(text.as_bytes(), piece as usize), 0, "csv", piece).unwrap();
            assert!(sc.chunks.len() > 1, "piece {piece} cuts");
            let mut rows = ChunkedRows::new(f, &sc, crate::progress::Meter::default());
            let mut rec = StringRecord::new();
            let mut out = Vec::new();
            while let Some(l) = rows.next_record(&mut rec) {
                out.push((l, rec.iter().map(String::from).collect::<Vec<_>>()));
            }
            assert_eq!(out, whole, "piece size {piece}");
        }
    }

    /// A reader that hands out a few bytes at a time, to cross every
    /// buffer boundary the streaming pass handles.
    struct Dribble<'a>(&'a [u8], usize);

    impl std::io::Read for Dribble<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.1 = self.1 % 5 + 1;
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn streaming_across_tiny_buffers_finds_the_same() {
        let cases: [&[u8]; 5] = [
            "data;note\r\n01/01/2025;\"due\r\nrighe\"\r\n\r\n02/01/2025;Perù\r03/01/2025;\"a \"\"b\"\"\"\n".as_bytes(),
            b"a;b\n1;\"aperta\n2;3\n",
            b"a;b\r\n1;2\r\n\x01;3\r\n",
            b"a;b\n1;Per\xf9\n2;\x81\n",
            "a;b\rcittà;più\r\"x\"\"\";y\r".as_bytes(),
        ];
        for text in cases {
            let whole = scan(text, 0, "csv", 1 << 30).unwrap();
            let dribbled = scan(Dribble(text, 0), 0, "csv", 1 << 30).unwrap();
            assert_eq!(
                (whole.utf8, whole.bad_line, whole.unclosed_quote, whole.sha256.clone()),
                (dribbled.utf8, dribbled.bad_line, dribbled.unclosed_quote, dribbled.sha256.clone()),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
        let s = scan(cases[1], 0, "csv", 1 << 30).unwrap();
        assert_eq!(s.unclosed_quote, Some(2));
        let s = scan(Dribble(cases[2], 0), 0, "csv", 1 << 30).unwrap();
        assert_eq!(s.bad_line, Some(3));
        let s = scan(Dribble(cases[3], 0), 0, "csv", 1 << 30).unwrap();
        assert_eq!((s.utf8, s.bad_line), (false, Some(3)));
        let s = scan(Dribble(cases[0], 0), 0, "csv", 1 << 30).unwrap();
        assert!(s.utf8);
    }

    #[test]
    fn a_quote_right_after_the_bom_opens_a_field() {
        // Review finding: the BOM's last byte was taken for the byte before
        // the first quote, so the quote did not open a field.
        let text = "\u{feff}\"data\nx\";paese\n01/02/2025;Italia\n";
        for piece in 1..8 {
            let s = scan(Dribble(text.as_bytes(), piece), 3, "csv", piece as u64).unwrap();
            assert_eq!(s.unclosed_quote, None);
            assert!(
                s.chunks.iter().all(|&(start, _, _)| start != 9 && start != 10),
                "cut inside the quotes: {:?}",
                s.chunks
            );
        }
        let s = scan("\u{feff}\"aperta\na;b\n".as_bytes(), 3, "csv", 1 << 30).unwrap();
        assert_eq!(s.unclosed_quote, Some(1));
    }

    #[test]
    fn unclosed_quotes_are_located() {
        let open = |t: &str| scan(t.as_bytes(), 0, "csv", 1 << 30).unwrap().unclosed_quote;
        assert_eq!(open("a;b\n1;\"ok\"\n2;\"aperta\n3;4\n"), Some(3));
        assert_eq!(open("a;b\n1;\"ok \"\"x\"\"\"\n"), None);
        assert_eq!(open("a;b\n1;pollice 3\"\n"), None);
    }
}

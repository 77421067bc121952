//! The first, streaming pass over a delimited file: SHA-256, encoding
//! (UTF-8 or Windows-1252), bytes that are no text, an unclosed quote, and
//! where to cut the file into pieces (line breaks outside quotes). It works
//! on the positions of quotes and line breaks (memchr), not byte by byte.

use super::sniff::{count_breaks, detect_delimiter};
use super::utf8::{MAX_BAD_LINES, Utf8Check};

/// What a first, streaming pass over a delimited file learns.
#[derive(Debug)]
pub struct Scan {
    /// SHA-256 of the whole file, hex.
    pub sha256: String,
    /// Whether the file is UTF-8 (else it is Windows-1252); see `invalid_utf8`.
    pub utf8: bool,
    /// The delimiter.
    pub delimiter: u8,
    /// First line holding bytes that are text in no supported encoding.
    pub bad_line: Option<usize>,
    /// For a UTF-8 file with a few bytes that are not UTF-8: their lines
    /// (the first few).
    pub invalid_utf8: Vec<usize>,
    /// The line where a quoted field opens and never closes.
    pub unclosed_quote: Option<usize>,
    /// Pieces to parse: (first byte, end byte, first line).
    pub chunks: Vec<(u64, u64, usize)>,
    /// Bytes the line counter went over: a measure of work, linear in the
    /// file in every dialect (a test holds it so).
    pub line_bytes: u64,
}

/// A byte that is text in no encoding: a control other than tab, CR, LF.
/// (Written with `&`, not `&&`, so that loops over it vectorise.)
#[inline(always)]
fn is_control(b: u8) -> bool {
    (b < 0x20) & (b != b'\t') & (b != b'\r') & (b != b'\n')
}

/// A byte Windows-1252 leaves undefined (decoded as a control character).
#[inline(always)]
fn is_undefined_1252(b: u8) -> bool {
    (b == 0x81) | (b == 0x8D) | (b == 0x8F) | (b == 0x90) | (b == 0x9D)
}

/// Whether `data` holds a byte that is text in no encoding (controls other
/// than tab, CR and LF), and whether it holds one Windows-1252 leaves
/// undefined: one pass the compiler vectorises.
fn any_bad(data: &[u8]) -> (bool, bool) {
    let (mut control, mut undefined) = (false, false);
    for block in data.chunks(4096) {
        let (c, u) = block.iter().fold((false, false), |(c, u), &b| (c | is_control(b), u | is_undefined_1252(b)));
        control |= c;
        undefined |= u;
    }
    (control, undefined)
}

/// The first byte that is text in no encoding (controls other than tab, CR
/// and LF), or with `undefined`, also one Windows-1252 leaves undefined.
fn first_bad(data: &[u8], undefined: bool) -> Option<usize> {
    data.iter().position(|&b| is_control(b) || (undefined && is_undefined_1252(b)))
}

/// State of the streaming pass, byte offsets absolute in the file.
struct Scanner {
    delimiter: u8,
    piece: u64,
    /// Line (1-based) at `counted`.
    line: usize,
    counted: u64,
    /// The previous buffer ended with a CR whose next byte was unknown.
    pending_cr: bool,
    in_quote: bool,
    /// A quote inside quotes was the last byte of a buffer: `""` or a close.
    pending_quote: bool,
    /// Byte just before the current position (for "is this quote at a field start").
    prev: u8,
    open_line: usize,
    /// Where the quote still open was opened (its line is `open_line` once
    /// the buffer it opened in is done).
    open_at: u64,
    chunk_start: u64,
    chunk_line: usize,
    chunks: Vec<(u64, u64, usize)>,
    /// Bytes examined by the line counter.
    line_bytes: u64,
}

impl Scanner {
    /// A scanner at the start of the text (after `skip` bytes of BOM).
    fn new(delimiter: u8, piece: u64, skip: usize) -> Scanner {
        Scanner {
            delimiter,
            piece,
            line: 1,
            counted: skip as u64,
            pending_cr: false,
            in_quote: false,
            pending_quote: false,
            prev: b'\n',
            open_line: 0,
            open_at: 0,
            chunk_start: skip as u64,
            chunk_line: 1,
            chunks: Vec::new(),
            line_bytes: 0,
        }
    }

    /// The line of absolute offset `at` inside `data` (which starts at
    /// `base`), at or after what has been counted.
    fn line_at(&mut self, data: &[u8], base: u64, at: u64) -> usize {
        let from = (self.counted.max(base) - base) as usize;
        let to = ((at - base) as usize).max(from);
        let slice = &data[from..to];
        self.line_bytes += slice.len() as u64;
        let mut line = self.line + count_breaks(slice, true);
        if self.pending_cr && slice.first().is_some_and(|&b| b != b'\n') {
            line += 1;
        }
        if slice.last() == Some(&b'\r') && data.get(to).is_some_and(|&b| b != b'\n') {
            line += 1;
        }
        line
    }

    /// Advances the line count to absolute offset `to` inside `data` (which starts at `base`).
    fn count_to(&mut self, data: &[u8], base: u64, to: u64) {
        let from = (self.counted - base) as usize;
        let to_i = (to - base) as usize;
        if from >= to_i {
            return;
        }
        let slice = &data[from..to_i];
        self.line_bytes += slice.len() as u64;
        if self.pending_cr && slice[0] != b'\n' {
            self.line += 1;
        }
        self.pending_cr = false;
        self.line += count_breaks(slice, true);
        if slice[slice.len() - 1] == b'\r' {
            if to_i < data.len() {
                if data[to_i] != b'\n' {
                    self.line += 1;
                }
            } else {
                self.pending_cr = true;
            }
        }
        self.counted = to;
    }

    /// Cuts a piece at the first LF outside quotes in `[from, to)` once the
    /// piece is large enough.
    fn maybe_cut(&mut self, data: &[u8], base: u64, from: u64, to: u64) {
        if self.in_quote || to <= from {
            return;
        }
        let threshold = self.chunk_start + self.piece;
        let start = from.max(threshold);
        if start >= to {
            return;
        }
        let s = (start - base) as usize;
        let e = (to - base) as usize;
        // A cut after LF, or after a lone CR (old Mac files have no LF at all).
        let mut at = s;
        let cut = loop {
            let Some(i) = memchr::memchr2(b'\n', b'\r', &data[at..e]).map(|i| i + at) else { return };
            match (data[i], data.get(i + 1)) {
                (b'\n', _) => break i + 1,
                // CRLF: cut after the LF, when it is in this range.
                (b'\r', Some(b'\n')) if i + 2 <= e => break i + 2,
                (b'\r', Some(b'\n')) => return,
                (b'\r', Some(_)) => break i + 1,
                // A CR last in the buffer: its next byte is unknown yet.
                _ => at = i + 1,
            }
            if at >= e {
                return;
            }
        };
        {
            let cut = base + cut as u64;
            self.count_to(data, base, cut);
            self.chunks.push((self.chunk_start, cut, self.chunk_line));
            self.chunk_start = cut;
            self.chunk_line = self.line;
        }
    }

    /// Processes one buffer `data` starting at absolute offset `base`, from index `from`.
    fn feed(&mut self, data: &[u8], base: u64, from: usize) {
        let mut done = base + from as u64;
        if self.counted < done {
            self.counted = done;
        }
        let mut i = from;
        if self.pending_quote && i < data.len() {
            self.pending_quote = false;
            if data[i] == b'"' {
                // An escaped quote: still inside.
                self.prev = b'"';
                i += 1;
            } else {
                self.in_quote = false;
            }
        }
        while let Some(q) = memchr::memchr(b'"', &data[i..]).map(|q| q + i) {
            let at = base + q as u64;
            self.maybe_cut(data, base, done, at);
            // The byte before: in this buffer past the BOM, else the last one seen
            // (a line break at the start of the text).
            let before = if q > from { data[q - 1] } else { self.prev };
            if self.in_quote {
                match data.get(q + 1) {
                    Some(b'"') => {
                        i = q + 2;
                        done = base + i as u64;
                        continue;
                    }
                    Some(_) => self.in_quote = false,
                    None => self.pending_quote = true,
                }
            } else if at == 0 || before == self.delimiter || before == b'\n' || before == b'\r' {
                self.in_quote = true;
                // Only where it opens: its line is counted if the quote is
                // still open when the buffer ends (counting lines at every
                // opening quote made quote-all files slow, and counting
                // from the last cut at every quote made them quadratic).
                self.open_at = at;
            }
            i = q + 1;
            done = base + i as u64;
        }
        let end = base + data.len() as u64;
        self.maybe_cut(data, base, done, end);
        if self.in_quote && self.open_at >= base && self.open_at >= self.counted {
            self.count_to(data, base, self.open_at);
            // A CR that ended the last buffer, then this quote: a line break.
            self.open_line = self.line + usize::from(self.pending_cr);
        }
        // Bytes of the BOM are not text: they never count as "the byte before".
        if let Some(&last) = data[from.min(data.len())..].last() {
            self.prev = last;
        }
        self.count_to(data, base, end);
    }
}

/// Reads the file once: hash, encoding, bad bytes, unclosed quote, and cut
/// points for pieces of about `piece` bytes. `skip` bytes (a UTF-8 BOM) are
/// hashed, not parsed. With more than one of `threads`, the hash is made
/// on a thread of its own.
pub fn scan(
    file: impl std::io::Read,
    skip: usize,
    extension: &str,
    piece: u64,
    threads: usize,
) -> std::io::Result<Scan> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    if threads <= 1 {
        // In turn: each buffer hashed once scanned, then read into again.
        let scanned = scan_with(file, skip, extension, piece, |done| {
            Ok(done.inspect(|buf| hasher.update(buf)).unwrap_or_default())
        });
        return scanned.map(|scan| Scan { sha256: hex(&hasher.finalize()), ..scan });
    }
    // Buffer after buffer, while this thread scans the next: on two cores
    // the serial first pass does not wait for SHA-256.
    std::thread::scope(|scope| {
        let (to_hash, hashing) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        let (give_back, spare) = std::sync::mpsc::channel::<Vec<u8>>();
        let hashed = scope.spawn(move || {
            for buf in hashing {
                hasher.update(&buf);
                let _ = give_back.send(buf);
            }
            hasher.finalize()
        });
        let scanned = scan_with(file, skip, extension, piece, |done| {
            if let Some(buf) = done {
                to_hash
                    .send(buf)
                    .map_err(|_| std::io::Error::other("il calcolo dell'impronta SHA-256 si è fermato"))?;
            }
            Ok(spare.try_recv().unwrap_or_default())
        });
        drop(to_hash);
        let digest =
            hashed.join().map_err(|_| std::io::Error::other("il calcolo dell'impronta SHA-256 non è riuscito"))?;
        scanned.map(|scan| Scan { sha256: hex(&digest), ..scan })
    })
}

/// The first pass itself. `cycle` takes each buffer once scanned (to be
/// hashed) and gives the buffer to read into next (`None` at the start).
fn scan_with(
    mut file: impl std::io::Read,
    skip: usize,
    extension: &str,
    piece: u64,
    mut cycle: impl FnMut(Option<Vec<u8>>) -> std::io::Result<Vec<u8>>,
) -> std::io::Result<Scan> {
    const BUFFER: usize = 1 << 20;
    let mut check = Utf8Check::default();
    let mut invalid_lines: Vec<usize> = Vec::new();
    let (mut bad_line, mut undefined_line, mut replacement_line) = (None, None, None);
    let mut sc: Option<Scanner> = None;
    let mut pos = 0u64;
    let mut buf = cycle(None)?;
    loop {
        buf.resize(BUFFER, 0);
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        buf.truncate(n);
        let data = &buf[..];
        let from = if pos < skip as u64 { (skip as u64 - pos).min(n as u64) as usize } else { 0 };
        let s = sc.get_or_insert_with(|| {
            Scanner::new(detect_delimiter(&String::from_utf8_lossy(&data[from..]), extension), piece, skip)
        });
        let body = &data[from..];
        let at = |i: usize| pos + (from + i) as u64;
        for i in check.feed(body) {
            let line = s.line_at(data, pos, at(i));
            if invalid_lines.len() < MAX_BAD_LINES && invalid_lines.last() != Some(&line) {
                invalid_lines.push(line);
            }
        }
        // One pass tells whether either kind of byte is there; only then
        // is it looked for (the first of each is enough).
        let (control, undefined) =
            if bad_line.is_none() || undefined_line.is_none() { any_bad(body) } else { (false, false) };
        if bad_line.is_none() && control {
            bad_line = first_bad(body, false).map(|i| s.line_at(data, pos, at(i)));
        }
        if undefined_line.is_none() && (control || undefined) {
            undefined_line = first_bad(body, true).map(|i| s.line_at(data, pos, at(i)));
        }
        if replacement_line.is_none() {
            replacement_line = memchr::memmem::find(body, "\u{fffd}".as_bytes()).map(|i| s.line_at(data, pos, at(i)));
        }
        s.feed(data, pos, from);
        pos += n as u64;
        buf = cycle(Some(buf))?;
    }
    check.end();
    let utf8 = check.is_utf8();
    // UTF-8 with stray bytes: each is an error at its line (reading it as
    // Windows-1252 would garble every accented letter of the file).
    let invalid_utf8 = if utf8 && check.has_invalid() { invalid_lines } else { Vec::new() };
    let mut s = sc.unwrap_or_else(|| Scanner::new(b';', piece, skip));
    if s.pending_quote {
        s.in_quote = false;
    }
    if pos > s.chunk_start {
        s.chunks.push((s.chunk_start, pos, s.chunk_line));
    }
    let bad = [bad_line, if utf8 { replacement_line } else { undefined_line }].into_iter().flatten().min();
    Ok(Scan {
        // Filled in by `scan` once the hashing thread is done.
        sha256: String::new(),
        utf8,
        delimiter: s.delimiter,
        bad_line: bad,
        invalid_utf8,
        unclosed_quote: s.in_quote.then_some(s.open_line),
        chunks: s.chunks,
        line_bytes: s.line_bytes,
    })
}

/// Bytes as lower-case hexadecimal (a SHA-256 as people compare it).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {

    /// The same rows in the dialects real tools write.
    fn dialects(rows: usize) -> Vec<(&'static str, Vec<u8>)> {
        let row = |i: usize, q: &str, d: &str| {
            format!(
                "{q}{:02}/01/2025{q}{d}{q}Costa d'Avorio, Rep.{q}{d}{q}scuola guida{q}{d}{q}U{i}{q}{d}{q}F{q}",
                1 + i % 28
            )
        };
        let make = |q: &str, d: &str, eol: &str| {
            let mut s = format!("{q}data{q}{d}{q}paese{q}{d}{q}tipo{q}{d}{q}utente{q}{d}{q}genere{q}{eol}");
            for i in 0..rows {
                s.push_str(&row(i, q, d));
                s.push_str(eol);
            }
            s.into_bytes()
        };
        vec![
            ("; plain", make("", ";", "\n").into_iter().filter(|&b| b != b',').collect()),
            (", minimal quotes", make("\"", ",", "\n")),
            ("; quote-all CRLF", make("\"", ";", "\r\n")),
            ("tab, lone CR", make("\"", "\t", "\r")),
        ]
    }

    #[test]
    fn line_counting_is_linear_in_every_dialect() {
        // Not a timed test: the work is counted. Counting lines from the
        // last cut at every opening quote went over the file once per
        // quoted field (quadratic: 20,000 quote-all rows took 32 s).
        for (name, bytes) in dialects(5_000) {
            for piece in [1 << 10, 64 << 10, crate::config::PIECE_BYTES] {
                let scan = super::scan(&bytes[..], 0, "csv", piece, 2).unwrap();
                let in_turn = super::scan(&bytes[..], 0, "csv", piece, 1).unwrap();
                assert_eq!(scan.sha256, in_turn.sha256, "{name}: the hash on a thread and in turn");
                assert_eq!(scan.chunks, in_turn.chunks, "{name}");
                assert!(
                    scan.line_bytes <= 2 * bytes.len() as u64,
                    "{name}, pieces of {piece}: {} bytes examined for {}",
                    scan.line_bytes,
                    bytes.len()
                );
                assert!(scan.unclosed_quote.is_none(), "{name}");
            }
        }
    }
}

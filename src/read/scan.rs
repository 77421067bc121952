//! The first, streaming pass over a delimited file: SHA-256, encoding
//! (UTF-8 or Windows-1252), bytes that are no text, an unclosed quote, and
//! where to cut the file into pieces (line breaks outside quotes). It works
//! on the positions of quotes and line breaks (memchr), not byte by byte.

use super::delimited::detect_delimiter;

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
    // INTEGRA_PIECE_BYTES (undocumented) lets tests cut small files into many pieces.
    let piece = std::env::var("INTEGRA_PIECE_BYTES").ok().and_then(|v| v.parse().ok()).unwrap_or(CHUNK);
    scan_in_pieces(file, skip, extension, piece)
}

/// Line breaks (LF, and CR not followed by LF) in `data`; a CR at the very
/// end is left to the caller, who knows the next byte.
fn breaks(data: &[u8]) -> usize {
    let lf = memchr::memchr_iter(b'\n', data).count();
    let lone_cr = memchr::memchr_iter(b'\r', data).filter(|&i| i + 1 < data.len() && data[i + 1] != b'\n').count();
    lf + lone_cr
}

/// The first byte that is text in no encoding (controls other than tab, CR
/// and LF), or with `undefined`, also one Windows-1252 leaves undefined.
fn first_bad(data: &[u8], undefined: bool) -> Option<usize> {
    // One pass the compiler vectorises; the position only when there is one.
    let any = data.iter().fold(false, |acc, &b| {
        acc | ((b < 0x20) & (b != b'\t') & (b != b'\r') & (b != b'\n'))
            | (undefined & ((b == 0x81) | (b == 0x8D) | (b == 0x8F) | (b == 0x90) | (b == 0x9D)))
    });
    if !any {
        return None;
    }
    data.iter()
        .position(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n')) || (undefined && UNDEFINED_1252.contains(&b)))
}

/// Validates the next piece of a UTF-8 stream without copying it: only a
/// character split across two buffers goes through `carry`.
fn validate_utf8(mut rest: &[u8], carry: &mut Vec<u8>) -> bool {
    if let Some(&first) = carry.first() {
        let width = match first {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        let need = width - carry.len();
        if rest.len() < need {
            carry.extend_from_slice(rest);
            return true;
        }
        carry.extend_from_slice(&rest[..need]);
        if std::str::from_utf8(carry).is_err() {
            return false;
        }
        carry.clear();
        rest = &rest[need..];
    }
    match std::str::from_utf8(rest) {
        Ok(_) => true,
        Err(e) if e.error_len().is_none() => {
            carry.extend_from_slice(&rest[e.valid_up_to()..]);
            true
        }
        Err(_) => false,
    }
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
    chunk_start: u64,
    chunk_line: usize,
    chunks: Vec<(u64, u64, usize)>,
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
            chunk_start: skip as u64,
            chunk_line: 1,
            chunks: Vec::new(),
        }
    }

    /// The line of absolute offset `at` inside `data` (which starts at
    /// `base`), at or after what has been counted.
    fn line_at(&self, data: &[u8], base: u64, at: u64) -> usize {
        let from = (self.counted.max(base) - base) as usize;
        let to = ((at - base) as usize).max(from);
        let slice = &data[from..to];
        let mut line = self.line + breaks(slice);
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
        if self.pending_cr && slice[0] != b'\n' {
            self.line += 1;
        }
        self.pending_cr = false;
        self.line += breaks(slice);
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
                self.open_line = self.line_at(data, base, at);
            }
            i = q + 1;
            done = base + i as u64;
        }
        let end = base + data.len() as u64;
        self.maybe_cut(data, base, done, end);
        // Bytes of the BOM are not text: they never count as "the byte before".
        if let Some(&last) = data[from.min(data.len())..].last() {
            self.prev = last;
        }
        self.count_to(data, base, end);
    }
}

/// [`scan`] with a chosen piece size (small in tests, to cut often).
pub fn scan_in_pieces(mut file: impl std::io::Read, skip: usize, extension: &str, piece: u64) -> std::io::Result<Scan> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let (mut utf8, mut carry) = (true, Vec::<u8>::new());
    let (mut bad_line, mut undefined_line, mut replacement_line) = (None, None, None);
    let mut sc: Option<Scanner> = None;
    let mut pos = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let data = &buf[..n];
        hasher.update(data);
        let from = if pos < skip as u64 { (skip as u64 - pos).min(n as u64) as usize } else { 0 };
        let s = sc.get_or_insert_with(|| {
            Scanner::new(detect_delimiter(&String::from_utf8_lossy(&data[from..]), extension), piece, skip)
        });
        let body = &data[from..];
        if utf8 {
            utf8 = validate_utf8(body, &mut carry);
        }
        let at = |i: usize| pos + (from + i) as u64;
        if bad_line.is_none() {
            bad_line = first_bad(body, false).map(|i| s.line_at(data, pos, at(i)));
        }
        if undefined_line.is_none() {
            undefined_line = first_bad(body, true).map(|i| s.line_at(data, pos, at(i)));
        }
        if replacement_line.is_none() {
            replacement_line = memchr::memmem::find(body, "\u{fffd}".as_bytes()).map(|i| s.line_at(data, pos, at(i)));
        }
        s.feed(data, pos, from);
        pos += n as u64;
    }
    if !carry.is_empty() {
        utf8 = false;
    }
    let mut s = sc.unwrap_or_else(|| Scanner::new(b';', piece, skip));
    if s.pending_quote {
        s.in_quote = false;
    }
    if pos > s.chunk_start {
        s.chunks.push((s.chunk_start, pos, s.chunk_line));
    }
    let bad = [bad_line, if utf8 { replacement_line } else { undefined_line }].into_iter().flatten().min();
    Ok(Scan {
        sha256: hex(&hasher.finalize()),
        utf8,
        delimiter: s.delimiter,
        bad_line: bad,
        unclosed_quote: s.in_quote.then_some(s.open_line),
        chunks: s.chunks,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

//! Is a stream UTF-8? Checked piece by piece as the first pass reads it,
//! and told apart from Windows-1252 even when one byte is stray.

/// Lines with invalid UTF-8 listed at most.
pub(super) const MAX_BAD_LINES: usize = 20;

/// UTF-8 validation of a stream, piece by piece, without copying: only a
/// character split across two buffers goes through `carry`. It goes on past
/// an invalid byte, counting valid multi-byte characters and invalid bytes,
/// so that a UTF-8 file with a stray byte is told from a Windows-1252 file.
#[derive(Default)]
pub(super) struct Utf8Check {
    carry: Vec<u8>,
    /// Valid characters of two or more bytes.
    multibyte: u64,
    /// Invalid sequences.
    invalid: u64,
}

/// Lead bytes of multi-byte characters in valid UTF-8.
fn leads(b: &[u8]) -> u64 {
    // Counted in blocks small enough for a byte-wide sum the compiler
    // vectorises, then widened.
    b.chunks(255).map(|c| u64::from(c.iter().fold(0u8, |n, &x| n + u8::from(x >= 0xC0)))).sum()
}

impl Utf8Check {
    /// The stream is over: a character it ends inside is invalid.
    pub(super) fn end(&mut self) {
        if !self.carry.is_empty() {
            self.invalid += 1;
        }
    }

    /// Whether invalid sequences were found.
    pub(super) fn has_invalid(&self) -> bool {
        self.invalid > 0
    }

    /// Checks the next piece; returns the offsets in it where the first few
    /// invalid sequences start.
    pub(super) fn feed(&mut self, body: &[u8]) -> Vec<usize> {
        let mut bad = Vec::new();
        let mut off = 0;
        if let Some(&first) = self.carry.first() {
            let width = match first {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            let need = width - self.carry.len();
            if body.len() < need {
                self.carry.extend_from_slice(body);
                return bad;
            }
            self.carry.extend_from_slice(&body[..need]);
            if std::str::from_utf8(&self.carry).is_ok() {
                self.multibyte += 1;
                off = need;
            } else {
                // The bytes after the broken lead are read again as they are.
                self.invalid += 1;
                bad.push(0);
            }
            self.carry.clear();
        }
        loop {
            let rest = &body[off..];
            match simdutf8::compat::from_utf8(rest) {
                Ok(_) => {
                    self.multibyte += leads(rest);
                    break;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    self.multibyte += leads(&rest[..valid]);
                    match e.error_len() {
                        Some(len) => {
                            self.invalid += 1;
                            if bad.len() < MAX_BAD_LINES {
                                bad.push(off + valid);
                            }
                            off += valid + len;
                        }
                        None => {
                            self.carry.extend_from_slice(&rest[valid..]);
                            break;
                        }
                    }
                }
            }
        }
        bad
    }

    /// Whether the stream is UTF-8: entirely, or with a few stray bytes
    /// among more valid accented characters than invalid bytes.
    pub(super) fn is_utf8(&self) -> bool {
        self.invalid == 0 || self.multibyte > self.invalid
    }
}

#[cfg(test)]
mod tests {
    use super::Utf8Check;

    fn check(pieces: &[&[u8]]) -> (Utf8Check, Vec<Vec<usize>>) {
        let mut c = Utf8Check::default();
        let bad = pieces.iter().map(|p| c.feed(p)).collect();
        (c, bad)
    }

    #[test]
    fn a_character_split_across_buffers_is_valid() {
        let s = "Perù e Città".as_bytes();
        for cut in 0..s.len() {
            let (c, bad) = check(&[&s[..cut], &s[cut..]]);
            assert!(c.is_utf8() && c.invalid == 0 && c.multibyte == 2, "cut at {cut}");
            assert!(bad.iter().all(Vec::is_empty));
        }
    }

    #[test]
    fn stray_bytes_in_utf8_and_whole_windows_1252_are_told_apart() {
        // UTF-8 with accents and one Windows-1252 "è": UTF-8, the byte found.
        let (c, bad) = check(&["Perù, Città, ".as_bytes(), b"caff\xe8 ", "però".as_bytes()]);
        assert!(c.is_utf8());
        assert_eq!((c.invalid, bad[1].clone()), (1, vec![4]));
        // Windows-1252 throughout: not UTF-8.
        let (c, _) = check(&[b"Per\xf9, Citt\xe0, caff\xe8"]);
        assert!(!c.is_utf8());
        // A broken lead byte at the end of one buffer.
        let (c, bad) = check(&["ù".as_bytes(), b"ok \xc3", b"a"]);
        assert_eq!(c.invalid, 1);
        assert_eq!(bad[2], vec![0]);
    }
}

//! Turning a file's bytes into text: UTF-8 with or without BOM, UTF-16 with
//! BOM, or Windows-1252 (what Italian Excel writes as "CSV").

use std::borrow::Cow;

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without BOM).
    Utf8,
    /// UTF-16 with a byte-order mark.
    Utf16,
    /// Windows-1252, the fallback for files that are not UTF-8.
    Windows1252,
}

/// Decoded text and what it took to decode it.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text, without BOM.
    pub text: Cow<'a, str>,
    /// The encoding used.
    pub encoding: Encoding,
    /// The first line holding bytes that are text in no supported encoding
    /// (control characters), if any.
    pub bad_line: Option<usize>,
}

/// Decodes `bytes`, never failing: undecodable bytes are reported through
/// [`Decoded::bad_line`].
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8_or_fallback(rest);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let enc = if bytes[0] == 0xFF { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
        let (text, _) = enc.decode_with_bom_removal(bytes);
        let text = text.into_owned();
        let bad_line = first_bad_line(&text);
        return Decoded { text: Cow::Owned(text), encoding: Encoding::Utf16, bad_line };
    }
    utf8_or_fallback(bytes)
}

fn utf8_or_fallback(bytes: &[u8]) -> Decoded<'_> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded { text: Cow::Borrowed(text), encoding: Encoding::Utf8, bad_line: first_bad_line(text) },
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            let bad_line = first_bad_line(&text);
            Decoded { text, encoding: Encoding::Windows1252, bad_line }
        }
    }
}

/// Control characters other than tab, CR and LF never belong in a register:
/// they mean the file is binary or in an encoding we do not read.
fn first_bad_line(text: &str) -> Option<usize> {
    let pos = text.find(|c: char| (c.is_control() && !matches!(c, '\t' | '\r' | '\n')) || c == '\u{fffd}')?;
    Some(super::delimited::count_breaks(&text.as_bytes()[..pos]) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_and_plain() {
        let d = decode("\u{feff}paese\nPerù\n".as_bytes());
        assert_eq!((d.text.as_ref(), d.encoding), ("paese\nPerù\n", Encoding::Utf8));
        let d = decode("paese\nPerù\n".as_bytes());
        assert_eq!(d.text, "paese\nPerù\n");
    }

    #[test]
    fn windows_1252() {
        let d = decode(b"paese;comunit\xe0\nPer\xf9;\x80\n");
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert_eq!(d.text, "paese;comunità\nPerù;€\n");
        assert_eq!(d.bad_line, None);
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "paese\nPerù\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let d = decode(&bytes);
        assert_eq!((d.text.as_ref(), d.encoding), ("paese\nPerù\n", Encoding::Utf16));
    }

    #[test]
    fn binary_garbage_is_located() {
        let d = decode(b"a;b\n1;2\n\x00\x01\x02\n");
        assert_eq!(d.bad_line, Some(3));
        let d = decode(b"a;b\n1;\x81\n");
        assert_eq!(d.bad_line, Some(2));
    }
}

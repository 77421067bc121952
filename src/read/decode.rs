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
}

/// Decodes `bytes`, never failing (Windows-1252 maps every byte); bytes that
/// are no text are found by the first pass, `read::scan`.
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8_or_fallback(rest);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let enc = if bytes[0] == 0xFF { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
        let (text, _) = enc.decode_with_bom_removal(bytes);
        return Decoded { text: Cow::Owned(text.into_owned()), encoding: Encoding::Utf16 };
    }
    utf8_or_fallback(bytes)
}

fn utf8_or_fallback(bytes: &[u8]) -> Decoded<'_> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded { text: Cow::Borrowed(text), encoding: Encoding::Utf8 },
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Decoded { text, encoding: Encoding::Windows1252 }
        }
    }
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
}

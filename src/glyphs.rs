//! The fonts the PDF embeds, and so the characters a report can show.
//!
//! Text from the registers, the notes and `centro.toml` reaches the PDF, the
//! terminal table and the other outputs. A character no embedded font has
//! (an emoji, Bengali, Chinese, Ge'ez…) makes the PDF/A fail, and a control
//! character (U+009B, a right-to-left override) can rewrite a terminal or
//! reverse a line. [`clean`] finds both: the registers stage replaces them
//! and warns at the row, so the report is made and says where to look.

use std::borrow::Cow;
use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::Font;
use typst_kit::fonts::FontStore;

/// Fonts embedded besides Typst's own: Titillium Web (SIL OFL 1.1).
pub const FONTS: &[(&str, &[u8])] = &[
    ("TitilliumWeb-Regular.ttf", include_bytes!("../assets/fonts/TitilliumWeb-Regular.ttf")),
    ("TitilliumWeb-Italic.ttf", include_bytes!("../assets/fonts/TitilliumWeb-Italic.ttf")),
    ("TitilliumWeb-SemiBold.ttf", include_bytes!("../assets/fonts/TitilliumWeb-SemiBold.ttf")),
    ("TitilliumWeb-Bold.ttf", include_bytes!("../assets/fonts/TitilliumWeb-Bold.ttf")),
    ("OFL.txt", include_bytes!("../assets/fonts/OFL.txt")),
];

/// Every font a report is typeset with: Titillium Web, then Typst's own
/// (which the PDF falls back to for Greek, Cyrillic, symbols).
pub fn store() -> &'static FontStore {
    static STORE: OnceLock<FontStore> = OnceLock::new();
    STORE.get_or_init(|| {
        let mut store = FontStore::new();
        for (_, data) in FONTS.iter().filter(|(name, _)| name.ends_with(".ttf")) {
            for font in Font::iter(Bytes::new(*data)) {
                let info = font.info().clone();
                store.push((font, info));
            }
        }
        store.extend(typst_kit::fonts::embedded());
        store
    })
}

/// The code points some embedded font covers, as sorted disjoint ranges.
fn covered() -> &'static [(u32, u32)] {
    static RANGES: OnceLock<Vec<(u32, u32)>> = OnceLock::new();
    RANGES.get_or_init(|| {
        let book = store().book();
        let mut points: Vec<u32> = (0..).map_while(|i| book.info(i)).flat_map(|info| info.coverage.iter()).collect();
        points.sort_unstable();
        points.dedup();
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for p in points {
            match ranges.last_mut() {
                Some((_, end)) if *end + 1 == p => *end = p,
                _ => ranges.push((p, p)),
            }
        }
        ranges
    })
}

/// Whether an embedded font can show `c`.
pub fn printable(c: char) -> bool {
    if c.is_ascii_graphic() || c == ' ' {
        return true;
    }
    let c = u32::from(c);
    let ranges = covered();
    let i = ranges.partition_point(|(start, _)| *start <= c);
    i > 0 && ranges[i - 1].1 >= c
}

/// Characters that steer a terminal or the direction of text rather than
/// show something: C0 and C1 controls (but tab and line breaks) and the
/// bidirectional embeddings, overrides and isolates.
pub fn is_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What replaces a character no font can show.
pub const REPLACEMENT: char = '?';

/// What [`clean`] found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Found {
    /// Control characters removed (count).
    pub controls: usize,
    /// Characters no font shows, replaced by [`REPLACEMENT`] (first few,
    /// distinct, in order).
    pub missing: Vec<char>,
}

impl Found {
    /// Whether the text was left as it was.
    pub fn is_empty(&self) -> bool {
        self.controls == 0 && self.missing.is_empty()
    }

    /// An Italian description without the characters themselves (the
    /// message goes into the PDF too): "2 caratteri di controllo, U+1F389".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.controls > 0 {
            parts.push(crate::text::plural(self.controls as u64, "carattere di controllo", "caratteri di controllo"));
        }
        if !self.missing.is_empty() {
            let codes: Vec<String> = self.missing.iter().map(|c| format!("U+{:04X}", u32::from(*c))).collect();
            parts.push(format!("caratteri che i font del PDF non hanno ({})", codes.join(", ")));
        }
        parts.join(" e ")
    }

    /// What the report does about them, in Italian.
    pub fn consequence(&self) -> String {
        match (self.controls > 0, self.missing.is_empty()) {
            (true, true) => "nel report sono tolti".into(),
            (false, _) => format!("nel report sono mostrati come «{REPLACEMENT}»"),
            (true, false) => {
                format!("nel report i caratteri di controllo sono tolti, gli altri mostrati come «{REPLACEMENT}»")
            }
        }
    }
}

/// `text` with control characters removed and characters no embedded font
/// has replaced by [`REPLACEMENT`]; borrowed when nothing changed.
pub fn clean(text: &str) -> (Cow<'_, str>, Found) {
    if text.bytes().all(|b| b.is_ascii_graphic() || matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        return (Cow::Borrowed(text), Found::default());
    }
    let mut found = Found::default();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_control(c) {
            found.controls += 1;
        } else if matches!(c, '\t' | '\n' | '\r') || printable(c) {
            out.push(c);
        } else {
            if found.missing.len() < 5 && !found.missing.contains(&c) {
                found.missing.push(c);
            }
            out.push(REPLACEMENT);
        }
    }
    if found.is_empty() { (Cow::Borrowed(text), found) } else { (Cow::Owned(out), found) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_and_italian_text_is_printable() {
        for c in "àèéìòù ÀÈÉ «»–—€ çñß ő ć Ω Ж".chars() {
            assert!(printable(c), "{c:?} U+{:04X}", u32::from(c));
        }
        assert_eq!(clean("Perù, «Città»").0, "Perù, «Città»");
    }

    #[test]
    fn what_no_font_shows_is_replaced_and_named() {
        let (text, found) = clean("Festa 🎉 দুর্গা\u{9b}\u{202e}!");
        assert!(!text.contains('🎉') && !text.contains('\u{9b}') && !text.contains('\u{202e}'), "{text}");
        assert!(text.starts_with("Festa ? ") && text.ends_with('!'), "{text}");
        assert_eq!(found.controls, 2);
        assert_eq!(found.missing[0], '🎉');
        let said = found.describe();
        assert!(said.contains("U+1F389") && said.contains("2 caratteri di controllo"), "{said}");
        assert!(!said.contains('🎉'));
    }
}

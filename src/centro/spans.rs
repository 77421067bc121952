//! Where each key of `centro.toml` is written, from the TOML parser's own
//! positions (`toml_edit` keeps a span for every key and table header), so a
//! diagnostic points at the line a coordinator has to change.

use std::collections::HashMap;

use toml_edit::{ImDocument, Item, Table};

/// Lines (1-based) of the keys and tables, by section path (`centro`,
/// `colonne.accessi`, `` for the top level) and key. A key written twice
/// (in two `[[personale]]` blocks) keeps its first line.
#[derive(Debug, Default)]
pub(crate) struct Spans {
    lines: HashMap<(String, String), usize>,
}

impl Spans {
    /// The positions in `text`; none when the text does not parse (the
    /// syntax error has its own position).
    pub fn new(text: &str) -> Spans {
        let mut spans = Spans::default();
        if let Ok(doc) = ImDocument::parse(text) {
            spans.table(text, "", doc.as_table());
        }
        spans
    }

    /// The line of `key` in `[section]`; with an empty key, the line of the
    /// section's header.
    pub fn line(&self, section: &str, key: &str) -> Option<usize> {
        self.lines.get(&(section.to_string(), key.to_string())).copied()
    }

    fn note(&mut self, text: &str, section: &str, key: &str, span: Option<std::ops::Range<usize>>) {
        if let Some(span) = span {
            let line = line_col(text, span.start).0;
            self.lines.entry((section.to_string(), key.to_string())).or_insert(line);
        }
    }

    fn table(&mut self, text: &str, path: &str, t: &Table) {
        for (name, item) in t.iter() {
            let key_span = t.key(name).and_then(|k| k.span());
            self.note(text, path, name, key_span);
            let inner = if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
            match item {
                Item::Table(sub) => {
                    self.note(text, path, name, sub.span());
                    self.note(text, &inner, "", sub.span());
                    self.table(text, &inner, sub);
                }
                Item::ArrayOfTables(blocks) => {
                    for block in blocks.iter() {
                        self.note(text, path, name, block.span());
                        self.table(text, &inner, block);
                    }
                }
                Item::Value(toml_edit::Value::InlineTable(inline)) => {
                    for (k, _) in inline.iter() {
                        self.note(text, &inner, k, inline.key(k).and_then(|k| k.span()));
                    }
                }
                Item::Value(_) | Item::None => {}
            }
        }
    }
}

/// Line (1-based) and column of byte `offset` in `text`.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

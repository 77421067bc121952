//! The period's notes (`note/<PERIOD>.md`) from Markdown to Typst markup:
//! headings, paragraphs, lists, emphasis, links, quotes, code. Text is
//! escaped character by character and code goes into string literals, so
//! what staff write is always shown as written, never run as Typst. Quotes
//! and lists past [`MAX_NESTING`] levels are shown without further indent
//! (the registers stage warns at the line: `notes-too-deep`).

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::registers::notes::MAX_NESTING;

/// Escapes text for Typst markup.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '#' | '*' | '_' | '`' | '$' | '<' | '>' | '@' | '[' | ']' | '~' | '/' | '=' | '-' | '+' | '"' | '\''
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes text for a Typst string literal.
pub fn string_literal(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn level(l: HeadingLevel) -> usize {
    l as usize
}

/// Converts Markdown to Typst markup. The highest heading level used in the
/// notes becomes a level-2 heading (level 1 is the report's section).
pub fn to_typst(md: &str) -> String {
    let events: Vec<Event> = Parser::new(md).collect();
    let top = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level: l, .. }) => Some(level(*l)),
            _ => None,
        })
        .min()
        .unwrap_or(1);
    let mut out = String::new();
    // Each list: its start number, and whether it is indented (false past
    // MAX_NESTING, where its items join the deepest indented list).
    let mut lists: Vec<(Option<u64>, bool)> = Vec::new();
    // Each quote: whether it is shown as one (false past MAX_NESTING).
    let mut quotes: Vec<bool> = Vec::new();
    let nested = |lists: &[(Option<u64>, bool)], quotes: &[bool]| {
        lists.iter().filter(|l| l.1).count() + quotes.iter().filter(|q| **q).count()
    };
    let mut links: Vec<String> = Vec::new();
    // The text of a code block, collected whole before it is emitted.
    let mut code: Option<String> = None;
    for e in events {
        match e {
            Event::Start(Tag::Heading { level: l, .. }) => {
                out.push_str(&"=".repeat(level(l) + 1 - top + 1));
                out.push(' ');
            }
            Event::End(TagEnd::Heading(_)) => out.push_str("\n\n"),
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) => out.push_str(if lists.is_empty() { "\n\n" } else { "\n" }),
            Event::Start(Tag::Emphasis) => out.push_str("#emph["),
            Event::Start(Tag::Strong) => out.push_str("#strong["),
            Event::Start(Tag::Strikethrough) => out.push_str("#strike["),
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => out.push(']'),
            Event::Start(Tag::Link { dest_url, .. }) => {
                links.push(dest_url.to_string());
                out.push_str(&format!("#link({})[", string_literal(&dest_url)));
            }
            Event::End(TagEnd::Link) => {
                links.pop();
                out.push(']');
            }
            Event::Start(Tag::List(start)) => {
                if !out.ends_with('\n') && !out.is_empty() {
                    out.push('\n');
                }
                let indented = nested(&lists, &quotes) < MAX_NESTING;
                lists.push((start, indented));
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                if !out.ends_with('\n') && !out.is_empty() {
                    out.push('\n');
                }
                let level = lists.iter().filter(|l| l.1).count();
                out.push_str(&"  ".repeat(level.saturating_sub(1)));
                out.push_str(if matches!(lists.last(), Some((Some(_), _))) { "+ " } else { "- " });
            }
            Event::End(TagEnd::Item) if !out.ends_with('\n') => {
                out.push('\n');
            }
            Event::Start(Tag::BlockQuote(_)) => {
                let shown = nested(&lists, &quotes) < MAX_NESTING;
                quotes.push(shown);
                if shown {
                    out.push_str("#quote(block: true)[");
                }
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                let shown = quotes.pop().unwrap_or(true);
                out.push_str(if shown { "]\n\n" } else { "" });
            }
            Event::Start(Tag::CodeBlock(_)) => code = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => {
                let text = code.take().unwrap_or_default();
                out.push_str(&format!("#raw(block: true, {})\n\n", string_literal(text.trim_end_matches('\n'))));
            }
            Event::Code(t) => out.push_str(&format!("#raw({})", string_literal(&t))),
            Event::Text(t) => match &mut code {
                Some(c) => c.push_str(&t),
                None => out.push_str(&escape(&t)),
            },
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str(" \\\n"),
            Event::Rule => out.push_str("#line(length: 100%)\n\n"),
            _ => {}
        }
    }
    out.trim_end().to_string() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_lists_emphasis_links() {
        let md =
            "## Corsi L2\n\nRichieste *molte* e **urgenti**.\n\n- uno\n- due\n\n[sito](https://comune.jesi.an.it)\n";
        let t = to_typst(md);
        assert!(t.starts_with("== Corsi L2\n\n"), "{t}");
        assert!(t.contains("Richieste #emph[molte] e #strong[urgenti]."), "{t}");
        assert!(t.contains("- uno\n- due\n"), "{t}");
        assert!(t.contains("#link(\"https://comune.jesi.an.it\")[sito]"), "{t}");
    }

    #[test]
    fn indented_code_blocks_of_several_lines() {
        let t = to_typst("Testo.\n\n    riga uno\n    riga \"due\"\n");
        assert!(t.contains("#raw(block: true, \"riga uno\\nriga \\\"due\\\"\")"), "{t}");
    }

    #[test]
    fn quotes_past_the_limit_are_flattened() {
        let mut md = String::new();
        for level in 1..=17 {
            md.push_str(&format!("{} messaggio {level}\n{}\n", "> ".repeat(level), ">".repeat(level)));
        }
        let t = to_typst(&md);
        assert_eq!(t.matches("#quote(").count(), MAX_NESTING, "{t}");
        assert_eq!(t.matches('[').count(), t.matches(']').count(), "{t}");
        assert!(t.contains("messaggio 17"), "{t}");
    }

    #[test]
    fn lists_past_the_limit_join_the_deepest_one() {
        let md: String = (0..20).map(|i| format!("{}- voce {i}\n", "  ".repeat(i))).collect();
        let t = to_typst(&md);
        let deepest = "  ".repeat(MAX_NESTING - 1);
        assert!(t.contains(&format!("\n{deepest}- voce 19")), "{t}");
        assert!(!t.contains(&format!("{deepest}  -")), "{t}");
    }

    #[test]
    fn typst_syntax_in_notes_is_escaped() {
        let t = to_typst("Costo #read(\"/etc/passwd\") e $x$ // commento\n");
        assert!(t.contains("\\#read"), "{t}");
        assert!(t.contains("\\$x\\$"), "{t}");
        assert!(t.contains("\\/\\/"), "{t}");
    }
}

//! How deeply the period's notes (Markdown) nest quotes and lists. A note
//! quoting an e-mail thread seventeen levels deep (`> > > …`) made the
//! template fail with Typst's "maximum show rule depth exceeded" (issue 22):
//! past [`MAX_NESTING`] levels the notes are shown without further indent
//! (`render::markdown`), and the registers stage warns at the line.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// The most quotes and lists, one inside another, the report indents. Each
/// level of quote costs the template about four of Typst's 64 levels of
/// show rules, each list two: eight of them leave room for the template's own.
pub const MAX_NESTING: usize = 8;

/// Where the notes first nest deeper than [`MAX_NESTING`]: the line (from
/// 1) and the deepest level they reach; `None` when they never do.
pub fn too_deep(md: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut first = None;
    let mut deepest = 0;
    for (event, range) in Parser::new(md).into_offset_iter() {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
                depth += 1;
                deepest = deepest.max(depth);
                if depth > MAX_NESTING && first.is_none() {
                    first = Some(range.start);
                }
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_)) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    first.map(|at| (md[..at].bytes().filter(|&b| b == b'\n').count() + 1, deepest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_quoted_seventeen_levels_deep_is_found_at_its_ninth() {
        let mut md = String::from("Bisogni\n\n");
        for level in 1..=17 {
            md.push_str(&format!("{} messaggio {level}\n{}\n", "> ".repeat(level), ">".repeat(level)));
        }
        assert_eq!(too_deep(&md), Some((3 + 2 * 8, 17)));
    }

    #[test]
    fn quotes_and_lists_count_together_and_shallow_notes_pass() {
        assert_eq!(too_deep("> - uno\n>   - due\n"), None);
        let md = format!("{}- voce\n", "> ".repeat(8));
        assert_eq!(too_deep(&md), Some((1, 9)));
    }
}

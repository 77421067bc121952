//! The period's notes: which file holds them (`note/<PERIOD>.md`, or a
//! name that means it, with a warning), read with personal data removed
//! and unprintable characters cleaned.
//!
//! How deeply the notes (Markdown) nest quotes and lists. A note
//! quoting an e-mail thread seventeen levels deep (`> > > …`) made the
//! template fail with Typst's "maximum show rule depth exceeded" (issue 22):
//! past [`MAX_NESTING`] levels the notes are shown without further indent
//! (`render::markdown`), and the registers stage warns at the line.

use std::path::Path;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::cells;
use crate::diag::{Diagnostics, Severity, Source};
use crate::period::Period;

/// A period's notes: the coordinator's Markdown, personal data removed.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    /// Path relative to the data folder.
    pub file: String,
    /// The text.
    pub text: String,
}

/// The folder of the periods' notes, in the data folder.
pub const NOTES_DIR: &str = "note";

/// The file of the period's notes, relative to the data folder: `note/<PERIOD>.md`,
/// or else one file whose name means it (`2025h1.md`, `2025H1.MD`,
/// `2025-H1.md`, Notepad's `2025H1.md.txt`), read with a warning to rename
/// it. Every such file not read is named; two of them and no exact name is
/// an error.
fn notes_file(data_dir: &Path, period: &Period, diags: &mut Diagnostics) -> Option<String> {
    let exact = format!("{}.md", period.code);
    let key = crate::text::fold(&period.code);
    let means_period = |name: &str| {
        let lower = name.to_lowercase();
        let stem = lower.strip_suffix(".txt").unwrap_or(&lower);
        let stem = stem.strip_suffix(".md").or_else(|| stem.strip_suffix(".markdown")).unwrap_or(stem);
        crate::text::fold(stem) == key && name != exact
    };
    // The names as the folder lists them: on a disk that ignores case
    // (Windows, macOS) `2025h1.md` would also open as `2025H1.md`.
    let names: Vec<String> = std::fs::read_dir(data_dir.join(NOTES_DIR))
        .map(|entries| entries.filter_map(Result::ok).filter_map(|e| e.file_name().into_string().ok()).collect())
        .unwrap_or_default();
    let has_exact = names.contains(&exact);
    let mut near: Vec<String> = names.into_iter().filter(|n| means_period(n)).collect();
    near.sort();
    let rel = |name: &str| format!("{NOTES_DIR}/{name}");
    let misnamed = |name: &str, sev: Severity, what: String| {
        let hint = if name.to_lowercase().ends_with(".txt") {
            format!(
                "rinomina il file «{exact}»: il Blocco note aggiunge «.txt», che Esplora file nasconde (attiva Visualizza > Estensioni nomi file per vederla)"
            )
        } else {
            format!("rinomina il file «{exact}»")
        };
        Source::new("note", &rel(name)).diag(sev, "notes-misnamed", what).hint(hint)
    };
    match (has_exact, near.as_slice()) {
        (true, others) => {
            for n in others {
                diags.push(misnamed(
                    n,
                    Severity::Warning,
                    format!(
                        "«{}» sembra una nota del periodo {} ma non è letta: è letta «{}»",
                        rel(n),
                        period.code,
                        rel(&exact)
                    ),
                ));
            }
            Some(rel(&exact))
        }
        (false, []) => None,
        (false, [one]) => {
            diags.push(misnamed(
                one,
                Severity::Warning,
                format!(
                    "le note del periodo {} sono lette da «{}», che ha un nome diverso da «{exact}»",
                    period.code,
                    rel(one)
                ),
            ));
            Some(rel(one))
        }
        (false, several) => {
            let listed: Vec<String> = several.iter().map(|n| format!("«{}»", rel(n))).collect();
            diags.push(misnamed(
                &several[0],
                Severity::Error,
                format!(
                    "più file sembrano le note del periodo {}: {}; non è chiaro quale leggere",
                    period.code,
                    listed.join(", ")
                ),
            ));
            None
        }
    }
}

/// The period's notes (`note/<PERIOD>.md`), if present; a note that cannot
/// be read is an error, never a silently missing section.
pub(super) fn period_notes(
    data_dir: &Path,
    period: &Period,
    contacts: &crate::privacy::Exempt,
    diags: &mut Diagnostics,
) -> Option<Notes> {
    let rel = notes_file(data_dir, period, diags)?;
    let src = Source::new("note", &rel);
    let bytes = match crate::files::read_sole(&data_dir.join(&rel), data_dir, Some(crate::files::SMALL_TEXT_LIMIT)) {
        Ok(b) => b,
        Err(crate::files::InputError::Missing) => return None,
        Err(e) => {
            diags.push(
                src.diag(Severity::Error, "notes-unreadable", format!("non riesco a leggere le note del periodo: {e}"))
                    .hint(e.hint()),
            );
            return None;
        }
    };
    let text = crate::read::decode::decode(&bytes).text.into_owned();
    if let Some(line) = text.lines().position(|l| l.contains('\0')) {
        diags.push(
            src.diag(
                Severity::Error,
                "notes-unreadable",
                "le note contengono un carattere nullo (NUL): non sono testo",
            )
            .line(line + 1)
            .hint("salva le note come testo semplice (UTF-8) da un editor di testo"),
        );
        return None;
    }
    let text = crate::privacy::redact_lines_with(&text, &Default::default(), contacts, |line, what| {
        diags.push(cells::personal_text(&src, line, None, what));
    });
    let mut shown = String::with_capacity(text.len());
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let (clean, found) = crate::glyphs::clean(line);
        if !found.is_empty() {
            diags.push(cells::unprintable_text(&src, n + 1, None, &found));
        }
        shown.push_str(&clean);
    }
    let text = shown;
    if let Some((line, deepest)) = too_deep(&text) {
        diags.push(
            src.diag(
                Severity::Warning,
                "notes-too-deep",
                format!(
                    "le note annidano citazioni o elenchi fino a {deepest} livelli: oltre il {}° il testo è riportato senza ulteriori rientri",
                    MAX_NESTING
                ),
            )
            .line(line)
            .hint("di una conversazione per e-mail riporta solo i messaggi che servono, senza le citazioni «> > >» dei precedenti"),
        );
    }
    Some(Notes { file: rel, text })
}

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

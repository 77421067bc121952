//! The Typst source of the report, for users who want to edit and compile
//! it with the stock `typst` CLI: either one self-contained file (modules
//! inlined, data embedded) or the template folder with its `data.json`.

use std::collections::HashSet;

use super::markdown::string_literal;
use super::world::DEFAULT_TEMPLATE;
use crate::config::TemplateSource;

/// Reads a template file by its path inside the template.
pub fn template_file(template: &TemplateSource, rel: &str) -> Option<Vec<u8>> {
    match template {
        TemplateSource::Embedded => DEFAULT_TEMPLATE.iter().find(|(p, _)| *p == rel).map(|(_, b)| b.to_vec()),
        TemplateSource::Folder(dir) => {
            crate::files::read(&dir.join(rel), dir, Some(crate::files::TEMPLATE_FILE_LIMIT)).ok()
        }
    }
}

/// Every file of the template: (relative path, bytes).
pub fn template_files(template: &TemplateSource) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    match template {
        TemplateSource::Embedded => Ok(DEFAULT_TEMPLATE.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect()),
        TemplateSource::Folder(dir) => {
            let mut out = Vec::new();
            let mut stack = vec![dir.clone()];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d)? {
                    let e = e?;
                    let p = e.path();
                    // The entry's own type: a link to a folder is not walked into.
                    if e.file_type()?.is_dir() {
                        stack.push(p);
                    } else if let Ok(rel) = p.strip_prefix(dir) {
                        let rel = rel.to_string_lossy().replace('\\', "/");
                        let bytes = crate::files::read(&p, dir, Some(crate::files::TEMPLATE_FILE_LIMIT))
                            .map_err(|e| std::io::Error::other(format!("«{rel}» {e}")))?;
                        out.push((rel, bytes));
                    }
                }
            }
            out.sort();
            Ok(out)
        }
    }
}

/// Why a template cannot be made into one file.
#[derive(Debug, thiserror::Error)]
pub enum FlattenError {
    /// A module it imports is not in the template.
    #[error("il modello non contiene «{0}»")]
    Missing(String),
    /// A module is not UTF-8 text.
    #[error("«{0}» non è testo UTF-8")]
    NotText(String),
}

/// One self-contained Typst file: every `#import "x.typ"` of a local module
/// replaced by that module's text (once), and `json("/data.json")` by the
/// data itself.
pub fn flatten(template: &TemplateSource, data_json: &str) -> Result<String, FlattenError> {
    let mut seen = HashSet::new();
    let mut out = String::from(
        "// Report di Gestione generato da integra: file unico, dati inclusi.\n// Compila con: typst compile --font-path <cartella con Titillium Web> report.typ
// (i font: «integra report --format typst --out CARTELLA» li copia in CARTELLA/fonts)\n\n",
    );
    inline(template, "main.typ", &mut seen, &mut out)?;
    let literal = format!("json(bytes({}))", string_literal(data_json));
    Ok(out.replace("json(\"/data.json\")", &literal).replace("json(\"data.json\")", &literal))
}

fn inline(
    template: &TemplateSource,
    rel: &str,
    seen: &mut HashSet<String>,
    out: &mut String,
) -> Result<(), FlattenError> {
    if !seen.insert(rel.to_string()) {
        return Ok(());
    }
    let bytes = template_file(template, rel).ok_or_else(|| FlattenError::Missing(rel.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| FlattenError::NotText(rel.to_string()))?;
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("#import \"")
            && let Some((module, _)) = rest.split_once('"')
            && module.ends_with(".typ")
            && !module.starts_with('@')
        {
            inline(template, module.trim_start_matches('/'), seen, out)?;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(())
}

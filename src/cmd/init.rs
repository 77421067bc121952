//! `integra init DIR`: a new data folder with a commented `centro.toml`,
//! every register with its canonical header, and `note/`. Nothing that
//! exists is ever overwritten.

use std::path::Path;

use crate::error::{Error, Result};
use crate::schema::REGISTERS;

/// The commented `centro.toml` written by `init`.
pub const CENTRO_TEMPLATE: &str = include_str!("init_centro.toml");

/// The files `init` writes: (path inside the folder, contents). With
/// `xlsx`, one workbook `registri.xlsx` takes the place of the CSV files.
pub fn files(xlsx: bool) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = vec![("centro.toml".to_string(), CENTRO_TEMPLATE.as_bytes().to_vec())];
    if xlsx {
        let (centro, _) = crate::centro::parse(CENTRO_TEMPLATE);
        let bytes = super::init_xlsx::build(&centro.tipo_richiesta).map_err(|e| Error::Io {
            context: "non riesco a preparare registri.xlsx".into(),
            source: std::io::Error::other(e.to_string()),
        })?;
        out.push(("registri.xlsx".to_string(), bytes));
    } else {
        for r in &REGISTERS {
            let header: Vec<&str> = r.columns.iter().map(|c| c.name).collect();
            // A BOM so that Excel opens the UTF-8 file with the accents right.
            out.push((format!("{}.csv", r.name), format!("\u{feff}{}\r\n", header.join(";")).into_bytes()));
        }
    }
    out.push((
        "note/LEGGIMI.md".to_string(),
        "# Note del periodo\n\nScrivi qui, in un file per periodo (per esempio `2025H1.md` per gennaio - giugno 2025),\nle osservazioni che il report riporta nella sezione «Bisogni rilevati».\nSi usa il formato Markdown: `## Titolo`, paragrafi separati da una riga vuota, elenchi con `- `.\n".as_bytes().to_vec(),
    ));
    Ok(out)
}

/// Runs the command.
pub fn run(dir: &Path, xlsx: bool, quiet: bool) -> Result<()> {
    let files = files(xlsx)?;
    let mut existing: Vec<String> =
        files.iter().filter(|(p, _)| dir.join(p).exists()).map(|(p, _)| p.clone()).collect();
    // Registers kept in another form (CSV beside a new workbook, or the
    // reverse) would make every register ambiguous.
    if dir.is_dir() {
        match crate::read::discover_all(dir) {
            Ok(found) => {
                existing.extend(found.registers.into_iter().map(|l| l.rel));
                existing.extend(found.broken.into_iter().map(|b| b.file));
            }
            Err(e) => existing.push(e.to_string()),
        }
        // Any workbook called "registri" would sit beside the new one.
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.rsplit_once('.').is_some_and(|(stem, _)| crate::text::fold(stem) == crate::read::WORKBOOK_STEM)
                {
                    existing.push(name);
                }
            }
        }
        existing.sort();
        existing.dedup();
    }
    if !existing.is_empty() {
        return Err(Error::Usage {
            message: format!("in «{}» esistono già: {}; non sovrascrivo nulla", dir.display(), existing.join(", ")),
            hint: Some("scegli una cartella nuova o vuota".into()),
        });
    }
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(format!("non riesco a creare «{}»", parent.display()), e))?;
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io(format!("non riesco a creare «{}»", path.display()), e))?;
        std::io::Write::write_all(&mut f, text)
            .map_err(|e| Error::io(format!("non riesco a scrivere «{}»", path.display()), e))?;
    }
    if !quiet {
        eprintln!(
            "cartella «{}» pronta: completa centro.toml (comune, orari, tipi di richiesta), poi compila i registri e prova «integra validate --data {}»",
            dir.display(),
            dir.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::CENTRO_TEMPLATE;

    #[test]
    fn the_commented_texts_of_init_read_clean_once_uncommented() {
        let init = CENTRO_TEMPLATE;
        let from = init.find("# [testi]").expect("init documents [testi]");
        let (head, tail) = init.split_at(from);
        let uncommented: Vec<&str> =
            tail.lines().map(|l| l.strip_prefix("# ").or_else(|| l.strip_prefix('#')).unwrap_or(l)).collect();
        let (c, d) = crate::centro::parse(&format!("{head}{}\n", uncommented.join("\n")));
        assert!(d.items().is_empty(), "{:?}", d.items());
        assert_eq!(c.testi.domande.as_ref().map(Vec::len), Some(2));
        assert!(c.testi.utenti.is_some() && c.testi.anagrafe.is_some());
        assert!(c.testi.corsi.contains_key("scuola_guida"));
    }

    #[test]
    fn the_commented_open_data_section_of_init_reads_clean_once_uncommented() {
        let init = CENTRO_TEMPLATE;
        let from = init.find("# [dati_aperti]").expect("init documents [dati_aperti]");
        let block: Vec<&str> = init[from..]
            .lines()
            .take_while(|l| !l.trim().is_empty())
            .map(|l| l.strip_prefix("# ").unwrap_or(l))
            .collect();
        let (c, d) = crate::centro::parse(&format!("[centro]\ncomune = \"Jesi\"\n{}\n", block.join("\n")));
        assert!(d.items().is_empty(), "{:?}", d.items());
        assert_eq!(c.dati_aperti.codice_ipa.as_deref(), Some("c_e388"));
        assert!(c.dati_aperti.licenza.is_some() && c.dati_aperti.contatto.is_some());
    }
}

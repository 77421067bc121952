//! `ambito.toml`: an ambito (the Ambito Territoriale Sociale, or any group
//! of centres reported together): its name, its comune capofila, its
//! centres' folders and names, its own thresholds and description. A
//! folder given to `--data` that holds this file is an ambito; several
//! `--data` folders are an ambito without one (see [`Ambito::of_folders`]).
//!
//! The file is small and written once by the ambito's office: it is read
//! with serde, every unknown key refused with its line, so that a
//! misspelt `cartella` never drops a centre in silence.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::scan::personal;
use super::sections::walk_testi;
use super::spans::Spans;
use super::walker::Walker;
use crate::diag::{Diagnostic, Diagnostics, Severity, Source};
use crate::privacy::{self, Codes, Exempt};

/// The file's name.
pub const FILE: &str = "ambito.toml";

/// One centre of the ambito.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentreRef {
    /// Its name in the ambito's report; `None` until read from the
    /// centre's `centro.toml` (`[centro] nome`) when the ambito does not
    /// name it.
    pub label: Option<String>,
    /// Its data folder.
    pub folder: PathBuf,
}

/// An ambito, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Ambito {
    /// Its name (`None`: made from its centres' names).
    pub name: Option<String>,
    /// The comune capofila: the residence table's first line (`None`: the
    /// first centre's comune).
    pub comune: Option<String>,
    /// Its description in the report.
    pub description: Option<String>,
    /// Its centres, in the order of the report's columns.
    pub centres: Vec<CentreRef>,
    /// Countries with fewer accesses than this are grouped as «altro» in
    /// the ambito's totals (`None`: the first centre's threshold).
    pub altro_sotto: Option<u32>,
    /// The publication threshold of the public version (`None`: the
    /// largest of the centres').
    pub minimo_pubblicabile: Option<u32>,
    /// The folder `ambito.toml` is in (`None` for `--data` given several times).
    pub folder: Option<PathBuf>,
    /// The ambito's own words in the report (`[testi]`, as in `centro.toml`).
    pub texts: super::Testi,
    /// What `ambito.toml` says, to place a warning about its texts at a
    /// key's line ([`Ambito::scan_texts`]); empty without one.
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    ambito: Head,
    #[serde(default)]
    centri: Vec<Centre>,
    #[serde(default)]
    soglie: Thresholds,
    /// `[testi]`, read as `centro.toml`'s is (`walk_testi`).
    testi: Option<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Head {
    nome: String,
    comune: Option<String>,
    descrizione: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Centre {
    nome: Option<String>,
    cartella: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Thresholds {
    altro_sotto: Option<u32>,
    minimo_pubblicabile: Option<u32>,
}

fn problem(code: &'static str, message: String) -> Diagnostic {
    Source::new(FILE, FILE).diag(Severity::Error, code, message)
}

/// The line (1-based) of byte `at` of `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

impl Ambito {
    /// Whether `dir` holds an `ambito.toml`.
    pub fn is_ambito(dir: &Path) -> bool {
        dir.join(FILE).is_file()
    }

    /// Several data folders given to `--data`, reported together, named by
    /// their own `centro.toml`.
    pub fn of_folders(folders: &[PathBuf]) -> Ambito {
        Ambito {
            name: None,
            comune: None,
            description: None,
            centres: folders.iter().map(|f| CentreRef { label: None, folder: f.clone() }).collect(),
            altro_sotto: None,
            minimo_pubblicabile: None,
            folder: None,
            texts: super::Testi::default(),
            text: String::new(),
        }
    }

    /// Reads `dir/ambito.toml`; every problem is an error diagnostic with
    /// its line.
    pub fn read(dir: &Path) -> Result<Ambito, Diagnostics> {
        let mut diags = Diagnostics::default();
        let text = match std::fs::read_to_string(dir.join(FILE)) {
            Ok(t) => t,
            Err(e) => {
                diags.push(problem("ambito-unreadable", format!("non riesco a leggere {FILE}: {e}")));
                return Err(diags);
            }
        };
        let file: File = match toml::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                let line = e.span().map(|s| line_of(&text, s.start));
                diags.push(
                    problem("ambito-invalid", format!("{FILE} non si legge: {}", e.message()))
                        .maybe_line(line)
                        .hint("le chiavi sono [ambito] nome, comune, descrizione; [[centri]] nome, cartella; [soglie] altro_sotto, minimo_pubblicabile; [testi] utenti, anagrafe, domande e [testi.corsi]"),
                );
                return Err(diags);
            }
        };
        Self::checked(file, dir, &text)
    }

    fn checked(file: File, dir: &Path, text: &str) -> Result<Ambito, Diagnostics> {
        let mut diags = Diagnostics::default();
        let line = |needle: &str| text.find(needle).map(|at| line_of(text, at));
        if file.centri.is_empty() {
            diags.push(
                problem("ambito-no-centres", format!("{FILE} non elenca nessun centro"))
                    .hint("aggiungi un blocco [[centri]] con nome e cartella per ogni centro"),
            );
        }
        let mut centres = Vec::new();
        let mut names = std::collections::HashSet::new();
        for c in &file.centri {
            let folder = dir.join(&c.cartella);
            if !folder.is_dir() {
                diags.push(
                    problem("ambito-folder-missing", format!("la cartella del centro «{}» non esiste", c.cartella))
                        .maybe_line(line(&c.cartella))
                        .value(c.cartella.as_str())
                        .hint(format!("la cartella è relativa a quella di {FILE}: {}", dir.display())),
                );
            } else if folder.join(FILE).is_file() {
                diags.push(
                    problem("ambito-nested", format!("la cartella «{}» è a sua volta un ambito", c.cartella))
                        .maybe_line(line(&c.cartella))
                        .hint("un ambito elenca le cartelle dei centri (con centro.toml), non altri ambiti"),
                );
            }
            if let Some(n) = &c.nome {
                if n.trim().is_empty() {
                    diags.push(
                        problem("ambito-invalid", "un centro ha il nome vuoto".into()).maybe_line(line(&c.cartella)),
                    );
                } else if !names.insert(n.trim().to_lowercase()) {
                    diags.push(
                        problem("ambito-duplicate-centre", format!("il centro «{n}» è elencato due volte"))
                            .maybe_line(line(n))
                            .hint("ogni centro ha un nome suo: è la colonna del centro nel report"),
                    );
                }
            }
            centres.push(CentreRef { label: c.nome.as_ref().map(|n| n.trim().to_string()), folder });
        }
        for (key, v) in
            [("altro_sotto", file.soglie.altro_sotto), ("minimo_pubblicabile", file.soglie.minimo_pubblicabile)]
        {
            if v == Some(0) {
                diags.push(
                    problem("ambito-invalid", format!("[soglie] {key} vale 0"))
                        .maybe_line(line(key))
                        .hint("una soglia è un numero intero da 1 in su"),
                );
            }
        }
        // The texts are checked as a centre's: paragraphs, lengths,
        // printable characters, unknown keys (errors of `ambito.toml`).
        let mut texts = super::Testi::default();
        if let Some(t) = &file.testi {
            let mut w = Walker {
                spans: std::sync::Arc::new(Spans::new(text)),
                src: Source::new(FILE, FILE),
                diags: Diagnostics::default(),
            };
            walk_testi(&mut w, &mut texts, t);
            // Every key of ambito.toml is refused when unknown, so that a
            // misspelt text is never left out in silence: the walker's
            // warnings (an unknown key) are errors here.
            for mut d in w.diags.items().iter().cloned() {
                d.severity = Severity::Error;
                diags.push(d);
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Ambito {
            name: Some(file.ambito.nome.trim().to_string()),
            comune: file.ambito.comune,
            description: file.ambito.descrizione,
            centres,
            altro_sotto: file.soglie.altro_sotto,
            minimo_pubblicabile: file.soglie.minimo_pubblicabile,
            folder: Some(dir.to_path_buf()),
            texts,
            text: text.to_string(),
        })
    }

    /// Takes personal data and every centre's `codes` of people out of the
    /// texts the ambito's report prints (its description and `[testi]`),
    /// sparing the centres' own contacts (`exempt`): a warning
    /// (`text-personal-data`, at the key's line) for each, as for a
    /// centre's `centro.toml`.
    pub fn scan_texts(&mut self, codes: &[&Codes], exempt: &Exempt) -> Vec<Diagnostic> {
        let spans = Spans::new(&self.text);
        let mut out = Vec::new();
        let mut scan = |text: &mut String, section: &str, key: &str| {
            for c in codes {
                let (clean, found) = privacy::redact_with(text, c, exempt);
                if !found.is_empty() {
                    let clean = clean.into_owned();
                    out.extend(found.into_iter().map(|what| personal(FILE, &spans, section, key, what)));
                    *text = clean;
                }
            }
        };
        if let Some(d) = &mut self.description {
            scan(d, "ambito", "descrizione");
        }
        let t = &mut self.texts;
        for (texts, key) in [(&mut t.utenti, "utenti"), (&mut t.anagrafe, "anagrafe"), (&mut t.domande, "domande")] {
            for paragraph in texts.iter_mut().flatten() {
                scan(paragraph, "testi", key);
            }
        }
        for (kind, paragraphs) in &mut t.corsi {
            for paragraph in paragraphs {
                scan(paragraph, "testi.corsi", kind);
            }
        }
        out
    }
}

/// The diagnostics of one centre of an ambito: the file named from the
/// ambito's folder (`jesi/accessi.csv`), and the centre's name beside it.
pub fn of_centre(diags: Diagnostics, label: &str, prefix: &str) -> Diagnostics {
    let mut out = Diagnostics::default();
    for mut d in diags.items().iter().cloned() {
        d.centre = Some(label.to_string());
        if !prefix.is_empty() {
            d.file = format!("{prefix}/{}", d.file);
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) {
        std::fs::write(dir.join(FILE), text).unwrap();
    }

    #[test]
    fn an_unknown_key_is_refused_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        write(dir.path(), "[ambito]\nnome = \"X\"\n\n[[centri]]\nnome = \"A\"\ncartela = \"a\"\n");
        let d = Ambito::read(dir.path()).unwrap_err();
        assert_eq!(d.items()[0].code, "ambito-invalid");
        assert_eq!(d.items()[0].line, Some(6), "{:?}", d.items()[0]);
    }

    #[test]
    fn a_missing_folder_and_a_twice_named_centre_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        write(
            dir.path(),
            "[ambito]\nnome = \"X\"\n[[centri]]\nnome = \"A\"\ncartella = \"a\"\n[[centri]]\nnome = \"a\"\ncartella = \"b\"\n",
        );
        let d = Ambito::read(dir.path()).unwrap_err();
        let codes: Vec<_> = d.items().iter().map(|d| d.code).collect();
        assert_eq!(codes, ["ambito-folder-missing", "ambito-duplicate-centre"]);
    }

    #[test]
    fn a_good_file_reads() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        write(
            dir.path(),
            "[ambito]\nnome = \" ATS 9 \"\ncomune = \"Jesi\"\n[[centri]]\ncartella = \"a\"\n[soglie]\naltro_sotto = 8\n[testi]\nutenti = \"U\"\ndomande = [\"D1\", \"D2\"]\n",
        );
        let a = Ambito::read(dir.path()).unwrap();
        assert_eq!(a.name.as_deref(), Some("ATS 9"));
        assert_eq!(a.centres, [CentreRef { label: None, folder: dir.path().join("a") }]);
        assert_eq!(a.altro_sotto, Some(8));
        assert_eq!(a.texts.utenti, Some(vec!["U".to_string()]));
        assert_eq!(a.texts.domande, Some(vec!["D1".to_string(), "D2".to_string()]));
    }

    #[test]
    fn the_texts_are_read_as_a_centres_are() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        // Paragraphs parted by a blank line, spaces folded, as in centro.toml.
        write(
            dir.path(),
            "[ambito]\nnome = \"X\"\n[[centri]]\ncartella = \"a\"\n[testi]\nutenti = \"\"\"Uno\n  e due.\n\nTre.\"\"\"\n",
        );
        let a = Ambito::read(dir.path()).unwrap();
        assert_eq!(a.texts.utenti, Some(vec!["Uno e due.".to_string(), "Tre.".to_string()]));
        // An unknown key, or a text that is not one, is an error at its line.
        write(
            dir.path(),
            "[ambito]\nnome = \"X\"\n[[centri]]\ncartella = \"a\"\n[testi]\nutente = \"U\"\ndomande = 3\n",
        );
        let d = Ambito::read(dir.path()).unwrap_err();
        let found: Vec<(&str, Option<usize>, &str)> =
            d.items().iter().map(|d| (d.code, d.line, d.file.as_str())).collect();
        assert!(found.contains(&("config-unknown-key", Some(6), FILE)), "{found:?}");
        assert!(d.items().iter().all(|d| d.severity == Severity::Error), "{d:?}");
        assert!(found.contains(&("config-invalid", Some(7), FILE)), "{found:?}");
    }
}

//! Walking `centro.toml` key by key into a [`Centro`]: every value checked
//! (type, length, printable), every unknown key named with the nearest
//! known one, every problem at the line where the key is written.

use toml::{Table, Value};

use super::model::{Centro, FILE};
use super::sections::{
    walk_centro, walk_colonne, walk_dati_aperti, walk_orari, walk_personale, walk_pubblicazione, walk_soglie,
    walk_testi,
};
use super::spans::{Spans, line_col};
use super::walker::Walker;
use crate::diag::{Diagnostics, Severity, Source};

/// What is wrong on the line of a syntax error, and what to do, in words a coordinator
/// reads, judged from the line itself (the parser's own message, in
/// English, is kept in brackets for whoever maintains the file).
fn syntax_reason(line: &str) -> (&'static str, &'static str) {
    let value = line.split_once('=').map_or("", |(_, v)| v.trim());
    let quotes = value.matches('"').count() - value.matches("\\\"").count();
    if value.starts_with('"') && quotes % 2 == 1 || value.starts_with('\'') && value.matches('\'').count() == 1 {
        ("un testo tra virgolette non è chiuso", "aggiungi le virgolette di chiusura (\") alla fine del testo")
    } else if value.starts_with('[') && !value.contains(']') {
        ("un elenco tra [ ] non è scritto bene", "separa le voci con una virgola e chiudi l'elenco con ]")
    } else if value.chars().next().is_some_and(|c| c.is_ascii_digit()) && value.contains('/') {
        (
            "una data non è scritta come 2025-01-02",
            "scrivi la data come anno-mese-giorno, senza virgolette (es. 2008-10-01)",
        )
    } else if line.trim_start().starts_with('[') && !line.contains(']') {
        ("il nome di una sezione tra [ ] non è chiuso", "chiudi il nome della sezione con ] (es. [centro])")
    } else {
        (
            "una riga non è scritta come il formato TOML richiede",
            "testi tra virgolette, date come 2025-01-02, elenchi tra [ ]",
        )
    }
}

/// Reads and checks `centro.toml` from its text. Problems are returned as
/// diagnostics: `config-syntax` and `config-invalid` are errors the caller
/// turns into exit code 2.
pub fn parse(text: &str) -> (Centro, Diagnostics) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut w = Walker {
        spans: std::sync::Arc::new(Spans::new(text)),
        src: Source::new(FILE, FILE),
        diags: Diagnostics::default(),
    };
    let mut c = Centro::default();
    let table: Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let at = e.span().map(|span| line_col(text, span.start));
            let written = at.and_then(|(line, _)| text.lines().nth(line - 1)).unwrap_or("");
            let (reason, what_to_do) = syntax_reason(written);
            let mut d = w
                .src
                .diag(
                    Severity::Error,
                    "config-syntax",
                    format!("{FILE} non è scritto correttamente: {reason} ({})", e.message().trim()),
                )
                .maybe_line(at.map(|(line, _)| line));
            if let Some((line, col)) = at {
                let key = written.split_once('=').map(|(k, _)| k.trim());
                d = d.hint(match key {
                    // `giovedì = [...]`: TOML keys without quotes cannot have accents.
                    Some(k) if !k.is_ascii() && !k.starts_with('"') => format!(
                        "riga {line}: scrivi la chiave senza accenti ({}) oppure tra virgolette (\"{k}\")",
                        crate::text::fold(k)
                    ),
                    _ => format!("riga {line}, colonna {col}: {what_to_do}"),
                });
            }
            w.diags.push(d);
            return (c, w.diags);
        }
    };

    const TOP: [&str; 9] =
        ["centro", "orari", "personale", "soglie", "pubblicazione", "vocabolari", "colonne", "testi", "dati_aperti"];
    for (key, value) in &table {
        match (key.as_str(), value) {
            ("centro", Value::Table(t)) => walk_centro(&mut w, &mut c, t),
            ("orari", Value::Table(t)) => walk_orari(&mut w, &mut c, t),
            ("personale", Value::Array(a)) => walk_personale(&mut w, &mut c, a),
            ("soglie", Value::Table(t)) => walk_soglie(&mut w, &mut c, t),
            ("pubblicazione", Value::Table(t)) => walk_pubblicazione(&mut w, &mut c, t),
            ("vocabolari", Value::Table(t)) => {
                for (k, v) in t {
                    match k.as_str() {
                        "tipo_richiesta" => c.tipo_richiesta = w.strings("vocabolari", k, v),
                        _ => w.unknown("vocabolari", k, &["tipo_richiesta"]),
                    }
                }
            }
            ("colonne", Value::Table(t)) => walk_colonne(&mut w, &mut c, t),
            ("testi", Value::Table(t)) => walk_testi(&mut w, &mut c.testi, t),
            ("dati_aperti", Value::Table(t)) => walk_dati_aperti(&mut w, &mut c.dati_aperti, t),
            (k, v) if TOP.contains(&k) => w.invalid("", k, v, "una sezione"),
            (k, _) => w.unknown("", k, &TOP),
        }
    }
    if c.comune.is_empty() {
        let d = w
            .src
            .diag(Severity::Error, "config-invalid", "manca il comune del centro ([centro] comune)")
            .hint("aggiungi in [centro] una riga come: comune = \"Jesi\"")
            .column("centro.comune")
            .maybe_line(w.spans.line("centro", ""));
        w.diags.push(d);
    } else if let crate::reference::ComuneMatch::Homonym(_, _, ids) =
        crate::reference::Comuni::get().find(&c.comune, None)
    {
        // The centre's own place tells the users' homonyms apart: it must
        // not be a guess itself.
        let comuni = crate::reference::Comuni::get();
        let options: Vec<String> = ids.iter().map(|&i| format!("«{}»", comuni.label(i))).collect();
        let d = w
            .src
            .diag(
                Severity::Error,
                "config-invalid",
                format!("«{}» è il nome di più comuni: non è chiaro quale sia il comune del centro", c.comune),
            )
            .value(c.comune.clone())
            .hint(format!("scrivi anche la provincia: {}", options.join(" o ")));
        w.diags.push(w.at(d, "centro", "comune"));
    } else if let Err(near) = crate::reference::Comuni::get().lookup(&c.comune) {
        // The centre's comune decides who counts as resident "here": a typo
        // would silently move every resident to "other comuni".
        let names: Vec<&str> = near.iter().map(String::as_str).collect();
        let d = w
            .src
            .diag(
                Severity::Error,
                "config-invalid",
                format!("il comune del centro «{}» non è nell'elenco ISTAT dei comuni", c.comune),
            )
            .value(c.comune.clone())
            .hint(
                crate::text::maybe_hint(&names)
                    .unwrap_or_else(|| "scrivi il nome del comune come nell'elenco ISTAT (es. Jesi)".into()),
            );
        w.diags.push(w.at(d, "centro", "comune"));
    }
    c.chiusure.sort();
    c.chiusure.dedup();
    c.spans = w.spans.clone();
    (c, w.diags)
}

//! `integra verify REPORT.pdf`: the report made again from the registers as
//! they are now, for the period, version and date the PDF's seal names, and
//! compared twice: with the seal (which registers changed, by SHA-256, which
//! figures now differ, then → now, and whether the centre's data or the
//! period's notes changed) and with the pages themselves (the text of every
//! page and a digest of all it draws), so that a PDF whose pages were edited,
//! or that carries another report's seal, is not vouched for. Exit 0 when
//! all match, 1 otherwise.

use std::path::Path;

use chrono::NaiveDate;
use serde_json::Value;

use crate::config::VerifyConfig;
use crate::error::{Error, Result};
use crate::period::Period;
use crate::render::diagnostics;
use crate::render::pdfread;
use crate::render::seal::{self, Differences, Seal, SealedFile};
use crate::text::printable;

/// Figures listed one by one at most; the rest are counted.
const FIGURES_LISTED: usize = 40;

/// Differences of the pages listed one by one at most.
const PAGE_LINES_LISTED: usize = 40;

/// How the pages of the PDF compare with those made again.
enum Pages {
    /// The same file, byte for byte.
    Identical(usize),
    /// Every page reads and draws the same, the metadata too; the file
    /// differs elsewhere (signed after, saved again by another program).
    Same(usize),
    /// What differs, one line each.
    Differ(Vec<String>),
    /// Not compared: the registers changed, so the report made again differs anyway.
    NotCompared,
}

/// Runs the command.
pub fn run(cfg: VerifyConfig) -> Result<()> {
    let shown = printable(&cfg.pdf.display().to_string()).into_owned();
    let folder = cfg.pdf.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let bytes = crate::files::read(&cfg.pdf, folder, Some(crate::files::TEMPLATE_FILE_LIMIT)).map_err(|e| {
        Error::Usage { message: format!("non riesco a leggere «{shown}»: {e}"), hint: Some(e.hint().into()) }
    })?;
    let not_ours = || Some("verify controlla i PDF fatti da «integra report» con il modello predefinito".to_string());
    let seen = pdfread::read(&bytes, false)
        .map_err(|e| Error::Usage { message: format!("«{shown}»: {e}"), hint: not_ours() })?;
    let then = Seal::from_keywords(seen.keywords.as_deref())
        .map_err(|e| Error::Usage { message: format!("«{shown}»: {e}"), hint: not_ours() })?;
    let period = Period::parse(&then.period).map_err(|e| Error::Usage {
        message: format!("«{shown}»: il sigillo nomina un periodo non valido ({e})"),
        hint: None,
    })?;
    let date = match &then.date {
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| Error::Usage {
            message: format!("«{shown}»: il sigillo nomina una data non valida («{}»)", crate::text::short(d)),
            hint: None,
        })?,
        // A seal of format 1 has no date: the PDF's own, else the period's last day.
        None => seen.date.unwrap_or(period.end),
    };
    let mut load = cfg.load.clone();
    load.period = Some(period.clone());
    let stop = |diags: &crate::diag::Diagnostics| {
        if diags.has_errors() {
            eprint!("{}", diagnostics::text(&diags.at_least(crate::diag::Severity::Error), cfg.style));
            eprintln!(
                "integra: i registri hanno errori, il report non si può rifare ({})",
                diagnostics::summary(diags)
            );
            return Err(Error::Registers);
        }
        Ok(())
    };
    // An ambito's PDF is made again from the ambito (ambito.toml, or the
    // same --data folders in the same order).
    let report = match &load.ambito {
        None => {
            let (regs, diags) = super::load(&load)?;
            stop(&diags)?;
            super::compute(&regs, &diags, &period, load.today, then.public)?
        }
        Some(src) => {
            let ambito = super::ambito::load(&load, src)?;
            stop(&ambito.diagnostics())?;
            let r = super::ambito::compute(&ambito, &period, load.today, then.public)?;
            std::mem::forget(ambito);
            r
        }
    };
    let now = Seal::again(&then, &report, date);
    let d = seal::compare(&then, &now);
    let pages = if d.is_empty() {
        let made = crate::render::pdf::render_within(
            crate::render::pdf::Limits { time: cfg.template_limit, memory_mib: cfg.template_memory },
            cfg.template.clone(),
            crate::render::template_data(&report, date).0.into_bytes(),
            date,
            &crate::render::pdf::ident(&report),
        )?;
        compare_pages(&bytes, &made, &shown)?
    } else {
        Pages::NotCompared
    };
    let text = verdict(&shown, &then, date, &d, &pages);
    let fine = d.is_empty() && matches!(pages, Pages::Identical(_) | Pages::Same(_));
    if !(cfg.quiet && fine) {
        // Everything read from the PDF is escaped: a seal could carry
        // terminal escape sequences.
        super::write_stdout(&mut std::io::stdout().lock(), printable(&text).as_bytes())?;
    }
    if fine { Ok(()) } else { Err(Error::Differs) }
}

/// The PDF given against the one made again: identical bytes, or the same
/// pages as a reader sees them, or what differs.
fn compare_pages(given: &[u8], made: &[u8], shown: &str) -> Result<Pages> {
    let reread = |pdf: &[u8]| pdfread::read(pdf, true);
    let identical = given == made;
    let made = reread(made).map_err(|e| Error::Usage {
        message: format!("il report rifatto dai registri non si rilegge ({e})"),
        hint: Some(
            "con un modello proprio, verify confronta le pagine solo se il modello scrive un PDF ordinario".into(),
        ),
    })?;
    if identical {
        return Ok(Pages::Identical(made.pages.len()));
    }
    let seen = reread(given).map_err(|e| Error::Usage { message: format!("«{shown}»: {e}"), hint: None })?;
    let lines = pdfread::differences(&seen, &made, PAGE_LINES_LISTED);
    Ok(if lines.is_empty() { Pages::Same(seen.pages.len()) } else { Pages::Differ(lines) })
}

fn name(f: &SealedFile) -> String {
    match &f.sheet {
        Some(sheet) => format!("{} [{sheet}] ({})", f.file, f.register),
        None => format!("{} ({})", f.file, f.register),
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::Null => "–".into(),
        Value::Number(n) => n.to_string().replace('.', ","),
        other => other.to_string(),
    }
}

/// What verify says, in Italian.
fn verdict(pdf: &str, then: &Seal, date: NaiveDate, d: &Differences, pages: &Pages) -> String {
    let version = if then.public { "versione pubblica" } else { "uso interno" };
    let mut out = format!(
        "{pdf}: report del periodo {} ({version}), datato {}, secondo il suo sigillo\n",
        then.period,
        date.format("%d/%m/%Y")
    );
    let list = |files: &[SealedFile]| files.iter().map(name).collect::<Vec<_>>().join(", ");
    if d.changed.is_empty() && d.gone.is_empty() && d.added.is_empty() {
        out.push_str(&format!("registri: {} letti allora, tutti invariati\n", then.registers.len()));
    } else {
        if !d.changed.is_empty() {
            out.push_str(&format!("registri cambiati da allora: {}\n", list(&d.changed)));
        }
        if !d.gone.is_empty() {
            out.push_str(&format!("registri letti allora e ora assenti: {}\n", list(&d.gone)));
        }
        if !d.added.is_empty() {
            out.push_str(&format!("registri nuovi, non letti allora: {}\n", list(&d.added)));
        }
    }
    if d.figures.is_empty() {
        out.push_str(&format!("numeri: {} controllati, tutti uguali\n", then.figures.len()));
    } else {
        out.push_str(&format!("numeri diversi: {} su {} (allora → ora)\n", d.figures.len(), then.figures.len()));
        for (path, a, b) in d.figures.iter().take(FIGURES_LISTED) {
            let by = match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) if x.fract() == 0.0 && y.fract() == 0.0 => format!(" ({:+})", y as i64 - x as i64),
                _ => String::new(),
            };
            out.push_str(&format!("  {path}: {} → {}{by}\n", value(a), value(b)));
        }
        if d.figures.len() > FIGURES_LISTED {
            out.push_str(&format!("  … e altri {}\n", d.figures.len() - FIGURES_LISTED));
        }
    }
    if then.format < 2 {
        out.push_str(
            "centro.toml e note del periodo: non sigillati in questo PDF (sigillo di una versione precedente)\n",
        );
    } else {
        match (d.centre, d.notes) {
            (false, false) => out.push_str("centro.toml e note del periodo: come allora\n"),
            (centre, notes) => {
                if centre {
                    out.push_str("dati del centro (centro.toml) cambiati da allora\n");
                }
                if notes {
                    out.push_str("note del periodo cambiate da allora\n");
                }
            }
        }
    }
    match pages {
        Pages::Identical(n) => out.push_str(&format!(
            "pagine: {n}, identiche a quelle del report rifatto dai registri (lo stesso file, byte per byte)\n"
        )),
        Pages::Same(n) => out.push_str(&format!(
            "pagine: {n}, uguali a quelle del report rifatto dai registri (testo e grafica); il file differisce solo fuori dalle pagine (per esempio una firma digitale aggiunta dopo)\n"
        )),
        Pages::Differ(lines) => {
            out.push_str(&format!(
                "pagine diverse da quelle del report del periodo {} ({version}) rifatto dai registri:\n",
                then.period
            ));
            for l in lines {
                out.push_str(&format!("  {l}\n"));
            }
        }
        Pages::NotCompared => {}
    }
    out.push_str(match pages {
        Pages::NotCompared => "esito: il report NON corrisponde più ai registri di oggi\n",
        Pages::Differ(_) => {
            "esito: il PDF NON è il report che il suo sigillo dichiara: le pagine sono state cambiate, o il sigillo viene da un altro report\n"
        }
        Pages::Identical(_) | Pages::Same(_) => "esito: il report corrisponde ai registri di oggi\n",
    });
    out
}

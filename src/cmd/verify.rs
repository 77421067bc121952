//! `integra verify REPORT.pdf`: the report made again from the registers as
//! they are now, for the period and version the PDF's seal names, and
//! compared with the seal: which registers changed (by SHA-256) and which
//! figures now differ (then → now). Exit 0 when all match, 1 otherwise.

use std::path::Path;

use serde_json::Value;

use crate::config::VerifyConfig;
use crate::error::{Error, Result};
use crate::period::Period;
use crate::render::diagnostics;
use crate::render::seal::{self, Differences, Seal, SealedFile};

/// Figures listed one by one at most; the rest are counted.
const FIGURES_LISTED: usize = 40;

/// Runs the command.
pub fn run(cfg: VerifyConfig) -> Result<()> {
    let shown = cfg.pdf.display().to_string();
    let folder = cfg.pdf.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let bytes = crate::files::read(&cfg.pdf, folder, Some(crate::files::TEMPLATE_FILE_LIMIT)).map_err(|e| {
        Error::Usage { message: format!("non riesco a leggere «{shown}»: {e}"), hint: Some(e.hint().into()) }
    })?;
    let then = Seal::read(&bytes).map_err(|e| Error::Usage {
        message: format!("«{shown}»: {e}"),
        hint: Some("verify controlla i PDF fatti da «integra report» con il modello predefinito".into()),
    })?;
    let period = Period::parse(&then.period).map_err(|e| Error::Usage {
        message: format!("«{shown}»: il sigillo nomina un periodo non valido ({e})"),
        hint: None,
    })?;
    let mut load = cfg.load.clone();
    load.period = Some(period.clone());
    let (regs, diags) = super::load(&load)?;
    if diags.has_errors() {
        eprint!("{}", diagnostics::text(&diags.at_least(crate::diag::Severity::Error), cfg.style));
        eprintln!("integra: i registri hanno errori, il report non si può rifare ({})", diagnostics::summary(&diags));
        return Err(Error::Registers);
    }
    let report = super::compute(&regs, &diags, &period, load.today, then.public)?;
    let now = Seal::of(&report);
    let d = seal::compare(&then, &now);
    let text = verdict(&shown, &then, &d);
    if !(cfg.quiet && d.is_empty()) {
        super::write_stdout(&mut std::io::stdout().lock(), text.as_bytes())?;
    }
    if d.is_empty() { Ok(()) } else { Err(Error::Differs) }
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
fn verdict(pdf: &str, then: &Seal, d: &Differences) -> String {
    let version = if then.public { "versione pubblica" } else { "uso interno" };
    let mut out = format!("{pdf}: report del periodo {} ({version})\n", then.period);
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
    out.push_str(if d.is_empty() {
        "esito: il report corrisponde ai registri di oggi\n"
    } else {
        "esito: il report NON corrisponde più ai registri di oggi\n"
    });
    out
}

//! `integra validate`: load every register, print every diagnostic, exit 1
//! on errors (or warnings with `--strict`).

use std::io::Write;

use crate::config::ValidateConfig;
use crate::config::ValidateFormat;
use crate::diag::Severity;
use crate::error::{Error, Result};
use crate::render::diagnostics;

/// Runs the command.
pub fn run(cfg: ValidateConfig) -> Result<()> {
    // Refused before the work, so that a wrong --annota costs nothing.
    if let Some(path) = &cfg.annotate {
        super::protected(&cfg.load.data_dir, &[], None).allow_file(path)?;
    }
    if let Some(src) = &cfg.load.ambito {
        return ambito(&cfg, src);
    }
    let loaded = super::load(&cfg.load);
    let (regs, diags) = match loaded {
        Ok(loaded) => loaded,
        Err(crate::registers::LoadError::Config(d)) => return config_problems(&cfg, &d, "centro.toml"),
        Err(e) => return Err(e.into()),
    };
    let mut out = std::io::stdout().lock();
    let text = match cfg.format {
        ValidateFormat::Json => diagnostics::json(&diags),
        ValidateFormat::Text => {
            let errors;
            let shown = if cfg.quiet {
                errors = diags.at_least(Severity::Error);
                &errors
            } else {
                &diags
            };
            let mut t = diagnostics::text(shown, cfg.style);
            if !t.is_empty() {
                t.push('\n');
            }
            let files = regs.files.len();
            let verdict = if diags.has_errors() {
                "i registri vanno corretti prima del report"
            } else if cfg.strict && diags.count(Severity::Warning) > 0 {
                "con --strict anche gli avvisi vanno corretti"
            } else if diags.count(Severity::Warning) > 0 {
                "il report si può fare; gli avvisi saranno riportati nell'appendice"
            } else {
                "tutto in ordine"
            };
            t.push_str(&format!("{} in {files} file: {verdict}\n", diagnostics::summary(&diags)));
            t
        }
    };
    super::write_stdout(&mut out, text.as_bytes())?;
    let _ = out.flush();
    if let Some(path) = &cfg.annotate {
        annotate(&cfg, path, &regs, &diags)?;
    }
    if diags.has_errors() || (cfg.strict && diags.count(Severity::Warning) > 0) {
        return Err(Error::Registers);
    }
    Ok(())
}

/// Configuration problems go where the register diagnostics go: standard
/// output, as text or JSON; `what` names the files to correct.
fn config_problems(cfg: &ValidateConfig, d: &crate::diag::Diagnostics, what: &str) -> Result<()> {
    let out = match cfg.format {
        ValidateFormat::Json => diagnostics::json(d),
        ValidateFormat::Text => format!(
            "{}\n{}: correggi {what} prima di controllare i registri\n",
            diagnostics::text(d, cfg.style),
            diagnostics::summary(d)
        ),
    };
    super::write_stdout(&mut std::io::stdout().lock(), out.as_bytes())?;
    Err(Error::ConfigShown)
}

/// `validate` of an ambito: every centre checked as alone, every problem
/// named by its centre, and a line per centre.
fn ambito(cfg: &ValidateConfig, src: &crate::config::AmbitoSource) -> Result<()> {
    if cfg.annotate.is_some() {
        return Err(Error::Usage {
            message: "--annota scrive la copia annotata dei registri di un centro, non di un ambito".into(),
            hint: Some("dai --annota con la cartella di un centro (--data CARTELLA-DEL-CENTRO)".into()),
        });
    }
    let loaded = match super::ambito::load(&cfg.load, src) {
        Ok(l) => l,
        Err(crate::registers::LoadError::Config(d)) => return config_problems(cfg, &d, "ambito.toml o i centro.toml"),
        Err(e) => return Err(e.into()),
    };
    let diags = loaded.diagnostics();
    let text = match cfg.format {
        ValidateFormat::Json => diagnostics::json(&diags),
        ValidateFormat::Text => {
            let shown = if cfg.quiet { diags.at_least(Severity::Error) } else { diags.clone() };
            let mut t = diagnostics::text(&shown, cfg.style);
            if !t.is_empty() {
                t.push('\n');
            }
            for c in &loaded.centres {
                t.push_str(&format!(
                    "centro «{}» ({}): {} in {} file\n",
                    c.label,
                    c.folder,
                    diagnostics::summary(&c.diags),
                    c.regs.files.len()
                ));
            }
            let verdict = if diags.has_errors() {
                "i registri vanno corretti prima del report"
            } else if cfg.strict && diags.count(Severity::Warning) > 0 {
                "con --strict anche gli avvisi vanno corretti"
            } else {
                "il report dell'ambito si può fare"
            };
            t.push_str(&format!(
                "ambito, {} centri: {}: {verdict}\n",
                loaded.centres.len(),
                diagnostics::summary(&diags)
            ));
            t
        }
    };
    super::write_stdout(&mut std::io::stdout().lock(), text.as_bytes())?;
    let failed = diags.has_errors() || (cfg.strict && diags.count(Severity::Warning) > 0);
    std::mem::forget(loaded);
    if failed {
        return Err(Error::Registers);
    }
    Ok(())
}

/// Writes the annotated copy of the registers (`--annota`).
fn annotate(
    cfg: &ValidateConfig,
    path: &std::path::Path,
    regs: &crate::registers::Registers,
    diags: &crate::diag::Diagnostics,
) -> Result<()> {
    let dir = &cfg.load.data_dir;
    let protected = super::protected(dir, &regs.files, None);
    let found = crate::read::discover(dir).map_err(crate::registers::LoadError::from)?;
    // Opened, not read: each table's rows are read as its sheet is written.
    let mut tables: Vec<crate::read::RawTable> = found
        .iter()
        .filter_map(|loc| crate::read::raw_table(loc, regs.centro.colonne.get(loc.spec.name), &cfg.load.reading))
        .collect();
    let bytes = crate::render::annotate::workbook(&mut tables, diags)
        .map_err(|e| Error::Usage { message: e.to_string(), hint: None })?;
    crate::files::write_atomic(path, &bytes, &protected)?;
    if cfg.quiet {
        return Ok(());
    }
    eprintln!(
        "copia annotata dei registri scritta in {}: {} sulle celle, elencati nel foglio «Problemi»",
        path.display(),
        diagnostics::summary(diags)
    );
    Ok(())
}

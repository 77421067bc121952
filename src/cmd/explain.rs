//! `integra explain`: load the registers as `report` does (keeping the
//! access rows), compute the report once, then list its figures or explain
//! one of them.

use crate::config::{ExplainConfig, ExplainFormat};
use crate::diag::Severity;
use crate::error::{Error, Result};
use crate::explain::{self, Catalogue};
use crate::render::{self, diagnostics};

/// Runs the command.
pub fn run(cfg: ExplainConfig) -> Result<()> {
    let (regs, diags) = super::load(&cfg.load)?;
    let shown = diags.at_least(if cfg.quiet { Severity::Error } else { Severity::Warning });
    let problems = diagnostics::text(&shown, cfg.style);
    if diags.has_errors() {
        eprint!("{problems}");
        eprintln!(
            "integra: nessuna spiegazione; i registri hanno errori, come per il report ({})",
            diagnostics::summary(&diags)
        );
        return Err(Error::Registers);
    }
    let today = cfg.load.today;
    // The report as `report` makes it (its internal version).
    let report = super::compute(&regs, &diags, &cfg.period, today, false)?;
    let catalogue = Catalogue::new(&report, &cfg.period);
    let text = if cfg.list {
        let figures = catalogue.listed(cfg.figure.as_deref());
        if figures.is_empty() {
            let prefix = cfg.figure.clone().unwrap_or_default();
            return Err(Error::Usage {
                message: format!("nessuna voce del report comincia con «{prefix}»"),
                hint: Some(format!("«integra explain --period {} --list» elenca tutte le voci", cfg.period.code)),
            });
        }
        match cfg.format {
            ExplainFormat::Text => render::explain::list_text(&figures),
            ExplainFormat::Json => render::explain::list_json(&cfg.period.code, &figures),
            ExplainFormat::Csv => render::explain::list_csv(&figures),
        }
    } else {
        let name = cfg.figure.as_deref().unwrap_or_default();
        let figure = catalogue.find(name).map_err(|u| Error::Usage { message: u.message, hint: u.hint })?;
        let x = match (&figure.target, &figure.elsewhere) {
            (Some(target), _) => explain::explain(&regs, &diags, &cfg.period, &figure, target, cfg.all)?,
            // Another period's figure (the year earlier, a month of the
            // trend, a year of the history): explained by that period's rows.
            (None, Some((code, id))) => {
                let period = crate::period::Period::parse(code)
                    .map_err(|e| Error::Usage { message: format!("«{}»: {e}", figure.path), hint: None })?;
                let there = super::compute(&regs, &diags, &period, today, false)?;
                let other = Catalogue::new(&there, &period)
                    .find(id)
                    .map_err(|u| Error::Usage { message: u.message, hint: u.hint })?;
                let Some(target) = &other.target else {
                    return Err(Error::Usage { message: format!("«{}»: {}", figure.path, other.rule), hint: None });
                };
                let mut x = explain::explain(&regs, &diags, &period, &other, target, cfg.all)?;
                x.rule = format!("«{id}» del periodo {code}: {}", x.rule);
                x.figure = figure.path.clone();
                x
            }
            (None, None) => {
                return Err(Error::Usage {
                    message: format!("«{}» non si spiega con righe dei registri: {}", figure.path, figure.rule),
                    hint: figure.computed.then(|| {
                        format!(
                            "le voci di cui è fatta si spiegano una per una: «integra explain --period {} --list» le elenca con i valori",
                            cfg.period.code
                        )
                    }),
                });
            }
        };
        match cfg.format {
            ExplainFormat::Text => render::explain::text(&x, cfg.all),
            ExplainFormat::Json => render::explain::json(&x),
            ExplainFormat::Csv => render::explain::csv(&x),
        }
    };
    super::write_stdout(&mut std::io::stdout().lock(), text.as_bytes())
}

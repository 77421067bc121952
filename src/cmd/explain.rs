//! `integra explain`: load the registers as `report` does (keeping the
//! access rows), compute the report once, then list its figures or explain
//! one of them. In an ambito, a centre's figure (`centres.NAME.…`) is
//! explained by that centre's rows, a total by each centre's in turn, every
//! row named with its centre.

use crate::config::{ExplainConfig, ExplainFormat};
use crate::diag::{Diagnostics, Severity};
use crate::error::{Error, Result};
use crate::explain::{self, Catalogue, Explanation};
use crate::registers::Registers;
use crate::render::{self, diagnostics};

fn usage(u: explain::Unknown) -> Error {
    Error::Usage { message: u.message, hint: u.hint }
}

/// Runs the command.
pub fn run(cfg: ExplainConfig) -> Result<()> {
    if let Some(src) = &cfg.load.ambito {
        return ambito(&cfg, src);
    }
    let (regs, diags) = super::load(&cfg.load)?;
    stop_on_errors(&diags, &cfg)?;
    // The report as `report` makes it (its internal version).
    let report = super::compute(&regs, &diags, &cfg.period, cfg.load.today, false)?;
    let catalogue = Catalogue::new(&report, &cfg.period);
    let text = if cfg.list {
        list(&catalogue, &cfg)?
    } else {
        let name = cfg.figure.as_deref().unwrap_or_default();
        let figure = catalogue.find(name).map_err(usage)?;
        show(&one(&regs, &diags, &cfg, &figure)?, &cfg)
    };
    super::write_stdout(&mut std::io::stdout().lock(), text.as_bytes())
}

fn stop_on_errors(diags: &Diagnostics, cfg: &ExplainConfig) -> Result<()> {
    let shown = diags.at_least(if cfg.quiet { Severity::Error } else { Severity::Warning });
    if diags.has_errors() {
        eprint!("{}", diagnostics::text(&shown, cfg.style));
        eprintln!(
            "integra: nessuna spiegazione; i registri hanno errori, come per il report ({})",
            diagnostics::summary(diags)
        );
        return Err(Error::Registers);
    }
    Ok(())
}

fn list(catalogue: &Catalogue, cfg: &ExplainConfig) -> Result<String> {
    let figures = catalogue.listed(cfg.figure.as_deref());
    if figures.is_empty() {
        let prefix = cfg.figure.clone().unwrap_or_default();
        return Err(Error::Usage {
            message: format!("nessuna voce del report comincia con «{prefix}»"),
            hint: Some(format!("«integra explain --period {} --list» elenca tutte le voci", cfg.period.code)),
        });
    }
    Ok(match cfg.format {
        ExplainFormat::Text => render::explain::list_text(&figures),
        ExplainFormat::Json => render::explain::list_json(&cfg.period.code, &figures),
        ExplainFormat::Csv => render::explain::list_csv(&figures),
    })
}

fn show(x: &Explanation, cfg: &ExplainConfig) -> String {
    match cfg.format {
        ExplainFormat::Text => render::explain::text(x, cfg.all),
        ExplainFormat::Json => render::explain::json(x),
        ExplainFormat::Csv => render::explain::csv(x),
    }
}

/// One figure of a centre's report explained by its registers' rows.
fn one(regs: &Registers, diags: &Diagnostics, cfg: &ExplainConfig, figure: &explain::Figure) -> Result<Explanation> {
    let today = cfg.load.today;
    Ok(match (&figure.target, &figure.elsewhere) {
        (Some(target), _) => explain::explain(regs, diags, &cfg.period, figure, target, cfg.all)?,
        // Another period's figure (the year earlier, a month of the
        // trend, a year of the history): explained by that period's rows.
        (None, Some((code, id))) => {
            let period = crate::period::Period::parse(code)
                .map_err(|e| Error::Usage { message: format!("«{}»: {e}", figure.path), hint: None })?;
            let there = super::compute(regs, diags, &period, today, false)?;
            let other = Catalogue::new(&there, &period).find(id).map_err(usage)?;
            let Some(target) = &other.target else {
                return Err(Error::Usage { message: format!("«{}»: {}", figure.path, other.rule), hint: None });
            };
            let mut x = explain::explain(regs, diags, &period, &other, target, cfg.all)?;
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
    })
}

/// `explain` in an ambito.
fn ambito(cfg: &ExplainConfig, src: &crate::config::AmbitoSource) -> Result<()> {
    let loaded = super::ambito::load(&cfg.load, src)?;
    stop_on_errors(&loaded.diagnostics(), cfg)?;
    let report = super::ambito::compute(&loaded, &cfg.period, cfg.load.today, false)?;
    let catalogue = Catalogue::new(&report, &cfg.period);
    let text = if cfg.list {
        list(&catalogue, cfg)?
    } else {
        let name = cfg.figure.as_deref().unwrap_or_default();
        let figure = catalogue.find(name).map_err(usage)?;
        let f = report.figures.get(&figure.path).expect("the catalogue lists the report's figures");
        // Which centres, and the figure's id in each.
        let wanted: Vec<(usize, String)> = match &f.rows {
            crate::aggregate::Rows::InCentre { centre, id } => {
                loaded.centres.iter().position(|c| &c.label == centre).map(|i| (i, id.clone())).into_iter().collect()
            }
            crate::aggregate::Rows::Centres => (0..loaded.centres.len()).map(|i| (i, f.id.clone())).collect(),
            _ => Vec::new(),
        };
        if wanted.is_empty() {
            return Err(Error::Usage {
                message: format!("«{}» non si spiega con righe dei registri: {}", figure.path, figure.rule),
                hint: Some("le voci di cui è fatta si spiegano una per una: «integra explain --list» le elenca".into()),
            });
        }
        let mut parts = Vec::new();
        for (i, id) in wanted {
            let c = &loaded.centres[i];
            let own = &report.centres[i].report;
            // A centre without this figure (a country none of its users
            // come from) has no rows for it.
            let Ok(fig) = Catalogue::new(own, &cfg.period).find(&id) else { continue };
            let x = one(&c.regs, &c.diags, cfg, &fig)?.of_centre(&c.label, &c.folder);
            parts.push(x);
        }
        match cfg.format {
            ExplainFormat::Json => {
                let items: Vec<String> =
                    parts.iter().map(|x| render::explain::json(x).trim_end().to_string()).collect();
                format!("[\n{}\n]\n", items.join(",\n"))
            }
            _ => {
                let mut out = String::new();
                if matches!(f.rows, crate::aggregate::Rows::Centres) && cfg.format == ExplainFormat::Text {
                    out.push_str(&format!(
                        "{} = {} (periodo {}): la somma della stessa voce dei {} centri dell'ambito, qui sotto centro per centro\n\n",
                        f.id,
                        f.value,
                        cfg.period.code,
                        loaded.centres.len()
                    ));
                }
                out.push_str(&parts.iter().map(|x| show(x, cfg)).collect::<Vec<_>>().join("\n"));
                out
            }
        }
    };
    std::mem::forget(loaded);
    super::write_stdout(&mut std::io::stdout().lock(), text.as_bytes())
}

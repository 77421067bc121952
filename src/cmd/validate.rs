//! `integra validate`: load every register, print every diagnostic, exit 1
//! on errors (or warnings with `--strict`).

use std::io::Write;

use crate::args::ValidateFormat;
use crate::config::ValidateConfig;
use crate::diag::Severity;
use crate::error::{Error, Result};
use crate::render::diagnostics;

/// Runs the command.
pub fn run(cfg: ValidateConfig) -> Result<()> {
    let (regs, diags) = match crate::registers::load(&cfg.load) {
        Ok(loaded) => loaded,
        Err(crate::registers::LoadError::Config(d)) => {
            // Configuration problems go where the register diagnostics go:
            // standard output, as text or JSON.
            let out = match cfg.format {
                ValidateFormat::Json => diagnostics::json(&d),
                ValidateFormat::Text => format!(
                    "{}\n{}: correggi centro.toml prima di controllare i registri\n",
                    diagnostics::text(&d, cfg.style),
                    diagnostics::summary(&d)
                ),
            };
            crate::write_stdout(&mut std::io::stdout().lock(), out.as_bytes())?;
            return Err(Error::ConfigShown);
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = std::io::stdout().lock();
    let text = match cfg.format {
        ValidateFormat::Json => diagnostics::json(&diags),
        ValidateFormat::Text => {
            let mut t = diagnostics::text(&diags, cfg.style);
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
    crate::write_stdout(&mut out, text.as_bytes())?;
    let _ = out.flush();
    if diags.has_errors() || (cfg.strict && diags.count(Severity::Warning) > 0) {
        return Err(Error::Registers);
    }
    Ok(())
}

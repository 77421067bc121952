//! `integra report`: validate, aggregate once, render the chosen output and
//! write it atomically (a failed run never leaves a half-written file).

use std::io::Write;
use std::path::Path;

use crate::aggregate::{self, Inputs};
use crate::args::ReportFormat;
use crate::config::{Destination, ReportConfig};
use crate::diag::{Diagnostics, Severity};
use crate::error::{Error, Result};
use crate::render::{self, diagnostics};

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// renamed into place only when complete, so a failed run never leaves a
/// half-written report nor spoils a good one. A symbolic link is followed (the
/// file it points to is replaced, the link stays); a path that is not a
/// regular file (`/dev/stdout`, a pipe) is written directly.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |e| Error::io(format!("non riesco a scrivere «{}»", path.display()), e);
    let target = match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => {
            return std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|mut f| f.write_all(bytes))
                .map_err(fail);
        }
        Ok(_) => path.canonicalize().map_err(fail)?,
        Err(_) => path.to_path_buf(),
    };
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("non riesco a creare la cartella «{}»", dir.display()), e))?;
    let name = target.file_name().map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, &target));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

/// Warnings about the period itself: before the registers are complete, or
/// not over yet. They go into the report's data-quality appendix too.
fn coverage(regs: &crate::registers::Registers, cfg: &ReportConfig) -> Vec<crate::diag::Diagnostic> {
    let p = &cfg.period;
    let src = crate::diag::Source::new("periodo", "--period");
    let mut out = Vec::new();
    if let Some(from) = regs.centro.registri_dal.filter(|f| p.start < *f) {
        out.push(
            src.diag(
                Severity::Warning,
                "period-before-registers",
                format!(
                    "il periodo {} inizia prima del {}, da quando i registri sono completi: i numeri di quei giorni possono essere incompleti",
                    p.code,
                    crate::dates::long_date(from)
                ),
            )
            .value(p.code.clone())
            .hint("per gli anni precedenti fanno fede i totali dichiarati in storico; scegli un periodo dal registri_dal di centro.toml in poi"),
        );
    }
    let today = cfg.load.today;
    let not_over = if p.start > today {
        Some(("non è ancora iniziato: il report è vuoto o quasi", "controlla l'anno del periodo"))
    } else if p.end >= today {
        Some((
            "non è ancora finito: i numeri sono parziali",
            "rifai il report dopo la fine del periodo per avere i numeri definitivi",
        ))
    } else {
        None
    };
    if let Some((what, hint)) = not_over {
        out.push(
            src.diag(Severity::Warning, "period-not-over", format!("il periodo {} {what}", p.code))
                .value(p.code.clone())
                .hint(hint),
        );
    }
    out
}

fn print_problems(diags: &Diagnostics, cfg: &ReportConfig) {
    let mut shown = Diagnostics::default();
    for d in diags.items().iter().filter(|d| d.severity != Severity::Info) {
        shown.push(d.clone());
    }
    let text = diagnostics::text(&shown, cfg.style);
    if !text.is_empty() {
        eprint!("{text}");
    }
}

/// Runs the command.
pub fn run(cfg: ReportConfig) -> Result<()> {
    let (regs, diags) = crate::registers::load(&cfg.load)?;
    print_problems(&diags, &cfg);
    if diags.has_errors() {
        eprintln!("integra: nessun report scritto; correggi gli errori e riprova ({})", diagnostics::summary(&diags));
        return Err(Error::Registers);
    }
    let mut diags = diags;
    for d in coverage(&regs, &cfg) {
        eprintln!("{}", diagnostics::line(&d, cfg.style));
        diags.push(d);
    }
    let notes = crate::registers::period_notes(&cfg.load.data_dir, &cfg.period);
    let today = cfg.load.today;
    let report = aggregate::compute(&Inputs { regs: &regs, diags: &diags, period: &cfg.period, notes, today })?;
    let bytes: Vec<u8> = match cfg.format {
        ReportFormat::Json => render::json(&report).into_bytes(),
        ReportFormat::Csv => render::csv::render(&report).into_bytes(),
        ReportFormat::Table => render::table::render(&report).into_bytes(),
        ReportFormat::Typst => {
            let data = render::json(&report);
            if let Destination::Folder(dir) = &cfg.dest {
                return write_typst_folder(dir, &cfg, data);
            }
            render::typst_src::flatten(&cfg.template, &data)
                .map_err(|message| Error::Usage {
                    message,
                    hint: Some("con un modello di più file usa --out CARTELLA".into()),
                })?
                .into_bytes()
        }
        ReportFormat::Pdf => {
            let ident = format!("integra/{}/{}", report.centre.comune, report.period.code);
            render::pdf::render(cfg.template.clone(), render::json(&report).into_bytes(), cfg.document_date, &ident)?
        }
    };
    match &cfg.dest {
        Destination::Stdout => crate::write_stdout(&mut std::io::stdout().lock(), &bytes),
        Destination::File(path) | Destination::Folder(path) => {
            write_atomic(path, &bytes)?;
            eprintln!(
                "report {} ({}) scritto in {}: {}, {}; {}",
                report.period.code,
                report.period.label,
                path.display(),
                crate::text::plural(report.accesses.total, "accesso", "accessi"),
                crate::text::plural(report.users.total, "utente", "utenti"),
                diagnostics::summary(&diags)
            );
            Ok(())
        }
    }
}

fn write_typst_folder(dir: &Path, cfg: &ReportConfig, data: String) -> Result<()> {
    let files = render::typst_src::template_files(&cfg.template)
        .map_err(|e| Error::io("non riesco a leggere il modello", e))?;
    for (rel, bytes) in files.iter().filter(|(rel, _)| rel != "data.json") {
        write_atomic(&dir.join(rel), bytes)?;
    }
    write_atomic(&dir.join("data.json"), data.as_bytes())?;
    for (name, bytes) in render::world::FONTS {
        write_atomic(&dir.join("fonts").join(name), bytes)?;
    }
    eprintln!(
        "sorgente Typst scritto in {}: compila con «typst compile --root {} --font-path {} {}»",
        dir.display(),
        dir.display(),
        dir.join("fonts").display(),
        dir.join("main.typ").display()
    );
    Ok(())
}

//! `integra report`: validate, aggregate once, render the chosen output and
//! write it atomically (a failed run never leaves a half-written file).

use std::path::Path;

use crate::config::ReportFormat;
use crate::config::TemplateSource;
use crate::config::{Destination, ReportConfig};
use crate::diag::{Diagnostics, Severity};
use crate::error::{Error, Result};
use crate::files::{Protected, check_folder, replace_folder, write_atomic};
use crate::render::{self, diagnostics};

fn protected(cfg: &ReportConfig, files: &[crate::read::FileInfo]) -> Protected {
    let template = match &cfg.template {
        TemplateSource::Folder(t) => Some(t.as_path()),
        TemplateSource::Embedded => None,
    };
    super::protected(&cfg.load.data_dir, files, template)
}

fn print_problems(diags: &Diagnostics, cfg: &ReportConfig) {
    let shown = diags.at_least(if cfg.quiet { Severity::Error } else { Severity::Warning });
    let text = diagnostics::text(&shown, cfg.style);
    if !text.is_empty() {
        eprint!("{text}");
    }
}

/// Runs the command.
pub fn run(cfg: ReportConfig) -> Result<()> {
    // Refused before the work, so that a wrong --out costs nothing.
    match &cfg.dest {
        Destination::File(path) => protected(&cfg, &[]).allow_file(path)?,
        Destination::Folder(path) if cfg.format == ReportFormat::Datapackage => {
            protected(&cfg, &[]).allow_folder(path)?;
            check_folder(path, &render::datapackage::KIND)?;
        }
        Destination::Folder(path) => protected(&cfg, &[]).allow(path)?,
        Destination::Stdout => {}
    }
    let today = cfg.load.today;
    let stop = |diags: &Diagnostics| {
        print_problems(diags, &cfg);
        if diags.has_errors() {
            eprintln!(
                "integra: nessun report scritto; correggi gli errori e riprova ({})",
                diagnostics::summary(diags)
            );
            return Err(Error::Registers);
        }
        Ok(())
    };
    // What the open-data package's metadata are made from.
    let declared;
    let (report, diags, protected) = match &cfg.load.ambito {
        None => {
            let (regs, diags) = super::load(&cfg.load)?;
            let protected = protected(&cfg, &regs.files);
            stop(&diags)?;
            declared = render::dcat::Declared::of(&regs.centro);
            (super::compute(&regs, &diags, &cfg.period, today, cfg.public)?, diags, protected)
        }
        Some(src) => {
            let ambito = super::ambito::load(&cfg.load, src)?;
            let diags = ambito.diagnostics();
            let template = match &cfg.template {
                TemplateSource::Folder(t) => Some(t.as_path()),
                TemplateSource::Embedded => None,
            };
            let protected = ambito.protected(template);
            stop(&diags)?;
            let report = super::ambito::compute(&ambito, &cfg.period, today, cfg.public)?;
            // ambito.toml has no [dati_aperti] (yet): the package falls back wholly.
            declared = render::dcat::Declared::default();
            // Left to the operating system at exit, as a centre's registers are.
            std::mem::forget(ambito);
            (report, diags, protected)
        }
    };
    let bytes: Vec<u8> = match cfg.format {
        ReportFormat::Json => render::json(&report).into_bytes(),
        ReportFormat::Csv => render::csv::render(&report).into_bytes(),
        ReportFormat::Table => render::table::render(&report).into_bytes(),
        ReportFormat::Datapackage => {
            let package = render::datapackage::render(&report, &declared, cfg.package_date);
            let Destination::Folder(dir) = &cfg.dest else { unreachable!("a package always goes to a folder") };
            replace_folder(dir, &package.files, &protected, &render::datapackage::KIND)?;
            if !cfg.quiet {
                say_package(&report, &package, dir, &diags, cfg.load.ambito.is_some());
            }
            return Ok(());
        }
        ReportFormat::Typst => {
            let (data, sealed) = render::template_data(&report, cfg.document_date);
            warn_unsealed(sealed, &cfg);
            if let Destination::Folder(dir) = &cfg.dest {
                return write_typst_folder(dir, &cfg, data, &protected);
            }
            render::typst_src::flatten(&cfg.template, &data)
                .map_err(|e| Error::Usage {
                    message: e.to_string(),
                    hint: Some("con un modello di più file usa --out CARTELLA".into()),
                })?
                .into_bytes()
        }
        ReportFormat::Pdf => {
            let ident = render::pdf::ident(&report);
            let (data, sealed) = render::template_data(&report, cfg.document_date);
            warn_unsealed(sealed, &cfg);
            render::pdf::render_within(
                render::pdf::Limits { time: cfg.template_limit, memory_mib: cfg.template_memory },
                cfg.template.clone(),
                data.into_bytes(),
                cfg.document_date,
                &ident,
            )?
        }
    };
    match &cfg.dest {
        Destination::Stdout => super::write_stdout(&mut std::io::stdout().lock(), &bytes),
        Destination::File(path) | Destination::Folder(path) => {
            write_atomic(path, &bytes, &protected)?;
            if cfg.quiet {
                return Ok(());
            }
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

/// Says where the package went, which version it is (the public one unless
/// `--interno`), and which keys of `[dati_aperti]` the coordinator should
/// fill in for the national catalogue.
fn say_package(
    report: &crate::aggregate::Report,
    package: &render::datapackage::Package,
    dir: &Path,
    diags: &Diagnostics,
    ambito: bool,
) {
    let version = match report.publication.threshold {
        Some(t) if report.publication.public => {
            format!(
                "versione pubblica: {} non pubblicati (soglia {t})",
                crate::text::plural(package.withheld as u64, "numero", "numeri")
            )
        }
        _ => "versione INTERNA, con tutti i numeri: non pubblicarla (senza --interno si scrive quella pubblica)".into(),
    };
    eprintln!(
        "pacchetto di dati aperti {} ({}) scritto in {}: {}, {}; {version}; {}",
        report.period.code,
        report.period.label,
        dir.display(),
        crate::text::plural(package.tables as u64, "tabella", "tabelle"),
        crate::text::plural(package.figures as u64, "voce", "voci"),
        diagnostics::summary(diags)
    );
    if package.fallbacks.is_empty() {
        return;
    }
    eprintln!(
        "nota: per il catalogo nazionale dei dati aperti (DCAT-AP_IT) {}; nel pacchetto:",
        if ambito {
            "l'ambito non ha una sezione [dati_aperti]"
        } else {
            "manca qualcosa in [dati_aperti] di centro.toml"
        }
    );
    for f in &package.fallbacks {
        eprintln!("  {}: {}", f.key, crate::text::printable(&f.used));
    }
    eprintln!(
        "  suggerimento: {}",
        if ambito {
            "ambito.toml non ha ancora [dati_aperti]: controlla editore, licenza e tema qui sopra prima di pubblicare il pacchetto"
        } else {
            "completa [dati_aperti] in centro.toml (docs/REGISTERS.md) e rifai il pacchetto"
        }
    );
}

/// Says that the PDF will not carry its seal (see [`render::Sealed`]).
fn warn_unsealed(sealed: render::Sealed, cfg: &ReportConfig) {
    if let render::Sealed::TooLong { bytes } = sealed
        && !cfg.quiet
    {
        eprintln!(
            "avviso: il sigillo che «integra verify» legge nel PDF sarebbe lungo {} caratteri, oltre i {} che un PDF/A ammette: il PDF è scritto senza sigillo, e «integra verify» non potrà controllarlo\n  suggerimento: succede con moltissime voci (migliaia di comuni di residenza o di tipologie); il report resta completo",
            crate::text::thousands(bytes as u64),
            crate::text::thousands(render::PDF_STRING_MAX as u64)
        );
    }
}

fn write_typst_folder(dir: &Path, cfg: &ReportConfig, data: String, protected: &Protected) -> Result<()> {
    let files = render::typst_src::template_files(&cfg.template)
        .map_err(|e| Error::io("non riesco a leggere il modello", e))?;
    for (rel, bytes) in files.iter().filter(|(rel, _)| rel != "data.json") {
        write_atomic(&dir.join(rel), bytes, protected)?;
    }
    write_atomic(&dir.join("data.json"), data.as_bytes(), protected)?;
    for (name, bytes) in crate::glyphs::FONTS {
        write_atomic(&dir.join("fonts").join(name), bytes, protected)?;
    }
    if cfg.quiet {
        return Ok(());
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

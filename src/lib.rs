//! integra: the registers of a social-integration help desk become its
//! periodic management report.
//!
//! The pipeline, one module per stage: [`read`] finds and decodes register
//! files, [`registers`] parses them into typed columns with [`diag`]nostics
//! ([`checks`] across registers), [`aggregate`] computes the report with
//! polars, [`render`] turns it into JSON, CSV, tables, Typst or PDF.

pub mod aggregate;
pub mod args;
pub mod centro;
pub mod checks;
pub mod cmd;
pub mod config;
pub mod dates;
pub mod diag;
pub mod error;
pub mod explain;
pub mod files;
pub mod glyphs;
pub mod period;
pub mod privacy;
pub mod progress;
pub mod publish;
pub mod read;
pub mod reference;
pub mod registers;
pub mod render;
pub mod schema;
pub mod text;

use args::{Cli, Command};
pub use error::{Error, Result};

/// Runs one command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Validate(a) => cmd::validate::run(config::ValidateConfig::new(a, cli.color, cli.quiet)?),
        Command::Report(a) => cmd::report::run(config::ReportConfig::new(a, cli.color, cli.quiet)?),
        Command::Verify(a) => cmd::verify::run(config::VerifyConfig::new(a, cli.color, cli.quiet)?),
        Command::Explain(a) => cmd::explain::run(config::ExplainConfig::new(a, cli.color, cli.quiet)?),
        Command::Init(a) => cmd::init::run(&a.dir, a.xlsx, cli.quiet),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "integra", &mut out);
            cmd::write_stdout(&mut std::io::stdout().lock(), &out)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut out)
                .map_err(|e| Error::io("non riesco a comporre la pagina di manuale", e))?;
            cmd::write_stdout(&mut std::io::stdout().lock(), &out)
        }
        Command::Synth(a) => cmd::synth::run(
            &a.dir,
            &cmd::synth::SynthOptions {
                accesses: a.accessi,
                users: a.utenti,
                years: a.anni.clamp(1, 50),
                last_year: a.fino_al,
                seed: a.seme,
            },
        ),
    }
}

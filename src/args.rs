//! Every command-line option, with clap. Doc comments are the help text.
//! Nothing below `config` sees these types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::period::Period;

/// integra: dai registri del Centro Servizi per l'Integrazione Sociale al
/// Report di Gestione.
#[derive(Debug, Parser)]
#[command(name = "integra", version, about, long_about = None, disable_help_subcommand = true)]
pub struct Cli {
    /// Colori nell'output: auto (solo su terminale, mai con NO_COLOR), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, env = "INTEGRA_COLOR")]
    pub color: ColorChoice,
    /// Il comando.
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Only on a terminal and without NO_COLOR.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Controlla i registri: ogni problema con file, riga, colonna, valore e suggerimento.
    Validate(ValidateArgs),
    /// Produce il Report di Gestione di un periodo (PDF, JSON, CSV, tabella, sorgente Typst).
    Report(ReportArgs),
    /// Prepara una nuova cartella dei registri (centro.toml e registri vuoti).
    Init(InitArgs),
    /// Registri sintetici per i benchmark (deterministici dal seme).
    #[command(hide = true)]
    Synth(SynthArgs),
}

/// `integra synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// La cartella da scrivere.
    #[arg(value_name = "CARTELLA")]
    pub dir: PathBuf,
    /// Righe di accessi.
    #[arg(long, default_value_t = 1_000_000)]
    pub accessi: u64,
    /// Righe di utenti.
    #[arg(long, default_value_t = 100_000)]
    pub utenti: u64,
    /// Anni coperti.
    #[arg(long, default_value_t = 3)]
    pub anni: i32,
    /// Ultimo anno coperto.
    #[arg(long, default_value_t = 2025)]
    pub fino_al: i32,
    /// Seme del generatore.
    #[arg(long, default_value_t = 42)]
    pub seme: u64,
}

/// Options shared by the commands that read registers.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// Cartella dei registri (con centro.toml).
    #[arg(long, short = 'd', value_name = "CARTELLA", default_value = ".", env = "INTEGRA_DATA")]
    pub data: PathBuf,
    /// Data di oggi per i controlli sulle date future (AAAA-MM-GG); utile per prove ripetibili.
    #[arg(long, value_name = "AAAA-MM-GG", env = "INTEGRA_TODAY", hide = true)]
    pub today: Option<chrono::NaiveDate>,
}

/// `integra validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    /// Data folder.
    pub data: DataArgs,
    /// Controlla solo le righe del periodo (2025, 2025H1, 2025Q1, 2025-03, 2025-01-01..2025-06-30).
    #[arg(long, short = 'p', value_name = "PERIODO", value_parser = parse_period)]
    pub period: Option<Period>,
    /// Formato dell'esito.
    #[arg(long, short = 'f', value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
    /// Considera anche gli avvisi come errori (codice di uscita 1).
    #[arg(long)]
    pub strict: bool,
}

/// Output of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// Righe leggibili, come un compilatore.
    Text,
    /// Un oggetto JSON (vedi CLI.md).
    Json,
}

/// `integra report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    /// Data folder.
    pub data: DataArgs,
    /// Periodo del report: 2025, 2025H1, 2025Q1, 2025-03, 2025-01-01..2025-06-30.
    #[arg(long, short = 'p', value_name = "PERIODO", value_parser = parse_period)]
    pub period: Period,
    /// Dove scrivere: un file o una cartella. Senza, il PDF va in report-<PERIODO>.pdf e gli altri formati sullo standard output.
    #[arg(long, short = 'o', value_name = "PERCORSO")]
    pub out: Option<PathBuf>,
    /// Formato del report.
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Pdf)]
    pub format: ReportFormat,
    /// Cartella di un modello Typst alternativo (con main.typ).
    #[arg(long, value_name = "CARTELLA", env = "INTEGRA_TEMPLATE")]
    pub template: Option<PathBuf>,
}

/// Output of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Il documento PDF/A.
    Pdf,
    /// I dati del report in JSON.
    Json,
    /// Una tabella CSV per gli open data.
    Csv,
    /// Le tabelle nel terminale.
    Table,
    /// Il sorgente Typst (file unico con i dati; con --out CARTELLA, il modello e data.json).
    Typst,
}

/// `integra init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// La cartella da preparare (viene creata se non esiste).
    #[arg(value_name = "CARTELLA")]
    pub dir: PathBuf,
    /// Invece dei file CSV, un'unica cartella di lavoro registri.xlsx con un foglio per registro e menu a tendina.
    #[arg(long)]
    pub xlsx: bool,
}

fn parse_period(s: &str) -> Result<Period, String> {
    Period::parse(s)
}

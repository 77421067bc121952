//! Every command-line option, with clap. Doc comments are the help text.
//! Nothing below `config` sees these types.

use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::period::PeriodSpec;

/// The help layout, with Italian headings.
const HELP: &str = "{about-with-newline}\nUso: {usage}\n\n{all-args}{after-help}";

/// integra: dai registri del Centro Servizi per l'Integrazione Sociale al
/// Report di Gestione.

#[derive(Debug, Parser)]
#[command(
    name = "integra",
    version,
    about,
    long_about = None,
    disable_help_subcommand = true,
    disable_help_flag = true,
    disable_version_flag = true,
    help_template = HELP,
    subcommand_help_heading = "Comandi",
    override_usage = "integra [OPZIONI] COMANDO",
    after_help = "Esempi:\n  integra validate --data registri\n  integra report --period 2025H1 --data registri\n  integra report --period 2025-03 --format json --out report/\n  integra init nuova-cartella --xlsx\n\nCodici di uscita: 0 tutto bene; 1 i registri hanno errori; 2 opzioni o centro.toml da correggere; 3 altro (file non scrivibile, modello che non si compila).",
    subcommand_value_name = "COMANDO",
    next_help_heading = "Opzioni"
)]
pub struct Cli {
    /// Mostra questo aiuto.
    #[arg(short = 'h', long, action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// Mostra la versione.
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,
    /// Colori nell'output: auto (solo su terminale, mai con NO_COLOR; predefinito), always, never. Variabile: INTEGRA_COLOR.
    #[arg(long, global = true, value_enum, value_name = "QUANDO", hide_possible_values = true, hide_default_value = true, hide_env = true, default_value_t = ColorChoice::Auto, env = "INTEGRA_COLOR")]
    pub color: ColorChoice,
    /// Silenzioso: solo gli errori, niente avvisi, note o messaggi di riuscita (per i job pianificati).
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,
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
    #[command(help_template = HELP, next_help_heading = "Opzioni", override_usage = "integra validate [OPZIONI]")]
    Validate(ValidateArgs),
    /// Produce il Report di Gestione di un periodo (PDF, JSON, CSV, tabella, sorgente Typst).
    #[command(help_template = HELP, next_help_heading = "Opzioni", override_usage = "integra report --period PERIODO [OPZIONI]")]
    Report(ReportArgs),
    /// Verifica un report PDF: lo rifà dai registri e dice se ogni numero e ogni registro sono come allora.
    #[command(help_template = HELP, next_help_heading = "Opzioni", override_usage = "integra verify REPORT.pdf [--data CARTELLA]")]
    Verify(VerifyArgs),
    /// Spiega un numero del report: la regola, il valore e le righe dei registri che lo fanno.
    #[command(help_template = HELP, next_help_heading = "Opzioni", override_usage = "integra explain --period PERIODO [OPZIONI] VOCE\n       integra explain --period PERIODO --list [PREFISSO]")]
    Explain(ExplainArgs),
    /// Prepara una nuova cartella dei registri (centro.toml e registri vuoti).
    #[command(help_template = HELP, next_help_heading = "Opzioni", override_usage = "integra init CARTELLA [--xlsx]")]
    Init(InitArgs),
    /// Registri sintetici per i benchmark (deterministici dal seme).
    #[command(hide = true)]
    Synth(SynthArgs),
    /// Completamenti della riga di comando per una shell (bash, zsh, fish, powershell, elvish), sullo standard output.
    #[command(hide = true)]
    Completions {
        /// La shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// La pagina di manuale (man, formato roff), sullo standard output.
    #[command(hide = true)]
    Man,
}

/// `integra verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Il report PDF fatto da integra.
    #[arg(value_name = "REPORT.pdf", help_heading = "Argomenti")]
    pub pdf: PathBuf,
    #[command(flatten)]
    /// Data folder.
    pub data: DataArgs,
    /// La cartella del modello Typst con cui il report è stato fatto, se non è quello predefinito (serve a rifarne le pagine). Variabile: INTEGRA_TEMPLATE.
    #[arg(long, value_name = "CARTELLA", env = "INTEGRA_TEMPLATE", hide_env = true)]
    pub template: Option<PathBuf>,
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
    /// Cartella dei registri (con centro.toml); senza, la cartella corrente. Più volte, o una cartella con ambito.toml: il report dell'ambito, con ogni centro. Variabile: INTEGRA_DATA.
    #[arg(
        long,
        short = 'd',
        value_name = "CARTELLA",
        default_value = ".",
        env = "INTEGRA_DATA",
        hide_default_value = true,
        hide_env = true,
        action = clap::ArgAction::Append
    )]
    pub data: Vec<PathBuf>,
    /// Data di oggi (AAAA-MM-GG) per i periodi relativi e i controlli sulle date future; utile per prove ripetibili e per rifare un report.
    // Read as text and checked by `config` (with `INTEGRA_OGGI`), so that a
    // wrong value is said in Italian, naming where it came from.
    #[arg(long, value_name = "AAAA-MM-GG", hide = true)]
    pub today: Option<String>,
}

/// `integra validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    /// Data folder.
    pub data: DataArgs,
    /// Controlla solo le righe del periodo (2025, 2025H1, 2025Q1, 2025-03, 2025-01-01..2025-06-30, mese-scorso, trimestre-scorso, semestre-scorso, anno-scorso).
    #[arg(long, short = 'p', value_name = "PERIODO", value_parser = parse_period)]
    pub period: Option<PeriodSpec>,
    /// Formato dell'esito: text (predefinito) oppure json.
    #[arg(long, short = 'f', value_enum, value_name = "FORMATO", default_value_t = ValidateFormat::Text, hide_default_value = true, hide_possible_values = true)]
    pub format: ValidateFormat,
    /// Considera anche gli avvisi come errori (codice di uscita 1).
    #[arg(long)]
    pub strict: bool,
    /// Scrive anche una copia dei registri in una cartella di lavoro .xlsx, con ogni problema colorato e annotato sulla sua cella e un primo foglio che li elenca.
    #[arg(long, value_name = "FILE.xlsx")]
    pub annota: Option<PathBuf>,
}

/// Output of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// Righe leggibili, come un compilatore.
    Text,
    /// Un oggetto JSON (descritto in docs/CLI.md).
    Json,
}

/// `integra report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    /// Data folder.
    pub data: DataArgs,
    /// Periodo del report: 2025, 2025H1, 2025Q1, 2025-03, 2025-01-01..2025-06-30, oppure rispetto a oggi mese-scorso, trimestre-scorso, semestre-scorso, anno-scorso.
    #[arg(long, short = 'p', value_name = "PERIODO", value_parser = parse_period)]
    pub period: PeriodSpec,
    /// Dove scrivere: un file o una cartella. Senza, il PDF va in report-<PERIODO>.pdf, il pacchetto di dati aperti nella cartella dati-aperti-<PERIODO> e gli altri formati sullo standard output.
    #[arg(long, short = 'o', value_name = "PERCORSO")]
    pub out: Option<PathBuf>,
    /// Formato del report: pdf (predefinito), json, csv, table, typst, datapackage.
    #[arg(long, short = 'f', value_enum, value_name = "FORMATO", default_value_t = ReportFormat::Pdf, hide_default_value = true, hide_possible_values = true)]
    pub format: ReportFormat,
    /// Cartella di un modello Typst alternativo (con main.typ). Variabile: INTEGRA_TEMPLATE.
    #[arg(long, value_name = "CARTELLA", env = "INTEGRA_TEMPLATE", hide_env = true)]
    pub template: Option<PathBuf>,
    /// Versione pubblicabile: i conteggi di persone sotto [soglie] minimo_pubblicabile (3) non sono mostrati, né quelli da cui si potrebbero ricavare, anche insieme agli altri report pubblici del calendario ([pubblicazione] calendario).
    #[arg(long)]
    pub pubblico: bool,
    /// Versione interna, con tutti i numeri: è quella predefinita, tranne che per --format datapackage (i dati aperti sono pubblici se non si dice --interno).
    #[arg(long, conflicts_with = "pubblico")]
    pub interno: bool,
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
    /// Il pacchetto di dati aperti (una cartella: un CSV per tabella, datapackage.json, metadati DCAT-AP_IT).
    Datapackage,
}

/// `integra explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    /// Data folder.
    pub data: DataArgs,
    /// Periodo del report: 2025, 2025H1, 2025Q1, 2025-03, 2025-01-01..2025-06-30, oppure rispetto a oggi mese-scorso, trimestre-scorso, semestre-scorso, anno-scorso.
    #[arg(long, short = 'p', value_name = "PERIODO", value_parser = parse_period)]
    pub period: PeriodSpec,
    /// La voce del report, scritta come nel JSON del report (users.new, accesses.by_country.Nigeria, courses.BASE1.meetings); con --list, un prefisso che restringe l'elenco (users.residence).
    #[arg(value_name = "VOCE", help_heading = "Argomenti")]
    pub figure: Option<String>,
    /// Elenca tutte le voci del report con il loro valore.
    #[arg(long)]
    pub list: bool,
    /// Formato: text (predefinito), json oppure csv.
    #[arg(long, short = 'f', value_enum, value_name = "FORMATO", default_value_t = ExplainFormat::Text, hide_default_value = true, hide_possible_values = true)]
    pub format: ExplainFormat,
    /// Mostra tutte le righe escluse per poco (senza, le 20 più vicine) e, nel testo, tutte le righe contate.
    #[arg(long)]
    pub tutte: bool,
}

/// Output of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// Righe leggibili.
    Text,
    /// Un oggetto JSON (descritto in docs/CLI.md).
    Json,
    /// Una tabella CSV, una riga per riga dei registri.
    Csv,
}

/// `integra init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// La cartella da preparare (viene creata se non esiste).
    #[arg(value_name = "CARTELLA", help_heading = "Argomenti")]
    pub dir: PathBuf,
    /// Invece dei file CSV, un'unica cartella di lavoro registri.xlsx con un foglio per registro e menu a tendina.
    #[arg(long)]
    pub xlsx: bool,
}

fn parse_period(s: &str) -> Result<PeriodSpec, crate::period::PeriodError> {
    PeriodSpec::parse(s)
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(v.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
        other => Some(other.to_string()),
    }
}

/// What a command line clap could not take means for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClapOutcome {
    /// `--help`: clap's help, shown as it is.
    Help,
    /// `--version`.
    Version,
    /// A mistake, in Italian, with the nearest option or command if any.
    Problem {
        /// What is wrong.
        message: String,
        /// `forse «…»?`
        suggestion: Option<String>,
    },
}

/// A clap error in Italian words (printed by `cmd`).
pub fn explain(e: &clap::Error) -> ClapOutcome {
    match e.kind() {
        ErrorKind::DisplayHelp => return ClapOutcome::Help,
        ErrorKind::DisplayVersion => return ClapOutcome::Version,
        _ => {}
    }
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    let message = match e.kind() {
        ErrorKind::InvalidValue if value.is_empty() && std::error::Error::source(e).is_none() => {
            format!("manca il valore di {arg}")
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(e).map(ToString::to_string);
            let valid = context(e, ContextKind::ValidValue).map(|v| format!("valori ammessi: {v}"));
            match reason.or(valid) {
                Some(r) => format!("valore «{value}» non valido per {arg}: {r}"),
                None => format!("valore «{value}» non valido per {arg}"),
            }
        }
        ErrorKind::MissingRequiredArgument => format!("manca un'indicazione obbligatoria: {arg}"),
        ErrorKind::UnknownArgument if !arg.starts_with('-') => format!("argomento di troppo «{arg}»"),
        ErrorKind::UnknownArgument => format!("opzione sconosciuta «{arg}»"),
        ErrorKind::InvalidSubcommand => format!(
            "comando sconosciuto «{}»: i comandi sono validate, report, explain, verify e init",
            context(e, ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "manca il comando: validate, report, explain, verify o init".to_string()
        }
        ErrorKind::ArgumentConflict => format!("{arg}: data due volte, o insieme a un'opzione incompatibile"),
        ErrorKind::TooManyValues => format!("{arg} non accetta un valore (o ne ha troppi)"),
        ErrorKind::InvalidUtf8 => "un argomento contiene caratteri non validi".to_string(),
        _ => e.render().to_string().trim().trim_start_matches("error: ").to_string(),
    };
    let suggestion = context(e, ContextKind::SuggestedArg).or_else(|| context(e, ContextKind::SuggestedSubcommand));
    ClapOutcome::Problem { message, suggestion }
}

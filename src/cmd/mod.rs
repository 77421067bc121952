//! One module per subcommand; `crate::run` dispatches to them. Printing
//! happens here, and only here: the stages below return data (reports,
//! diagnostics, typed errors) and this layer decides what goes to standard
//! output and standard error.

pub mod ambito;
pub mod explain;
pub mod init;
pub mod init_xlsx;
pub mod report;
pub mod synth;
pub mod validate;
pub mod verify;

use std::path::Path;

use std::mem::ManuallyDrop;

use crate::config::LoadOptions;
use crate::diag::Diagnostics;
use crate::error::Error;
use crate::files::{OutputError, Protected};
use crate::registers::{LoadError, Registers};

/// The registers read, then checked across rows, registers and the period:
/// where `validate`, `validate --annota`, `report`, `explain` and `verify`
/// all start, so that they agree. The progress bar is shown while the files
/// are read.
///
/// Each of those commands ends the process, so the registers are left to
/// the operating system at exit instead of freed one allocation at a time
/// (4% of a run at a million accesses, measured with perf).
pub fn load(opts: &LoadOptions) -> Result<(ManuallyDrop<Registers>, Diagnostics), LoadError> {
    let shown = crate::render::progress::show(&opts.reading.meter, "lettura dei registri");
    let loaded = crate::registers::load(opts);
    drop(shown);
    let (regs, mut diags) = loaded?;
    crate::checks::run(&regs, opts, &mut diags);
    Ok((ManuallyDrop::new(regs), diags))
}

/// The report of `period` from loaded registers: the internal version, or
/// the public one (`public`), which is decided together with the public
/// reports of every period of the publication calendar that comes out
/// before it (docs/PUBLICATION.md). `report`, `verify` and `explain` all
/// make it here, so that verify makes again exactly what report made and
/// explain explains the figures report shows.
pub fn compute(
    regs: &Registers,
    diags: &Diagnostics,
    period: &crate::period::Period,
    today: chrono::NaiveDate,
    public: bool,
) -> crate::error::Result<crate::aggregate::Report> {
    use crate::aggregate::{Inputs, compute};
    let report = compute(&Inputs { regs, diags, period, today })?;
    if !public {
        return Ok(report);
    }
    let periods = published_with(regs, &report, period);
    let mut family = Vec::new();
    for p in periods {
        let r = if &p == period { report.clone() } else { compute(&Inputs { regs, diags, period: &p, today })? };
        family.push((p, r));
    }
    Ok(crate::publish::public_among(&family, regs.centro.minimo_pubblicabile)?)
}

/// The periods whose public reports come out with (or before) `period`'s,
/// `report` being its internal report: the publication calendar's, and
/// the calendars of the earlier years the history table computes from the
/// registers (the same numbers as those years' own public annual reports;
/// a declared year is the same in every report, and tied there).
pub fn published_with(
    regs: &Registers,
    report: &crate::aggregate::Report,
    period: &crate::period::Period,
) -> Vec<crate::period::Period> {
    let mut periods = Vec::new();
    let years_published = regs.centro.calendario.contains(&crate::period::PeriodKind::Year);
    for h in report.history.iter().filter(|h| years_published && h.source == "registers") {
        if let Ok(year) = crate::period::Period::parse(&h.period)
            && year.kind == crate::period::PeriodKind::Year
            && year.end < period.start
        {
            periods.extend(crate::publish::family(&year, &regs.centro.calendario));
        }
    }
    periods.extend(crate::publish::family(period, &regs.centro.calendario));
    periods
}

/// What a command must never write over: the data folder's registers and
/// `centro.toml` (also names that would be read as one next time), its
/// notes, the files actually read, and the template's files.
pub fn protected(data_dir: &Path, files: &[crate::read::FileInfo], template: Option<&Path>) -> Protected {
    let mut p = Protected::new();
    protect(&mut p, data_dir, files);
    if let Some(t) = template {
        p.existing_in(t);
    }
    p
}

/// Adds one data folder's registers, `centro.toml`, notes and files read
/// to `p` (an ambito adds each of its centres').
pub fn protect(p: &mut Protected, data_dir: &Path, files: &[crate::read::FileInfo]) {
    p.data_folder(data_dir, crate::read::is_input_name);
    p.file(&data_dir.join(crate::centro::FILE));
    p.folder(&data_dir.join(crate::registers::NOTES_DIR));
    for f in files {
        p.file(&data_dir.join(&f.src.file));
    }
}

/// Whether standard output was closed when integra started (`integra … >&-`):
/// the Rust runtime then opens /dev/null in its place, for reading and
/// writing, and every write "succeeds". A `>/dev/null` the user asked for
/// is opened for writing only, and is left alone.
#[cfg(unix)]
fn stdout_closed() -> bool {
    use std::os::fd::AsFd;
    let out = std::io::stdout();
    let fd = out.as_fd();
    let (Ok(st), Ok(null)) = (rustix::fs::fstat(fd), rustix::fs::stat("/dev/null")) else { return false };
    let is_null = rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::CharacterDevice
        && st.st_rdev == null.st_rdev;
    let read_write = rustix::fs::fcntl_getfl(fd).is_ok_and(|f| f.contains(rustix::fs::OFlags::RDWR));
    is_null && read_write
}

#[cfg(not(unix))]
fn stdout_closed() -> bool {
    false
}

/// Writes to standard output; a closed pipe (`integra … | head`) is not an
/// error, a standard output closed from the start (`>&-`) is.
pub fn write_stdout(out: &mut impl std::io::Write, bytes: &[u8]) -> crate::error::Result<()> {
    if !bytes.is_empty() && stdout_closed() {
        return Err(Error::io(
            "non riesco a scrivere sullo standard output",
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "è chiuso (>&-): niente è stato scritto"),
        ));
    }
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::io("non riesco a scrivere sullo standard output", e))
        }
        _ => Ok(()),
    }
}

/// Prints a command line clap could not take (help and version as clap
/// shows them) and returns the exit code: 0 for help and version, 2
/// otherwise.
pub fn report_clap_error(e: &clap::Error) -> i32 {
    match crate::args::explain(e) {
        crate::args::ClapOutcome::Help => {
            let _ = e.print();
            0
        }
        crate::args::ClapOutcome::Version => {
            println!("integra {}", env!("CARGO_PKG_VERSION"));
            0
        }
        crate::args::ClapOutcome::Problem { message, suggestion } => {
            eprintln!("errore: {message}");
            if let Some(s) = suggestion {
                eprintln!("suggerimento: forse «{s}»?");
            }
            eprintln!("suggerimento: «integra --help» elenca i comandi, «integra COMANDO --help» le opzioni");
            2
        }
    }
}

/// Prints a failure the way a user can act on it; returns the exit code.
pub fn report_error(e: &Error, style: crate::config::Style) -> i32 {
    match e {
        Error::Registers | Error::ConfigShown | Error::Differs => {}
        Error::Config(diags) => {
            eprint!("{}", crate::render::diagnostics::text(diags, style));
        }
        // Messages may quote what was read from a file: escaped for the terminal.
        Error::Usage { message, hint } => {
            eprintln!("errore: {}", crate::text::printable(message));
            if let Some(h) = hint {
                eprintln!("suggerimento: {}", crate::text::printable(h));
            }
        }
        Error::Output(OutputError::Protected { .. }) => {
            eprintln!("errore: {e}");
            eprintln!(
                "suggerimento: scegli con --out un file o una cartella fuori dalla cartella dei registri (o un altro nome)"
            );
        }
        Error::Output(OutputError::Occupied { .. }) => {
            eprintln!("errore: {e}");
            eprintln!(
                "suggerimento: indica con --out una cartella nuova o vuota, oppure quella di un pacchetto scritto prima da integra (viene sostituita per intero)"
            );
        }
        Error::Output(OutputError::IsFolder { .. }) => {
            eprintln!("errore: {e}");
            eprintln!(
                "suggerimento: indica con --out (o --annota) il nome di un file, oppure sposta la cartella che ha quel nome"
            );
        }
        other => eprintln!("errore: {other}"),
    }
    e.exit_code()
}

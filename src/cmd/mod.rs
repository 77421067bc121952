//! One module per subcommand; `crate::run` dispatches to them.

pub mod init;
pub mod init_xlsx;
pub mod report;
pub mod synth;
pub mod validate;

use std::path::Path;

use crate::config::LoadOptions;
use crate::diag::Diagnostics;
use crate::files::Protected;
use crate::registers::{LoadError, Registers};

/// The registers read, then checked across rows, registers and the period:
/// where `validate`, `validate --annota` and `report` all start, so that
/// they agree. The progress bar is shown while the files are read.
pub fn load(opts: &LoadOptions) -> Result<(Registers, Diagnostics), LoadError> {
    let shown = crate::render::progress::show(&opts.reading.meter, "lettura dei registri");
    let loaded = crate::registers::load(opts);
    drop(shown);
    let (regs, mut diags) = loaded?;
    crate::checks::run(&regs, opts, &mut diags);
    Ok((regs, diags))
}

/// What a command must never write over: the data folder's registers and
/// `centro.toml` (also names that would be read as one next time), its
/// notes, the files actually read, and the template's files.
pub fn protected(data_dir: &Path, files: &[crate::read::FileInfo], template: Option<&Path>) -> Protected {
    let mut p = Protected::new();
    p.data_folder(data_dir, crate::read::is_input_name);
    p.file(&data_dir.join(crate::centro::FILE));
    p.folder(&data_dir.join(crate::registers::NOTES_DIR));
    for f in files {
        p.file(&data_dir.join(&f.src.file));
    }
    if let Some(t) = template {
        p.existing_in(t);
    }
    p
}

/// Writes to standard output; a closed pipe (`integra … | head`) is not an error.
pub fn write_stdout(out: &mut impl std::io::Write, bytes: &[u8]) -> crate::error::Result<()> {
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(crate::error::Error::io("non riesco a scrivere sullo standard output", e))
        }
        _ => Ok(()),
    }
}

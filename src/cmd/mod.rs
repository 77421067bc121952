//! One module per subcommand; `crate::run` dispatches to them.

pub mod init;
pub mod init_xlsx;
pub mod report;
pub mod synth;
pub mod validate;

use std::path::Path;

use crate::files::Protected;

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

//! Inputs: regular files inside their folder, opened without blocking,
//! under a size limit where one makes sense.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::io_reason;

/// `centro.toml` and a period's notes: larger is not a configuration.
pub const SMALL_TEXT_LIMIT: u64 = 1024 * 1024;
/// A template file (fonts and images included).
pub const TEMPLATE_FILE_LIMIT: u64 = 64 * 1024 * 1024;

/// Why an input file is not read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file does not exist.
    #[error("il file non esiste")]
    Missing,
    /// A symbolic link (or `..`) leading outside the folder.
    #[error(
        "è un collegamento che porta fuori dalla cartella «{folder}» ({target}): integra legge solo file dentro la cartella"
    )]
    Outside {
        /// The folder it should stay in.
        folder: String,
        /// Where it leads.
        target: String,
    },
    /// A directory, FIFO, device or socket.
    #[error("non è un file normale ma {what}")]
    NotRegular {
        /// What it is, in Italian with its article.
        what: &'static str,
    },
    /// Over the size limit for its kind.
    #[error("è troppo grande ({size} byte, al massimo {limit})")]
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The system refused.
    #[error("{}", io_reason(.0))]
    Io(std::io::Error),
}

impl InputError {
    /// What to do about it, in Italian.
    pub fn hint(&self) -> &'static str {
        match self {
            InputError::Missing => "controlla il nome del file e la cartella indicata con --data",
            InputError::Outside { .. } => "copia il file nella cartella al posto del collegamento",
            InputError::NotRegular { .. } => "al suo posto serve un file normale: toglilo o rinominalo",
            InputError::TooLarge { .. } => {
                "controlla che sia il file giusto: un file di testo così grande non è una configurazione"
            }
            InputError::Io(_) => {
                "controlla che il file esista, sia leggibile e non sia aperto in modo esclusivo da un altro programma"
            }
        }
    }
}

fn what_kind(t: std::fs::FileType) -> Option<&'static str> {
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("una cartella");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("una pipe (FIFO)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("un dispositivo");
        }
        if t.is_socket() {
            return Some("un socket");
        }
    }
    Some("un file speciale")
}

/// The real location of `path`, which must be inside `folder`.
fn inside(path: &Path, folder: &Path) -> Result<PathBuf, InputError> {
    let real = path.canonicalize().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => InputError::Missing,
        _ => InputError::Io(e),
    })?;
    let root = folder.canonicalize().map_err(InputError::Io)?;
    if !real.starts_with(&root) {
        return Err(InputError::Outside { folder: folder.display().to_string(), target: real.display().to_string() });
    }
    Ok(real)
}

/// Checks, without opening it, that `path` is a regular file whose real
/// location is inside `folder`.
pub fn check(path: &Path, folder: &Path) -> Result<(), InputError> {
    let meta = std::fs::metadata(inside(path, folder)?).map_err(InputError::Io)?;
    match what_kind(meta.file_type()) {
        Some(what) => Err(InputError::NotRegular { what }),
        None => Ok(()),
    }
}

/// Opens `path` for reading as a regular file inside `folder`, at most
/// `limit` bytes long when a limit is given. The real path checked is the
/// one opened (a link swapped afterwards is not followed), and its type is
/// checked on the open handle.
pub fn open(path: &Path, folder: &Path, limit: Option<u64>) -> Result<File, InputError> {
    let real = inside(path, folder)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Never block on a FIFO or a device swapped in after the check.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(&real).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => InputError::Missing,
        _ => InputError::Io(e),
    })?;
    let meta = file.metadata().map_err(InputError::Io)?;
    if let Some(what) = what_kind(meta.file_type()) {
        return Err(InputError::NotRegular { what });
    }
    if let Some(limit) = limit.filter(|l| meta.len() > *l) {
        return Err(InputError::TooLarge { size: meta.len(), limit });
    }
    Ok(file)
}

/// Reads the whole of `path`, opened as [`open`] does.
pub fn read(path: &Path, folder: &Path, limit: Option<u64>) -> Result<Vec<u8>, InputError> {
    let file = open(path, folder, limit)?;
    let mut bytes = Vec::new();
    // The file may grow while it is read: never past the limit.
    let cap = limit.map_or(u64::MAX, |l| l + 1);
    file.take(cap).read_to_end(&mut bytes).map_err(InputError::Io)?;
    if let Some(limit) = limit.filter(|l| bytes.len() as u64 > *l) {
        return Err(InputError::TooLarge { size: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_out_of_the_folder_is_refused() {
        let inside = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "x").unwrap();
        std::fs::write(inside.path().join("ok.txt"), "x").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), inside.path().join("link")).unwrap();
        std::os::unix::fs::symlink(inside.path().join("ok.txt"), inside.path().join("inner")).unwrap();
        assert!(matches!(read(&inside.path().join("link"), inside.path(), None), Err(InputError::Outside { .. })));
        assert_eq!(read(&inside.path().join("inner"), inside.path(), None).unwrap(), b"x");
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("note.md");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        assert!(matches!(open(&fifo, dir.path(), None), Err(InputError::NotRegular { .. })));
        assert!(matches!(read(dir.path(), dir.path(), None), Err(InputError::NotRegular { what: "una cartella" })));
    }

    #[test]
    fn size_limits_hold() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big"), vec![b'a'; 100]).unwrap();
        assert!(matches!(read(&dir.path().join("big"), dir.path(), Some(99)), Err(InputError::TooLarge { .. })));
        assert!(read(&dir.path().join("big"), dir.path(), Some(100)).is_ok());
    }
}

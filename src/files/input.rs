//! Inputs: regular files inside their folder, opened without blocking,
//! under a size limit where one makes sense.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::reason::io_reason;

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
    /// A symbolic link where only the file itself is read (the notes).
    #[error("è un collegamento simbolico, non il file stesso: integra legge questo file solo se è un file normale")]
    Symlink,
    /// A file with other names (hard links) where only the file itself is
    /// read: one of them may be outside the folder.
    #[error(
        "il file ha {links} nomi (collegamenti fisici, «hard link»): uno di essi potrebbe essere fuori dalla cartella, e integra non lo legge"
    )]
    HardLinked {
        /// How many names the file has.
        links: u64,
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
            InputError::Outside { .. } | InputError::Symlink | InputError::HardLinked { .. } => {
                "copia il file nella cartella al posto del collegamento"
            }
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
    read_whole(open(path, folder, limit)?, limit)
}

/// Reads the whole of `path` as [`read`] does, and only if it is the file
/// itself: not a symbolic link (even one that stays inside the folder), and
/// a file with no other name (a hard link has no target to check: its other
/// name may be anywhere on the disk). For text that is printed as written
/// (the period's notes).
pub fn read_sole(path: &Path, folder: &Path, limit: Option<u64>) -> Result<Vec<u8>, InputError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => return Err(InputError::Symlink),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(InputError::Missing),
        _ => {}
    }
    let file = open(path, folder, limit)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Checked on the handle read: a name swapped in after the look above
        // is still the file with its own count of names.
        let links = file.metadata().map_err(InputError::Io)?.nlink();
        if links > 1 {
            return Err(InputError::HardLinked { links });
        }
    }
    read_whole(file, limit)
}

fn read_whole(file: File, limit: Option<u64>) -> Result<Vec<u8>, InputError> {
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
    fn only_the_file_itself_is_read_sole() {
        let inside = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "x").unwrap();
        std::fs::write(inside.path().join("own.md"), "x").unwrap();
        std::fs::hard_link(outside.path().join("secret"), inside.path().join("hard.md")).unwrap();
        std::os::unix::fs::symlink(inside.path().join("own.md"), inside.path().join("soft.md")).unwrap();
        let sole = |name: &str| read_sole(&inside.path().join(name), inside.path(), None);
        assert_eq!(sole("own.md").unwrap(), b"x");
        assert!(matches!(sole("hard.md"), Err(InputError::HardLinked { links: 2 })));
        assert!(matches!(sole("soft.md"), Err(InputError::Symlink)), "even a link that stays inside");
        assert!(matches!(sole("none.md"), Err(InputError::Missing)));
        // `read` still follows a link inside the folder.
        assert_eq!(read(&inside.path().join("soft.md"), inside.path(), None).unwrap(), b"x");
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

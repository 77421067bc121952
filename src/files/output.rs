//! Outputs: never over an input, whole or not at all (a temporary file
//! renamed into place, removed on failure and on signals).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::reason::io_reason;

/// Whether a file name is read as input in a data folder.
type NameTest = fn(&str) -> bool;

/// What a report must never be written over.
#[derive(Debug, Clone, Default)]
pub struct Protected {
    /// Files read as input (real paths).
    files: Vec<PathBuf>,
    /// Folders whose every file is input (real paths): the notes.
    folders: Vec<PathBuf>,
    /// Folders whose existing files are input (real paths): a template,
    /// beside which a new file may be written.
    existing_in: Vec<PathBuf>,
    /// The data folder (real path) and a test for names that would be read
    /// as a register or as `centro.toml` there.
    data: Option<(PathBuf, NameTest)>,
}

impl Protected {
    /// Nothing protected yet.
    pub fn new() -> Protected {
        Protected::default()
    }

    /// Protects the input file `path`.
    pub fn file(&mut self, path: &Path) {
        if let Ok(real) = path.canonicalize() {
            self.files.push(real);
        }
    }

    /// Protects every file inside `dir`, present or future.
    pub fn folder(&mut self, dir: &Path) {
        self.folders.push(dir.canonicalize().unwrap_or_else(|_| absolute(dir)));
    }

    /// Protects every file that exists inside `dir`.
    pub fn existing_in(&mut self, dir: &Path) {
        self.existing_in.push(dir.canonicalize().unwrap_or_else(|_| absolute(dir)));
    }

    /// Protects, in the data folder `dir`, every name `is_input` accepts.
    pub fn data_folder(&mut self, dir: &Path, is_input: fn(&str) -> bool) {
        if let Ok(real) = dir.canonicalize() {
            self.data = Some((real, is_input));
        }
    }

    /// Refuses a `path` that would overwrite an input, saying where a link
    /// leads when `path` is one.
    pub fn allow(&self, path: &Path) -> Result<(), OutputError> {
        let Some(why) = self.refuses(path) else { return Ok(()) };
        let real = resolve(path);
        let why = if real == absolute(path) { why } else { format!("porta a «{}», e {why}", real.display()) };
        Err(OutputError::Protected { path: path.display().to_string(), why })
    }

    /// Like [`Self::allow`], for a target that must be a file: an existing
    /// folder there is refused too (before the work, not at the rename).
    pub fn allow_file(&self, path: &Path) -> Result<(), OutputError> {
        self.allow(path)?;
        if path.is_dir() {
            return Err(OutputError::IsFolder { path: path.display().to_string() });
        }
        Ok(())
    }

    /// Refuses a folder that an output replaces whole (`--format
    /// datapackage`): one [`Self::allow`] refuses, the data folder itself,
    /// or a folder holding anything integra reads.
    pub fn allow_folder(&self, dir: &Path) -> Result<(), OutputError> {
        self.allow(dir)?;
        let real = resolve(dir);
        let holds = |p: &PathBuf| p.starts_with(&real);
        let why = match &self.data {
            Some((data, _)) if *data == real => Some("è la cartella dei registri"),
            Some((data, _)) if holds(data) => Some("contiene la cartella dei registri"),
            _ if self.files.iter().any(holds) => Some("contiene file che integra legge"),
            _ if self.folders.iter().chain(&self.existing_in).any(holds) => {
                Some("contiene una cartella che integra legge (le note o il modello)")
            }
            _ => None,
        };
        match why {
            Some(why) => Err(OutputError::Protected { path: dir.display().to_string(), why: why.into() }),
            None => Ok(()),
        }
    }

    /// Why writing `path` would overwrite an input, if it would.
    fn refuses(&self, path: &Path) -> Option<String> {
        let real = resolve(path);
        if self.files.contains(&real) {
            return Some("è uno dei file che integra legge (un registro, centro.toml, le note o il modello)".into());
        }
        if let Some(dir) = self.folders.iter().find(|d| real.starts_with(d)) {
            return Some(format!("è dentro «{}», una cartella che integra legge", dir.display()));
        }
        if let Some(dir) = self.existing_in.iter().find(|d| real.starts_with(d)).filter(|_| real.exists()) {
            return Some(format!("è già nella cartella «{}», che integra legge", dir.display()));
        }
        if let Some((dir, is_input)) = &self.data
            && real.parent() == Some(dir.as_path())
            && real.file_name().and_then(|n| n.to_str()).is_some_and(is_input)
        {
            return Some("nella cartella dei registri questo nome è quello di un registro o di centro.toml".into());
        }
        None
    }
}

/// `path` made absolute, with symbolic links resolved as far as it exists:
/// the file a write to `path` would really change.
pub fn resolve(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    // A dangling symbolic link: a write creates its target.
    if let Ok(target) = std::fs::read_link(path) {
        let base = path.parent().unwrap_or(Path::new("."));
        return resolve(&base.join(target));
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => resolve(parent).join(name),
        (_, Some(name)) => absolute(Path::new(".")).join(name),
        _ => absolute(path),
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Why writing a file failed.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target is an input.
    #[error("non scrivo «{path}»: {why}")]
    Protected {
        /// The target as given.
        path: String,
        /// Why it is protected.
        why: String,
    },
    /// A part of the folder path is a file.
    #[error("non posso creare la cartella «{dir}»: «{file}» è un file, non una cartella")]
    FileInPath {
        /// The folder wanted.
        dir: String,
        /// The file in the way.
        file: String,
    },
    /// A folder an output would replace whole holds something else than an
    /// earlier output of the same kind.
    #[error("non scrivo nella cartella «{dir}»: {why}")]
    Occupied {
        /// The folder.
        dir: String,
        /// What is in it.
        why: String,
    },
    /// A folder stands where the file would go.
    #[error("non scrivo «{path}»: è una cartella, non un file")]
    IsFolder {
        /// The target.
        path: String,
    },
    /// The system refused.
    #[error("non riesco a scrivere «{path}»: {}", io_reason(.source))]
    Io {
        /// The target.
        path: String,
        /// The system's error.
        source: std::io::Error,
    },
}

/// Temporary files being written, removed if the run is interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Notes a temporary file or folder (`add`) to remove if the run is
/// interrupted, or forgets one (`remove`) once it is renamed or gone.
pub(super) fn pending(add: Option<&Path>, remove: Option<&Path>) {
    let mut list = PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(p) = remove {
        list.retain(|q| q != p);
    }
    if let Some(p) = add {
        list.push(p.to_path_buf());
    }
}

/// On SIGINT, SIGTERM or SIGHUP: removes the temporary files (and folders)
/// being written and exits with 128 + the signal's number, as a shell
/// reports it.
pub fn cleanup_on_signals() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else { return };
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                let list = PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                for p in list.iter() {
                    if std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) {
                        let _ = std::fs::remove_dir_all(p);
                    } else {
                        let _ = std::fs::remove_file(p);
                    }
                }
                std::process::exit(128 + sig);
            }
        });
    }
}

/// Writes `bytes` to `path` unless `protected` refuses it: through a
/// temporary file created exclusively in the same folder and renamed into
/// place when complete, so that a failed run never leaves a half-written
/// report nor spoils a good one. A symbolic link is followed (the file it
/// points to is replaced, the link stays); a path that exists and is not a
/// regular file (`/dev/stdout`, a pipe) is written directly.
pub fn write_atomic(path: &Path, bytes: &[u8], protected: &Protected) -> Result<(), OutputError> {
    protected.allow(path)?;
    let fail = |source| OutputError::Io { path: path.display().to_string(), source };
    if let Ok(m) = std::fs::metadata(path)
        && !m.is_file()
    {
        if m.is_dir() {
            return Err(fail(std::io::Error::from(std::io::ErrorKind::IsADirectory)));
        }
        return std::fs::OpenOptions::new().write(true).open(path).and_then(|mut f| f.write_all(bytes)).map_err(fail);
    }
    let target = resolve(path);
    let dir = target.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    create_folder(&dir)?;
    let name = target.file_name().map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A new report gets the usual mode (0666 less the umask), a replaced one
    // keeps its own: tempfile's default 0600 would hide a shared report.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).map_or(0o666, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder.tempfile_in(&dir).map_err(fail)?;
    pending(Some(tmp.path()), None);
    let written = tmp.write_all(bytes).and_then(|()| tmp.as_file().sync_all());
    let tmp_path = tmp.path().to_path_buf();
    let result = match written {
        Ok(()) => tmp.persist(&target).map(drop).map_err(|e| e.error),
        // Dropping the guard removes the temporary file.
        Err(e) => Err(e),
    };
    pending(None, Some(&tmp_path));
    result.map_err(fail)
}

/// Creates `dir` and its parents, naming the file in the way if one is.
pub fn create_folder(dir: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| match dir.ancestors().find(|a| a.is_file()) {
        Some(file) => OutputError::FileInPath { dir: dir.display().to_string(), file: file.display().to_string() },
        None => OutputError::Io { path: dir.display().to_string(), source },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_never_replace_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let reg = dir.path().join("accessi.csv");
        std::fs::write(&reg, "data\n").unwrap();
        std::os::unix::fs::symlink(&reg, dir.path().join("alias.csv")).unwrap();
        let mut p = Protected::new();
        p.file(&reg);
        p.folder(&dir.path().join("note"));
        p.data_folder(dir.path(), |n| n.starts_with("utenti."));
        assert!(write_atomic(&reg, b"x", &p).is_err());
        assert!(write_atomic(&dir.path().join("alias.csv"), b"x", &p).is_err());
        assert!(write_atomic(&dir.path().join("note/2025H1.md"), b"x", &p).is_err());
        assert!(write_atomic(&dir.path().join("utenti.tsv"), b"x", &p).is_err());
        assert_eq!(std::fs::read(&reg).unwrap(), b"data\n");
        write_atomic(&dir.path().join("report.csv"), b"ok", &p).unwrap();
        assert_eq!(std::fs::read(dir.path().join("report.csv")).unwrap(), b"ok");
        // The usual mode (0666 less the umask), not tempfile's private 0600.
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("report.csv")).unwrap().permissions().mode() & 0o777;
        assert_ne!(mode & 0o044, 0, "mode {mode:o}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert!(!left.iter().any(|n| n.to_string_lossy().ends_with(".tmp")), "{left:?}");
    }

    #[test]
    fn a_file_in_the_folder_path_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("afile"), "x").unwrap();
        let e = write_atomic(&dir.path().join("afile/r.pdf"), b"x", &Protected::new()).unwrap_err();
        assert!(e.to_string().contains("è un file, non una cartella"), "{e}");
    }
}

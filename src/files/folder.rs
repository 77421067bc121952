//! A folder written whole (the open-data package): its files are written
//! into a temporary folder beside it, which then takes its place, so that a
//! failed run leaves the earlier folder as it was and never half a new one.
//! Only an empty folder, or one holding nothing but an earlier output of the
//! same kind, is replaced: the whole folder goes.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::output::{OutputError, Protected, create_folder, pending, resolve};

/// What an output folder holds, so that an earlier one may be replaced and
/// nothing else is.
#[derive(Debug, Clone, Copy)]
pub struct FolderKind {
    /// The file every such folder has (`datapackage.json`).
    pub marker: &'static str,
    /// Whether a file of that name may be part of one.
    pub holds: fn(&str) -> bool,
    /// What such a folder is, after "di" (`un pacchetto di dati aperti`).
    pub what: &'static str,
}

/// Refuses `dir` unless it does not exist yet, is empty, or holds only the
/// files of an earlier output of `kind` (its marker among them).
pub fn check_folder(dir: &Path, kind: &FolderKind) -> Result<(), OutputError> {
    let real = resolve(dir);
    let occupied = |why: String| OutputError::Occupied { dir: dir.display().to_string(), why };
    let entries = match std::fs::read_dir(&real) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !real.exists() => return Ok(()),
        Err(_) if real.is_file() => {
            let path = dir.display().to_string();
            return Err(OutputError::FileInPath { dir: path.clone(), file: path });
        }
        Err(source) => return Err(OutputError::Io { path: dir.display().to_string(), source }),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| OutputError::Io { path: dir.display().to_string(), source })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let file = entry.file_type().is_ok_and(|t| t.is_file());
        if !file || !(kind.holds)(&name) {
            let what = if file { "un file" } else { "una cartella o un collegamento" };
            return Err(occupied(format!("contiene «{name}», {what} che non fa parte di {}", kind.what)));
        }
        names.push(name);
    }
    if !names.is_empty() && !names.iter().any(|n| n == kind.marker) {
        names.sort();
        return Err(occupied(format!(
            "contiene «{}» ma non {}: non è {} scritto da integra",
            names[0], kind.marker, kind.what
        )));
    }
    Ok(())
}

/// Makes `files` (name, bytes) the whole content of the folder `dir`: refused
/// when `protected` refuses the folder or one of its files, or when
/// [`check_folder`] refuses it; otherwise written into a temporary folder
/// created beside it (removed on failure and on signals) and renamed into
/// its place. A symbolic link to a folder is followed (the folder it leads
/// to is replaced); a replaced folder's permissions are kept.
pub fn replace_folder(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    protected: &Protected,
    kind: &FolderKind,
) -> Result<(), OutputError> {
    protected.allow_folder(dir)?;
    for (name, _) in files {
        protected.allow(&dir.join(name))?;
    }
    check_folder(dir, kind)?;
    let target = resolve(dir);
    let fail = |source| OutputError::Io { path: dir.display().to_string(), source };
    let parent = target.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    create_folder(&parent)?;
    let name = target.file_name().map_or_else(|| "pacchetto".into(), |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A new folder gets the usual mode (0777 less the umask), a replaced one
    // keeps its own: tempfile's default 0700 would hide a shared package.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).map_or(0o777, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let tmp = builder.tempdir_in(&parent).map_err(fail)?;
    pending(Some(tmp.path()), None);
    let written = write_all(tmp.path(), files).map_err(fail).and_then(|()| swap(tmp.path(), &target, dir));
    pending(None, Some(tmp.path()));
    match written {
        Ok(()) => {
            // Renamed: nothing left for the guard to remove.
            let _ = tmp.keep();
            Ok(())
        }
        // Dropping the guard removes the temporary folder.
        Err(e) => Err(e),
    }
}

/// Writes each file into the new folder `dir` and flushes it to disk.
fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    for (name, bytes) in files {
        let mut f = std::fs::File::create_new(dir.join(name))?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Puts the folder `new` in the place of `target`: renamed there when
/// `target` does not exist; otherwise `target` is first moved aside (and put
/// back if the rename fails), then removed.
fn swap(new: &Path, target: &Path, shown: &Path) -> Result<(), OutputError> {
    let fail = |source| OutputError::Io { path: shown.display().to_string(), source };
    if !target.exists() {
        return std::fs::rename(new, target).map_err(fail);
    }
    let aside = aside_name(target);
    std::fs::rename(target, &aside).map_err(fail)?;
    if let Err(e) = std::fs::rename(new, target) {
        let _ = std::fs::rename(&aside, target);
        return Err(fail(e));
    }
    let _ = std::fs::remove_dir_all(&aside);
    Ok(())
}

/// A name beside `target` that nothing has: `.<name>.<pid>.old`, numbered
/// if taken.
fn aside_name(target: &Path) -> PathBuf {
    let name = target.file_name().map_or_else(|| "pacchetto".into(), |n| n.to_string_lossy().into_owned());
    let pid = std::process::id();
    (0..)
        .map(|i| target.with_file_name(format!(".{name}.{pid}.{i}.old")))
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .expect("an unused name")
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: FolderKind = FolderKind {
        marker: "datapackage.json",
        holds: |n| n == "datapackage.json" || n.ends_with(".csv"),
        what: "un pacchetto di prova",
    };

    fn files(csv: &str) -> Vec<(String, Vec<u8>)> {
        vec![("a.csv".into(), csv.as_bytes().to_vec()), ("datapackage.json".into(), b"{}".to_vec())]
    }

    #[test]
    fn a_package_replaces_only_a_package() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("pkg");
        replace_folder(&dir, &files("1"), &Protected::new(), &KIND).unwrap();
        assert_eq!(std::fs::read(dir.join("a.csv")).unwrap(), b"1");
        // An earlier package is replaced whole: a table it had and the new one lacks goes.
        std::fs::write(dir.join("old.csv"), "x").unwrap();
        replace_folder(&dir, &files("2"), &Protected::new(), &KIND).unwrap();
        assert_eq!(std::fs::read(dir.join("a.csv")).unwrap(), b"2");
        assert!(!dir.join("old.csv").exists());
        // Nothing is left beside it.
        let beside: Vec<_> = std::fs::read_dir(root.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(beside, ["pkg"], "{beside:?}");
        // A folder holding anything else is refused, and left as it was.
        std::fs::write(dir.join("lettera.docx"), "x").unwrap();
        let e = replace_folder(&dir, &files("3"), &Protected::new(), &KIND).unwrap_err();
        assert!(matches!(e, OutputError::Occupied { .. }), "{e}");
        assert!(e.to_string().contains("«lettera.docx»"), "{e}");
        assert_eq!(std::fs::read(dir.join("a.csv")).unwrap(), b"2");
        // So is one of CSVs that is no package.
        let other = root.path().join("scarichi");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("estratto.csv"), "x").unwrap();
        let e = check_folder(&other, &KIND).unwrap_err();
        assert!(e.to_string().contains("ma non datapackage.json"), "{e}");
        // An empty folder is taken.
        let empty = root.path().join("vuota");
        std::fs::create_dir(&empty).unwrap();
        replace_folder(&empty, &files("4"), &Protected::new(), &KIND).unwrap();
        assert!(empty.join("datapackage.json").is_file());
    }

    #[test]
    fn a_failed_write_leaves_the_earlier_package() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("pkg");
        replace_folder(&dir, &files("1"), &Protected::new(), &KIND).unwrap();
        // A name that cannot be created: the write fails half-way.
        let mut bad = files("2");
        bad.insert(1, ("no/such/dir.csv".into(), b"x".to_vec()));
        assert!(replace_folder(&dir, &bad, &Protected::new(), &KIND).is_err());
        assert_eq!(std::fs::read(dir.join("a.csv")).unwrap(), b"1");
        let beside: Vec<_> = std::fs::read_dir(root.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(beside, ["pkg"], "{beside:?}");
    }

    #[test]
    fn the_data_folder_is_never_a_package() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("dati");
        std::fs::create_dir(&data).unwrap();
        let mut p = Protected::new();
        p.data_folder(&data, |n| n == "accessi.csv");
        p.folder(&data.join("note"));
        for dir in [data.clone(), root.path().to_path_buf(), data.join("note/x")] {
            let e = replace_folder(&dir, &files("1"), &p, &KIND).unwrap_err();
            assert!(matches!(e, OutputError::Protected { .. }), "{}: {e}", dir.display());
        }
        assert!(!data.join("a.csv").exists());
    }
}

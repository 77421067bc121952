//! Why an I/O operation failed, in words a coordinator reads. A leaf:
//! `input` and `output` both say it, and `mod.rs` passes it on.

/// The system's reason for an I/O failure, in Italian for the usual cases.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "il file o la cartella non esiste".into(),
        PermissionDenied => "permesso negato (controlla i diritti sul file o sulla cartella)".into(),
        AlreadyExists => "esiste già".into(),
        IsADirectory => "è una cartella, non un file".into(),
        NotADirectory => "una parte del percorso non è una cartella".into(),
        StorageFull => "il disco è pieno".into(),
        ReadOnlyFilesystem => "il disco è in sola lettura".into(),
        UnexpectedEof => "il file finisce prima del previsto".into(),
        _ => e.to_string(),
    }
}

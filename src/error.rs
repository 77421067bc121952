//! The program's failures and their exit codes (docs/CLI.md): 1 the registers
//! have errors, 2 usage or configuration, 3 anything else.

use crate::diag::Diagnostics;
use crate::files::{OutputError, io_reason};

/// A failure that ends the run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The registers have errors (or warnings under `--strict`); already printed.
    #[error("i registri contengono errori")]
    Registers,
    /// `verify`: the report no longer matches the registers; already printed.
    #[error("il report non corrisponde più ai registri")]
    Differs,
    /// A usage or configuration problem, with an optional hint.
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// What to do.
        hint: Option<String>,
    },
    /// `centro.toml` problems, to be printed as diagnostics.
    #[error("configurazione non valida")]
    Config(Diagnostics),
    /// Configuration problems already printed (by `validate`, on stdout).
    #[error("configurazione non valida")]
    ConfigShown,
    /// Reading or writing a file failed.
    #[error("{context}: {}", io_reason(source))]
    Io {
        /// What was being done.
        context: String,
        /// The system's error.
        source: std::io::Error,
    },
    /// A report could not be written, or would have replaced an input.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The template does not compile.
    #[error(transparent)]
    Pdf(#[from] crate::render::pdf::PdfError),
    /// A bug.
    #[error(transparent)]
    Internal(#[from] crate::aggregate::AggregateError),
    /// A bug in the public version: a number it names is not in the report.
    #[error(transparent)]
    Publish(#[from] crate::publish::UnknownFigure),
}

impl Error {
    /// The exit code of docs/CLI.md.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Registers | Error::Differs => 1,
            Error::Usage { .. } | Error::Config(_) | Error::ConfigShown => 2,
            Error::Output(
                OutputError::Protected { .. }
                | OutputError::FileInPath { .. }
                | OutputError::IsFolder { .. }
                | OutputError::Occupied { .. },
            ) => 2,
            Error::Output(_) => 3,
            Error::Io { .. } | Error::Pdf(_) | Error::Internal(_) | Error::Publish(_) => 3,
        }
    }

    /// An I/O error with what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io { context: context.into(), source }
    }
}

impl From<crate::config::UsageError> for Error {
    fn from(e: crate::config::UsageError) -> Self {
        Error::Usage { message: e.message, hint: e.hint }
    }
}

impl From<crate::registers::LoadError> for Error {
    fn from(e: crate::registers::LoadError) -> Self {
        match e {
            crate::registers::LoadError::Config(d) => Error::Config(d),
            crate::registers::LoadError::Frames(e) => Error::Internal(e.into()),
            crate::registers::LoadError::Discover(d) => match d {
                crate::read::DiscoverError::Ambiguous(_) | crate::read::DiscoverError::Folder { .. } => Error::Usage {
                    message: d.to_string(),
                    hint: Some("indica la cartella dei registri con --data".into()),
                },
            },
        }
    }
}

/// The program's result type.
pub type Result<T> = std::result::Result<T, Error>;

//! Arguments become a checked configuration once: paths resolved, the
//! template folder canonicalised, today fixed, colours decided, the
//! environment variables read. The option types every stage takes are
//! defined here, so that stages below see neither clap types nor the
//! environment.

mod commands;
mod options;

pub use commands::*;
pub use options::*;

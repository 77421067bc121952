//! One module per subcommand; `crate::run` dispatches to them.

pub mod init;
pub mod init_xlsx;
pub mod report;
pub mod synth;
pub mod validate;

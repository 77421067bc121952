//! `centro.toml`: the centre's name, comune, hours, staff, closures,
//! thresholds, vocabularies, column aliases, its own prose and who publishes
//! its open data (`open_data`), as the
//! checked model `Centro`. Reading the file is `parse` (walking the TOML
//! key by key, so that every wrong value and every unknown key gets its own
//! diagnostic) with the lines of `spans` (the TOML parser's own positions).

pub mod ambito;
mod model;
mod open_data;
mod parse;
mod scan;
mod sections;
mod spans;
#[cfg(test)]
mod tests;
mod walker;

pub use model::*;
pub use open_data::*;
pub use parse::parse;

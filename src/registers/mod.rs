//! Loading a data folder: `centro.toml`, then every register found, each
//! row parsed into the typed model with the diagnostics of its own cells
//! and rows. Rules across rows, registers and the period are the next
//! stage's (`crate::checks`, run by `cmd::load`).
//!
//! One file a concern: `load` drives the whole, `loaded` is what it
//! yields ([`Registers`]), `access_log` reads `accessi` on several threads
//! and `others` every other register in turn, both through the period's
//! `filter`; `notes` finds and reads the period's notes, `redact` takes
//! the people's codes out of free text. Cells and rows are parsed by
//! `cells` and `parse` into `model`'s tables, and `frames` turns those
//! into polars frames.

pub mod cells;
pub mod frames;
pub mod keys;
pub mod model;
pub mod notes;
pub mod parse;

mod access_log;
mod filter;
mod load;
mod loaded;
mod others;
mod redact;

pub use load::{LoadError, load};
pub use loaded::Registers;
pub use model::*;
pub use notes::{NOTES_DIR, Notes};

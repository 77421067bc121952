//! Explaining one figure of the report (`integra explain`): its rule in one
//! Italian sentence, its value, the register rows that make it and the rows
//! that came close and were left out, with the reason.
//!
//! The catalogue (`catalogue`) names every figure of the report's figure
//! list by its id (`users.by_category.eu`) with the report's value. Each
//! figure counted from the period's rows has a [`Target`]: the frame it
//! counts, the period filter of `registers::frames` the report's query
//! uses, and the key the report groups by. The query (`query`) applies the
//! very same expressions to the frames with their `line` column, so the
//! rows it returns are the report's count, row by row. What it returns is
//! in `model`.

mod catalogue;
mod model;
mod query;

pub use catalogue::{Catalogue, Figure, Unknown};
pub use model::*;
pub use query::explain;

pub use crate::aggregate::{Key, Target};

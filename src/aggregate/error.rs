//! The one failure of aggregation: the engine's own (never the user's
//! data). A leaf, so that every file of `aggregate` can return it.

/// A failure inside the aggregation engine (never the user's data).
#[derive(Debug, thiserror::Error)]
#[error("errore interno nell'aggregazione: {0}")]
pub struct AggregateError(#[from] polars::prelude::PolarsError);

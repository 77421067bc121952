//! Reading one cell of a known kind and reporting what is wrong with it:
//! the reader a register's parser holds (`Cells`), its row bookkeeping and
//! the notes it leaves at the end; the readers themselves are split by what
//! they need: `plain` (the cell alone: text, dates, hours, counts,
//! booleans, gender), `lookup` (reference lists, cached per distinct value
//! so a register of a million rows does the fuzzy matching a few dozen
//! times, with variant-spelling notes), `texts` (ids and free text, checked
//! for personal data and printable characters).

mod lookup;
mod plain;
mod state;
mod texts;

pub use state::Cells;
pub use texts::{personal_text, unknown_user, unprintable_text};

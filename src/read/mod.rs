//! Reading registers: finding each register's file in the data folder,
//! decoding it, mapping its header to canonical columns, and handing rows to
//! the typed parsers in `registers` with structural problems already
//! reported. Files are opened read-only and never written.

pub mod decode;
pub mod delimited;
mod discover;
mod header;
mod ods;
mod open;
mod parallel;
mod rows;
pub mod scan;
mod sheet;
mod sniff;
mod utf8;
mod xls_guard;
mod xlsx_layout;

pub use parallel::{FileInfo, Prepared, RowSink, prepare, read_prepared, read_register_parallel};
pub mod workbook;

pub use discover::{
    Ambiguity, Broken, DiscoverError, Found, Located, TEXT_EXTENSIONS, WORKBOOK_STEM, discover, discover_all,
    is_input_name,
};
use header::Aliases;
pub use header::Header;
use open::{Opened, open_register};
pub use rows::Row;

use csv::StringRecord;

use crate::config::Reading;
use crate::diag::{Diagnostics, Source};

/// Reads the register at `loc` on this thread, calls `each` for every data
/// row in file order, and reports structural problems into `diags`.
/// Returns `None` when the file cannot be read at all or has no usable
/// header. The one driver, [`read_register_parallel`], with one thread.
pub fn read_register(
    loc: &Located,
    aliases: Aliases,
    reading: &Reading,
    diags: &mut Diagnostics,
    each: impl FnMut(&Row, &mut Diagnostics) + Send,
) -> Option<FileInfo> {
    struct Each<F>(F);
    impl<F: FnMut(&Row, &mut Diagnostics) + Send> RowSink for Each<F> {
        fn row(&mut self, row: &Row, d: &mut Diagnostics) {
            (self.0)(row, d)
        }
    }
    let one = Reading { threads: 1, ..reading.clone() };
    // With one thread the sink is made once, on this thread.
    let each = std::sync::Mutex::new(Some(each));
    let make = || Each(each.lock().ok().and_then(|mut e| e.take()).expect("one thread makes one sink"));
    read_register_parallel(loc, aliases, &one, diags, make).map(|(info, _)| info)
}

/// A register as its cells are written, for a copy that marks its problems
/// (`validate --annota`): every record at its physical line (or sheet row),
/// handed out one at a time by [`RawTable::next_row`], so that a copy of a
/// million rows never holds them all (issue 22: 1M rows took 1.8 GB).
pub struct RawTable {
    /// Where it was read from (file, sheet, register).
    pub src: Source,
    /// The header's line.
    pub header_line: usize,
    /// The header's cells.
    pub header: Vec<String>,
    /// Canonical column name → field index.
    pub columns: Vec<(&'static str, usize)>,
    /// Records read while looking for the header, handed out first.
    pending: std::vec::IntoIter<(usize, StringRecord)>,
    /// The rest.
    records: open::Records,
}

impl RawTable {
    /// Fills `rec` with the next record after the header and returns its
    /// line (or sheet row), in the file's order; `None` at the end.
    pub fn next_row(&mut self, rec: &mut StringRecord) -> Option<usize> {
        if let Some((line, r)) = self.pending.next() {
            *rec = r;
            return Some(line);
        }
        self.records.next_record(rec)
    }
}

/// Opens the register at `loc` as written, for [`RawTable`]; `None` when it
/// cannot be read (its diagnostics already say why).
pub fn raw_table(loc: &Located, aliases: Aliases, reading: &Reading) -> Option<RawTable> {
    let mut scratch = Diagnostics::default();
    let Opened { src, header, pending, rows: records, .. } = open_register(loc, aliases, reading, &mut scratch)?;
    let pending: Vec<(usize, StringRecord)> = pending.into_iter().map(|(line, r, _)| (line, r)).collect();
    let columns = header.map.iter().enumerate().filter_map(|(i, f)| f.map(|f| (loc.spec.columns[i].name, f))).collect();
    let header_cells = header.record.iter().map(str::to_string).collect();
    Some(RawTable {
        src,
        header_line: header.line,
        header: header_cells,
        columns,
        pending: pending.into_iter(),
        records,
    })
}

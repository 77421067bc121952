//! The one read driver: a register's rows handed to sinks, on as many
//! threads as `Reading::threads` (one thread is just the sequential case).
//! The pieces the first pass cut are shared out, each thread with its own
//! sink; diagnostics are put back in file order.

use std::collections::HashSet;

use csv::StringRecord;

use crate::diag::{Diagnostics, Severity, Source};

use super::Located;
use super::header::Aliases;
use super::open::{Opened, Records, open_register};
use super::rows::{Row, RowChecker};

/// What reading a register yields besides its rows.
#[derive(Debug, Clone)]
pub struct FileInfo {
    /// Which register.
    pub kind: crate::schema::RegisterKind,
    /// Where diagnostics point.
    pub src: Source,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// Data rows read (blank rows not counted).
    pub rows: usize,
}

/// Receives the rows of a register read in pieces by several threads: one
/// sink per thread, merged by the caller.
pub trait RowSink: Send {
    /// One data row, already checked for structure.
    fn row(&mut self, row: &Row, d: &mut Diagnostics);

    /// No more rows for this sink: work left for the end is done here, on
    /// the thread that read them, alongside the other threads.
    fn finish(&mut self) {}
}

/// Reads the register at `loc` with `reading.threads` threads when the file
/// is large enough to come in several pieces ([`read_register`] is this with
/// one). Each thread gets its own sink
/// from `make`; diagnostics are kept in file order whatever thread found
/// them. Returns the sinks for the caller to merge.
pub fn read_register_parallel<S: RowSink>(
    loc: &Located,
    aliases: Aliases,
    reading: &crate::config::Reading,
    diags: &mut Diagnostics,
    make: impl Fn() -> S + Sync,
) -> Option<(FileInfo, Vec<S>)> {
    read_prepared(prepare(loc, aliases, reading), loc, reading, diags, make)
}

/// A register opened and its first pass made (hash, encoding, header,
/// where to cut it), with what that found, ready for [`read_prepared`]:
/// made on a thread of its own while other registers are read.
pub struct Prepared {
    opened: Option<Opened>,
    diags: Diagnostics,
}

/// Opens the register at `loc` and makes its first pass.
pub fn prepare(loc: &Located, aliases: Aliases, reading: &crate::config::Reading) -> Prepared {
    let mut diags = Diagnostics::default();
    let opened = open_register(loc, aliases, reading, &mut diags);
    Prepared { opened, diags }
}

/// [`read_register_parallel`] of a register already [`prepare`]d: its
/// diagnostics come first, as if it had been opened here.
pub fn read_prepared<S: RowSink>(
    prepared: Prepared,
    loc: &Located,
    reading: &crate::config::Reading,
    diags: &mut Diagnostics,
    make: impl Fn() -> S + Sync,
) -> Option<(FileInfo, Vec<S>)> {
    diags.extend(prepared.diags);
    let Opened { src, sha256, header, pending, rows: records, .. } = prepared.opened?;
    let mut first = make();
    let mut checker = RowChecker::new(loc, &src, &header);
    let mut bucket0 = Diagnostics::default();
    let mut rows = 0;
    for (line, rec, errors) in &pending {
        rows +=
            checker.handle(*line, rec, errors, &mut bucket0, &mut |row: &Row, d: &mut Diagnostics| first.row(row, d));
    }
    let mut chunked = match records {
        Records::Chunked(c) => c,
        mut other => {
            let mut rec = StringRecord::new();
            while let Some(line) = other.next_record(&mut rec) {
                let errors = other.flaws();
                rows += checker
                    .handle(line, &rec, &errors, &mut bucket0, &mut |row: &Row, d: &mut Diagnostics| first.row(row, d));
            }
            diags.extend(bucket0);
            first.finish();
            return Some((FileInfo { kind: loc.spec.kind, src, sha256, rows }, vec![first]));
        }
    };
    // The rest of the first piece is read here; the other pieces are shared
    // out to the threads, each with its own handle on the file. A file of
    // one piece needs neither.
    let rest = chunked.take_pieces();
    let readers = if rest.is_empty() {
        None
    } else if let Some(readers) = chunked.pieces() {
        Some(readers)
    } else {
        diags.push(src.diag(Severity::Error, "file-unreadable", "non riesco a leggere il file una seconda volta"));
        return None;
    };
    let threads = if readers.is_some() { reading.threads.max(1) } else { 1 };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    let (header, src_ref) = (&header, &src);
    let work = |sink: &mut S, checker: &mut RowChecker| -> usize {
        let mut rows = 0;
        let mut rec = StringRecord::new();
        let mut sink_fn = |row: &Row, d: &mut Diagnostics| sink.row(row, d);
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(piece) = rest.get(i) else { break };
            let mut bucket = Diagnostics::default();
            let mut pieces = readers.as_ref().and_then(|r| r.reader(piece));
            while let Some(line) = pieces.as_mut().and_then(|p| p.next_record(&mut rec)) {
                rows += checker.handle(line, &rec, &[], &mut bucket, &mut sink_fn);
            }
            results.lock().expect("no thread panics holding it").push((i + 1, bucket));
        }
        rows
    };
    let mut sinks = Vec::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut sink = make();
                    let mut checker = RowChecker::new(loc, src_ref, header);
                    let rows = work(&mut sink, &mut checker);
                    sink.finish();
                    (sink, rows)
                })
            })
            .collect();
        let mut rec = StringRecord::new();
        while let Some(line) = chunked.next_record(&mut rec) {
            rows +=
                checker.handle(line, &rec, &[], &mut bucket0, &mut |row: &Row, d: &mut Diagnostics| first.row(row, d));
        }
        rows += work(&mut first, &mut checker);
        first.finish();
        for h in handles {
            let (sink, n) = h.join().expect("a reading thread failed");
            rows += n;
            sinks.push(sink);
        }
    });
    let mut buckets = results.into_inner().expect("no thread panics holding it");
    buckets.push((0, bucket0));
    buckets.sort_by_key(|(i, _)| *i);
    let start = diags.items().len();
    for (_, b) in buckets {
        diags.extend(b);
    }
    // Each thread reports a blank-headed column once: keep the first.
    let mut blank = HashSet::new();
    diags.retain_from(start, |d| d.code != "column-blank" || blank.insert(d.message.clone()));
    sinks.insert(0, first);
    Some((FileInfo { kind: loc.spec.kind, src, sha256, rows }, sinks))
}

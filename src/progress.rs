//! How far a long read has got: counters of bytes that the reading stage
//! advances and that the one printer (`render::progress`) shows. Nothing
//! here prints; a meter nobody watches costs two atomic additions a piece.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes expected and bytes done so far, shared between the reader's
/// threads and the printer. `Meter::default()` counts for nobody.
#[derive(Debug, Clone, Default)]
pub struct Meter(Option<Arc<Counts>>);

#[derive(Debug, Default)]
struct Counts {
    total: AtomicU64,
    done: AtomicU64,
    /// Reads shorter than this show nothing.
    after: std::time::Duration,
}

impl Meter {
    /// A meter someone will watch once the work has taken `after`.
    pub fn watched(after: std::time::Duration) -> Meter {
        Meter(Some(Arc::new(Counts { after, ..Counts::default() })))
    }

    /// How long the work may take before it is shown; `None` when nobody
    /// watches.
    pub fn show_after(&self) -> Option<std::time::Duration> {
        self.0.as_ref().map(|c| c.after)
    }

    /// `n` more bytes of work are coming.
    pub fn expect(&self, n: u64) {
        if let Some(c) = &self.0 {
            c.total.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// `n` bytes of work are done.
    pub fn advance(&self, n: u64) {
        if let Some(c) = &self.0 {
            c.done.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// (done, total) so far; done never exceeds total.
    pub fn get(&self) -> (u64, u64) {
        self.0.as_ref().map_or((0, 0), |c| {
            let total = c.total.load(Ordering::Relaxed);
            (c.done.load(Ordering::Relaxed).min(total), total)
        })
    }

    /// `read` advancing this meter by every byte it reads.
    pub fn counting<R: std::io::Read>(&self, read: R) -> Counting<R> {
        Counting { read, meter: self.clone() }
    }
}

/// Meters compare equal: they count, they do not configure.
impl PartialEq for Meter {
    fn eq(&self, _: &Meter) -> bool {
        true
    }
}

impl Eq for Meter {}

/// A reader that advances a [`Meter`].
pub struct Counting<R> {
    read: R,
    meter: Meter,
}

impl<R: std::io::Read> std::io::Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.read.read(buf)?;
        self.meter.advance(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_is_read_and_never_passes_the_total() {
        let m = Meter::watched(std::time::Duration::ZERO);
        m.expect(10);
        let mut out = Vec::new();
        std::io::copy(&mut m.counting(&b"abcdef"[..]), &mut out).unwrap();
        assert_eq!(m.get(), (6, 10));
        m.advance(100);
        assert_eq!(m.get(), (10, 10));
        let idle = Meter::default();
        idle.expect(5);
        idle.advance(5);
        assert_eq!(idle.get(), (0, 0));
    }
}

//! The registers once read and checked: column vectors for the large ones
//! (accessi, utenti), plain rows for the small ones. Dates are days since
//! 1970-01-01 so they go to polars as they are.

use chrono::NaiveDate;
use polars::prelude::{DataFrame, Int32Chunked, IntoColumn, IntoSeries, PolarsResult, UInt32Chunked, UInt64Chunked};
use polars::series::IsSorted;
use rustc_hash::FxHashMap;

use crate::reference::{ComuneId, CountryId};

pub use super::keys::{FirstSeen, Folded, IdRule, Ids, Interner, KeyRule, Keys, id_key};

/// Marks an absent optional id/interned value in the column vectors.
pub const NONE: u32 = u32::MAX;

/// A gender as registers write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Female.
    F,
    /// Male.
    M,
    /// Neither / not stated as F or M.
    X,
}

impl Gender {
    /// Every gender with its code, in the order reports list them.
    pub const ALL: [Gender; 3] = [Gender::F, Gender::M, Gender::X];

    /// The keys genders are counted under ([`Gender::key`]) and the name the
    /// report's data gives each: F, M, X, then `unknown` (0, a blank
    /// `genere`, which only accesses may have). Users take the first three.
    pub const KEYS: [(u32, &'static str); 4] = [(1, "F"), (2, "M"), (3, "X"), (0, "unknown")];

    /// The number a gender is counted under: 0 not written, 1 F, 2 M, 3 X.
    pub fn key(g: Option<Gender>) -> u32 {
        match g {
            None => 0,
            Some(Gender::F) => 1,
            Some(Gender::M) => 2,
            Some(Gender::X) => 3,
        }
    }

    /// `F`, `M` or `X`.
    pub fn code(self) -> &'static str {
        match self {
            Gender::F => "F",
            Gender::M => "M",
            Gender::X => "X",
        }
    }
}

/// Keeps the earlier of `line` and the first line known for index `i`.
fn first_line(v: &mut Vec<u32>, i: usize, line: u32) {
    if v.len() <= i {
        v.resize(i + 1, u32::MAX);
    }
    v[i] = v[i].min(line);
}

/// One access as read, kept only when asked ([`Accessi::keep_rows`]): what
/// `explain` needs to name the rows behind a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessRow {
    /// Physical line (or spreadsheet row).
    pub line: u32,
    /// Day, since 1970-01-01.
    pub day: i32,
    /// Country id.
    pub country: CountryId,
    /// Request type index.
    pub kind: u16,
    /// Referral slot: 0 not given, `i + 1` referral `i`.
    pub referral: u32,
    /// [`Gender::key`].
    pub gender: u8,
}

/// The columns of the full key but the day, packed: referral slot,
/// country, kind, gender, known. A log has a few thousand of them at most,
/// each numbered once ([`Accessi::combos`]).
fn pack(referral: u32, country: CountryId, kind: u16, gender: u8, known: u8) -> u128 {
    u128::from(referral) << 64
        | u128::from(country) << 48
        | u128::from(kind) << 32
        | u128::from(gender) << 8
        | u128::from(known)
}

/// The fields of a [`pack`]ed combination: referral slot, country, kind,
/// gender, known.
fn unpack(k: u128) -> (u32, CountryId, u16, u8, u8) {
    ((k >> 64) as u32, (k >> 48) as u16, (k >> 32) as u16, (k >> 8) as u8, k as u8)
}

/// A [`pack`]ed combination in 64 bits, when its referral slot fits in 24
/// (always, but for a log of more than 16 million referral sources): a
/// smaller key to look up once a row, half the table.
fn narrow(c: u128) -> Option<u64> {
    let (r, ct, kd, g, kn) = unpack(c);
    (r < 1 << 24 && g < 4 && kn < 2)
        .then(|| u64::from(r) << 40 | u64::from(ct) << 24 | u64::from(kd) << 8 | u64::from(g) << 1 | u64::from(kn))
}

/// The full key an access is counted under, one integer that sorts by day
/// first: the day (its sign bit flipped) and the number of the rest of the
/// key.
fn day_key(day: i32, combo: u32) -> u64 {
    u64::from(day as u32 ^ 0x8000_0000) << 32 | u64::from(combo)
}

/// The day and combination number of a [`day_key`].
fn day_combo(k: u64) -> (i32, u32) {
    (((k >> 32) as u32 ^ 0x8000_0000) as i32, k as u32)
}

/// Rows [`Accessi::add`] keeps as packed keys before counting them into
/// the sorted counts: 2 MiB of keys, and 1 MiB each for their packed copy
/// and its radix sort's scratch. Each buffer costs one pass over the
/// counts (merging its keys in), so a larger buffer means fewer passes; a
/// radix sort makes sorting a larger one cost no more a row.
const PENDING_ROWS: usize = 1 << 18;

/// Counts by full key ([`day_key`]), the keys sorted and distinct.
#[derive(Debug, Default, Clone)]
struct Counts {
    keys: Vec<u64>,
    n: Vec<u32>,
}

impl Counts {
    fn len(&self) -> usize {
        self.keys.len()
    }

    /// Adds `rows` in place: accesses sorted by `key`, a key possibly
    /// repeated, each counting one. One pass from the back, into room made
    /// after the keys there are, so that the counts are not copied whole
    /// into new memory at each buffer (a page fault every few hundred
    /// keys); keys already counted leave a gap, closed at the end.
    fn add<T>(&mut self, rows: &[T], key: impl Fn(&T) -> u64) {
        let (old, extra) = (self.len(), rows.len());
        if extra == 0 {
            return;
        }
        let end = old + extra;
        self.keys.resize(end, 0);
        self.n.resize(end, 0);
        // Slots `w..end` are written, the largest keys; the next one goes
        // to `w - 1`, or is added to slot `w` when the key is the same.
        // Each step takes one key and writes at most one, so `w >= i + j`
        // throughout: no key is overwritten before it is read.
        let (mut i, mut j, mut w) = (old, extra, end);
        while j > 0 {
            let b = key(&rows[j - 1]);
            let (k, c) = if i > 0 && self.keys[i - 1] >= b {
                i -= 1;
                (self.keys[i], self.n[i])
            } else {
                j -= 1;
                (b, 1)
            };
            if w < end && self.keys[w] == k {
                self.n[w] += c;
            } else {
                w -= 1;
                self.keys[w] = k;
                self.n[w] = c;
            }
        }
        // The keys left, `..i`, are smaller than all written and in place.
        if w > i {
            self.keys.copy_within(w..end, i);
            self.n.copy_within(w..end, i);
            self.keys.truncate(i + end - w);
            self.n.truncate(i + end - w);
        }
    }
}

/// Counts sorted for merging: packed small ([`Compact`]) when they fit,
/// which halves what sorting them moves.
#[derive(Debug, Clone)]
enum Sorted {
    /// Packed keys and their counts, and how to unpack the keys.
    Packed(Compact, Vec<(u32, u32)>),
    /// Full keys and their counts.
    Wide(Vec<(u64, u32)>),
}

impl Sorted {
    /// `keys` (in any order, each once) and their counts `n`, sorted.
    fn of(keys: impl Iterator<Item = u64> + Clone, n: &[u32]) -> Sorted {
        let pairs = keys.clone().zip(n.iter().copied());
        match Compact::of(keys) {
            Some(c) => {
                let mut packed: Vec<(u32, u32)> = pairs.map(|(k, n)| (c.pack(k), n)).collect();
                radix_sort(&mut packed, &mut Vec::new(), c.bits, |&(k, _)| k);
                Sorted::Packed(c, packed)
            }
            None => {
                let mut pairs: Vec<(u64, u32)> = pairs.collect();
                pairs.sort_unstable_by_key(|&(k, _)| k);
                Sorted::Wide(pairs)
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            Sorted::Packed(_, v) => v.len(),
            Sorted::Wide(v) => v.len(),
        }
    }

    /// The `i`th key and its count.
    fn get(&self, i: usize) -> (u64, u32) {
        match self {
            Sorted::Packed(c, v) => (c.unpack(v[i].0), v[i].1),
            Sorted::Wide(v) => v[i],
        }
    }
}

impl Counts {
    /// Every key of `a` (sorted) and `b` in order, with its counts in both
    /// added: `each(key, n)`.
    fn merge_each(a: &Counts, b: &Sorted, mut each: impl FnMut(u64, u32)) {
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let (x, (y, m)) = (a.keys[i], b.get(j));
            if x < y {
                each(x, a.n[i]);
                i += 1;
            } else if y < x {
                each(y, m);
                j += 1;
            } else {
                each(x, a.n[i] + m);
                i += 1;
                j += 1;
            }
        }
        for (&k, &n) in a.keys[i..].iter().zip(&a.n[i..]) {
            each(k, n);
        }
        for j in j..b.len() {
            let (k, n) = b.get(j);
            each(k, n);
        }
    }
}

/// The bits `x` needs.
fn bits(x: u32) -> u32 {
    u32::BITS - x.leading_zeros()
}

/// Sorts `v` by `key`, whose values are below `1 << bits`: a
/// least-significant-digit radix sort in as few passes of at most 12 bits
/// as `bits` needs (two for a few years of days and a few thousand
/// combinations), through `scratch`. Passes whose digit is the same in
/// every item are skipped.
fn radix_sort<T: Copy>(v: &mut Vec<T>, scratch: &mut Vec<T>, bits: u32, key: impl Fn(&T) -> u32) {
    const DIGIT: u32 = 12;
    let n = v.len();
    if n < 2 || bits == 0 {
        return;
    }
    let passes = bits.div_ceil(DIGIT);
    let width = bits.div_ceil(passes);
    let mask = (1u32 << width) - 1;
    let buckets = 1usize << width;
    let mut count = vec![0u32; buckets * passes as usize];
    for x in v.iter() {
        let k = key(x);
        for p in 0..passes {
            count[(p as usize) * buckets + ((k >> (p * width)) & mask) as usize] += 1;
        }
    }
    for p in 0..passes {
        let at = &mut count[(p as usize) * buckets..][..buckets];
        if at.iter().any(|&c| c as usize == n) {
            continue;
        }
        let mut sum = 0;
        for c in at.iter_mut() {
            (*c, sum) = (sum, sum + *c);
        }
        if scratch.len() < n {
            scratch.resize(n, v[0]);
        }
        let shift = p * width;
        for x in v.iter() {
            let d = ((key(x) >> shift) & mask) as usize;
            scratch[at[d] as usize] = *x;
            at[d] += 1;
        }
        std::mem::swap(v, scratch);
        v.truncate(n);
    }
}

/// Keys packed smaller for sorting: a [`day_key`] as its day after the
/// least day and its combination, in the bits their ranges need.
#[derive(Debug, Clone, Copy)]
struct Compact {
    /// The least day's half of the keys (the day, its sign bit flipped).
    day0: u32,
    /// The bits of the combination number.
    combo_bits: u32,
    /// All the bits.
    bits: u32,
}

impl Compact {
    /// The packing of `keys`, if it fits in 32 bits.
    fn of(keys: impl Iterator<Item = u64>) -> Option<Compact> {
        let (mut lo, mut hi, mut combo) = (u32::MAX, 0, 0);
        for k in keys {
            let day = (k >> 32) as u32;
            lo = lo.min(day);
            hi = hi.max(day);
            combo = combo.max(k as u32);
        }
        let combo_bits = bits(combo);
        let bits = combo_bits + bits(hi.saturating_sub(lo));
        (bits <= 32).then_some(Compact { day0: lo, combo_bits, bits })
    }

    fn pack(self, k: u64) -> u32 {
        ((k >> 32) as u32 - self.day0).checked_shl(self.combo_bits).unwrap_or(0) | k as u32
    }

    fn unpack(self, c: u32) -> u64 {
        let (day, combo) = match self.combo_bits {
            32 => (0, c),
            b => (c >> b, c & ((1 << b) - 1)),
        };
        u64::from(self.day0 + day) << 32 | u64::from(combo)
    }
}

/// What counting a buffer of rows uses, kept from one buffer to the next.
#[derive(Debug, Default, Clone)]
struct Scratch {
    packed: Vec<u32>,
    spare: Vec<u32>,
}

impl Scratch {
    /// `rows` (full keys, in any order) added into `counts`.
    fn count(&mut self, rows: &[u64], counts: &mut Counts) {
        match Compact::of(rows.iter().copied()) {
            Some(c) => {
                self.packed.clear();
                self.packed.extend(rows.iter().map(|&k| c.pack(k)));
                radix_sort(&mut self.packed, &mut self.spare, c.bits, |&k| k);
                counts.add(&self.packed, |&k| c.unpack(k));
            }
            None => {
                let mut rows = rows.to_vec();
                rows.sort_unstable();
                counts.add(&rows, |&k| k);
            }
        }
    }
}

/// The columns of a piece of the access log counted ([`Accessi::pieces`]):
/// the full key and the count `n`.
pub const ACCESS_PIECE_COLUMNS: [&str; 7] = ["day", "country", "kind", "referral", "gender", "known", "n"];

/// `accessi`, counted as it is read: the report groups accesses by day,
/// country, type, referral and gender inside a period, so each reader (a
/// thread and the pieces of the file it reads) counts its rows by that full
/// key: a buffer of rows at a time, sorted and merged into its sorted
/// counts; the readers' counts are added into one ([`Accessi::merge`]) and
/// handed on as a polars frame ([`Accessi::pieces`]), which
/// `registers::frames` makes the fact frame. Memory grows with the
/// distinct keys, not the rows (unless [`Accessi::keep_rows`] asks for the
/// rows too).
#[derive(Debug, Default, Clone)]
pub struct Accessi {
    /// Also keep every row in [`Accessi::row_list`] (for `explain`).
    pub keep_rows: bool,
    /// Every valid row, when [`Accessi::keep_rows`]; in no particular order.
    pub row_list: Vec<AccessRow>,
    /// Valid rows counted.
    pub rows: u64,
    /// Referral sources as written.
    pub referrals: Interner,
    /// Whether any row names a referral source.
    pub has_referral: bool,
    /// The first line (of a counted row) naming each referral source.
    pub referral_line: Vec<u32>,
    /// The first line (of a counted row) of each request type index.
    pub kind_line: Vec<u32>,
    /// This reader's counts by full key, not yet a frame.
    counts: Counts,
    /// Other readers' counts merged in, by full key in this log's
    /// numbering, sorted again: added to `counts` only as the frame is
    /// made ([`Accessi::pieces`]), which `registers::load` does on a
    /// thread of its own.
    others: Vec<Sorted>,
    /// Rows not yet in `counts`, as packed keys: sorting a buffer of them
    /// and merging it into the sorted counts reads memory in order, where
    /// adding each row to a table of every key missed the cache on nearly
    /// every row (the log comes in any date order).
    pending: Vec<u64>,
    /// The buffers counting `pending` uses.
    scratch: Scratch,
    /// The number of each combination of the key but the day ([`pack`]).
    combos: FxHashMap<u64, u32>,
    /// The same for combinations that do not fit in 64 bits ([`narrow`]).
    wide_combos: FxHashMap<u128, u32>,
    /// The combination of each number.
    combo_list: Vec<u128>,
    /// Counts already made frames (other readers' merged in, or this one's
    /// renumbered), in this log's numbering of types and referrals.
    frames: Vec<DataFrame>,
}

/// The `u32` column `name` of `df` with each value `k` replaced by `map(k)`.
fn remap(df: &mut DataFrame, name: &str, map: impl Fn(u32) -> u32) -> PolarsResult<()> {
    let mapped: Vec<u32> = df.column(name)?.u32()?.into_no_null_iter().map(map).collect();
    df.replace(name, UInt32Chunked::from_vec(name.into(), mapped).into_series().into_column())?;
    Ok(())
}

impl Accessi {
    /// An empty log that also keeps its rows when `keep_rows`.
    pub fn keeping_rows(keep_rows: bool) -> Accessi {
        Accessi { keep_rows, ..Accessi::default() }
    }

    /// Counts one valid access, read at `line`; `known` when it names a
    /// user of `utenti`.
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        line: usize,
        day: i32,
        country: CountryId,
        kind: u16,
        referral: Option<u32>,
        gender: Option<Gender>,
        known: bool,
    ) {
        self.rows += 1;
        // Referral slots: index + 1, and 0 for "not given".
        let slot = referral.map_or(0, |r| r + 1);
        let gender = Gender::key(gender) as u8;
        if self.keep_rows {
            self.row_list.push(AccessRow { line: line as u32, day, country, kind, referral: slot, gender });
        }
        self.has_referral |= referral.is_some();
        if let Some(r) = referral {
            first_line(&mut self.referral_line, r as usize, line as u32);
        }
        first_line(&mut self.kind_line, usize::from(kind), line as u32);
        if self.pending.capacity() == 0 {
            self.pending.reserve_exact(PENDING_ROWS);
        }
        let combo = self.combo(pack(slot, country, kind, gender, u8::from(known)));
        self.pending.push(day_key(day, combo));
        if self.pending.len() == PENDING_ROWS {
            self.settle();
        }
    }

    /// The counts by full key, as frames of [`ACCESS_PIECE_COLUMNS`]: one
    /// per reader merged in, each grouped by the full key; a key may come
    /// in several of them (`registers::frames` groups them once).
    pub fn pieces(&self) -> PolarsResult<Vec<DataFrame>> {
        let mut out = self.frames.clone();
        if self.counts.len() > 0 || !self.pending.is_empty() || !self.others.is_empty() || out.is_empty() {
            out.push(self.counts_frame()?);
        }
        Ok(out)
    }

    /// No more rows: the pending ones counted, and the buffers that
    /// counted them given back.
    pub fn finish(&mut self) {
        self.settle();
        self.pending = Vec::new();
        self.scratch = Scratch::default();
    }

    /// Lets go of the counts once their frame is made (see
    /// `registers::frames`): after this, [`Accessi::pieces`] has no rows.
    /// Several MiB at a million rows, given back before the report is
    /// computed.
    pub fn release_counts(&mut self) {
        self.counts = Counts::default();
        self.others = Vec::new();
        self.pending = Vec::new();
        self.scratch = Scratch::default();
        self.frames = Vec::new();
    }

    /// Whether [`Accessi::pieces`] is one frame with one row per key (no
    /// counts were renumbered into frames that may repeat a key).
    pub fn grouped(&self) -> bool {
        self.frames.is_empty()
    }

    /// The number of a combination, given when new.
    fn combo(&mut self, c: u128) -> u32 {
        let next = self.combo_list.len() as u32;
        let n = match narrow(c) {
            Some(k) => *self.combos.entry(k).or_insert(next),
            None => *self.wide_combos.entry(c).or_insert(next),
        };
        if n == next {
            self.combo_list.push(c);
        }
        n
    }

    /// The rows read so far counted with the others (done as rows are
    /// read, a buffer at a time; once more when the log has been read, so
    /// that its frame needs no copy of the counts).
    pub fn settle(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        self.scratch.count(&self.pending, &mut self.counts);
        self.pending.clear();
    }

    /// The counts by full key as a frame of [`ACCESS_PIECE_COLUMNS`], one
    /// row per key, sorted by key: this reader's (with its pending rows)
    /// and the other readers' merged in.
    fn counts_frame(&self) -> PolarsResult<DataFrame> {
        let settled;
        let mine = if self.pending.is_empty() {
            &self.counts
        } else {
            let mut counts = self.counts.clone();
            Scratch::default().count(&self.pending, &mut counts);
            settled = counts;
            &settled
        };
        // With several other readers, all but the last are added first.
        let mut others = self.others.iter();
        let last = others.next_back();
        let mut added;
        let mine = match others.next() {
            None => mine,
            Some(first) => {
                added = mine.clone();
                for o in std::iter::once(first).chain(others) {
                    let mut sum = Counts::default();
                    Counts::merge_each(&added, o, |k, n| {
                        sum.keys.push(k);
                        sum.n.push(n);
                    });
                    added = sum;
                }
                &added
            }
        };
        let none = Sorted::Wide(Vec::new());
        let theirs = last.unwrap_or(&none);
        // At most this many keys (fewer when the readers share some).
        let most = mine.len() + theirs.len();
        let (mut day, mut country, mut kind) =
            (Vec::with_capacity(most), Vec::with_capacity(most), Vec::with_capacity(most));
        let (mut referral, mut gender, mut known, mut n) =
            (Vec::with_capacity(most), Vec::with_capacity(most), Vec::with_capacity(most), Vec::with_capacity(most));
        Counts::merge_each(mine, theirs, |k, c| {
            let (d, combo) = day_combo(k);
            let (r, ct, kd, g, kn) = unpack(self.combo_list[combo as usize]);
            day.push(d);
            country.push(u32::from(ct));
            kind.push(u32::from(kd));
            referral.push(r);
            gender.push(u32::from(g));
            known.push(u32::from(kn));
            n.push(u64::from(c));
        });
        let len = day.len();
        let u32_col = |name: &str, v| UInt32Chunked::from_vec(name.into(), v).into_series().into_column();
        // The counts go by key, and so by day first: said to polars, so
        // that a period is a slice of the facts rather than a filter.
        let mut day = Int32Chunked::from_vec("day".into(), day);
        day.set_sorted_flag(IsSorted::Ascending);
        DataFrame::new(
            len,
            vec![
                day.into_series().into_column(),
                u32_col("country", country),
                u32_col("kind", kind),
                u32_col("referral", referral),
                u32_col("gender", gender),
                u32_col("known", known),
                UInt64Chunked::from_vec("n".into(), n).into_series().into_column(),
            ],
        )
    }

    /// This reader's counts made a frame, so that they can be renumbered.
    fn flush(&mut self) -> PolarsResult<()> {
        self.settle();
        if self.counts.len() > 0 || !self.others.is_empty() {
            let frame = self.counts_frame()?;
            self.frames.push(frame);
            self.counts = Counts::default();
            self.others.clear();
        }
        Ok(())
    }

    /// Takes in the counts another reader made (another piece of the
    /// file), as its frames; `kind` maps its request-type indexes to this
    /// one's.
    pub fn merge(&mut self, mut other: Accessi, kind: impl Fn(u16) -> u16) -> PolarsResult<()> {
        self.rows += other.rows;
        self.has_referral |= other.has_referral;
        let referral: Vec<u32> = std::iter::once(0)
            .chain((0..other.referrals.len() as u32).map(|r| self.referrals.intern(other.referrals.get(r)) + 1))
            .collect();
        for (r, &line) in other.referral_line.iter().enumerate() {
            first_line(&mut self.referral_line, referral[r + 1] as usize - 1, line);
        }
        for (k, &line) in other.kind_line.iter().enumerate() {
            first_line(&mut self.kind_line, usize::from(kind(k as u16)), line);
        }
        self.row_list.extend(other.row_list.iter().map(|r| AccessRow {
            kind: kind(r.kind),
            referral: referral[r.referral as usize],
            ..*r
        }));
        // The other reader's counts go into this one's, renumbered (a
        // polars group_by of the stacked frames costs more than the
        // reading: several hundred thousand keys from a million random
        // rows). Renumbering keeps the keys distinct (both maps are one to
        // one) but not sorted: they are sorted and added as the frame is
        // made.
        other.settle();
        self.settle();
        let combo: Vec<u32> = (other.combo_list.iter())
            .map(|&c| {
                let (r, ct, kd, g, kn) = unpack(c);
                self.combo(pack(referral[r as usize], ct, kind(kd), g, kn))
            })
            .collect();
        // Sorted into new memory, packed small, so that the other
        // reader's memory is all given back.
        let renumber = |k: u64| {
            let (d, c) = day_combo(k);
            day_key(d, combo[c as usize])
        };
        if other.counts.len() > 0 {
            self.others.push(Sorted::of(other.counts.keys.iter().map(|&k| renumber(k)), &other.counts.n));
        }
        for sorted in other.others {
            let (keys, n): (Vec<u64>, Vec<u32>) = (0..sorted.len()).map(|i| sorted.get(i)).unzip();
            self.others.push(Sorted::of(keys.iter().map(|&k| renumber(k)), &n));
        }
        for mut frame in other.frames {
            remap(&mut frame, "kind", |k| u32::from(kind(k as u16)))?;
            remap(&mut frame, "referral", |r| referral[r as usize])?;
            self.frames.push(frame);
        }
        Ok(())
    }

    /// The referral sources renamed, `names[i]` for source `i` (personal
    /// data taken out): sources that now read the same are one, their
    /// counts added.
    pub fn rename_referrals(&mut self, names: &[String]) -> PolarsResult<()> {
        let mut fresh = Interner::default();
        // Slots: 0 is "not given", `i + 1` source `i`.
        let slot: Vec<u32> = std::iter::once(0).chain(names.iter().map(|n| fresh.intern(n) + 1)).collect();
        self.flush()?;
        for frame in &mut self.frames {
            remap(frame, "referral", |r| slot[r as usize])?;
        }
        for r in &mut self.row_list {
            r.referral = slot[r.referral as usize];
        }
        let mut lines = Vec::new();
        for (i, &line) in self.referral_line.iter().enumerate() {
            first_line(&mut lines, slot[i + 1] as usize - 1, line);
        }
        self.referral_line = lines;
        self.referrals = fresh;
        Ok(())
    }

    /// The request types renumbered, `map[k]` for type `k` (types that read
    /// the same once personal data is taken out become one).
    pub fn renumber_kinds(&mut self, map: &[u16]) -> PolarsResult<()> {
        self.flush()?;
        for frame in &mut self.frames {
            remap(frame, "kind", |k| u32::from(map[k as usize]))?;
        }
        for r in &mut self.row_list {
            r.kind = map[usize::from(r.kind)];
        }
        let mut lines = Vec::new();
        for (k, &line) in self.kind_line.iter().enumerate() {
            first_line(&mut lines, usize::from(map[k]), line);
        }
        self.kind_line = lines;
        Ok(())
    }
}

/// `utenti`, one entry per user, as columns.
#[derive(Debug, Default, Clone)]
pub struct Utenti {
    /// Physical line of each row.
    pub line: Vec<u32>,
    /// Id index.
    pub id: Vec<u32>,
    /// Taken in charge, days since epoch.
    pub taken: Vec<i32>,
    /// Closed, days since epoch, or `i32::MAX` when open.
    pub closed: Vec<i32>,
    /// Gender.
    pub gender: Vec<Gender>,
    /// Country of citizenship.
    pub country: Vec<CountryId>,
    /// Comune of residence, or `ComuneId::MAX`.
    pub comune: Vec<ComuneId>,
    /// No fixed abode / no registered residence.
    pub homeless: Vec<bool>,
    /// The comune as written, where that is not the ISTAT name of the
    /// comune counted (`peglio`, `Cameri NO`, `Bozen`), for `explain`.
    pub comune_written: Vec<Option<Box<str>>>,
}

/// One course.
#[derive(Debug, Clone)]
pub struct Corso {
    /// Line in the file.
    pub line: usize,
    /// Short code.
    pub id: String,
    /// Title.
    pub title: String,
    /// `lingua`, `scuola_guida`, `altro`.
    pub kind: Option<String>,
    /// Partners.
    pub partner: Option<String>,
    /// Planned first day.
    pub start: NaiveDate,
    /// Planned last day.
    pub end: NaiveDate,
    /// Usual hours a meeting.
    pub hours: Option<f64>,
    /// Whether the `ore_incontro` cell was left blank (an unreadable one
    /// has its own error).
    pub hours_blank: bool,
}

/// One meeting held.
#[derive(Debug, Clone)]
pub struct Incontro {
    /// Line in the file.
    pub line: usize,
    /// Course code as written.
    pub course: String,
    /// Day held.
    pub date: NaiveDate,
    /// Hours, when not the course's usual.
    pub hours: Option<f64>,
}

/// One enrolment.
#[derive(Debug, Clone)]
pub struct Iscrizione {
    /// Line in the file.
    pub line: usize,
    /// Course code as written.
    pub course: String,
    /// Participant's pseudonymous code.
    pub participant: String,
    /// Who sent the participant (SAI, Centro…).
    pub origin: Option<String>,
    /// Country of citizenship.
    pub country: Option<CountryId>,
    /// Day enrolled.
    pub date: Option<NaiveDate>,
}

/// One application filled in with the centre's help.
#[derive(Debug, Clone)]
pub struct Domanda {
    /// Line in the file.
    pub line: usize,
    /// Day filled in.
    pub date: NaiveDate,
    /// The call's name.
    pub call: String,
    /// User id as written.
    pub user: Option<String>,
    /// Outcome.
    pub outcome: Option<String>,
}

/// One event.
#[derive(Debug, Clone)]
pub struct Evento {
    /// Line in the file.
    pub line: usize,
    /// Day.
    pub date: NaiveDate,
    /// Title.
    pub title: String,
    /// Partners.
    pub partner: Option<String>,
    /// One paragraph.
    pub description: Option<String>,
}

/// Totals declared for one year before the registers.
#[derive(Debug, Clone)]
pub struct Storico {
    /// Line in the file.
    pub line: usize,
    /// Year.
    pub year: i32,
    /// Users in charge that year.
    pub total: u32,
    /// Of which Italian.
    pub italian: u32,
    /// Of which EU citizens.
    pub eu: u32,
    /// Of which non-EU citizens.
    pub non_eu: u32,
    /// New that year, if declared.
    pub new: Option<u32>,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// A small deterministic generator (xorshift).
    fn numbers(seed: u64) -> impl FnMut() -> u64 {
        let mut s = seed;
        move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        }
    }

    fn counted(c: &Counts) -> Vec<(u64, u32)> {
        c.keys.iter().copied().zip(c.n.iter().copied()).collect()
    }

    fn tally(rows: &[u64]) -> Vec<(u64, u32)> {
        let mut m = BTreeMap::new();
        for &k in rows {
            *m.entry(k).or_insert(0) += 1;
        }
        m.into_iter().collect()
    }

    #[test]
    fn radix_sort_sorts_stably_in_as_few_passes_as_the_bits_need() {
        let mut next = numbers(3);
        for bits in [0, 1, 5, 12, 13, 23, 24, 25, 31, 32] {
            let mask = if bits == 32 { u32::MAX } else { (1u32 << bits) - 1 };
            let mut v: Vec<(u32, usize)> = (0..5000).map(|i| (next() as u32 & mask, i)).collect();
            let mut want = v.clone();
            want.sort_by_key(|&(k, _)| k);
            radix_sort(&mut v, &mut Vec::new(), bits, |&(k, _)| k);
            assert_eq!(v, want, "{bits} bits");
        }
        let mut one = vec![(7u32, 0usize)];
        radix_sort(&mut one, &mut Vec::new(), 3, |&(k, _)| k);
        assert_eq!(one, [(7, 0)]);
    }

    #[test]
    fn compact_keys_keep_their_order_and_come_back_whole() {
        let keys = [day_key(-3, 0), day_key(-3, 9), day_key(0, 2), day_key(20_000, 1), day_key(20_001, 0)];
        let c = Compact::of(keys.iter().copied()).expect("fits");
        let packed: Vec<u32> = keys.iter().map(|&k| c.pack(k)).collect();
        assert!(packed.is_sorted());
        assert_eq!(packed.iter().map(|&p| c.unpack(p)).collect::<Vec<_>>(), keys);
        // A single key, combination 0: no bits at all.
        let c = Compact::of([day_key(5, 0)].into_iter()).expect("fits");
        assert_eq!((c.bits, c.unpack(c.pack(day_key(5, 0)))), (0, day_key(5, 0)));
        // Days across the whole range with many combinations do not fit.
        assert!(Compact::of([day_key(i32::MIN, 0), day_key(i32::MAX, 1 << 20)].into_iter()).is_none());
    }

    #[test]
    fn counts_add_merges_in_place_whatever_the_overlap() {
        let mut next = numbers(11);
        for round in 0..200 {
            let spread = [1, 3, 50, 1000][round % 4];
            let mut all = Vec::new();
            let mut counts = Counts::default();
            for _ in 0..(1 + round % 5) {
                let mut rows: Vec<u64> = (0..(next() % 300)).map(|_| next() % spread).collect();
                all.extend_from_slice(&rows);
                rows.sort_unstable();
                counts.add(&rows, |&k| k);
                assert_eq!(counted(&counts), tally(&all), "round {round}");
            }
        }
    }

    /// Adds `rows` random accesses to `log`, lines from `first`; returns
    /// each as (day, [`pack`]ed combination).
    fn random_rows(log: &mut Accessi, next: &mut impl FnMut() -> u64, first: usize, rows: usize) -> Vec<(i32, u128)> {
        random_rows_over(log, next, first, rows, 3000)
    }

    /// [`random_rows`] over `days` days around 1970.
    fn random_rows_over(
        log: &mut Accessi,
        next: &mut impl FnMut() -> u64,
        first: usize,
        rows: usize,
        days: u64,
    ) -> Vec<(i32, u128)> {
        for name in ["a", "b", "c"] {
            log.referrals.intern(name);
        }
        (first..first + rows)
            .map(|line| {
                // Days either side of 1970, a few hundred combinations.
                let day = (next() % days) as i64 as i32 - (days / 2) as i32;
                let (country, kind) = ((next() % 40) as u16, (next() % 7) as u16);
                let referral = (!next().is_multiple_of(4)).then(|| (next() % 3) as u32);
                let gender = [None, Some(Gender::F), Some(Gender::M), Some(Gender::X)][(next() % 4) as usize];
                let known = next().is_multiple_of(2);
                log.add(line, day, country, kind, referral, gender, known);
                let slot = referral.map_or(0, |r| r + 1);
                (day, pack(slot, country, kind, Gender::key(gender) as u8, u8::from(known)))
            })
            .collect()
    }

    /// The counts of `log` by (day, combination), from its one frame, whose
    /// keys are checked distinct and sorted by day.
    fn by_full_key(log: &Accessi) -> BTreeMap<(i32, u128), u32> {
        let pieces = log.pieces().unwrap();
        assert!(log.grouped() && pieces.len() == 1);
        let f = &pieces[0];
        let day: Vec<i32> = f.column("day").unwrap().i32().unwrap().into_no_null_iter().collect();
        assert!(day.is_sorted());
        let col = |name: &str| -> Vec<u32> { f.column(name).unwrap().u32().unwrap().into_no_null_iter().collect() };
        let (country, kind, referral, gender, known) =
            (col("country"), col("kind"), col("referral"), col("gender"), col("known"));
        let n: Vec<u64> = f.column("n").unwrap().u64().unwrap().into_no_null_iter().collect();
        let mut out = BTreeMap::new();
        for i in 0..f.height() {
            let combo = pack(referral[i], country[i] as u16, kind[i] as u16, gender[i] as u8, known[i] as u8);
            assert!(out.insert((day[i], combo), n[i] as u32).is_none(), "a key twice");
        }
        out
    }

    #[test]
    fn counts_by_full_key_whatever_the_buffer_and_the_order() {
        let mut next = numbers(5);
        let mut log = Accessi::default();
        let rows = random_rows(&mut log, &mut next, 0, PENDING_ROWS * 2 + 123);
        // Pending rows are counted in the frame, settled or not.
        assert_eq!(by_full_key(&log), tally_rows(&rows));
        log.settle();
        assert!(log.counts.keys.is_sorted());
        assert_eq!(by_full_key(&log), tally_rows(&rows));
    }

    fn tally_rows(rows: &[(i32, u128)]) -> BTreeMap<(i32, u128), u32> {
        let mut want = BTreeMap::new();
        for &r in rows {
            *want.entry(r).or_insert(0u32) += 1;
        }
        want
    }

    #[test]
    fn readers_merged_count_as_one() {
        let mut next = numbers(9);
        let (mut one, mut two) = (Accessi::default(), Accessi::default());
        let mut rows = random_rows(&mut one, &mut next, 0, PENDING_ROWS + 7);
        // The second reader numbers its combinations in another order.
        rows.extend(random_rows(&mut two, &mut next, PENDING_ROWS + 7, 5000));
        one.merge(two, |k| k).unwrap();
        assert_eq!(by_full_key(&one), tally_rows(&rows));
        assert_eq!(one.rows, rows.len() as u64);
        // A third reader, and counts made a frame (to be renumbered).
        let mut three = Accessi::default();
        rows.extend(random_rows(&mut three, &mut next, 2 * PENDING_ROWS, 300));
        one.merge(three, |k| k).unwrap();
        assert_eq!(by_full_key(&one), tally_rows(&rows));
        one.flush().unwrap();
        assert_eq!((one.frames.len(), one.counts.len(), one.others.len()), (1, 0, 0));
    }

    #[test]
    fn keys_too_wide_to_pack_are_counted_all_the_same() {
        // Days over 90,000 years and some thousands of combinations need
        // more than 32 bits: the buffers and the merged readers take the
        // sort by comparison.
        let mut next = numbers(13);
        let (mut one, mut two) = (Accessi::default(), Accessi::default());
        let mut rows = random_rows_over(&mut one, &mut next, 0, PENDING_ROWS + 11, 1 << 25);
        assert!(Compact::of(rows.iter().map(|&(d, _)| day_key(d, 1 << 13))).is_none());
        rows.extend(random_rows_over(&mut two, &mut next, PENDING_ROWS + 11, 3000, 1 << 25));
        one.merge(two, |k| k).unwrap();
        assert!(matches!(one.others.as_slice(), [Sorted::Wide(_)]));
        assert_eq!(by_full_key(&one), tally_rows(&rows));
    }
}

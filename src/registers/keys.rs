//! Strings as keys: the one interner (`Keys`, with a rule for names and one
//! for ids), how ids are compared (`id_key`), and where a key was first seen
//! (`FirstSeen`, every duplicate check's "already at line N").

// Fx hashing: these maps are hit once or more per row with short keys.
use rustc_hash::FxHashMap as HashMap;

/// How a [`Keys`] table compares strings.
pub trait KeyRule {
    /// The key `s` is filed under; borrowed when it already is one.
    fn key(s: &str) -> std::borrow::Cow<'_, str>;
}

/// Names (countries as written, origins, calls, referrals, request types):
/// case, accents and spaces do not matter.
#[derive(Debug, Default, Clone)]
pub struct Folded;

impl KeyRule for Folded {
    fn key(s: &str) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Owned(crate::text::fold(s))
    }
}

/// Identifiers (users, courses, participants): exact after trimming and
/// upper-casing ([`id_key`]).
#[derive(Debug, Default, Clone)]
pub struct IdRule;

impl KeyRule for IdRule {
    fn key(s: &str) -> std::borrow::Cow<'_, str> {
        id_key(s)
    }
}

/// Strings seen in the registers, stored once and referred to by index
/// (`u32`): the one interner. Strings with the same key under rule `R`
/// share an index and are shown as first written (trimmed).
#[derive(Debug, Clone)]
pub struct Keys<R> {
    /// Key → index.
    map: HashMap<String, u32>,
    /// Spellings already seen, so the hot path skips making the key: short
    /// ones (every code like `U2025-001`) inline, compared without a
    /// pointer to follow; longer ones as strings.
    exact: HashMap<Inline, u32>,
    exact_long: HashMap<String, u32>,
    values: Vec<String>,
    rule: std::marker::PhantomData<R>,
}

impl<R> Default for Keys<R> {
    fn default() -> Self {
        Keys {
            map: HashMap::default(),
            exact: HashMap::default(),
            exact_long: HashMap::default(),
            values: Vec::new(),
            rule: std::marker::PhantomData,
        }
    }
}

/// A string of at most 23 bytes held inline, its length in the last byte.
pub type Inline = [u8; 24];

/// `s` as an [`Inline`] key, when it is short enough.
pub fn inline(s: &str) -> Option<Inline> {
    (s.len() < 24).then(|| {
        let mut k = [0u8; 24];
        k[..s.len()].copy_from_slice(s.as_bytes());
        k[23] = s.len() as u8;
        k
    })
}

/// Names compared folded.
pub type Interner = Keys<Folded>;

/// Identifiers compared as ids.
pub type Ids = Keys<IdRule>;

impl<R: KeyRule> Keys<R> {
    /// The index of `s`, adding it if new.
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(i) = self.seen(s) {
            return i;
        }
        let key = R::key(s);
        let i = match self.map.get(key.as_ref()) {
            Some(&i) => i,
            None => {
                let i = self.values.len() as u32;
                self.values.push(s.trim().to_string());
                self.map.insert(key.into_owned(), i);
                i
            }
        };
        match inline(s) {
            Some(k) => self.exact.insert(k, i),
            None => self.exact_long.insert(s.to_string(), i),
        };
        i
    }

    /// The index of exactly this spelling, if seen.
    fn seen(&self, s: &str) -> Option<u32> {
        match inline(s) {
            Some(k) => self.exact.get(&k).copied(),
            None => self.exact_long.get(s).copied(),
        }
    }

    /// The index of `s` if already seen.
    pub fn find(&self, s: &str) -> Option<u32> {
        self.seen(s).or_else(|| self.map.get(R::key(s).as_ref()).copied())
    }

    /// The string of index `i` as first written.
    pub fn get(&self, i: u32) -> &str {
        &self.values[i as usize]
    }

    /// Number of distinct keys.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether nothing was seen.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// The line where each key was first seen: the one "already at line N"
/// of every duplicate check.
#[derive(Debug)]
pub struct FirstSeen<K>(HashMap<K, usize>);

impl<K> Default for FirstSeen<K> {
    fn default() -> Self {
        FirstSeen(HashMap::default())
    }
}

impl<K: std::hash::Hash + Eq> FirstSeen<K> {
    /// The line `key` was first seen at, if it was; otherwise `line` is
    /// remembered as its first and `None` is returned.
    pub fn earlier(&mut self, key: K, line: usize) -> Option<usize> {
        match self.0.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(line);
                None
            }
        }
    }

    /// Every key seen.
    pub fn into_keys(self) -> impl Iterator<Item = K> {
        self.0.into_keys()
    }
}

/// A set of interned indices, one bit each: asking for an index is one
/// load, where a hash set probes a table (once per access row, for its user).
#[derive(Debug, Default, Clone)]
pub struct IndexSet(Vec<u64>);

impl IndexSet {
    /// Adds index `i`.
    pub fn insert(&mut self, i: u32) {
        let (word, bit) = (i as usize / 64, i % 64);
        if word >= self.0.len() {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << bit;
    }

    /// Whether index `i` was added.
    pub fn contains(&self, i: u32) -> bool {
        self.0.get(i as usize / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

impl Extend<u32> for IndexSet {
    fn extend<I: IntoIterator<Item = u32>>(&mut self, iter: I) {
        for i in iter {
            self.insert(i);
        }
    }
}

/// How ids are compared (users, courses, participants): trimmed and
/// upper-cased. Borrowed when it already is (the usual case: codes like
/// `U2025-001`), so lookups allocate nothing.
pub fn id_key(s: &str) -> std::borrow::Cow<'_, str> {
    let t = s.trim();
    if t.bytes().any(|b| b.is_ascii_lowercase() || b >= 0x80) {
        std::borrow::Cow::Owned(t.to_uppercase())
    } else {
        std::borrow::Cow::Borrowed(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_spellings_find_the_same_keys() {
        let mut ids = Ids::default();
        let long = "CODICE-MOLTO-LUNGO-DI-PROVA-2025";
        let (a, b) = (ids.intern("U2025-001"), ids.intern(long));
        assert_ne!(a, b);
        assert_eq!(ids.intern(" u2025-001 "), a, "trimmed and upper-cased");
        assert_eq!(ids.find("u2025-001"), Some(a));
        assert_eq!(ids.find(&long.to_lowercase()), Some(b));
        assert_eq!(ids.find("x".repeat(23).as_str()), None, "23 bytes: the longest inline key");
        assert_eq!(ids.get(a), "U2025-001");
        let mut names = Interner::default();
        let n = names.intern("Costa d'Avorio");
        assert_eq!(names.find("COSTA D'AVORIO"), Some(n));
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn an_index_set_holds_what_was_added() {
        let mut set = IndexSet::default();
        set.extend([0, 63, 64, 100_000]);
        for i in [0, 63, 64, 100_000] {
            assert!(set.contains(i), "{i}");
        }
        for i in [1, 62, 65, 99_999, 100_001, u32::MAX] {
            assert!(!set.contains(i), "{i}");
        }
    }
}

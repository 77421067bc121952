//! Reference data embedded at build time from `reference/` (sources and
//! licences in `reference/README.md`): countries with Italian and English
//! names, ISO codes and known variants; EU membership with dates; the ISTAT
//! list of comuni.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::text::fold;

const PAESI: &str = include_str!("../reference/paesi.csv");
const UE: &str = include_str!("../reference/ue.csv");
const COMUNI: &str = include_str!("../reference/comuni.csv");

/// Index of a country in [`Countries::all`].
pub type CountryId = u16;

/// One country.
#[derive(Debug, Clone)]
pub struct Country {
    /// ISO 3166-1 alpha-2 (`NG`).
    pub iso2: String,
    /// ISO 3166-1 alpha-3 (`NGA`).
    pub iso3: String,
    /// Standard Italian name (`Nigeria`).
    pub name: String,
    /// English name.
    pub name_en: String,
    /// EU membership: first and last day (None = still a member).
    pub eu: Option<(NaiveDate, Option<NaiveDate>)>,
}

/// How a country cell was recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountryMatch {
    /// The standard Italian or English name, or an ISO code.
    Exact(CountryId),
    /// A known variant spelling of the country.
    Variant(CountryId),
    /// Not recognised; the nearest standard names.
    Unknown(Vec<String>),
}

/// The three categories of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Italy.
    Italian,
    /// A member of the EU at the date asked.
    Eu,
    /// Any other country.
    NonEu,
}

/// The country table and its lookups.
#[derive(Debug)]
pub struct Countries {
    all: Vec<Country>,
    names: HashMap<String, (CountryId, bool)>,
    codes: HashMap<String, CountryId>,
    italy: CountryId,
}

impl Countries {
    /// The embedded table, parsed once.
    pub fn get() -> &'static Countries {
        static C: OnceLock<Countries> = OnceLock::new();
        C.get_or_init(|| Countries::parse(PAESI, UE))
    }

    fn parse(paesi: &str, ue: &str) -> Countries {
        let mut all = Vec::new();
        let mut names = HashMap::new();
        let mut codes = HashMap::new();
        for line in paesi.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split(';').collect();
            let id = all.len() as CountryId;
            let (iso2, iso3, name, name_en) = (f[0].trim(), f[1].trim(), f[2].trim(), f[3].trim());
            names.insert(fold(name), (id, false));
            names.entry(fold(name_en)).or_insert((id, false));
            for v in f.get(4).unwrap_or(&"").split('|').filter(|v| !v.trim().is_empty()) {
                names.entry(fold(v)).or_insert((id, true));
            }
            codes.insert(iso2.to_ascii_uppercase(), id);
            codes.insert(iso3.to_ascii_uppercase(), id);
            all.push(Country {
                iso2: iso2.into(),
                iso3: iso3.into(),
                name: name.into(),
                name_en: name_en.into(),
                eu: None,
            });
        }
        for line in ue.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split(';').collect();
            let from = NaiveDate::parse_from_str(f[1].trim(), "%Y-%m-%d").ok();
            let to = f.get(2).and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok());
            if let (Some(&id), Some(from)) = (codes.get(f[0].trim()), from) {
                all[id as usize].eu = Some((from, to));
            }
        }
        let italy = codes["IT"];
        Countries { all, names, codes, italy }
    }

    /// Every country, by id.
    pub fn all(&self) -> &[Country] {
        &self.all
    }

    /// The country with id `id`.
    pub fn country(&self, id: CountryId) -> &Country {
        &self.all[id as usize]
    }

    /// Looks up a cell: Italian or English name, variant, or ISO code.
    pub fn lookup(&self, input: &str) -> CountryMatch {
        let t = input.trim();
        if (t.len() == 2 || t.len() == 3)
            && t.bytes().all(|b| b.is_ascii_alphabetic())
            && let Some(&id) = self.codes.get(&t.to_ascii_uppercase())
        {
            return CountryMatch::Exact(id);
        }
        match self.names.get(&fold(t)) {
            Some(&(id, false)) => CountryMatch::Exact(id),
            Some(&(id, true)) => CountryMatch::Variant(id),
            None => CountryMatch::Unknown(
                crate::text::nearest(t, self.all.iter().map(|c| c.name.as_str()), 3)
                    .into_iter()
                    .map(String::from)
                    .collect(),
            ),
        }
    }

    /// Italiani, Comunitari or Extracomunitari at date `at`.
    pub fn category(&self, id: CountryId, at: NaiveDate) -> Category {
        if id == self.italy {
            return Category::Italian;
        }
        match self.all[id as usize].eu {
            Some((from, to)) if from <= at && to.is_none_or(|to| at <= to) => Category::Eu,
            _ => Category::NonEu,
        }
    }
}

/// Index of a comune in [`Comuni::all`].
pub type ComuneId = u16;

/// One comune of the ISTAT list.
#[derive(Debug, Clone)]
pub struct Comune {
    /// ISTAT code, six digits.
    pub code: String,
    /// Italian name as ISTAT writes it.
    pub name: String,
    /// Province abbreviation (`AN`).
    pub province: String,
}

/// The ISTAT list of comuni and its lookup.
#[derive(Debug)]
pub struct Comuni {
    all: Vec<Comune>,
    names: HashMap<String, ComuneId>,
    /// Folded names borne by more than one comune (Castro BG / Castro LE).
    homonyms: HashMap<String, Vec<ComuneId>>,
}

impl Comuni {
    /// The embedded list, parsed once.
    pub fn get() -> &'static Comuni {
        static C: OnceLock<Comuni> = OnceLock::new();
        C.get_or_init(|| Comuni::parse(COMUNI))
    }

    fn parse(text: &str) -> Comuni {
        let mut all = Vec::new();
        let mut names = HashMap::new();
        for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split(';').collect();
            let id = all.len() as ComuneId;
            let (code, name, province) = (f[0].trim(), f[1].trim(), f[2].trim());
            // "Name (PR)" disambiguates homonyms; the bare name finds the first.
            names.insert(fold(&format!("{name} {province}")), id);
            names.entry(fold(name)).or_insert(id);
            if let Some(alt) = f.get(4).map(|s| s.trim()).filter(|s| !s.is_empty()) {
                names.entry(fold(alt)).or_insert(id);
                names.entry(fold(&format!("{name}/{alt}"))).or_insert(id);
            }
            all.push(Comune { code: code.into(), name: name.into(), province: province.into() });
        }
        let mut by_name: HashMap<String, Vec<ComuneId>> = HashMap::new();
        for (i, c) in all.iter().enumerate() {
            by_name.entry(fold(&c.name)).or_default().push(i as ComuneId);
        }
        by_name.retain(|_, ids| ids.len() > 1);
        Comuni { all, names, homonyms: by_name }
    }

    /// The comune with id `id`.
    pub fn comune(&self, id: ComuneId) -> &Comune {
        &self.all[id as usize]
    }

    /// Every comune's name for a drop-down list, sorted; homonyms carry their
    /// province (`Castro (BG)`, `Castro (LE)`), which [`Comuni::lookup`] reads back.
    pub fn names(&self) -> Vec<String> {
        let mut count: HashMap<String, usize> = HashMap::new();
        for c in &self.all {
            *count.entry(fold(&c.name)).or_default() += 1;
        }
        let mut v: Vec<String> = self
            .all
            .iter()
            .map(|c| if count[&fold(&c.name)] > 1 { format!("{} ({})", c.name, c.province) } else { c.name.clone() })
            .collect();
        v.sort_by_key(|n| fold(n));
        v
    }

    /// The comuni a bare name may mean, when more than one bears it.
    pub fn homonyms(&self, input: &str) -> Option<&[ComuneId]> {
        self.homonyms.get(&fold(input)).map(Vec::as_slice)
    }

    /// Looks up a name (`Serra de' Conti`, `serra de conti`, `Jesi (AN)`).
    pub fn lookup(&self, input: &str) -> Result<ComuneId, Vec<String>> {
        self.names.get(&fold(input)).copied().ok_or_else(|| {
            crate::text::nearest(input, self.all.iter().map(|c| c.name.as_str()), 3)
                .into_iter()
                .map(String::from)
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn countries_by_name_code_and_variant() {
        let c = Countries::get();
        let ng = match c.lookup("Nigeria") {
            CountryMatch::Exact(id) => id,
            other => panic!("{other:?}"),
        };
        assert_eq!(c.lookup(" nigeria "), CountryMatch::Exact(ng));
        assert_eq!(c.lookup("NG"), CountryMatch::Exact(ng));
        assert_eq!(c.lookup("nga"), CountryMatch::Exact(ng));
        let CountryMatch::Exact(ma) = c.lookup("Morocco") else { panic!() };
        assert_eq!(c.country(ma).name, "Marocco");
        let CountryMatch::Variant(th) = c.lookup("Tailandia") else { panic!() };
        assert_eq!(c.country(th).name, "Thailandia");
        let CountryMatch::Variant(dom) = c.lookup("REPUBBLICA DOMENICANA") else { panic!() };
        assert_eq!(c.country(dom).name, "Repubblica Dominicana");
        let CountryMatch::Exact(pe) = c.lookup("Perù") else { panic!() };
        assert_eq!(c.lookup("peru"), CountryMatch::Exact(pe));
        match c.lookup("Nigerai") {
            CountryMatch::Unknown(h) => assert_eq!(h.first().map(String::as_str), Some("Nigeria")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn eu_membership_is_decided_at_a_date() {
        let c = Countries::get();
        let id = |s| match c.lookup(s) {
            CountryMatch::Exact(id) | CountryMatch::Variant(id) => id,
            CountryMatch::Unknown(_) => panic!("{s}"),
        };
        assert_eq!(c.category(id("Italia"), d(2025, 6, 30)), Category::Italian);
        assert_eq!(c.category(id("Romania"), d(2025, 6, 30)), Category::Eu);
        assert_eq!(c.category(id("Romania"), d(2006, 12, 31)), Category::NonEu);
        assert_eq!(c.category(id("Croazia"), d(2013, 6, 30)), Category::NonEu);
        assert_eq!(c.category(id("Croazia"), d(2013, 7, 1)), Category::Eu);
        assert_eq!(c.category(id("Regno Unito"), d(2019, 12, 31)), Category::Eu);
        assert_eq!(c.category(id("Regno Unito"), d(2025, 6, 30)), Category::NonEu);
        assert_eq!(c.category(id("Nigeria"), d(2025, 6, 30)), Category::NonEu);
    }

    #[test]
    fn comuni_by_folded_name() {
        let c = Comuni::get();
        let jesi = c.lookup("JESI").unwrap();
        assert_eq!(c.comune(jesi).code, "042021");
        assert_eq!(c.comune(jesi).province, "AN");
        let serra = c.lookup("serra de conti").unwrap();
        assert_eq!(c.comune(serra).name, c.comune(c.lookup("Serra de' Conti").unwrap()).name);
        assert_eq!(c.lookup("Jesi (AN)"), Ok(jesi));
        assert_eq!(c.homonyms("Castro").map(<[ComuneId]>::len), Some(2));
        assert!(c.homonyms("Jesi").is_none());
        let hint = c.lookup("Montecarrotto").unwrap_err();
        assert!(hint.iter().any(|h| h == "Montecarotto"), "{hint:?}");
    }
}

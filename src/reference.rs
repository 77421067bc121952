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
            None if let Some(id) = self.respelt(t) => CountryMatch::Variant(id),
            None => CountryMatch::Unknown(
                crate::text::nearest(t, self.all.iter().map(|c| c.name.as_str()), 3)
                    .into_iter()
                    .map(String::from)
                    .collect(),
            ),
        }
    }

    /// A name written with `&`, `St.` or two names joined by `/` (`Trinidad
    /// & Tobago`, `St. Lucia`, `Myanmar/Birmania`): the country every
    /// reading of it names, when they agree.
    fn respelt(&self, t: &str) -> Option<CountryId> {
        let name = |s: &str| self.names.get(&fold(s)).map(|&(id, _)| id);
        if t.contains('/') {
            let ids: Vec<Option<CountryId>> = t.split('/').map(|p| name(p.trim())).collect();
            return match ids.first() {
                Some(Some(first)) if ids.iter().all(|i| *i == Some(*first)) => Some(*first),
                _ => None,
            };
        }
        let mut readings = Vec::new();
        if t.contains('&') {
            readings.push(t.replace('&', " e "));
            readings.push(t.replace('&', " and "));
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        if words.iter().any(|w| w.eq_ignore_ascii_case("st.") || w.eq_ignore_ascii_case("st")) {
            for saint in ["Saint", "Santa", "San", "Sant'", "Sankt"] {
                let r: Vec<&str> = words
                    .iter()
                    .map(|w| if w.eq_ignore_ascii_case("st.") || w.eq_ignore_ascii_case("st") { saint } else { w })
                    .collect();
                readings.push(r.join(" ").replace('&', " and "));
                readings.push(r.join(" ").replace('&', " e "));
            }
        }
        let found: Vec<CountryId> = readings.iter().filter_map(|r| name(r)).collect();
        match found.first() {
            Some(first) if found.iter().all(|i| i == first) => Some(*first),
            _ => None,
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

    /// The ids of the countries named `name` (the reference's Italian name).
    pub fn ids_named(&self, name: &str) -> Vec<u32> {
        self.all.iter().enumerate().filter(|(_, c)| c.name == name).map(|(i, _)| i as u32).collect()
    }

    /// The category at date `at` of the country of ISO alpha-2 code `iso2`.
    pub fn category_of_iso(&self, iso2: &str, at: NaiveDate) -> Option<Category> {
        let id = self.all.iter().position(|x| x.iso2 == iso2)?;
        Some(self.category(id as CountryId, at))
    }

    /// The id of the country a report names by `iso2` and `name` (both, so
    /// that entries without a code of their own are not folded together).
    pub fn id_of(&self, iso2: &str, name: &str) -> Option<CountryId> {
        let at = self.all.iter().position(|x| x.iso2 == iso2 && x.name == name);
        at.or_else(|| self.all.iter().position(|x| x.iso2 == iso2 && !iso2.is_empty())).map(|i| i as CountryId)
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

/// A comune suppressed since 1991 (merged, absorbed or renamed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    /// Its name as ISTAT wrote it.
    pub name: String,
    /// Its province then.
    pub province: String,
    /// The day it ceased (`yyyy-mm-dd`).
    pub since: String,
    /// The comune it is part of now.
    pub successor: ComuneId,
    /// Renamed, not merged: same code, another name.
    pub renamed: bool,
}

/// How a bare name borne by several comuni was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// Only one of them is in the centre's province.
    Province,
    /// Only one of them is in the centre's region.
    Region,
    /// Neither tells them apart: the first of the ISTAT list is taken.
    First,
}

/// What a comune cell was recognised as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComuneMatch {
    /// One comune: by its ISTAT name, its name and province, or its name
    /// in the other language of a bilingual comune.
    Found(ComuneId),
    /// A name several comuni bear (`Castro`, `Peglio`): the one taken, how,
    /// and every candidate.
    Homonym(ComuneId, Resolved, Vec<ComuneId>),
    /// A comune that no longer exists.
    Suppressed(Suppressed),
    /// Not recognised; the nearest names.
    Unknown(Vec<String>),
}

/// The ISTAT list of comuni and its lookup. A comune is found by separate
/// keys that never fold onto one another: its exact ISTAT name (which
/// always wins), its name with the province read as a province (`Cameri
/// (NO)`, `Cameri NO`: never the key `camerino`), its folded name (case,
/// accents, spaces and punctuation aside), and last its name in the other
/// language of a bilingual comune (so `Corvara` is Corvara (PE), not
/// Corvara in Badia, whose German name it is).
#[derive(Debug)]
pub struct Comuni {
    all: Vec<Comune>,
    exact: HashMap<String, Vec<ComuneId>>,
    lower: HashMap<String, Vec<ComuneId>>,
    folded: HashMap<String, Vec<ComuneId>>,
    alt: HashMap<String, Vec<ComuneId>>,
    suppressed: HashMap<String, Vec<Suppressed>>,
}

const SOPPRESSI: &str = include_str!("../reference/comuni-soppressi.csv");

/// The region of each province abbreviation (ISTAT, 2026).
const REGIONS: [(&str, &str); 20] = [
    ("Piemonte", "TO VC NO CN AT AL BI VB"),
    ("Valle d'Aosta", "AO"),
    ("Lombardia", "VA CO SO MI BG BS PV CR MN LC LO MB"),
    ("Trentino-Alto Adige", "BZ TN"),
    ("Veneto", "VR VI BL TV VE PD RO"),
    ("Friuli-Venezia Giulia", "UD GO TS PN"),
    ("Liguria", "IM SV GE SP"),
    ("Emilia-Romagna", "PC PR RE MO BO FE RA FC RN"),
    ("Toscana", "MS LU PT FI LI PI AR SI GR PO"),
    ("Umbria", "PG TR"),
    ("Marche", "PU AN MC AP FM"),
    ("Lazio", "VT RI RM LT FR"),
    ("Abruzzo", "AQ TE PE CH"),
    ("Molise", "CB IS"),
    ("Campania", "CE BN NA AV SA"),
    ("Puglia", "FG BA TA BR LE BT"),
    ("Basilicata", "PZ MT"),
    ("Calabria", "CS CZ RC KR VV"),
    ("Sicilia", "TP PA ME AG CL EN CT RG SR"),
    ("Sardegna", "SS NU CA OR CI OG OT VS SU"),
];

/// The region of province `sigla`.
pub fn region(sigla: &str) -> Option<&'static str> {
    REGIONS.iter().find(|(_, list)| list.split(' ').any(|p| p.eq_ignore_ascii_case(sigla))).map(|(r, _)| *r)
}

impl Comuni {
    /// The embedded list, parsed once.
    pub fn get() -> &'static Comuni {
        static C: OnceLock<Comuni> = OnceLock::new();
        C.get_or_init(|| Comuni::parse(COMUNI, SOPPRESSI))
    }

    fn parse(text: &str, soppressi: &str) -> Comuni {
        let mut c = Comuni {
            all: Vec::new(),
            exact: HashMap::new(),
            lower: HashMap::new(),
            folded: HashMap::new(),
            alt: HashMap::new(),
            suppressed: HashMap::new(),
        };
        for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split(';').collect();
            let id = c.all.len() as ComuneId;
            let (code, name, province) = (f[0].trim(), f[1].trim(), f[2].trim());
            c.exact.entry(name.to_string()).or_default().push(id);
            c.lower.entry(name.to_lowercase()).or_default().push(id);
            c.folded.entry(fold(name)).or_default().push(id);
            if let Some(alt) = f.get(4).map(|s| s.trim()).filter(|s| !s.is_empty()) {
                c.alt.entry(fold(alt)).or_default().push(id);
            }
            c.all.push(Comune { code: code.into(), name: name.into(), province: province.into() });
        }
        let by_code: HashMap<&str, ComuneId> =
            c.all.iter().enumerate().map(|(i, x)| (x.code.as_str(), i as ComuneId)).collect();
        let mut suppressed: HashMap<String, Vec<Suppressed>> = HashMap::new();
        for line in soppressi.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split(';').map(str::trim).collect();
            let (Some(code), Some(name), Some(province), Some(since), Some(succ)) =
                (f.first(), f.get(1), f.get(2), f.get(3), f.get(4))
            else {
                continue;
            };
            let Some(&successor) = by_code.get(succ) else { continue };
            // A name still borne by a comune today is that comune.
            if c.folded.contains_key(&fold(name)) {
                continue;
            }
            suppressed.entry(fold(name)).or_default().push(Suppressed {
                name: name.to_string(),
                province: province.to_string(),
                since: since.to_string(),
                successor,
                renamed: code == succ,
            });
        }
        c.suppressed = suppressed;
        c
    }

    /// The comune with id `id`.
    pub fn comune(&self, id: ComuneId) -> &Comune {
        &self.all[id as usize]
    }

    /// Every comune's name for a drop-down list, sorted; homonyms carry their
    /// province (`Castro (BG)`, `Castro (LE)`), which [`Comuni::find`] reads back.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .all
            .iter()
            .map(|c| {
                if self.folded[&fold(&c.name)].len() > 1 {
                    format!("{} ({})", c.name, c.province)
                } else {
                    c.name.clone()
                }
            })
            .collect();
        v.sort_by_key(|n| fold(n));
        v
    }

    /// Looks up a name for `centro.toml` and other places with no centre to
    /// resolve homonyms by: the comune found (the first of homonyms).
    pub fn lookup(&self, input: &str) -> Result<ComuneId, Vec<String>> {
        match self.find(input, None) {
            ComuneMatch::Found(id) | ComuneMatch::Homonym(id, ..) => Ok(id),
            ComuneMatch::Suppressed(s) => Err(vec![self.comune(s.successor).name.clone()]),
            ComuneMatch::Unknown(near) => Err(near),
        }
    }

    /// Looks up a cell (`Serra de' Conti`, `serra de conti`, `Jesi (AN)`,
    /// `Cameri NO`, `Bolzano/Bozen`); `home` is the centre's comune, whose
    /// province and then region tell homonyms apart.
    pub fn find(&self, input: &str, home: Option<ComuneId>) -> ComuneMatch {
        let t = input.trim();
        // The ISTAT spelling, then the same letters in another case.
        if let Some(ids) = self.exact.get(t).or_else(|| self.lower.get(&t.to_lowercase())) {
            return self.resolve(ids, home);
        }
        // Name and province: the province is read as a province (never
        // folded into the name: «Cameri NO» is not «Camerino»).
        if let Some((name, sigla)) = split_province(t) {
            let in_province = |ids: &Vec<ComuneId>| -> Vec<ComuneId> {
                ids.iter().copied().filter(|&i| self.comune(i).province.eq_ignore_ascii_case(sigla)).collect()
            };
            let keys = [
                (&self.exact, name.to_string()),
                (&self.lower, name.to_lowercase()),
                (&self.folded, fold(name)),
                (&self.alt, fold(name)),
            ];
            for (map, key) in keys {
                if let Some(ids) = map.get(&key)
                    && let [one] = in_province(ids).as_slice()
                {
                    return ComuneMatch::Found(*one);
                }
            }
        }
        if let Some(ids) = self.folded.get(&fold(t)) {
            return self.resolve(ids, home);
        }
        // Both names of a bilingual comune: each must name the same one.
        if t.contains('/') {
            let found: Vec<Option<ComuneId>> = t
                .split('/')
                .map(|part| match self.by_name(part.trim(), home) {
                    Some(ComuneMatch::Found(id)) => Some(id),
                    _ => self.alt.get(&fold(part)).and_then(|ids| (ids.len() == 1).then(|| ids[0])),
                })
                .collect();
            if let Some(Some(first)) = found.first()
                && found.iter().all(|f| *f == Some(*first))
            {
                return ComuneMatch::Found(*first);
            }
        }
        if let Some(ids) = self.alt.get(&fold(t)) {
            return self.resolve(ids, home);
        }
        if let Some(s) = self.suppressed.get(&fold(t)) {
            // Two suppressed comuni of one name: the centre's province first.
            let home_province = home.map(|h| self.comune(h).province.clone());
            let pick = s.iter().find(|x| Some(&x.province) == home_province.as_ref()).unwrap_or(&s[0]);
            return ComuneMatch::Suppressed(pick.clone());
        }
        ComuneMatch::Unknown(
            crate::text::nearest(t, self.all.iter().map(|c| c.name.as_str()), 3)
                .into_iter()
                .map(String::from)
                .collect(),
        )
    }

    /// The comune of a bare name: the exact ISTAT spelling first, then the
    /// same letters in another case, then the folded name.
    fn by_name(&self, t: &str, home: Option<ComuneId>) -> Option<ComuneMatch> {
        [self.exact.get(t), self.lower.get(&t.to_lowercase()), self.folded.get(&fold(t))]
            .into_iter()
            .flatten()
            .next()
            .map(|ids| self.resolve(ids, home))
    }

    /// One comune, or homonyms told apart by the centre's province, then
    /// its region, else the first of the list.
    fn resolve(&self, ids: &[ComuneId], home: Option<ComuneId>) -> ComuneMatch {
        if let [one] = ids {
            return ComuneMatch::Found(*one);
        }
        if let Some(home) = home.map(|h| self.comune(h)) {
            let same = |f: &dyn Fn(&Comune) -> bool| -> Vec<ComuneId> {
                ids.iter().copied().filter(|&i| f(self.comune(i))).collect()
            };
            if let [one] = same(&|c| c.province == home.province).as_slice() {
                return ComuneMatch::Homonym(*one, Resolved::Province, ids.to_vec());
            }
            let r = region(&home.province);
            if let [one] = same(&|c| r.is_some() && region(&c.province) == r).as_slice() {
                return ComuneMatch::Homonym(*one, Resolved::Region, ids.to_vec());
            }
        }
        ComuneMatch::Homonym(ids[0], Resolved::First, ids.to_vec())
    }

    /// How outputs name comune `id`: its ISTAT name, with the province when
    /// another comune bears the same name (`Peglio (PU)`).
    pub fn label(&self, id: ComuneId) -> String {
        let c = self.comune(id);
        if self.folded.get(&fold(&c.name)).is_some_and(|ids| ids.len() > 1) {
            format!("{} ({})", c.name, c.province)
        } else {
            c.name.clone()
        }
    }

    /// The comuni a bare name may mean, when more than one bears it.
    pub fn homonyms(&self, input: &str) -> Option<&[ComuneId]> {
        self.folded.get(&fold(input)).filter(|ids| ids.len() > 1).map(Vec::as_slice)
    }
}

/// `Cameri (NO)`, `Cameri NO`, `Cameri - NO`, `Cameri, NO` as the name and
/// a province abbreviation that exists.
fn split_province(t: &str) -> Option<(&str, &str)> {
    let t = t.trim();
    let (name, sigla) = if let Some(inner) = t.strip_suffix(')') {
        let (name, sigla) = inner.rsplit_once('(')?;
        (name, sigla.trim())
    } else {
        let (name, sigla) = t.rsplit_once([' ', ',', '-'])?;
        (name, sigla)
    };
    let name = name.trim().trim_end_matches([',', '-']).trim();
    (sigla.len() == 2 && region(sigla).is_some() && !name.is_empty()).then_some((name, sigla))
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

    /// The ISTAT list read back name by name: each comune written as ISTAT
    /// writes it is itself, or (a name several comuni bear) one of its
    /// homonyms with the candidates named; with its province it is always
    /// itself.
    #[test]
    fn every_istat_comune_is_itself() {
        let c = Comuni::get();
        let jesi = c.lookup("Jesi").unwrap();
        for (i, comune) in c.all.iter().enumerate() {
            let id = i as ComuneId;
            match c.find(&comune.name, Some(jesi)) {
                ComuneMatch::Found(f) => assert_eq!(f, id, "{}", comune.name),
                ComuneMatch::Homonym(_, _, candidates) => {
                    assert!(candidates.contains(&id), "{}", comune.name);
                    assert!(candidates.iter().all(|&o| c.comune(o).name == comune.name), "{}", comune.name);
                }
                other => panic!("{}: {other:?}", comune.name),
            }
            for written in
                [format!("{} ({})", comune.name, comune.province), format!("{} {}", comune.name, comune.province)]
            {
                assert_eq!(c.find(&written, Some(jesi)), ComuneMatch::Found(id), "{written}");
            }
        }
    }

    #[test]
    fn same_names_are_told_apart_by_the_centre() {
        let c = Comuni::get();
        let jesi = c.lookup("Jesi").ok();
        let named = |m: ComuneMatch| match m {
            ComuneMatch::Found(id) | ComuneMatch::Homonym(id, ..) => {
                format!("{} ({})", c.comune(id).name, c.comune(id).province)
            }
            other => format!("{other:?}"),
        };
        assert_eq!(named(c.find("Camerino", jesi)), "Camerino (MC)");
        assert_eq!(named(c.find("camerino", jesi)), "Camerino (MC)");
        assert_eq!(named(c.find("Cameri NO", jesi)), "Cameri (NO)");
        assert_eq!(named(c.find("Corvara", jesi)), "Corvara (PE)");
        assert_eq!(named(c.find("Paternò", jesi)), "Paternò (CT)");
        assert_eq!(named(c.find("Paterno", jesi)), "Paterno (PZ)");
        assert_eq!(named(c.find("Tre Ville", jesi)), "Tre Ville (TN)");
        assert_eq!(named(c.find("Bolzano/Bozen", jesi)), "Bolzano (BZ)");
        assert_eq!(named(c.find("Bozen", jesi)), "Bolzano (BZ)");
        assert!(matches!(c.find("Peglio", jesi), ComuneMatch::Homonym(_, Resolved::Region, _)));
        assert_eq!(named(c.find("Peglio", jesi)), "Peglio (PU)");
        assert!(matches!(c.find("Castro", jesi), ComuneMatch::Homonym(_, Resolved::First, _)));
        let ComuneMatch::Suppressed(s) = c.find("Monteciccardo", jesi) else { panic!() };
        assert_eq!(c.comune(s.successor).name, "Pesaro");
    }

    /// Country names as CLDR, Debian's iso-codes and ANPR write them
    /// (`tests/reference/country-names.tsv`): none is counted as another
    /// country.
    #[test]
    fn no_real_country_name_is_another_country() {
        let c = Countries::get();
        let list = include_str!("../tests/reference/country-names.tsv");
        let mut unknown = 0;
        for line in list.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split('\t').collect();
            let (name, iso2) = (f[0], f[1]);
            match c.lookup(name) {
                CountryMatch::Exact(id) | CountryMatch::Variant(id) => {
                    assert_eq!(c.country(id).iso2, iso2, "«{name}» is counted as {}", c.country(id).name)
                }
                CountryMatch::Unknown(_) => unknown += 1,
            }
        }
        assert!(unknown <= 2, "{unknown} real names not recognised");
        for (written, iso2) in [
            ("Trinidad & Tobago", "TT"),
            ("St. Lucia", "LC"),
            ("Myanmar/Birmania", "MM"),
            ("Congo (RDC)", "CD"),
            ("Apolide", "XA"),
        ] {
            let (CountryMatch::Exact(id) | CountryMatch::Variant(id)) = c.lookup(written) else { panic!("{written}") };
            assert_eq!(c.country(id).iso2, iso2, "{written}");
        }
    }
}

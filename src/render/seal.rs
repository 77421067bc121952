//! The seal a PDF carries so that `integra verify` can check it later: the
//! period, the version (internal or public), the document's date, the
//! SHA-256 of every register read, of the centre's data as printed (from
//! `centro.toml`) and of the period's notes, and every figure of the report.
//! It travels in the document's keywords, which Typst writes both into the
//! Info dictionary and into the XMP metadata (`pdf:Keywords`), as one
//! keyword `integra-sigillo=` followed by the seal's JSON, deflated and in
//! base64.
//!
//! The seal is a claim, not a proof: anyone can copy one into another PDF.
//! `verify` therefore makes the report again from the registers for the
//! period, version and date the seal states and compares the pages
//! themselves (`render::pdfread`); the seal says what to make again and,
//! when the registers changed, what changed.
//!
//! Why keywords and not `data.json` attached: the report is PDF/A-2a (with
//! PDF/UA-1), the accessible archival level the publishing rules ask for,
//! and PDF/A-2 admits no attached file that is not itself PDF/A; attaching
//! data is PDF/A-3's. The seal keeps the figures themselves, not only their
//! hash, so that `verify` can say which changed and from what to what.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::aggregate::Report;

/// What comes before the seal in the keywords.
const PREFIX: &str = "integra-sigillo=";

/// The sections of the report whose numbers were its figures in seals of
/// format 2 and before.
const SECTIONS: [&str; 8] =
    ["accesses", "users", "history", "applications", "applications_total", "courses", "courses_total", "events"];

/// Fields that name an item of a list, tried in this order (format 2 and before).
const NAMES: [&str; 9] = ["country", "type", "month", "source", "comune", "call", "id", "origin", "period"];

/// The seal's format: 2 adds the date, the centre and the notes; 3 names
/// the figures by the figure list's ids (`accesses.by_country.Nigeria`).
pub const FORMAT: u32 = 3;

/// What a PDF made by integra says about how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seal {
    /// The seal's own format.
    pub format: u32,
    /// The period's code.
    pub period: String,
    /// The public version (`--pubblico`).
    pub public: bool,
    /// The document's date (`AAAA-MM-GG`), which the PDF is made with
    /// (format 2; before, the period's last day or `SOURCE_DATE_EPOCH`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// SHA-256 of the report's `centre` as printed (from `centro.toml`), format 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centre: Option<String>,
    /// SHA-256 of the period's notes as printed, `None` without notes (format 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Every register file read.
    pub registers: Vec<SealedFile>,
    /// Every figure: its id (`accesses.by_country.Nigeria`; before format 3
    /// a path, `accesses.by_country.Nigeria.count`) and value (`null` where
    /// the public version withholds it).
    pub figures: BTreeMap<String, Value>,
}

/// One register file as it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedFile {
    /// The register.
    pub register: String,
    /// Path relative to the data folder.
    pub file: String,
    /// Sheet, for workbooks.
    pub sheet: Option<String>,
    /// SHA-256 of the file, hex.
    pub sha256: String,
}

/// Why a PDF's seal cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// A PDF without integra's seal.
    #[error("il PDF non porta il sigillo di integra (non è stato fatto da integra, o da un modello che non lo scrive)")]
    Missing,
    /// A seal that does not decode.
    #[error("il sigillo del PDF è danneggiato")]
    Damaged,
}

impl Seal {
    /// The seal of `report`, made into a PDF dated `date`.
    pub fn of(report: &Report, date: chrono::NaiveDate) -> Seal {
        let centre = serde_json::to_vec(&report.centre).expect("the centre always serialises");
        Seal {
            format: FORMAT,
            period: report.period.code.clone(),
            public: report.publication.public,
            date: Some(date.format("%Y-%m-%d").to_string()),
            centre: Some(sha256_hex(&centre)),
            notes: report.needs.as_ref().map(|n| sha256_hex(n.text.as_bytes())),
            registers: report
                .sources
                .iter()
                .map(|s| SealedFile {
                    register: s.register.clone(),
                    file: s.file.clone(),
                    sheet: s.sheet.clone(),
                    sha256: s.sha256.clone(),
                })
                .collect(),
            figures: figures(report),
        }
    }

    /// The seal `report` would carry, with its figures named as `then`'s
    /// format names them, to compare with `then`.
    pub fn again(then: &Seal, report: &Report, date: chrono::NaiveDate) -> Seal {
        let mut now = Seal::of(report, date);
        if then.format < 3 {
            now.figures = paths(report);
        }
        now
    }

    /// The keyword that carries the seal.
    pub fn keyword(&self) -> String {
        let json = serde_json::to_vec(self).expect("a seal always serialises");
        let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&json).expect("writing to memory");
        let packed = z.finish().expect("writing to memory");
        format!("{PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(packed))
    }

    /// The seal among a PDF's `keywords` (as [`pdfread::read`](super::pdfread::read) gives them).
    pub fn from_keywords(keywords: Option<&[u8]>) -> Result<Seal, SealError> {
        let keywords = String::from_utf8_lossy(keywords.ok_or(SealError::Missing)?);
        let packed = keywords.split(", ").find_map(|k| k.trim().strip_prefix(PREFIX)).ok_or(SealError::Missing)?;
        let bytes = base64::engine::general_purpose::STANDARD.decode(packed).map_err(|_| SealError::Damaged)?;
        let mut json = Vec::new();
        flate2::read::DeflateDecoder::new(&bytes[..])
            .take(64 << 20)
            .read_to_end(&mut json)
            .map_err(|_| SealError::Damaged)?;
        serde_json::from_slice(&json).map_err(|_| SealError::Damaged)
    }
}

/// The SHA-256 of `bytes`, in lower-case hexadecimal (also the open-data
/// package's `hash` of each file).
pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Every figure of the report's figure list by its id, `null` where the
/// public version withholds it.
pub fn figures(report: &Report) -> BTreeMap<String, Value> {
    let value = |f: &crate::aggregate::Figure| match f.value {
        _ if f.withheld => Value::Null,
        crate::aggregate::Value::Count(n) => Value::from(n),
        crate::aggregate::Value::Hours(h) => Value::from(h),
    };
    report.figures.list.iter().map(|f| (f.id.clone(), value(f))).collect()
}

/// Every number of the report's sections by a path a person can read, as
/// seals of format 2 and before name them: list items by their name
/// (`accesses.by_country.Nigeria.count`), not by position. Kept to verify
/// PDFs made before the figure list.
fn paths(report: &Report) -> BTreeMap<String, Value> {
    let mut json = serde_json::to_value(report).expect("the report always serialises");
    if report.publication.public {
        // What the public version shows: withheld numbers are null.
        crate::publish::mark_json(report, &mut json);
    }
    let mut out = BTreeMap::new();
    for section in SECTIONS {
        if let Some(v) = json.get(section) {
            flatten(section, v, &mut out);
        }
    }
    out
}

fn flatten(path: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Number(_) => {
            out.insert(path.to_string(), v.clone());
        }
        // A withheld number of the public version.
        Value::Null if path.ends_with("count") || path.ends_with("total") => {
            out.insert(path.to_string(), Value::Null);
        }
        Value::Object(m) => {
            for (k, x) in m {
                flatten(&format!("{path}.{k}"), x, out);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                let name = NAMES.iter().find_map(|n| x.get(*n).and_then(Value::as_str)).map(str::to_string);
                let key = name.unwrap_or_else(|| format!("{}", i + 1));
                flatten(&format!("{path}.{key}"), x, out);
            }
        }
        _ => {}
    }
}

/// What changed between a seal and the registers as they are now.
#[derive(Debug, Default, PartialEq)]
pub struct Differences {
    /// Register files whose bytes changed: (file, sheet).
    pub changed: Vec<SealedFile>,
    /// Register files read then and not now.
    pub gone: Vec<SealedFile>,
    /// Register files read now and not then.
    pub added: Vec<SealedFile>,
    /// Figures that differ: (path, then, now); `null` where one side has none.
    pub figures: Vec<(String, Value, Value)>,
    /// The centre's data as printed (from `centro.toml`) changed.
    pub centre: bool,
    /// The period's notes changed (or came, or went).
    pub notes: bool,
}

impl Differences {
    /// Whether the report could be made again as it is.
    pub fn is_empty(&self) -> bool {
        *self == Differences::default()
    }
}

/// `then` (the PDF's seal) against `now` (the same report made again).
pub fn compare(then: &Seal, now: &Seal) -> Differences {
    let key = |f: &SealedFile| (f.file.clone(), f.sheet.clone());
    let mut d = Differences::default();
    for f in &then.registers {
        match now.registers.iter().find(|n| key(n) == key(f)) {
            Some(n) if n.sha256 != f.sha256 => d.changed.push(f.clone()),
            Some(_) => {}
            None => d.gone.push(f.clone()),
        }
    }
    // Seals before format 2 say nothing of the centre and the notes.
    if then.format >= 2 {
        d.centre = then.centre != now.centre;
        d.notes = then.notes != now.notes;
    }
    d.added = now.registers.iter().filter(|n| !then.registers.iter().any(|f| key(f) == key(n))).cloned().collect();
    let paths: std::collections::BTreeSet<&String> = then.figures.keys().chain(now.figures.keys()).collect();
    for p in paths {
        let (a, b) = (then.figures.get(p).unwrap_or(&Value::Null), now.figures.get(p).unwrap_or(&Value::Null));
        if a != b {
            d.figures.push((p.clone(), a.clone(), b.clone()));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal(figures: &[(&str, i64)], sha: &str) -> Seal {
        Seal {
            format: FORMAT,
            period: "2025H1".into(),
            public: false,
            date: Some("2025-06-30".into()),
            centre: Some("c".into()),
            notes: None,
            registers: vec![SealedFile {
                register: "accessi".into(),
                file: "accessi.csv".into(),
                sheet: None,
                sha256: sha.into(),
            }],
            figures: figures.iter().map(|(p, v)| (p.to_string(), Value::from(*v))).collect(),
        }
    }

    #[test]
    fn a_seal_survives_its_keyword() {
        let s = seal(&[("accesses.total", 181), ("users.total", 83)], "ab");
        let k = s.keyword();
        assert!(k.starts_with(PREFIX) && !k.contains(", "), "one keyword, no separator inside");
        let packed = k.strip_prefix(PREFIX).unwrap();
        let bytes = base64::engine::general_purpose::STANDARD.decode(packed).unwrap();
        let mut json = Vec::new();
        flate2::read::DeflateDecoder::new(&bytes[..]).read_to_end(&mut json).unwrap();
        assert_eq!(serde_json::from_slice::<Seal>(&json).unwrap(), s);
    }

    #[test]
    fn differences_name_the_register_and_the_figures() {
        let then = seal(&[("accesses.total", 181), ("accesses.by_country.Nigeria.count", 31)], "ab");
        let now = seal(&[("accesses.total", 182), ("accesses.by_country.Nigeria.count", 31)], "cd");
        let d = compare(&then, &now);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.figures, vec![("accesses.total".into(), Value::from(181), Value::from(182))]);
        assert!(compare(&then, &then).is_empty());
    }
}

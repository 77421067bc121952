//! `[dati_aperti]` of `centro.toml` as the checked model [`DatiAperti`]: who
//! publishes the open-data package (`report --format datapackage`), under
//! which licence and theme, and whom to write to; with the vocabularies its
//! values are checked against, embedded from `reference/` (`licenze.csv`,
//! `temi-ue.csv`). A leaf of `centro`: `model` holds the type, `sections`
//! walks the section into it, `render` reads it.

use std::sync::OnceLock;

const LICENZE: &str = include_str!("../../reference/licenze.csv");
const TEMI: &str = include_str!("../../reference/temi-ue.csv");

/// A licence the package may be published under (`reference/licenze.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Licence {
    /// Its identifier as the Open Definition spells it (`CC-BY-4.0`).
    pub id: String,
    /// Its name, in Italian where it has one.
    pub title: String,
    /// Its text.
    pub url: String,
    /// Its classes in the ADMS licence-type vocabulary (`Attribution`).
    pub kinds: Vec<String>,
    /// Its version (`4.0`).
    pub version: String,
}

/// A theme of the EU «Data theme» table (`reference/temi-ue.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Its code (`SOCI`).
    pub code: String,
    /// Its Italian label (`Popolazione e società`).
    pub label: String,
}

/// The licence used when `[dati_aperti] licenza` is not given.
pub const LICENCE_DEFAULT: &str = "CC-BY-4.0";
/// The theme used when `[dati_aperti] tema` is not given: «Popolazione e società».
pub const THEME_DEFAULT: &str = "SOCI";

fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines().skip(1).filter(|l| !l.trim().is_empty()).map(|l| l.split(';').collect())
}

/// Every licence `licenza` may name, in the file's order.
pub fn licences() -> &'static [Licence] {
    static ALL: OnceLock<Vec<Licence>> = OnceLock::new();
    ALL.get_or_init(|| {
        rows(LICENZE)
            .map(|f| Licence {
                id: f[0].into(),
                title: f[1].into(),
                url: f[2].into(),
                kinds: f[3].split('|').map(String::from).collect(),
                version: f[4].into(),
            })
            .collect()
    })
}

/// Every EU data theme, in the table's order.
pub fn themes() -> &'static [Theme] {
    static ALL: OnceLock<Vec<Theme>> = OnceLock::new();
    ALL.get_or_init(|| rows(TEMI).map(|f| Theme { code: f[0].into(), label: f[1].into() }).collect())
}

/// The licence of identifier `id`, ignoring case and spaces around it.
pub fn licence(id: &str) -> Option<&'static Licence> {
    licences().iter().find(|l| l.id.eq_ignore_ascii_case(id.trim()))
}

/// The theme of code `code`, ignoring case and spaces around it.
pub fn theme(code: &str) -> Option<&'static Theme> {
    themes().iter().find(|t| t.code.eq_ignore_ascii_case(code.trim()))
}

/// What `[dati_aperti]` says. Every key may be missing: the package then
/// falls back (the Comune of `[centro]` publishes and holds the rights, the
/// licence is [`LICENCE_DEFAULT`], the theme [`THEME_DEFAULT`]) and `report`
/// names what the coordinator should fill in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DatiAperti {
    /// `licenza`: the licence, when given.
    pub licenza: Option<&'static Licence>,
    /// `editore`: who publishes the data (an administration's name as in
    /// the IPA index: «Comune di Jesi»).
    pub editore: Option<String>,
    /// `codice_ipa`: the publisher's code in the IPA index (`c_e388`).
    pub codice_ipa: Option<String>,
    /// `titolare`: who holds the rights on the data.
    pub titolare: Option<String>,
    /// `codice_ipa_titolare`: the rights holder's code in the IPA index.
    pub codice_ipa_titolare: Option<String>,
    /// `tema`: the themes, when given (at least one).
    pub tema: Vec<&'static Theme>,
    /// `contatto`: the e-mail address to write to about the data.
    pub contatto: Option<String>,
}

/// Whether `code` is shaped like a code of the IPA index: letters, digits
/// and `_`, 2 to 20 of them (`c_e388`, `r_marche`, `agid`). The index itself
/// is not embedded: a code of the right shape that does not exist is not found.
pub fn ipa_shaped(code: &str) -> bool {
    (2..=20).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabularies_are_whole() {
        assert_eq!(licences().len(), 6);
        assert!(licences().iter().all(|l| l.url.starts_with("https://") && !l.kinds.is_empty()));
        assert_eq!(licence("cc-by-4.0").map(|l| l.version.as_str()), Some("4.0"));
        assert!(licence(LICENCE_DEFAULT).is_some());
        assert_eq!(themes().len(), 13);
        assert_eq!(theme(" soci ").map(|t| t.label.as_str()), Some("Popolazione e società"));
        assert!(theme(THEME_DEFAULT).is_some());
        assert!(theme("OP_DATPRO").is_none());
    }

    #[test]
    fn ipa_codes_have_a_shape() {
        assert!(ipa_shaped("c_e388"));
        assert!(ipa_shaped("agid"));
        assert!(!ipa_shaped("c e388"));
        assert!(!ipa_shaped("x"));
    }
}

//! The metadata the national catalogue (dati.gov.it) harvests, by the
//! Italian profile DCAT-AP_IT: who publishes the data and holds its rights,
//! the licence, the EU theme, how often it is updated (from the period's
//! kind), the period it covers, whom to write to, the language. Resolved
//! once ([`metadata`]) from `[dati_aperti]` of `centro.toml`, falling back
//! where a value is missing (the Comune of `[centro]` publishes; the
//! publisher holds the rights; CC BY 4.0; «Popolazione e società»), and
//! written twice by the open-data package (`render::datapackage`): as
//! `dcat-ap_it.jsonld` ([`json_ld`]) and as a plain object inside
//! `datapackage.json` ([`summary`]).

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::aggregate::Report;
use crate::centro::{Centro, DatiAperti, LICENCE_DEFAULT, Licence, THEME_DEFAULT, Theme, licence, theme};
use crate::period::PeriodKind;

/// The EU vocabularies' addresses (Publications Office of the EU).
const THEMES: &str = "http://publications.europa.eu/resource/authority/data-theme/";
const FREQUENCIES: &str = "http://publications.europa.eu/resource/authority/frequency/";
const LANGUAGES: &str = "http://publications.europa.eu/resource/authority/language/";
const FILE_TYPES: &str = "http://publications.europa.eu/resource/authority/file-type/";
/// The ADMS licence types.
const LICENCE_TYPES: &str = "http://purl.org/adms/licencetype/";

/// What the metadata are made from: `[dati_aperti]` of `centro.toml` and
/// the desk's own e-mail (`[centro] email`), the contact when none is
/// given. An ambito declares neither yet: its package falls back wholly.
#[derive(Debug, Clone, Default)]
pub struct Declared {
    /// `[dati_aperti]`.
    pub open: DatiAperti,
    /// The first `[centro] email`.
    pub desk_email: Option<String>,
}

impl Declared {
    /// What a centre's `centro.toml` declares.
    pub fn of(centro: &Centro) -> Declared {
        Declared { open: centro.dati_aperti.clone(), desk_email: centro.contatti.emails().first().cloned() }
    }
}

/// An organisation that plays a part in the data (publisher, rights holder).
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    /// Its name, as in the IPA index («Comune di Jesi»).
    pub name: String,
    /// Its code in the IPA index (`c_e388`), when known.
    pub ipa: Option<String>,
}

/// The dataset's metadata, resolved.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// `dct:identifier`: the IPA code and the package's name
    /// (`c_e388:jesi-centro-…-2025h1`), the name alone without a code.
    pub identifier: String,
    /// The title, in Italian.
    pub title: String,
    /// The description, in Italian.
    pub description: String,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Who publishes.
    pub publisher: Agent,
    /// Who holds the rights.
    pub rights_holder: Agent,
    /// The licence.
    pub licence: &'static Licence,
    /// The EU data themes.
    pub themes: Vec<&'static Theme>,
    /// The EU frequency of updates (`BIANNUAL`).
    pub frequency: &'static str,
    /// The first and last day covered, ISO.
    pub coverage: (String, String),
    /// The contact point's e-mail address, when one is known.
    pub contact: Option<String>,
    /// The day the package is made: `dct:issued` and `dct:modified`.
    pub date: NaiveDate,
}

/// A key of `[dati_aperti]` not given, and what the package says instead:
/// what `report` asks the coordinator to fill in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// The key (`codice_ipa`).
    pub key: &'static str,
    /// What was written in its place, in words (`«Comune di Jesi», il comune di [centro]`).
    pub used: String,
}

/// The EU frequency of a report of this kind: a semester comes twice a year.
pub fn frequency(kind: PeriodKind) -> &'static str {
    match kind {
        PeriodKind::Year => "ANNUAL",
        PeriodKind::Semester => "BIANNUAL",
        PeriodKind::Quarter => "QUARTERLY",
        PeriodKind::Month => "MONTHLY",
        PeriodKind::Range => "IRREG",
    }
}

/// The metadata of the package `name` of `report`, made on `date`, and the
/// keys of `[dati_aperti]` it had to do without.
pub fn metadata(report: &Report, declared: &Declared, name: &str, date: NaiveDate) -> (Metadata, Vec<Fallback>) {
    let open = &declared.open;
    let mut missing = Vec::new();
    let mut fallback = |key, used: String| missing.push(Fallback { key, used });
    let comune = &report.centre.comune;
    let publisher_name = open.editore.clone().unwrap_or_else(|| {
        let name = format!("Comune di {comune}");
        fallback("editore", format!("«{name}», dal comune del centro (o dell'ambito)"));
        name
    });
    if open.codice_ipa.is_none() {
        fallback("codice_ipa", "nessuno: il catalogo nazionale identifica l'editore con il suo codice IPA".into());
    }
    let publisher = Agent { name: publisher_name, ipa: open.codice_ipa.clone() };
    let rights_holder = match &open.titolare {
        Some(name) => {
            if open.codice_ipa_titolare.is_none() {
                fallback("codice_ipa_titolare", "nessuno: il titolare è indicato solo per nome".into());
            }
            Agent { name: name.clone(), ipa: open.codice_ipa_titolare.clone() }
        }
        None => {
            fallback("titolare", format!("«{}», l'editore", publisher.name));
            publisher.clone()
        }
    };
    let licence = open.licenza.unwrap_or_else(|| {
        fallback("licenza", format!("{LICENCE_DEFAULT}, la licenza predefinita"));
        licence(LICENCE_DEFAULT).expect("the default licence is in reference/licenze.csv")
    });
    let themes = if open.tema.is_empty() {
        fallback("tema", format!("{THEME_DEFAULT}, il tema predefinito (Popolazione e società)"));
        vec![theme(THEME_DEFAULT).expect("the default theme is in reference/temi-ue.csv")]
    } else {
        open.tema.clone()
    };
    let contact = open.contatto.clone().or_else(|| {
        let desk = declared.desk_email.clone();
        fallback(
            "contatto",
            match &desk {
                Some(mail) => format!("{mail}, l'e-mail dello sportello in [centro]"),
                None => "nessuno: il catalogo nazionale chiede un indirizzo e-mail a cui scrivere".into(),
            },
        );
        desk
    });
    let identifier = match &publisher.ipa {
        Some(code) => format!("{code}:{name}"),
        None => name.to_string(),
    };
    let p = &report.period;
    let public = report.publication.public;
    let title = format!(
        "{comune} - {}: numeri del report di gestione, {}{}",
        report.centre.name,
        p.label,
        if public { "" } else { " (uso interno)" }
    );
    let version = match report.publication.threshold {
        Some(t) if public => format!(
            "Versione pubblica: i conteggi di persone inferiori a {t}, e quelli da cui si potrebbero ricavare, non sono pubblicati (valore vuoto, soppresso = true)."
        ),
        _ => "Versione interna, con tutti i numeri: non è da pubblicare.".into(),
    };
    let description = format!(
        "I numeri del report di gestione di «{}», Comune di {comune}, {}: accessi allo sportello, utenti presi in carico, corsi e domande ai bandi. Un file CSV per tabella del report, una riga per numero (periodo, centro, voce, dimensioni, unità di misura, valore). {version}",
        report.centre.name, p.phrase
    );
    let keywords = ["integrazione sociale", "sportello", "accessi", "utenti presi in carico", "corsi", comune]
        .map(String::from)
        .to_vec();
    let m = Metadata {
        identifier,
        title,
        description,
        keywords,
        publisher,
        rights_holder,
        licence,
        themes,
        frequency: frequency(p.kind),
        coverage: (p.start.clone(), p.end.clone()),
        contact,
        date,
    };
    (m, missing)
}

/// One CSV of the package, as a DCAT distribution.
#[derive(Debug, Clone)]
pub struct Distribution<'a> {
    /// The resource's name (`accessi-per-paese`).
    pub name: &'a str,
    /// Its file, relative to the package (`accessi-per-paese.csv`).
    pub path: &'a str,
    /// Its title (the table's name).
    pub title: &'a str,
    /// Its description.
    pub description: &'a str,
}

fn it(text: &str) -> Value {
    json!({ "@language": "it", "@value": text })
}

fn day(iso: &str) -> Value {
    json!({ "@type": "xsd:date", "@value": iso })
}

fn iri(at: &str) -> Value {
    json!({ "@id": at })
}

fn agent(a: &Agent) -> Value {
    let mut v = json!({ "@type": ["dcatapit:Agent", "foaf:Agent"], "foaf:name": it(&a.name) });
    if let Some(code) = &a.ipa {
        v["dct:identifier"] = code.as_str().into();
    }
    v
}

/// `dcat-ap_it.jsonld`: one `dcatapit:Dataset` with a `dcatapit:Distribution`
/// per CSV. Addresses of the files are relative, resolved against where
/// the package is published.
pub fn json_ld(m: &Metadata, distributions: &[Distribution]) -> Value {
    let l = m.licence;
    let licence = json!({
        "@id": l.url,
        "@type": ["dcatapit:LicenseDocument", "dct:LicenseDocument"],
        "dct:type": l.kinds.iter().map(|k| iri(&format!("{LICENCE_TYPES}{k}"))).collect::<Vec<_>>(),
        "foaf:name": it(&l.title),
        "owl:versionInfo": l.version,
    });
    let dists: Vec<Value> = distributions
        .iter()
        .map(|d| {
            json!({
                "@id": format!("#{}", d.name),
                "@type": ["dcatapit:Distribution", "dcat:Distribution"],
                "dct:title": it(d.title),
                "dct:description": it(d.description),
                "dct:format": iri(&format!("{FILE_TYPES}CSV")),
                "dcat:mediaType": iri("https://www.iana.org/assignments/media-types/text/csv"),
                "dcat:accessURL": iri(d.path),
                "dcat:downloadURL": iri(d.path),
                "dct:license": licence,
            })
        })
        .collect();
    let (start, end) = &m.coverage;
    let mut dataset = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dcatapit": "http://dati.gov.it/onto/dcatapit#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "owl": "http://www.w3.org/2002/07/owl#",
            "schema": "http://schema.org/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": "#dataset",
        "@type": ["dcatapit:Dataset", "dcat:Dataset"],
        "dct:identifier": m.identifier,
        "dct:title": it(&m.title),
        "dct:description": it(&m.description),
        "dcat:keyword": m.keywords.iter().map(|k| it(k)).collect::<Vec<_>>(),
        "dcat:theme": m.themes.iter().map(|t| iri(&format!("{THEMES}{}", t.code))).collect::<Vec<_>>(),
        "dct:language": iri(&format!("{LANGUAGES}ITA")),
        "dct:issued": day(&m.date.to_string()),
        "dct:modified": day(&m.date.to_string()),
        "dct:accrualPeriodicity": iri(&format!("{FREQUENCIES}{}", m.frequency)),
        // DCAT-AP_IT 1.x reads the schema.org dates, DCAT 2 its own.
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "schema:startDate": day(start),
            "schema:endDate": day(end),
            "dcat:startDate": day(start),
            "dcat:endDate": day(end),
        },
        "dct:publisher": agent(&m.publisher),
        "dct:rightsHolder": agent(&m.rights_holder),
        "dcat:distribution": dists,
    });
    if let Some(mail) = &m.contact {
        dataset["dcat:contactPoint"] = json!({
            "@type": ["dcatapit:Organization", "vcard:Organization", "vcard:Kind"],
            "vcard:fn": m.publisher.name,
            "vcard:hasEmail": iri(&format!("mailto:{mail}")),
        });
    }
    dataset
}

/// The same metadata as a plain object, for `datapackage.json` (where a
/// reader of the Data Package finds it without RDF).
pub fn summary(m: &Metadata, file: &str) -> Value {
    let agent = |a: &Agent| json!({ "name": a.name, "identifier": a.ipa });
    json!({
        "profile": "DCAT-AP_IT",
        "file": file,
        "identifier": m.identifier,
        "publisher": agent(&m.publisher),
        "rightsHolder": agent(&m.rights_holder),
        "theme": m.themes.iter().map(|t| format!("{THEMES}{}", t.code)).collect::<Vec<_>>(),
        "accrualPeriodicity": format!("{FREQUENCIES}{}", m.frequency),
        "temporal": { "startDate": m.coverage.0, "endDate": m.coverage.1 },
        "contactPoint": m.contact.as_ref().map(|mail| json!({ "name": m.publisher.name, "email": mail })),
        "language": format!("{LANGUAGES}ITA"),
        "issued": m.date.to_string(),
        "modified": m.date.to_string(),
        "license": m.licence.url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_period_kind_has_an_eu_frequency() {
        assert_eq!(frequency(PeriodKind::Semester), "BIANNUAL");
        assert_eq!(frequency(PeriodKind::Month), "MONTHLY");
        assert_eq!(frequency(PeriodKind::Year), "ANNUAL");
        assert_eq!(frequency(PeriodKind::Quarter), "QUARTERLY");
        assert_eq!(frequency(PeriodKind::Range), "IRREG");
    }
}

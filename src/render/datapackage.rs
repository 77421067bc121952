//! The open-data package (`report --format datapackage`, docs/OPEN-DATA.md):
//! one tidy CSV per table of the figure list, `datapackage.json` describing
//! them by the Frictionless Data Package and Table Schema specifications
//! (field types, Italian titles and descriptions, the withheld value as the
//! missing value, the licence), and `dcat-ap_it.jsonld`, the metadata the
//! national catalogue harvests (`render::dcat`). Each CSV has the columns
//! `periodo, centro, voce`, one per dimension of its table, then `unita,
//! valore, soppresso`; its values are those of the report's CSV
//! (`render::csv`), withheld ones empty.
//!
//! The same report and date give the same bytes: tables, columns and rows
//! come in the figure list's order, and the JSON is written by typed
//! structures (`datapackage.json`) or in key order (`dcat-ap_it.jsonld`).

use chrono::NaiveDate;
use serde::Serialize;

use super::csv::{neutralise, value_cell};
use super::dcat::{self, Declared, Distribution, Fallback};
use crate::aggregate::{Figure, Report, Unit, Value};
use crate::files::FolderKind;

/// The package's descriptor.
pub const DESCRIPTOR: &str = "datapackage.json";
/// The DCAT-AP_IT metadata.
pub const DCAT_FILE: &str = "dcat-ap_it.jsonld";
/// The version of the package's shape (CHANGELOG.md records each change).
pub const VERSION: &str = "1.0.0";
/// The dimension naming a figure's centre (an ambito's figures have it);
/// without it, a figure is the report's centre's.
pub const CENTRE_DIM: &str = "centro";

/// The columns every CSV of the package has; a dimension of the same name
/// becomes `<name>_voce`.
const FIXED: [&str; 6] = ["periodo", "centro", "voce", "unita", "valore", "soppresso"];
/// The columns that identify a row.
const KEY: [&str; 3] = ["periodo", "centro", "voce"];

/// What a package folder holds: `integra report` replaces such a folder
/// whole, and refuses one holding anything else.
pub const KIND: FolderKind =
    FolderKind { marker: DESCRIPTOR, holds: is_package_file, what: "un pacchetto di dati aperti" };

/// Whether a file of this name may be part of a package integra wrote: its
/// descriptor, its metadata, a CSV named as a table's slug.
pub fn is_package_file(name: &str) -> bool {
    name == DESCRIPTOR
        || name == DCAT_FILE
        || name.strip_suffix(".csv").is_some_and(|stem| {
            !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// The package, ready to be written.
#[derive(Debug)]
pub struct Package {
    /// Each file's name and bytes: the CSVs in the figure list's order,
    /// then [`DESCRIPTOR`] and [`DCAT_FILE`].
    pub files: Vec<(String, Vec<u8>)>,
    /// How many tables (CSVs).
    pub tables: usize,
    /// How many figures (rows).
    pub figures: usize,
    /// How many of them are withheld.
    pub withheld: usize,
    /// The keys of `[dati_aperti]` the metadata did without.
    pub fallbacks: Vec<Fallback>,
}

/// A table of the figure list: its figures and the dimensions they use.
struct Table<'a> {
    /// Its Italian name (`Accessi per paese`).
    title: &'a str,
    /// Its resource name and file stem (`accessi-per-paese`).
    name: String,
    /// Its figures, in the list's order.
    figures: Vec<&'a Figure>,
    /// The dimensions its figures use, first seen first (not `centro`).
    dims: Vec<&'a str>,
}

impl Table<'_> {
    /// Whether its values are hours somewhere (then `number`, else `integer`).
    fn hours(&self) -> bool {
        self.figures.iter().any(|f| matches!(f.value, Value::Hours(_)))
    }

    /// The units it counts, first seen first.
    fn units(&self) -> Vec<Unit> {
        let mut units = Vec::new();
        for f in &self.figures {
            if !units.contains(&f.unit) {
                units.push(f.unit);
            }
        }
        units
    }
}

/// The report's figures grouped by table, in the order tables first appear;
/// each named by the slug of its title, numbered when two slugs meet.
fn tables(report: &Report) -> Vec<Table<'_>> {
    let mut out: Vec<Table> = Vec::new();
    for f in &report.figures.list {
        let i = match out.iter().position(|t| t.title == f.table) {
            Some(i) => i,
            None => {
                out.push(Table { title: &f.table, name: String::new(), figures: Vec::new(), dims: Vec::new() });
                out.len() - 1
            }
        };
        let t = &mut out[i];
        t.figures.push(f);
        for d in &f.dims {
            if d.name != CENTRE_DIM && !t.dims.contains(&d.name.as_str()) {
                t.dims.push(&d.name);
            }
        }
    }
    let mut taken: Vec<String> = Vec::new();
    for t in &mut out {
        let base = Some(crate::text::slug(t.title)).filter(|s| !s.is_empty()).unwrap_or_else(|| "tabella".into());
        let mut name = base.clone();
        for n in 2.. {
            if !taken.contains(&name) {
                break;
            }
            name = format!("{base}-{n}");
        }
        taken.push(name.clone());
        t.name = name;
    }
    out
}

/// The column a dimension is written in.
fn column(dim: &str) -> String {
    if FIXED.contains(&dim) { format!("{dim}_voce") } else { dim.to_string() }
}

/// The value of dimension `dim` of `f`, if it has it.
fn dim_value<'a>(f: &'a Figure, dim: &str) -> Option<&'a str> {
    f.dims.iter().find(|d| d.name == dim).map(|d| d.value.as_str())
}

/// One table as CSV: header, then a row per figure.
fn table_csv(report: &Report, t: &Table) -> Vec<u8> {
    let mut w = ::csv::WriterBuilder::new().from_writer(Vec::new());
    let mut header: Vec<String> = KEY.map(String::from).to_vec();
    header.extend(t.dims.iter().map(|d| column(d)));
    header.extend(["unita", "valore", "soppresso"].map(String::from));
    w.write_record(&header).expect("writing to memory");
    for f in &t.figures {
        let centre = dim_value(f, CENTRE_DIM).unwrap_or(&report.centre.name);
        let mut row: Vec<String> = [report.period.code.as_str(), centre, f.id.as_str()].map(neutralise).to_vec();
        row.extend(t.dims.iter().map(|d| neutralise(dim_value(f, d).unwrap_or(""))));
        row.push(neutralise(f.unit.name()));
        row.push(value_cell(f));
        row.push(f.withheld.to_string());
        w.write_record(&row).expect("writing to memory");
    }
    w.into_inner().expect("flushing memory")
}

/// `datapackage.json`, in the order its keys are written.
#[derive(Serialize)]
struct Descriptor<'a> {
    profile: &'static str,
    name: &'a str,
    title: &'a str,
    description: &'a str,
    version: &'static str,
    created: String,
    keywords: &'a [String],
    licenses: [Licence<'a>; 1],
    contributors: Vec<Contributor<'a>>,
    resources: Vec<Resource>,
    /// The DCAT-AP_IT metadata, also here (the spec allows more properties).
    #[serde(rename = "dcat-ap_it")]
    dcat: serde_json::Value,
}

#[derive(Serialize)]
struct Licence<'a> {
    name: &'a str,
    path: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct Contributor<'a> {
    title: &'a str,
    role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
}

#[derive(Serialize)]
struct Resource {
    profile: &'static str,
    name: String,
    path: String,
    title: String,
    description: String,
    format: &'static str,
    mediatype: &'static str,
    encoding: &'static str,
    bytes: usize,
    hash: String,
    dialect: Dialect,
    schema: Schema,
}

/// How the CSVs are written: commas, double quotes doubled, LF.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dialect {
    delimiter: &'static str,
    line_terminator: &'static str,
    quote_char: &'static str,
    double_quote: bool,
    header: bool,
}

const DIALECT: Dialect =
    Dialect { delimiter: ",", line_terminator: "\n", quote_char: "\"", double_quote: true, header: true };

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Schema {
    fields: Vec<Field>,
    missing_values: [&'static str; 1],
    primary_key: [&'static str; 3],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Field {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    true_values: Option<[&'static str; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    false_values: Option<[&'static str; 1]>,
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    constraints: Constraints,
}

#[derive(Serialize, Default)]
struct Constraints {
    #[serde(skip_serializing_if = "Option::is_none")]
    required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minimum: Option<u64>,
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    one_of: Option<Vec<&'static str>>,
}

impl Constraints {
    fn is_empty(&self) -> bool {
        self.required.is_none() && self.minimum.is_none() && self.one_of.is_none()
    }

    fn required() -> Constraints {
        Constraints { required: Some(true), ..Constraints::default() }
    }
}

fn field(name: &str, kind: &'static str, title: &str, description: String, constraints: Constraints) -> Field {
    Field {
        name: name.into(),
        kind,
        title: title.into(),
        description,
        true_values: None,
        false_values: None,
        constraints,
    }
}

/// `parte_del_giorno` → `Parte del giorno`.
fn title_of(dim: &str) -> String {
    let words = dim.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Whether every value given is a month written `2025-03` (Table Schema's
/// `yearmonth`), and one at least is.
fn months(values: &[&str]) -> bool {
    let month = |v: &&str| {
        let b = v.as_bytes();
        b.len() == 7
            && b[4] == b'-'
            && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit())
            && matches!(v[5..].parse::<u8>(), Ok(1..=12))
    };
    let given: Vec<&&str> = values.iter().filter(|v| !v.is_empty()).collect();
    !given.is_empty() && given.into_iter().all(month)
}

/// The Table Schema of `t`.
fn schema(report: &Report, t: &Table) -> Schema {
    let mut fields = vec![
        field(
            "periodo",
            "string",
            "Periodo",
            format!(
                "Il periodo del report, con il codice di integra (2025H1 è il primo semestre 2025, 2025Q1 il primo trimestre, 2025-03 il mese di marzo, 2025 l'anno): qui {}, dal {} al {}.",
                report.period.code, report.period.start, report.period.end
            ),
            Constraints::required(),
        ),
        field("centro", "string", "Centro", "Il centro a cui si riferisce il numero.".into(), Constraints::required()),
        field(
            "voce",
            "string",
            "Voce",
            "L'identificativo del numero nel report, lo stesso che usa «integra explain» (unico per periodo e centro)."
                .into(),
            Constraints::required(),
        ),
    ];
    for dim in &t.dims {
        let values: Vec<&str> = t.figures.iter().map(|f| dim_value(f, dim).unwrap_or("")).collect();
        let kind = if months(&values) { "yearmonth" } else { "string" };
        let mut description = format!("Il valore della dimensione «{dim}» della voce");
        if values.iter().any(|v| v.is_empty()) {
            description.push_str(", vuoto quando la voce non ne ha (un totale)");
        }
        if column(dim) != *dim {
            description.push_str(&format!(" (la colonna si chiama {} perché «{dim}» è già una colonna)", column(dim)));
        }
        description.push('.');
        fields.push(field(&column(dim), kind, &title_of(dim), description, Constraints::default()));
    }
    let units: Vec<&'static str> = t.units().into_iter().map(Unit::name).collect();
    fields.push(field(
        "unita",
        "string",
        "Unità di misura",
        "Che cosa conta il valore: persone, accessi, iscrizioni, incontri, ore o domande.".into(),
        Constraints { required: Some(true), one_of: Some(units), ..Constraints::default() },
    ));
    fields.push(field(
        "valore",
        if t.hours() { "number" } else { "integer" },
        "Valore",
        "Il numero (le ore con il punto decimale); vuoto quando non è pubblicato (soppresso = true).".into(),
        Constraints { minimum: Some(0), ..Constraints::default() },
    ));
    let why = match report.publication.threshold {
        Some(th) if report.publication.public => format!(
            "true quando il valore non è pubblicato per proteggere le persone contate (un conteggio inferiore a {th} persone, o uno da cui si potrebbe ricavare), altrimenti false."
        ),
        _ => "Sempre false: questa è la versione interna, con tutti i numeri.".into(),
    };
    let mut withheld = field("soppresso", "boolean", "Soppresso", why, Constraints::required());
    withheld.true_values = Some(["true"]);
    withheld.false_values = Some(["false"]);
    fields.push(withheld);
    Schema { fields, missing_values: [""], primary_key: KEY }
}

/// `accessi`, `accessi e persone`, `incontri, ore e iscrizioni`.
fn and_list(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} e {last}", rest.join(", ")),
    }
}

/// The package's name: the comune, the centre and the period, as a slug
/// (`jesi-centro-servizi-per-l-integrazione-sociale-2025h1`); `-interno`
/// for the internal version.
fn package_name(report: &Report) -> String {
    let base = crate::text::slug(&format!("{} {}", report.centre.comune, report.centre.name));
    let base = if base.is_empty() { "integra".to_string() } else { base };
    let mut name = format!("{base}-{}", crate::text::slug(&report.period.code));
    if !report.publication.public {
        name.push_str("-interno");
    }
    name
}

/// The package of `report`, made on `date`, with the metadata `declared`
/// (`[dati_aperti]` of `centro.toml`).
pub fn render(report: &Report, declared: &Declared, date: NaiveDate) -> Package {
    let tables = tables(report);
    let name = package_name(report);
    let (meta, fallbacks) = dcat::metadata(report, declared, &name, date);
    let mut files = Vec::new();
    let mut resources = Vec::new();
    for t in &tables {
        let csv = table_csv(report, t);
        let units: Vec<&str> = t.units().into_iter().map(Unit::name).collect();
        let path = format!("{}.csv", t.name);
        resources.push(Resource {
            profile: "tabular-data-resource",
            name: t.name.clone(),
            path: path.clone(),
            title: t.title.to_string(),
            description: format!(
                "La tabella «{}» del report, {}: una riga per voce; il valore conta {}.",
                t.title,
                report.period.label,
                and_list(&units)
            ),
            format: "csv",
            mediatype: "text/csv",
            encoding: "utf-8",
            bytes: csv.len(),
            hash: format!("sha256:{}", super::seal::sha256_hex(&csv)),
            dialect: DIALECT,
            schema: schema(report, t),
        });
        files.push((path, csv));
    }
    let distributions: Vec<Distribution> = resources
        .iter()
        .map(|r| Distribution { name: &r.name, path: &r.path, title: &r.title, description: &r.description })
        .collect();
    let json_ld = dcat::json_ld(&meta, &distributions);
    let l = meta.licence;
    let mut contributors =
        vec![Contributor { title: &meta.publisher.name, role: "publisher", email: meta.contact.as_deref() }];
    if meta.rights_holder != meta.publisher {
        contributors.push(Contributor { title: &meta.rights_holder.name, role: "contributor", email: None });
    }
    contributors.push(Contributor { title: &report.centre.name, role: "author", email: None });
    let descriptor = Descriptor {
        profile: "tabular-data-package",
        name: &name,
        title: &meta.title,
        description: &meta.description,
        version: VERSION,
        created: format!("{date}T00:00:00Z"),
        keywords: &meta.keywords,
        licenses: [Licence { name: &l.id, path: &l.url, title: &l.title }],
        contributors,
        resources,
        dcat: dcat::summary(&meta, DCAT_FILE),
    };
    files.push((DESCRIPTOR.to_string(), pretty(&descriptor)));
    files.push((DCAT_FILE.to_string(), pretty(&json_ld)));
    let list = &report.figures.list;
    Package {
        files,
        tables: tables.len(),
        figures: list.len(),
        withheld: list.iter().filter(|f| f.withheld).count(),
        fallbacks,
    }
}

fn pretty(value: &impl Serialize) -> Vec<u8> {
    let mut s = serde_json::to_vec_pretty(value).expect("the package always serialises");
    s.push(b'\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_files_are_told_apart() {
        assert!(is_package_file("datapackage.json"));
        assert!(is_package_file("dcat-ap_it.jsonld"));
        assert!(is_package_file("accessi-per-paese-e-mese.csv"));
        assert!(!is_package_file(".csv"));
        assert!(!is_package_file("Accessi.csv"));
        assert!(!is_package_file("accessi.CSV"));
        assert!(!is_package_file("lettera.docx"));
    }

    #[test]
    fn a_dimension_named_like_a_column_is_renamed() {
        assert_eq!(column("paese"), "paese");
        assert_eq!(column("periodo"), "periodo_voce");
        assert_eq!(title_of("parte_del_giorno"), "Parte del giorno");
    }

    #[test]
    fn months_are_told_from_the_whole_column() {
        assert!(months(&["2025-01", "", "2025-12"]));
        assert!(!months(&["2025-01", "2025H1"]));
        assert!(!months(&["2025-13"]));
        assert!(!months(&["", ""]));
        assert_eq!(and_list(&["incontri", "ore", "iscrizioni"]), "incontri, ore e iscrizioni");
    }
}

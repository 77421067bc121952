//! The open-data package (`report --format datapackage`, issue 23 item 3):
//! written from `data-samples/` and read back. Every CSV row is the figure
//! of the report's JSON (same version) with the same id, every figure is in
//! one CSV, withheld values are empty and marked, no small count of people
//! is published; `datapackage.json` holds to the rules of the Data Package
//! and Table Schema specifications that can be checked here (the real
//! `frictionless validate` is run by hand: docs/OPEN-DATA.md); the same
//! input gives the same bytes; the folder is written whole, and only over
//! an earlier package.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{Integra, Run, copy_dir, fixture, root};

fn samples() -> PathBuf {
    root().join("data-samples")
}

/// `report --format datapackage` of 2025H1 into `out`, with `extra` options.
fn package(data: &Path, out: &Path, extra: &[&str]) -> Run {
    Integra::new()
        .args(["report", "--period", "2025H1", "--format", "datapackage", "--data"])
        .arg_path(data)
        .arg("--out")
        .arg_path(out)
        .args(extra)
        .run()
}

/// The report's JSON (public with `--pubblico`) of 2025H1.
fn report_json(data: &Path, extra: &[&str]) -> Value {
    Integra::new()
        .args(["report", "--period", "2025H1", "--format", "json", "--data"])
        .arg_path(data)
        .args(extra)
        .run()
        .code_is(0)
        .json()
}

/// A CSV file: its header and rows.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

fn name_ok(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// Whether `cell` reads as a value of `field` (Table Schema types), or is
/// the missing value where the field may miss.
fn parses(cell: &str, field: &Value, missing: &[Value]) -> bool {
    if missing.iter().any(|m| m == cell) {
        return field["constraints"]["required"] != true;
    }
    match field["type"].as_str().unwrap() {
        "string" => true,
        "integer" => cell.parse::<i64>().is_ok_and(|n| n >= 0),
        "number" => cell.parse::<f64>().is_ok_and(|n| n.is_finite() && n >= 0.0),
        "boolean" => {
            let listed = |key: &str| field[key].as_array().unwrap().iter().any(|v| v == cell);
            listed("trueValues") || listed("falseValues")
        }
        "yearmonth" => {
            cell.len() == 7
                && cell.as_bytes()[4] == b'-'
                && cell[..4].parse::<u16>().is_ok()
                && cell[5..].parse::<u8>().is_ok_and(|m| (1..=12).contains(&m))
        }
        other => panic!("type {other} not checked here"),
    }
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The package in `dir` holds to the specifications: every check of the
/// Data Package and Table Schema that needs no network. Returns the rows of
/// every CSV by file, each as column → cell.
fn check_spec(dir: &Path) -> BTreeMap<String, Vec<BTreeMap<String, String>>> {
    let d: Value = serde_json::from_slice(&std::fs::read(dir.join("datapackage.json")).unwrap()).unwrap();
    assert_eq!(d["profile"], "tabular-data-package");
    assert!(name_ok(d["name"].as_str().unwrap()), "{}", d["name"]);
    for key in ["title", "description", "version", "created"] {
        assert!(d[key].as_str().is_some_and(|s| !s.is_empty()), "{key}");
    }
    assert!(d["created"].as_str().unwrap().ends_with("T00:00:00Z"));
    assert!(!d["keywords"].as_array().unwrap().is_empty());
    let licence = &d["licenses"][0];
    assert!(licence["name"].is_string() && licence["path"].as_str().unwrap().starts_with("https://"));
    assert!(licence["title"].is_string());
    assert!(d["contributors"].as_array().unwrap().iter().all(|c| c["title"].is_string()));
    let mut names = BTreeSet::new();
    let mut paths = BTreeSet::new();
    let mut tables = BTreeMap::new();
    let resources = d["resources"].as_array().unwrap();
    assert!(!resources.is_empty());
    for res in resources {
        let name = res["name"].as_str().unwrap();
        assert!(name_ok(name), "{name}");
        assert!(names.insert(name), "resource {name} twice");
        assert_eq!(res["profile"], "tabular-data-resource");
        assert_eq!(res["format"], "csv");
        assert_eq!(res["encoding"], "utf-8");
        let path = res["path"].as_str().unwrap();
        assert!(!path.contains('/') && !path.starts_with('.'), "{path}: a path inside the package");
        assert!(paths.insert(path));
        let bytes = std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(std::str::from_utf8(&bytes).is_ok(), "{path}: UTF-8");
        assert!(!bytes.starts_with(b"\xef\xbb\xbf"), "{path}: no BOM");
        assert_eq!(res["bytes"], bytes.len(), "{path}");
        assert_eq!(res["hash"].as_str().unwrap(), format!("sha256:{}", sha256(&bytes)), "{path}");
        let schema = &res["schema"];
        let fields = schema["fields"].as_array().unwrap();
        let missing = schema["missingValues"].as_array().unwrap();
        assert_eq!(missing, &[Value::from("")]);
        let field_names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        for f in fields {
            assert!(f["title"].is_string() && f["description"].is_string(), "{path}: {f}");
        }
        let (header, rows) = read_csv(&dir.join(path));
        assert_eq!(header, field_names, "{path}: the header is the schema's fields, in order");
        let key: Vec<usize> = schema["primaryKey"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| field_names.iter().position(|n| k == n).unwrap_or_else(|| panic!("{path}: key {k}")))
            .collect();
        let mut keys = BTreeSet::new();
        let mut table = Vec::new();
        for (line, row) in rows.iter().enumerate() {
            assert_eq!(row.len(), fields.len(), "{path}:{}", line + 2);
            for (cell, field) in row.iter().zip(fields) {
                assert!(parses(cell, field, missing), "{path}:{}: «{cell}» is not a {}", line + 2, field["type"]);
                if let Some(allowed) = field["constraints"]["enum"].as_array() {
                    assert!(allowed.iter().any(|a| a == cell.as_str()), "{path}: {cell} not in {allowed:?}");
                }
            }
            let k: Vec<&str> = key.iter().map(|&i| row[i].as_str()).collect();
            assert!(keys.insert(k.join("\u{1f}")), "{path}: primary key {k:?} twice");
            table.push(header.iter().cloned().zip(row.iter().cloned()).collect());
        }
        tables.insert(path.to_string(), table);
    }
    let mut on_disk: Vec<String> =
        std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    on_disk.sort();
    let mut expected: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
    expected.extend(["datapackage.json".into(), "dcat-ap_it.jsonld".into()]);
    expected.sort();
    assert_eq!(on_disk, expected, "the package holds its files and nothing else");
    tables
}

/// Every figure of the JSON is one row of one CSV, with its value, and
/// withheld exactly where the JSON withholds it.
fn check_against_report(tables: &BTreeMap<String, Vec<BTreeMap<String, String>>>, j: &Value) {
    let figures = j["figures"].as_array().unwrap();
    let mut rows: BTreeMap<&str, (&str, &BTreeMap<String, String>)> = BTreeMap::new();
    for (file, table) in tables {
        for row in table {
            let id = row["voce"].as_str();
            assert!(rows.insert(id, (file, row)).is_none(), "{id} in two CSVs");
            assert_eq!(row["periodo"], "2025H1");
        }
    }
    assert_eq!(rows.len(), figures.len(), "one row per figure");
    let mut tables_seen: BTreeMap<&str, &str> = BTreeMap::new();
    for f in figures {
        let id = f["id"].as_str().unwrap();
        let (file, row) = rows.get(id).unwrap_or_else(|| panic!("{id} is in no CSV"));
        // A table is one file.
        let table = f["table"].as_str().unwrap();
        assert_eq!(*tables_seen.entry(table).or_insert(file), *file, "{table} in two files");
        assert_eq!(row["unita"], f["unit"].as_str().unwrap(), "{id}");
        // The centre: an ambito's figure of one centre names it, the others are the report's.
        let dims = f["dims"].as_array().unwrap();
        let centre = dims.iter().find(|d| d["name"] == "centro").map_or(&j["centre"]["name"], |d| &d["value"]);
        assert_eq!(row["centro"], centre.as_str().unwrap(), "{id}");
        for dim in dims.iter().filter(|d| d["name"] != "centro") {
            let name = dim["name"].as_str().unwrap();
            let column = if ["periodo", "centro", "voce", "unita", "valore", "soppresso"].contains(&name) {
                format!("{name}_voce")
            } else {
                name.to_string()
            };
            assert_eq!(row[&column], dim["value"].as_str().unwrap(), "{id}: {name}");
        }
        let withheld = f["withheld"].as_bool().unwrap();
        assert_eq!(row["soppresso"], withheld.to_string(), "{id}");
        if withheld {
            assert_eq!(row["valore"], "", "{id}: a withheld value is empty");
            assert!(f["value"].is_null());
        } else {
            let csv: f64 = row["valore"].parse().unwrap_or_else(|_| panic!("{id}: «{}»", row["valore"]));
            assert_eq!(csv, f["value"].as_f64().unwrap(), "{id}");
        }
    }
}

#[test]
fn the_public_package_is_the_public_report_table_by_table() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dati");
    let run = package(&samples(), &out, &[]).code_is(0);
    let err = run.stderr();
    assert!(err.contains("pacchetto di dati aperti 2025H1") && err.contains("versione pubblica"), "{err}");
    assert!(err.contains("codice_ipa:") && err.contains("contatto:"), "what to fill in is said: {err}");
    let tables = check_spec(&out);
    let j = report_json(&samples(), &["--pubblico"]);
    check_against_report(&tables, &j);
    assert!(j["figures"].as_array().unwrap().iter().any(|f| f["withheld"] == true), "the sample withholds some");
    // No count of people below the threshold is published.
    let t = j["publication"]["threshold"].as_u64().unwrap();
    for row in tables.values().flatten() {
        if row["unita"] == "persone" && !row["valore"].is_empty() {
            let n: u64 = row["valore"].parse().unwrap();
            assert!(n == 0 || n >= t, "{} = {n} published, under {t}", row["voce"]);
        }
    }
    // The dimension `periodo` of the history is not the package's `periodo`.
    let history = &tables["utenti-negli-anni.csv"];
    assert!(history.iter().any(|r| r["periodo_voce"] == "2024" && r["periodo"] == "2025H1"));
    // Months are typed as months.
    let d: Value = serde_json::from_slice(&std::fs::read(out.join("datapackage.json")).unwrap()).unwrap();
    let months = d["resources"].as_array().unwrap().iter().find(|r| r["name"] == "accessi-per-mese").unwrap();
    assert_eq!(months["schema"]["fields"][3]["name"], "mese");
    assert_eq!(months["schema"]["fields"][3]["type"], "yearmonth");
    let courses = d["resources"].as_array().unwrap().iter().find(|r| r["name"] == "corsi").unwrap();
    let value = courses["schema"]["fields"].as_array().unwrap().iter().find(|f| f["name"] == "valore").unwrap();
    assert_eq!(value["type"], "number", "a course's hours are not whole");
}

#[test]
fn the_ambito_package_has_the_totals_and_each_centre_in_the_same_tables() {
    // Issue 23: the public package of an ambito, its totals and each
    // centre's figures linked for the public rule (tests/fixtures/_ambito).
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ambito");
    let ambito = fixture("_ambito");
    let run = package(&ambito, &out, &[]).code_is(0);
    assert!(run.stderr().contains("l'ambito non ha una sezione [dati_aperti]"), "{}", run.stderr());
    let tables = check_spec(&out);
    let j = report_json(&ambito, &["--pubblico"]);
    check_against_report(&tables, &j);
    let accesses = &tables["accessi.csv"];
    let centres: BTreeSet<&str> = accesses.iter().map(|r| r["centro"].as_str()).collect();
    assert_eq!(centres, BTreeSet::from(["Ambito Territoriale Sociale 9", "Chiaravalle", "Jesi"]));
    let t = j["publication"]["threshold"].as_u64().unwrap();
    for row in tables.values().flatten() {
        if row["unita"] == "persone" && !row["valore"].is_empty() {
            let n: u64 = row["valore"].parse().unwrap();
            assert!(n == 0 || n >= t, "{} of {} = {n} published, under {t}", row["voce"], row["centro"]);
        }
    }
}

#[test]
fn the_internal_package_is_asked_for_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("interno");
    let run = package(&samples(), &out, &["--interno"]).code_is(0);
    assert!(run.stderr().contains("versione INTERNA"), "{}", run.stderr());
    let tables = check_spec(&out);
    let j = report_json(&samples(), &[]);
    check_against_report(&tables, &j);
    assert!(tables.values().flatten().all(|r| r["soppresso"] == "false" && !r["valore"].is_empty()));
    let d: Value = serde_json::from_slice(&std::fs::read(out.join("datapackage.json")).unwrap()).unwrap();
    assert!(d["name"].as_str().unwrap().ends_with("-interno"));
    // --interno and --pubblico say opposite things.
    let both = package(&samples(), &tmp.path().join("x"), &["--interno", "--pubblico"]).code_is(2);
    assert!(both.stderr().contains("--interno") || both.stderr().contains("--pubblico"), "{}", both.stderr());
    assert!(!tmp.path().join("x").exists());
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    package(&samples(), &a, &[]).code_is(0);
    package(&samples(), &b, &[]).code_is(0);
    for e in std::fs::read_dir(&a).unwrap().flatten() {
        let name = e.file_name();
        assert_eq!(std::fs::read(e.path()).unwrap(), std::fs::read(b.join(&name)).unwrap(), "{name:?}");
    }
    // The package's dates are today's (INTEGRA_OGGI), or SOURCE_DATE_EPOCH's.
    let d: Value = serde_json::from_slice(&std::fs::read(a.join("datapackage.json")).unwrap()).unwrap();
    assert_eq!(d["created"], "2025-11-26T00:00:00Z");
    let c = tmp.path().join("c");
    let epoch = Integra::new()
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .args(["report", "--period", "2025H1", "--format", "datapackage", "--data"])
        .arg_path(&samples())
        .arg("--out")
        .arg_path(&c)
        .run()
        .code_is(0);
    drop(epoch);
    let d: Value = serde_json::from_slice(&std::fs::read(c.join("datapackage.json")).unwrap()).unwrap();
    assert_eq!(d["created"], "2026-01-01T00:00:00Z");
    assert_eq!(d["dcat-ap_it"]["issued"], "2026-01-01");
}

#[test]
fn the_dcat_ap_it_metadata_come_from_centro_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("dati");
    copy_dir(&samples(), &data);
    let mut centro = std::fs::read_to_string(data.join("centro.toml")).unwrap();
    centro.push_str(
        "\n[dati_aperti]\nlicenza = \"CC0-1.0\"\neditore = \"Comune di Jesi\"\ncodice_ipa = \"c_e388\"\ntema = [\"SOCI\", \"GOVE\"]\ncontatto = \"dati@comune.jesi.an.it\"\n",
    );
    std::fs::write(data.join("centro.toml"), centro).unwrap();
    let out = tmp.path().join("pacchetto");
    let run = package(&data, &out, &[]).code_is(0);
    let err = run.stderr();
    assert!(
        !err.contains("codice_ipa:") && !err.contains("contatto:"),
        "nothing left to fill in but the holder: {err}"
    );
    check_spec(&out);
    let d: Value = serde_json::from_slice(&std::fs::read(out.join("datapackage.json")).unwrap()).unwrap();
    assert_eq!(d["licenses"][0]["name"], "CC0-1.0");
    assert_eq!(d["dcat-ap_it"]["publisher"]["identifier"], "c_e388");
    assert_eq!(
        d["dcat-ap_it"]["accrualPeriodicity"],
        "http://publications.europa.eu/resource/authority/frequency/BIANNUAL"
    );
    let ld: Value = serde_json::from_slice(&std::fs::read(out.join("dcat-ap_it.jsonld")).unwrap()).unwrap();
    assert_eq!(ld["@type"][0], "dcatapit:Dataset");
    assert!(ld["dct:identifier"].as_str().unwrap().starts_with("c_e388:"));
    assert_eq!(ld["dct:publisher"]["dct:identifier"], "c_e388");
    assert_eq!(ld["dct:rightsHolder"]["foaf:name"]["@value"], "Comune di Jesi");
    assert_eq!(ld["dcat:contactPoint"]["vcard:hasEmail"]["@id"], "mailto:dati@comune.jesi.an.it");
    let themes: Vec<&str> = ld["dcat:theme"].as_array().unwrap().iter().map(|t| t["@id"].as_str().unwrap()).collect();
    assert_eq!(
        themes,
        [
            "http://publications.europa.eu/resource/authority/data-theme/SOCI",
            "http://publications.europa.eu/resource/authority/data-theme/GOVE"
        ]
    );
    assert_eq!(ld["dct:temporal"]["schema:startDate"]["@value"], "2025-01-01");
    assert_eq!(ld["dct:temporal"]["schema:endDate"]["@value"], "2025-06-30");
    assert_eq!(ld["dct:language"]["@id"], "http://publications.europa.eu/resource/authority/language/ITA");
    let dists = ld["dcat:distribution"].as_array().unwrap();
    assert_eq!(dists.len(), d["resources"].as_array().unwrap().len(), "one distribution per CSV");
    for (dist, res) in dists.iter().zip(d["resources"].as_array().unwrap()) {
        assert_eq!(dist["dcat:accessURL"]["@id"], res["path"]);
        assert_eq!(dist["dct:license"]["@id"], "https://creativecommons.org/publicdomain/zero/1.0/");
        assert_eq!(dist["dct:format"]["@id"], "http://publications.europa.eu/resource/authority/file-type/CSV");
    }
    // A wrong value is a configuration error, before anything is written.
    let bad = std::fs::read_to_string(data.join("centro.toml")).unwrap().replace("CC0-1.0", "CC-BY-40");
    std::fs::write(data.join("centro.toml"), bad).unwrap();
    let other = tmp.path().join("altro");
    let run = package(&data, &other, &[]).code_is(2);
    assert!(run.stderr().contains("[config-invalid]") && run.stderr().contains("licenza"), "{}", run.stderr());
    assert!(!other.exists());
}

#[test]
fn a_package_replaces_only_an_earlier_package() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dati-aperti");
    package(&samples(), &out, &[]).code_is(0);
    // The earlier package is replaced whole: a file of it the new one lacks goes.
    std::fs::write(out.join("tabella-di-ieri.csv"), "x\n").unwrap();
    package(&samples(), &out, &[]).code_is(0);
    assert!(!out.join("tabella-di-ieri.csv").exists());
    let beside: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(beside, ["dati-aperti"], "no temporary folder left: {beside:?}");
    // A folder with anything else is refused before the registers are read, untouched.
    std::fs::write(out.join("appunti.txt"), "mio").unwrap();
    let before = std::fs::read(out.join("datapackage.json")).unwrap();
    let run = package(&samples(), &out, &[]).code_is(2);
    assert!(run.stderr().contains("«appunti.txt»") && run.stderr().contains("suggerimento"), "{}", run.stderr());
    assert!(!run.stderr().contains("history-sum-mismatch"), "refused before reading: {}", run.stderr());
    assert_eq!(std::fs::read(out.join("datapackage.json")).unwrap(), before);
    assert_eq!(std::fs::read_to_string(out.join("appunti.txt")).unwrap(), "mio");
    // So is the data folder itself, and a file where the folder should be.
    let data = tmp.path().join("registri");
    copy_dir(&samples(), &data);
    let run = package(&data, &data, &[]).code_is(2);
    assert!(run.stderr().contains("è la cartella dei registri"), "{}", run.stderr());
    assert!(!data.join("datapackage.json").exists());
    let file = tmp.path().join("un-file");
    std::fs::write(&file, "x").unwrap();
    package(&samples(), &file, &[]).code_is(2);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn without_out_the_package_goes_to_a_folder_named_for_the_period() {
    let tmp = tempfile::tempdir().unwrap();
    Integra::new()
        .current_dir(tmp.path())
        .args(["report", "--period", "2025H1", "--format", "datapackage", "-q", "--data"])
        .arg_path(&samples())
        .run()
        .code_is(0);
    assert!(tmp.path().join("dati-aperti-2025H1/datapackage.json").is_file());
}

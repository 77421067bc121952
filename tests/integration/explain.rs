//! `integra explain`: every figure it lists is counted exactly as the
//! report counts it, row by row; unknown names exit 2 with a hint; near
//! misses come with their reason.

use std::path::Path;

use serde_json::Value;

use crate::harness::{Integra, fixture, root};

fn report_json(dir: &Path, period: &str) -> Value {
    Integra::new()
        .args(["report", "--format", "json", "--period", period, "--data"])
        .arg_path(dir)
        .run()
        .code_is(0)
        .json()
}

fn list(dir: &Path, period: &str) -> Vec<(String, Value)> {
    let v = Integra::new()
        .args(["explain", "--list", "--format", "json", "--period", period, "--data"])
        .arg_path(dir)
        .run()
        .code_is(0)
        .json();
    assert_eq!(v["period"], period);
    v["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["figure"].as_str().unwrap().to_string(), f["value"].clone()))
        .collect()
}

fn explain(dir: &Path, period: &str, figure: &str) -> Value {
    Integra::new()
        .args(["explain", "--format", "json", "--period", period, "--data"])
        .arg_path(dir)
        .arg(figure)
        .run()
        .code_is(0)
        .json()
}

/// The fields that name a list item of the report's JSON.
const NAMES: [&str; 9] = ["country", "type", "month", "source", "comune", "call", "id", "origin", "period"];

/// The report's value at `path` (`accesses.by_country.Nigeria`): objects by
/// key, lists by the item whose name is the next segment (names may hold
/// dots, so the longest match wins), an item itself by its `count`.
fn at(report: &Value, path: &str) -> Option<Value> {
    let mut node = report;
    let segments: Vec<&str> = path.split('.').collect();
    let mut i = 0;
    while i < segments.len() {
        match node {
            Value::Object(map) => {
                node = map.get(segments[i])?;
                i += 1;
            }
            Value::Array(items) => {
                let mut found = None;
                for j in (i + 1..=segments.len()).rev() {
                    let name = segments[i..j].join(".");
                    let item = items.iter().find(|it| {
                        NAMES.iter().any(|k| match &it[*k] {
                            Value::String(s) => s.to_lowercase() == name.to_lowercase(),
                            Value::Null => it.get(*k).is_some() && name == "non indicato",
                            _ => false,
                        })
                    });
                    if let Some(item) = item {
                        found = Some((item, j));
                        break;
                    }
                }
                let (item, j) = found?;
                node = item;
                i = j;
            }
            _ => return None,
        }
    }
    match node {
        Value::Object(map) if map.contains_key("count") => map.get("count").cloned(),
        other => Some(other.clone()),
    }
}

/// For every figure listed (or every `step`-th of each family), `explain`
/// gives the report's value, and as many rows as a count says.
fn every_figure_is_the_reports(dir: &Path, period: &str, sample: bool) -> usize {
    let report = report_json(dir, period);
    let figures = list(dir, period);
    assert!(figures.len() > 20, "{figures:?}");
    let mut per_family = std::collections::HashMap::new();
    let mut checked = 0;
    for (path, listed) in &figures {
        // A figure the sections do not hold is in the JSON's figure list.
        let listed_value =
            || report["figures"].as_array()?.iter().find(|f| f["id"] == path.as_str()).map(|f| f["value"].clone());
        let expected =
            at(&report, path).or_else(listed_value).unwrap_or_else(|| panic!("{path}: not in the report's JSON"));
        assert_eq!(listed, &expected, "{path}: --list says {listed}, the report {expected}");
        let family: String = path.split('.').take(2).collect::<Vec<_>>().join(".");
        let seen = per_family.entry(family).or_insert(0);
        *seen += 1;
        if sample && *seen > 3 {
            continue;
        }
        let run = Integra::new()
            .args(["explain", "--format", "json", "--period", period, "--data"])
            .arg_path(dir)
            .arg(path)
            .run();
        // A sum of other figures, or a year declared in centro.toml: no rows.
        if run.code() == 2 && run.stderr().contains("non si spiega con righe dei registri") {
            continue;
        }
        let x = run.code_is(0).json();
        assert_eq!(x["figure"], path.as_str());
        assert_eq!(x["value"], expected, "{path}: explain counts {}, the report {expected}", x["value"]);
        assert!(x["rule"].as_str().is_some_and(|r| !r.is_empty()), "{path}: no rule");
        let rows = x["rows"].as_array().unwrap();
        if !path.ends_with(".hours") {
            assert_eq!(rows.len() as u64, expected.as_u64().unwrap(), "{path}: rows");
        }
        for r in rows {
            assert!(r["file"].is_string() && r["line"].as_u64().is_some_and(|l| l >= 2), "{path}: {r}");
        }
        for e in x["excluded"].as_array().unwrap() {
            assert!(e["reason"].as_str().is_some_and(|r| !r.is_empty()), "{path}: {e}");
        }
        checked += 1;
    }
    checked
}

#[test]
fn explain_reproduces_every_figure_of_the_sample_report() {
    let n = every_figure_is_the_reports(&root().join("data-samples"), "2025H1", false);
    assert!(n > 100, "only {n} figures");
}

#[test]
fn explain_reproduces_the_figures_of_a_workbook() {
    let dir = fixture("_ods");
    every_figure_is_the_reports(&dir, "2025H1", true);
    let x = explain(&dir, "2025H1", "users.new");
    let row = &x["rows"][0];
    assert_eq!(row["file"], "registri.ods");
    assert!(row["sheet"].is_string(), "{row}");
}

#[test]
fn explain_reproduces_the_figures_of_a_synthetic_centre() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("synth");
    Integra::new()
        .args(["synth", "--accessi", "3000", "--utenti", "300", "--anni", "2", "--fino-al", "2025"])
        .arg_path(&dir)
        .run()
        .code_is(0);
    let n = every_figure_is_the_reports(&dir, "2025H1", true);
    assert!(n > 20, "only {n} figures");
    // Another kind of period: a month, and a range across two years.
    every_figure_is_the_reports(&dir, "2025-03", true);
    every_figure_is_the_reports(&dir, "2024-11-15..2025-02-10", true);
}

#[test]
fn an_unknown_figure_exits_2_with_a_hint() {
    let dir = root().join("data-samples");
    let run = Integra::new()
        .args(["explain", "--period", "2025H1", "--data"])
        .arg_path(&dir)
        .arg("accesses.by_country.Nigerai")
        .run()
        .code_is(2);
    assert!(run.stderr().contains("non è una voce del report"), "{}", run.stderr());
    assert!(run.stderr().contains("forse uno di: «accesses.by_country.Nigeria»"), "{}", run.stderr());
    let run = Integra::new()
        .args(["explain", "--period", "2025H1", "--data"])
        .arg_path(&dir)
        .arg("users.by_category")
        .run()
        .code_is(2);
    assert!(run.stderr().contains("è un gruppo di voci"), "{}", run.stderr());
    assert!(run.stderr().contains("«users.by_category.eu»"), "{}", run.stderr());
    // Neither a figure nor --list.
    Integra::new().args(["explain", "--period", "2025H1", "--data"]).arg_path(&dir).run().code_is(2);
}

#[test]
fn names_match_whatever_the_case_and_accents() {
    let dir = root().join("data-samples");
    let x = explain(&dir, "2025H1", "ACCESSES.BY_COUNTRY.peru");
    assert_eq!(x["figure"], "accesses.by_country.Perù");
    assert_eq!(x["value"], 1);
    // A country the report does not list counts 0, with its near misses.
    let x = explain(&dir, "2025H1", "users.by_country.Francia");
    assert_eq!(x["value"], 0);
    assert_eq!(x["rows"].as_array().unwrap().len(), 0);
}

#[test]
fn near_misses_come_with_their_reason() {
    let dir = root().join("data-samples");
    let x = explain(&dir, "2025H1", "users.total");
    let excluded = x["excluded"].as_array().unwrap();
    let closed = excluded
        .iter()
        .find(|e| e["reason"].as_str().unwrap().starts_with("chiuso il 31/12/2024, prima dell'inizio del periodo"));
    let closed = closed.unwrap_or_else(|| panic!("{excluded:?}"));
    assert_eq!(closed["file"], "utenti.csv");
    assert_eq!(closed["columns"]["data_chiusura"], "2024-12-31");
    assert!(excluded.iter().any(|e| e["reason"].as_str().unwrap().contains("dopo la fine del periodo (30/06/2025)")));
    // At most 20 without --tutte, every one with it.
    let total = x["excluded_total"].as_u64().unwrap();
    assert!(excluded.len() as u64 == total.min(20), "{} of {total}", excluded.len());
    let all = Integra::new()
        .args(["explain", "--format", "json", "--tutte", "--period", "2025H1", "--data"])
        .arg_path(&dir)
        .arg("users.total")
        .run()
        .code_is(0)
        .json();
    assert_eq!(all["excluded"].as_array().unwrap().len() as u64, total);
    // The text says the rule, the value and the reasons.
    let run = Integra::new()
        .args(["explain", "--period", "2025H1", "--data"])
        .arg_path(&dir)
        .arg("users.by_category.eu")
        .run()
        .code_is(0);
    let text = run.stdout();
    assert!(
        text.contains("regola: utenti presi in carico entro il 30/06/2025 e non chiusi prima del 01/01/2025, con cittadinanza di un paese UE al 30/06/2025"),
        "{text}"
    );
    assert!(text.starts_with("users.by_category.eu = 3 (periodo 2025H1)"), "{text}");
    assert!(text.contains("utenti.csv:"), "{text}");
    // Meetings outside the period are near misses of a course.
    let x = explain(&dir, "2025H1", "courses.BASE1.meetings");
    assert_eq!(x["value"], 27);
}

#[test]
fn csv_has_one_row_per_register_row() {
    let dir = root().join("data-samples");
    let run = Integra::new()
        .args(["explain", "--format", "csv", "--period", "2025H1", "--data"])
        .arg_path(&dir)
        .arg("accesses.by_gender.unknown")
        .run()
        .code_is(0);
    let out = run.stdout();
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("voce,stato,file,foglio,riga,motivo,data,genere"));
    assert_eq!(out.lines().filter(|l| l.contains(",contata,")).count(), 6, "{out}");
    let listed = Integra::new()
        .args(["explain", "--list", "--format", "csv", "--period", "2025H1", "--data"])
        .arg_path(&dir)
        .arg("users.by_gender")
        .run()
        .code_is(0)
        .stdout();
    assert_eq!(listed, "voce,valore\nusers.by_gender.F,40\nusers.by_gender.M,43\nusers.by_gender.X,0\n");
}

#[test]
fn registers_with_errors_exit_1() {
    let dir = crate::harness::materialise("date-invalid-31-feb");
    let run = Integra::new()
        .args(["explain", "--period", "2025H1", "--data"])
        .arg_path(dir.path())
        .arg("accesses.total")
        .run()
        .code_is(1);
    assert!(run.stderr().contains("date-invalid"), "{}", run.stderr());
    assert!(run.stdout().is_empty());
}

//! Places written as staff write them, seen as a person sees the outcome:
//! the residence table of the report, what `validate` says, and what
//! `explain` shows beside what it counted.

use serde_json::Value;

use crate::harness::{Integra, copy_dir, root};

/// `data-samples/` with the comune of the first users (all in Jesi) and
/// the country of the first accesses replaced.
fn samples_with(comuni: &[&str], countries: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("data-samples"), dir.path());
    let edit = |file: &str, col: usize, values: &[&str], only: &dyn Fn(&[String]) -> bool| {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut left = values.iter();
        let lines: Vec<String> = text
            .split("\r\n")
            .enumerate()
            .map(|(n, line)| {
                let mut cells: Vec<String> = line.split(';').map(String::from).collect();
                if n > 0
                    && cells.len() > col
                    && only(&cells)
                    && let Some(v) = left.next()
                {
                    cells[col] = v.to_string();
                }
                cells.join(";")
            })
            .collect();
        std::fs::write(&path, lines.join("\r\n")).unwrap();
    };
    edit("utenti.csv", 5, comuni, &|cells| cells[5] == "Jesi");
    // Accesses of the period (the first rows are of December 2024).
    edit("accessi.csv", 1, countries, &|cells| cells[0].ends_with("/2025"));
    dir
}

fn diagnostics(dir: &std::path::Path) -> Vec<Value> {
    let json = Integra::new()
        .args(["validate", "--format", "json", "--period", "2025H1", "--data"])
        .arg_path(dir)
        .run()
        .json();
    json["diagnostics"].as_array().unwrap().clone()
}

#[test]
fn comuni_are_counted_as_written_and_shared_names_by_the_centre() {
    let dir = samples_with(&["Camerino", "peglio", "Cameri NO", "Corvara", "Paternò", "Bozen"], &[]);
    let json = Integra::new()
        .args(["report", "--format", "json", "--period", "2025H1", "--data"])
        .arg_path(dir.path())
        .run()
        .code_is(0)
        .json();
    let names: Vec<&str> = json["users"]["residence"]["other_comuni"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["comune"].as_str().unwrap())
        .collect();
    for counted in ["Camerino", "Peglio (PU)", "Cameri", "Corvara", "Paternò (CT)", "Bolzano"] {
        assert!(names.contains(&counted), "{counted} not in {names:?}");
    }
    assert!(!names.contains(&"Corvara in Badia"), "{names:?}");
    // Peglio was told apart by the centre's region: a note, no warning.
    let d = diagnostics(dir.path());
    let peglio = d.iter().find(|d| d["code"] == "comune-homonym").expect("a note on peglio");
    assert_eq!(peglio["severity"], "info", "{peglio}");
    // explain shows what was written beside what was counted.
    let run = Integra::new()
        .args(["explain", "--period", "2025H1", "--data"])
        .arg_path(dir.path())
        .arg("users.residence.other_comuni.Peglio (PU)")
        .run()
        .code_is(0);
    assert!(run.stdout().contains("Peglio (PU), scritto «peglio»"), "{}", run.stdout());
}

#[test]
fn places_that_no_longer_exist_or_could_be_two_are_said() {
    let dir = samples_with(&["Monteciccardo", "Castro"], &["NA", "Trinidad & Tobago", "Apolide"]);
    let d = diagnostics(dir.path());
    let find = |code: &str| d.iter().find(|x| x["code"] == code).unwrap_or_else(|| panic!("no {code} in {d:?}"));
    let gone = find("comune-suppressed");
    assert_eq!(gone["severity"], "error");
    assert!(gone["message"].as_str().unwrap().contains("Pesaro"), "{gone}");
    let castro = find("comune-homonym");
    assert_eq!(castro["severity"], "warning", "neither Castro is in the Marche: {castro}");
    assert!(castro["hint"].as_str().unwrap().contains("Castro (LE)"), "{castro}");
    let na = find("country-code-ambiguous");
    assert_eq!(na["severity"], "warning");
    assert!(na["message"].as_str().unwrap().contains("Napoli"), "{na}");
    assert!(d.iter().all(|x| x["code"] != "country-unknown"), "Trinidad & Tobago and Apolide are read: {d:?}");
}

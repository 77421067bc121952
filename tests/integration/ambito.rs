//! An ambito of two centres (`tests/fixtures/_ambito`: the Centre of Jesi,
//! `data-samples/`, and a second centre with its own vocabulary, «altro»
//! threshold, comune and years of registers): its totals against the two
//! centres' own reports, run apart; what `validate` says of each centre;
//! and the public version against an attacker that reads the totals and
//! every centre together.

use std::collections::HashMap;

use serde_json::Value;

use crate::harness::{Integra, fixture, root};

fn ambito() -> std::path::PathBuf {
    fixture("_ambito")
}

fn report(args: &[&str]) -> Value {
    let mut all = vec!["report", "--period", "2025H1", "--format", "json"];
    all.extend(args);
    Integra::new().args(all).run().code_is(0).json()
}

fn values(r: &Value) -> HashMap<String, Value> {
    r["figures"].as_array().unwrap().iter().map(|f| (f["id"].as_str().unwrap().to_string(), f.clone())).collect()
}

#[test]
fn the_totals_are_the_sum_of_the_centres_own_reports() {
    let amb = ambito();
    let jesi = root().join("data-samples");
    let chiaravalle = amb.join("chiaravalle");
    let total = report(&["--data", amb.to_str().unwrap()]);
    let own = [
        ("Jesi", report(&["--data", jesi.to_str().unwrap()])),
        ("Chiaravalle", report(&["--data", chiaravalle.to_str().unwrap()])),
    ];
    // Each centre beside the totals is its own report, as run alone.
    let centres = total["centres"].as_array().unwrap();
    assert_eq!(centres.len(), 2);
    for (c, (label, r)) in centres.iter().zip(&own) {
        assert_eq!(c["label"], *label);
        for key in ["accesses", "users", "history", "comparison", "applications", "courses", "figures"] {
            assert_eq!(c["report"][key], r[key], "{label}: {key}");
        }
    }
    // Each centre keeps its own vocabulary and threshold.
    assert_eq!(own[1].1["accesses"]["other"]["threshold"], 3);
    assert_eq!(total["accesses"]["other"]["threshold"], 6, "the ambito's own «altro»");
    let kinds: Vec<&str> =
        total["accesses"]["by_request_type"].as_array().unwrap().iter().map(|t| t["type"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"bonus affitto e utenze") && kinds.contains(&"monitoraggio"), "{kinds:?}");
    // Every additive figure of the totals is the sum of the centres'.
    let mine: Vec<HashMap<String, Value>> = own.iter().map(|(_, r)| values(r)).collect();
    let mut checked = 0;
    for f in total["figures"].as_array().unwrap() {
        let id = f["id"].as_str().unwrap();
        if id.starts_with("centres.")
            || id.starts_with("ambito.")
            || id.starts_with("accesses.other.")
            || id.starts_with("users.other_countries")
            || id.contains('#')
        {
            continue;
        }
        let mut sum = 0.0;
        let mut found = 0;
        for figs in &mine {
            if let Some(g) = figs.get(id) {
                sum += g["value"].as_f64().unwrap();
                found += 1;
            }
        }
        assert!(found > 0, "{id}: in no centre");
        let v = f["value"].as_f64().unwrap();
        assert!((v - sum).abs() < 1e-6, "{id}: {v} in the totals, {sum} in the centres");
        checked += 1;
    }
    assert!(checked > 150, "{checked}");
    // The year-earlier comparison: Jesi's registers start in 2025.
    assert_eq!(total["comparison"]["covered"], false);
    assert_eq!(total["ambito"]["previous_not_covered"], serde_json::json!(["Jesi"]));
    assert_eq!(total["ambito"]["centres"], serde_json::json!(["Jesi", "Chiaravalle"]));
    // The ambito's own words, from its [testi].
    assert!(
        total["centre"]["texts"]["users"][0].as_str().unwrap().starts_with("Gli utenti presi in carico dai centri")
    );
    // The residence: each centre's own comune counted apart and added up;
    // by comune whatever the centre in `ambito.residence`.
    assert_eq!(total["users"]["residence"]["home_comune"]["comune"], "Jesi, Chiaravalle");
    let by_comune: HashMap<&str, u64> = total["ambito"]["residence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["comune"].as_str().unwrap(), c["count"].as_u64().unwrap()))
        .collect();
    let of = |r: &Value, comune: &str| -> u64 {
        let res = &r["users"]["residence"];
        if res["home_comune"]["comune"] == comune {
            return res["home_comune"]["count"].as_u64().unwrap();
        }
        let others = res["other_comuni"].as_array().unwrap();
        others.iter().filter(|c| c["comune"] == comune).map(|c| c["count"].as_u64().unwrap()).sum()
    };
    for comune in ["Jesi", "Chiaravalle", "Falconara Marittima", "Cingoli"] {
        let sum: u64 = own.iter().map(|(_, r)| of(r, comune)).sum();
        assert_eq!(by_comune[comune], sum, "{comune}");
    }
    let res = &total["users"]["residence"];
    let listed: u64 =
        by_comune.values().sum::<u64>() + res["no_fixed_abode"].as_u64().unwrap() + res["unknown"].as_u64().unwrap();
    assert_eq!(listed, total["users"]["total"].as_u64().unwrap());
}

#[test]
fn several_data_folders_are_an_ambito_named_by_their_centres() {
    let jesi = root().join("data-samples");
    let chiaravalle = ambito().join("chiaravalle");
    let r = report(&["--data", jesi.to_str().unwrap(), "--data", chiaravalle.to_str().unwrap()]);
    let names = &r["ambito"]["centres"];
    assert_eq!(names[0], "Centro Servizi per l'Integrazione Sociale");
    assert_eq!(names[1], "Sportello Immigrazione di Chiaravalle");
    assert_eq!(r["accesses"]["total"], 267);
    // The same folder twice is refused.
    let run = Integra::new()
        .args(["report", "--period", "2025H1", "--format", "json", "--data"])
        .arg_path(&jesi)
        .arg("--data")
        .arg_path(&jesi)
        .run()
        .code_is(2);
    assert!(run.stderr().contains("due volte"), "{}", run.stderr());
}

#[test]
fn validate_names_the_centre_of_every_problem() {
    let tmp = tempfile::tempdir().unwrap();
    crate::harness::copy_dir(&ambito().join("chiaravalle"), &tmp.path().join("b"));
    let acc = tmp.path().join("b/accessi.csv");
    let mut text = std::fs::read_to_string(&acc).unwrap();
    text.push_str("2025-02-30,Marocco,scuola guida,,F,\n");
    std::fs::write(&acc, text).unwrap();
    std::fs::write(
        tmp.path().join("ambito.toml"),
        format!(
            "[ambito]\nnome = \"Prova\"\n[[centri]]\nnome = \"Jesi\"\ncartella = \"{}\"\n[[centri]]\nnome = \"B\"\ncartella = \"b\"\n",
            root().join("data-samples").display()
        ),
    )
    .unwrap();
    let run = Integra::new().args(["validate", "--format", "json", "--data"]).arg_path(tmp.path()).run().code_is(1);
    let j = run.json();
    let bad: Vec<&Value> = j["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(bad.len(), 1, "{j}");
    assert_eq!(bad[0]["centre"], "B");
    assert_eq!(bad[0]["file"], "b/accessi.csv");
    let text = Integra::new().args(["validate", "--data"]).arg_path(tmp.path()).run().code_is(1).stdout();
    assert!(text.contains("centro «B» (b): 1 errore"), "{text}");
    // A misspelt key of ambito.toml is a configuration error with its line.
    std::fs::write(tmp.path().join("ambito.toml"), "[ambito]\nnome = \"Prova\"\n[[centri]]\ncartela = \"b\"\n")
        .unwrap();
    let run = Integra::new().args(["validate", "--data"]).arg_path(tmp.path()).run().code_is(2);
    assert!(run.stdout().contains("ambito.toml:4"), "{}", run.stdout());
}

#[test]
fn the_public_ambito_gives_no_centres_withheld_count_away() {
    let months = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"];
    let mut periods = months.to_vec();
    periods.extend(["2025Q1", "2025Q2", "2025H1"]);
    let (withheld, broken) = crate::auditor::attack_ambito(
        &ambito(),
        &periods,
        &[("2025H1", &months), ("2025H1", &["2025Q1", "2025Q2"]), ("2025Q1", &months[..3]), ("2025Q2", &months[3..])],
    );
    assert!(withheld > 50, "{withheld}");
    assert!(broken.is_empty(), "{} of {withheld} withheld counts narrowed:\n{}", broken.len(), broken.join("\n"));
}

#[test]
fn explain_names_the_centre_of_every_row() {
    let run = Integra::new()
        .args(["explain", "--period", "2025H1", "--format", "json", "accesses.by_country.Eritrea", "--data"])
        .arg_path(&ambito())
        .run()
        .code_is(0);
    let j: Value = serde_json::from_str(&run.stdout()).unwrap();
    let parts = j.as_array().unwrap();
    assert_eq!(parts.len(), 2, "{j}");
    assert_eq!(parts[0]["centre"], "Jesi");
    assert_eq!(parts[1]["centre"], "Chiaravalle");
    let rows = parts[1]["rows"].as_array().unwrap();
    assert_eq!(rows.len() as u64, parts[1]["value"].as_u64().unwrap());
    assert!(rows.iter().all(|r| r["file"] == "chiaravalle/accessi.csv"), "{j}");
    // A centre's own figure: its rows only.
    let text = Integra::new()
        .args(["explain", "--period", "2025H1", "centres.Chiaravalle.users.total", "--data"])
        .arg_path(&ambito())
        .run()
        .code_is(0)
        .stdout();
    assert!(text.contains("centro «Chiaravalle»") && text.contains("chiaravalle/utenti.csv:"), "{text}");
    assert!(!text.contains("data-samples"), "{text}");
}

#[test]
fn the_ambito_pdf_compares_the_centres_and_verify_makes_it_again() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("ambito.pdf");
    Integra::new()
        .args(["report", "--period", "2025H1", "-q", "--data"])
        .arg_path(&ambito())
        .arg("--out")
        .arg_path(&pdf)
        .run()
        .code_is(0);
    let text = crate::pdftext::pdf_text(&pdf);
    for words in ["I centri dell'ambito", "I centri a confronto", "Chiaravalle", "Tipologie di richiesta per centro"] {
        assert!(text.contains(words), "{words} not in the PDF");
    }
    let run = Integra::new().arg("verify").arg_path(&pdf).arg("--data").arg_path(&ambito()).run().code_is(0);
    assert!(run.stdout().contains("il report corrisponde"), "{}", run.stdout());
}

#[test]
fn the_ambitos_own_words_never_show_a_code_of_a_person() {
    let tmp = tempfile::tempdir().unwrap();
    crate::harness::copy_dir(&ambito().join("chiaravalle"), &tmp.path().join("b"));
    std::fs::write(
        tmp.path().join("ambito.toml"),
        format!(
            "[ambito]\nnome = \"Prova\"\ndescrizione = \"Come per C001.\"\n[[centri]]\ncartella = \"{}\"\n[[centri]]\ncartella = \"b\"\n[testi]\nutenti = \"Per esempio U2019-058 e C001, tel. 333/1234567.\"\n",
            root().join("data-samples").display()
        ),
    )
    .unwrap();
    let r = report(&["--data", tmp.path().to_str().unwrap()]);
    let r_text = r["centre"].to_string();
    for code in ["U2019-058", "C001", "333/1234567"] {
        assert!(!r_text.contains(code), "{code} in {r_text}");
    }
    assert!(r_text.contains("[dato personale omesso]"), "{r_text}");
    // And the coordinator is told where, as for centro.toml's texts.
    let v = Integra::new().args(["validate", "--format", "json", "--data"]).arg_path(tmp.path()).run().json();
    let warned: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "text-personal-data" && d["file"] == "ambito.toml")
        .collect();
    assert_eq!(warned.len(), 4, "{warned:#?}");
    assert!(warned.iter().any(|d| d["line"] == 3), "{warned:#?}");
}

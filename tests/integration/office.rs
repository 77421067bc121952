//! The office corpus (`tests/office-corpus/`, made once by LibreOffice and
//! by Python writers from the sample registers; its README says how): every
//! case gives exactly the figures of `data-samples/`, or fails naming the
//! problem. The rule under every expectation: a run that exits 0 gives the
//! samples' figures, never others.

use serde_json::Value;

use crate::harness::{Integra, root};

/// One line of `MANIFEST.tsv`.
struct Case {
    name: String,
    period: String,
    /// `same`, `same-warn`, `fail` or `hostile`.
    expect: String,
    /// The diagnostic code a person must be shown (`-` for none).
    code: String,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(root().join("tests/office-corpus/MANIFEST.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no column {name}"));
    let (c, p, e, d) = (col("case"), col("period"), col("expect"), col("code"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Case { name: f[c].into(), period: f[p].into(), expect: f[e].into(), code: f[d].into() }
        })
        .collect()
}

/// The report's figures: its JSON without what describes the reading
/// (the files read, the diagnostics counted, the program).
fn figures(dir: &std::path::Path, period: &str) -> (i32, Value, String) {
    let run = Integra::new().args(["report", "--format", "json", "--period", period, "--data"]).arg_path(dir).run();
    let code = run.code();
    let stderr = run.stderr();
    if code != 0 {
        return (code, Value::Null, stderr);
    }
    let mut json = run.json();
    for key in ["sources", "data_quality", "generator"] {
        json.as_object_mut().unwrap().remove(key);
    }
    // The notes' text counts, not the name of their file.
    if let Some(needs) = json["needs"].as_object_mut() {
        needs.remove("source");
    }
    (code, json, stderr)
}

/// The codes `validate` shows for the case.
fn codes(dir: &std::path::Path, period: &str) -> Vec<(String, String)> {
    let json =
        Integra::new().args(["validate", "--format", "json", "--period", period, "--data"]).arg_path(dir).run().json();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["severity"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn office_files_give_the_csv_figures_or_say_why() {
    let samples = figures(&root().join("data-samples"), "2025H1");
    assert_eq!(samples.0, 0, "{}", samples.2);
    let mut failures = Vec::new();
    for case in cases().iter().filter(|c| c.expect != "hostile") {
        let dir = root().join("tests/office-corpus").join(&case.name);
        let (code, json, stderr) = figures(&dir, &case.period);
        let shown = codes(&dir, &case.period);
        let has = |code: &str, sev: &[&str]| shown.iter().any(|(c, s)| c == code && sev.contains(&s.as_str()));
        let same = code == 0 && json == samples.1;
        // The rule: exit 0 means the samples' figures.
        if code == 0 && !same {
            failures.push(format!("{}: exit 0 with other figures\n{stderr}", case.name));
            continue;
        }
        let ok = match case.expect.as_str() {
            "same" => same && (case.code == "-" || has(&case.code, &["info", "warning"])),
            "same-warn" => same && has(&case.code, &["warning"]),
            "fail" => code == 1 && has(&case.code, &["error"]),
            other => panic!("{}: unknown expectation {other}", case.name),
        };
        // A flawed cell is one error, not a cascade: the ids of its row
        // still count as written.
        let ok = ok && !has("user-unknown", &["error"]) && !has("value-required", &["error"]);
        if !ok {
            failures.push(format!(
                "{} (expect {} {}): exit {code}, same figures: {same}, shown: {shown:?}\n{stderr}",
                case.name, case.expect, case.code
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Files declaring far more cells than they hold (a repeated row of an
/// `.ods`, a far cell of an `.xls`) are read or refused, never a crash.
#[test]
fn hostile_office_files_are_answered() {
    for case in cases().iter().filter(|c| c.expect == "hostile") {
        let dir = root().join("tests/office-corpus").join(&case.name);
        let run = Integra::new().args(["validate", "--period", &case.period, "--data"]).arg_path(&dir).run();
        assert!(matches!(run.code(), 0 | 1), "{}: exit {}\n{}", case.name, run.code(), run.stderr());
        let shown = format!("{}{}", run.stdout(), run.stderr());
        assert!(shown.contains(&format!("[{}]", case.code)), "{}: no {}\n{shown}", case.name, case.code);
    }
}

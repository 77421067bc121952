//! Every folder of `tests/fixtures/` (but `_base`) is a case: its
//! `expect.txt` names the exit code of `validate` and the diagnostics that
//! must appear, as `severity code file:line column` (`-` for none), or
//! `absent code` for a code that must not appear; `args …` adds arguments
//! to the command line (e.g. `args --period 2025-02`).

use crate::harness::{Integra, fixture, fixture_names, materialise};

/// severity, code, file, line, column.
type Expected = (String, String, String, Option<u64>, Option<String>);

struct Expect {
    args: Vec<String>,
    exit: i32,
    present: Vec<Expected>,
    absent: Vec<String>,
}

fn parse(name: &str) -> Expect {
    let text = std::fs::read_to_string(fixture(name).join("expect.txt"))
        .unwrap_or_else(|_| panic!("fixture {name} has no expect.txt"));
    let mut e = Expect { args: Vec::new(), exit: 0, present: Vec::new(), absent: Vec::new() };
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            ["exit", code] => e.exit = code.parse().expect("exit code"),
            ["args", rest @ ..] => e.args.extend(rest.iter().map(|a| a.to_string())),
            ["absent", code] => e.absent.push(code.to_string()),
            [sev, code, loc, col] => {
                let (file, l) = loc.rsplit_once(':').unwrap_or((loc, "-"));
                e.present.push((
                    sev.to_string(),
                    code.to_string(),
                    file.to_string(),
                    l.parse().ok(),
                    (*col != "-").then(|| col.to_string()),
                ));
            }
            [sev, code, file, l, col] => e.present.push((
                sev.to_string(),
                code.to_string(),
                file.to_string(),
                l.parse().ok(),
                (*col != "-").then(|| col.to_string()),
            )),
            _ => panic!("{name}/expect.txt: cannot read «{line}»"),
        }
    }
    e
}

#[test]
fn every_fixture_reports_what_it_shows() {
    let names = fixture_names();
    assert!(names.len() >= 30, "only {} fixtures", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let expect = parse(name);
        let dir = materialise(name);
        let run = Integra::new()
            .args(["validate", "--format", "json"])
            .args(&expect.args)
            .arg("--data")
            .arg_path(dir.path())
            .run();
        if run.code() != expect.exit {
            failures.push(format!(
                "{name}: exit {} (expected {})\n{}{}",
                run.code(),
                expect.exit,
                run.stdout(),
                run.stderr()
            ));
            continue;
        }
        if expect.exit == 2 && run.stdout().trim().is_empty() {
            // Configuration errors are printed as text on stderr.
            for (_, code, _, _, _) in &expect.present {
                if !run.stderr().contains(&format!("[{code}]")) {
                    failures.push(format!("{name}: stderr lacks [{code}]:\n{}", run.stderr()));
                }
            }
            continue;
        }
        let json = run.json();
        let diags = json["diagnostics"].as_array().cloned().unwrap_or_default();
        for (sev, code, file, line, col) in &expect.present {
            let found = diags.iter().any(|d| {
                d["severity"] == sev.as_str()
                    && d["code"] == code.as_str()
                    && d["file"] == file.as_str()
                    && d["line"].as_u64() == *line
                    && d["column"].as_str().map(String::from) == *col
            });
            if !found {
                let seen: Vec<String> = diags
                    .iter()
                    .map(|d| format!("{} {} {}:{} {}", d["severity"], d["code"], d["file"], d["line"], d["column"]))
                    .collect();
                failures.push(format!(
                    "{name}: missing {sev} {code} {file}:{} {}\n  seen: {}",
                    line.map_or("-".into(), |l| l.to_string()),
                    col.as_deref().unwrap_or("-"),
                    seen.join("\n        ")
                ));
            }
        }
        for code in &expect.absent {
            if diags.iter().any(|d| d["code"] == code.as_str()) {
                failures.push(format!("{name}: {code} should not be reported"));
            }
        }
        for d in &diags {
            assert!(d["message"].as_str().is_some_and(|m| !m.is_empty()), "{name}: empty message");
        }
    }
    assert!(failures.is_empty(), "{} of {} fixtures failed:\n\n{}", failures.len(), names.len(), failures.join("\n\n"));
}

#[test]
fn every_fixture_is_listed_in_the_bad_input_catalogue() {
    let doc = std::fs::read_to_string(crate::harness::root().join("docs/BAD-INPUTS.md")).unwrap();
    let missing: Vec<String> = fixture_names().into_iter().filter(|n| !doc.contains(&format!("`{n}`"))).collect();
    assert!(missing.is_empty(), "fixtures not in docs/BAD-INPUTS.md: {missing:?}");
}

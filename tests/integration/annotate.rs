//! `validate --annota`: the registers copied into a workbook with every
//! problem on its cell. Read back as a person's spreadsheet would: the
//! sheets and cells with calamine, the notes from the workbook's XML.

use std::io::Read;
use std::path::Path;

use calamine::{Reader, Xlsx};

use crate::harness::{Integra, fixture_names, materialise};

/// The notes of each sheet: (sheet name, cell reference, text).
fn notes(xlsx: &Path) -> Vec<(String, String, String)> {
    let names = calamine::open_workbook::<Xlsx<_>, _>(xlsx).unwrap().sheet_names().to_vec();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
    let mut read = |name: &str| -> Option<String> {
        let mut s = String::new();
        zip.by_name(name).ok()?.read_to_string(&mut s).ok()?;
        Some(s)
    };
    let mut out = Vec::new();
    for (i, sheet) in names.iter().enumerate() {
        let Some(rels) = read(&format!("xl/worksheets/_rels/sheet{}.xml.rels", i + 1)) else { continue };
        let Some(at) = rels.find("../comments") else { continue };
        let target = &rels[at + 3..];
        let target = &target[..target.find('"').unwrap()];
        let xml = read(&format!("xl/{target}")).unwrap();
        for c in xml.split("<comment ref=\"").skip(1) {
            let cell = c[..c.find('"').unwrap()].to_string();
            let text: String =
                c.split("<t").skip(1).filter_map(|t| Some(&t[t.find('>')? + 1..t.find("</t>")?])).collect();
            out.push((sheet.clone(), cell, text));
        }
    }
    out
}

fn annotate(dir: &Path, out: &Path) -> crate::harness::Run {
    Integra::new().args(["validate", "--format", "json", "--annota"]).arg_path(out).arg("--data").arg_path(dir).run()
}

/// `annotate` on the fixture `name` (materialised in `dir`), with the
/// arguments of its `expect.txt`; fails unless it exits as `validate` does.
fn annotate_fixture(name: &str, dir: &Path, out: &Path) -> crate::harness::Run {
    let expect = crate::fixtures::expected(name);
    let run = Integra::new()
        .args(["validate", "--format", "json"])
        .args(&expect.args)
        .arg("--annota")
        .arg_path(out)
        .arg("--data")
        .arg_path(dir)
        .run();
    assert_eq!(run.code(), expect.exit, "{name}: exit code of --annota\n{}{}", run.stdout(), run.stderr());
    run
}

#[test]
fn each_defect_is_noted_on_its_exact_cell() {
    for (name, sheet, cell, code) in [
        ("date-invalid-31-feb", "accessi", "A5", "date-invalid"),
        ("country-unknown-nigerai", "accessi", "B2", "country-unknown"),
        ("gender-invalid-z-accessi", "accessi", "E3", "gender-invalid"),
        ("closure-before-start", "utenti", "C4", "closure-before-start"),
        ("course-unknown-incontri", "incontri", "A3", "course-unknown"),
        ("id-personal-data-codice-fiscale", "utenti", "A2", "id-personal-data"),
        ("multiline-quoted-field-keeps-lines", "accessi", "B7", "country-unknown"),
        ("header-title-row-keeps-lines", "accessi", "B5", "country-unknown"),
    ] {
        let dir = materialise(name);
        let out = tempfile::tempdir().unwrap();
        let xlsx = out.path().join("annotati.xlsx");
        annotate_fixture(name, dir.path(), &xlsx);
        let found = notes(&xlsx);
        assert!(
            found.iter().any(|(s, c, t)| s == sheet && c == cell && t.contains(code)),
            "{name}: no {code} note on {sheet}!{cell}; notes: {found:?}"
        );
    }
}

#[test]
fn every_located_problem_of_every_fixture_has_its_note() {
    // Whatever validate reports with a line, the copy shows on that row.
    let names = fixture_names();
    let mut failures = Vec::new();
    for name in &names {
        let dir = materialise(name);
        let out = tempfile::tempdir().unwrap();
        let xlsx = out.path().join("annotati.xlsx");
        let run = annotate_fixture(name, dir.path(), &xlsx);
        if run.code() == 2 {
            continue; // configuration errors: no registers to copy
        }
        let json = run.json();
        let found = notes(&xlsx);
        let sheets = calamine::open_workbook::<Xlsx<_>, _>(&xlsx).unwrap().sheet_names().to_vec();
        for d in json["diagnostics"].as_array().unwrap() {
            let (Some(line), Some(file)) = (d["line"].as_u64(), d["file"].as_str()) else { continue };
            if file.starts_with("note/") {
                continue;
            }
            let register = d["register"].as_str().unwrap();
            // A file that cannot be read (no header, bad bytes) has no sheet:
            // its problems are on the first sheet only.
            if !sheets.iter().any(|s| s == register) {
                continue;
            }
            if file == "centro.toml" {
                continue;
            }
            let row_of = |cell: &str| cell.trim_start_matches(|c: char| c.is_ascii_alphabetic()).parse::<u64>().ok();
            let ok = found
                .iter()
                .any(|(s, c, t)| s == register && row_of(c) == Some(line) && t.contains(d["code"].as_str().unwrap()));
            if !ok {
                failures.push(format!("{name}: {} at {register}:{line} not noted", d["code"]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_first_sheet_lists_the_problems_and_the_registers_are_untouched() {
    let dir = materialise("date-invalid-31-feb");
    let before = std::fs::read(dir.path().join("accessi.csv")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let xlsx = out.path().join("annotati.xlsx");
    annotate(dir.path(), &xlsx).code_is(1);
    let mut wb: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    assert_eq!(wb.sheet_names()[0], "Problemi");
    let problems = wb.worksheet_range("Problemi").unwrap();
    let rows: Vec<Vec<String>> = problems.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert!(rows.iter().any(|r| r.contains(&"date-invalid".to_string()) && r.contains(&"5".to_string())), "{rows:?}");
    // The register's cells are copied at their lines.
    let accessi = wb.worksheet_range("accessi").unwrap();
    assert_eq!(accessi.get_value((4, 0)).map(|c| c.to_string()), Some("31/02/2025".into()));
    assert_eq!(std::fs::read(dir.path().join("accessi.csv")).unwrap(), before);
    // Never over a register.
    let run = annotate(dir.path(), &dir.path().join("accessi.xlsx")).code_is(2);
    assert!(run.stderr().contains("non scrivo"), "{}", run.stderr());
}

//! Registers kept as spreadsheets: `.xlsx` and `.ods` files, one workbook
//! with a sheet per register, and the workbook `init --xlsx` writes, filled
//! and read back. Same registers, same figures, whatever the format.

use std::io::{Read, Write};
use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use serde_json::Value;

use crate::harness::{Integra, copy_dir, fixture, materialise, root};

fn report(dir: &Path) -> Value {
    Integra::new()
        .args(["report", "--period", "2025H1", "--format", "json", "--data"])
        .arg_path(dir)
        .run()
        .code_is(0)
        .json()
}

/// `validate --format json` once its exit code is `code`.
fn validate_json(dir: &Path, code: i32) -> Value {
    Integra::new().args(["validate", "--format", "json", "--data"]).arg_path(dir).run().code_is(code).json()
}

fn same_figures(a: &Value, b: &Value) {
    for key in ["period", "centre", "accesses", "users", "history", "applications", "courses", "events", "needs"] {
        assert_eq!(a[key], b[key], "«{key}» differs");
    }
    assert_eq!(a["data_quality"]["errors"], b["data_quality"]["errors"]);
    assert_eq!(a["data_quality"]["warnings"], b["data_quality"]["warnings"]);
}

#[test]
fn an_ods_workbook_gives_the_same_report_as_the_csv_files() {
    same_figures(&report(&fixture("_ods")), &report(&root().join("data-samples")));
    let v = validate_json(&fixture("_ods"), 0);
    let w = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "history-sum-mismatch").unwrap().clone();
    assert_eq!(w["file"], "registri.ods");
    assert_eq!(w["sheet"], "Storico", "the sheet as the office named it");
    assert_eq!(w["line"], 2, "the row the spreadsheet shows");
}

/// A sheet as offices keep it: a title row, real date cells, a date typed as
/// a serial number, a formula, an error cell, a hidden column.
fn office_accessi(path: &Path, with_error: bool) {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("Foglio1").unwrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    sheet.write_string(0, 0, "Registro accessi 2025 - Centro Servizi per l'Integrazione Sociale").unwrap();
    for (c, h) in ["Data accesso", "Nazionalità", "Tipo richiesta", "Note interne", "Sesso"].iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    sheet.set_column_hidden(3).unwrap();
    // Row 4: a real date cell.
    sheet.write_datetime_with_format(3, 0, ExcelDateTime::from_ymd(2025, 1, 7).unwrap(), &date).unwrap();
    sheet.write_string(3, 1, "Nigeria").unwrap();
    sheet.write_string(3, 2, "scuola guida").unwrap();
    sheet.write_string(3, 4, "M").unwrap();
    // Row 5: the date as a bare serial number (45665 = 08/01/2025), the country by a formula.
    sheet.write_number(4, 0, 45665).unwrap();
    sheet.write_formula(4, 1, Formula::new("=PROPER(\"marocco\")").set_result("Marocco")).unwrap();
    sheet.write_string(4, 2, "servizi del territorio").unwrap();
    sheet.write_string(4, 3, "richiamare").unwrap();
    sheet.write_string(4, 4, "F").unwrap();
    // Row 6: a text date.
    sheet.write_string(5, 0, "09/01/2025").unwrap();
    sheet.write_string(5, 1, "Italia").unwrap();
    sheet.write_string(5, 2, "monitoraggio").unwrap();
    if with_error {
        // Row 7: a broken lookup.
        sheet.write_string(6, 0, "10/01/2025").unwrap();
        sheet.write_formula(6, 1, Formula::new("=VLOOKUP(Z1,A1:B2,2,FALSE)").set_result("#N/A")).unwrap();
        sheet.write_string(6, 2, "monitoraggio").unwrap();
    }
    wb.save(path).unwrap();
}

#[test]
fn office_sheets_are_read_as_a_person_sees_them() {
    let dir = materialise("_base");
    std::fs::remove_file(dir.path().join("accessi.csv")).unwrap();
    office_accessi(&dir.path().join("accessi.xlsx"), true);
    let v = validate_json(dir.path(), 1);
    let diags = v["diagnostics"].as_array().unwrap();
    let err = diags.iter().find(|d| d["code"] == "cell-error").unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(err["file"], "accessi.xlsx");
    assert_eq!(err["sheet"], "Foglio1");
    assert_eq!(err["line"], 7);
    assert_eq!(err["column"], "paese");
    assert_eq!(err["value"], "#N/A");
    assert!(diags.iter().any(|d| d["code"] == "header-title-row" && d["line"] == 3));
    assert_eq!(v["errors"], 1, "only the error cell: {v:#}");

    office_accessi(&dir.path().join("accessi.xlsx"), false);
    let j = report(dir.path());
    assert_eq!(j["accesses"]["total"], 3);
    let jan: Vec<&Value> =
        j["accesses"]["by_month"].as_array().unwrap().iter().filter(|m| m["month"] == "2025-01").collect();
    assert_eq!(jan[0]["count"], 3, "the date cell, the serial number and the text date are all January");
    let names: Vec<&str> =
        j["accesses"]["by_country"].as_array().unwrap().iter().map(|c| c["country"].as_str().unwrap()).collect();
    assert!(names.contains(&"Marocco"), "the formula's cached value is read: {names:?}");
}

#[test]
fn a_register_in_two_places_is_a_configuration_error() {
    let dir = materialise("_base");
    office_accessi(&dir.path().join("accessi.xlsx"), false);
    let run = Integra::new().args(["validate", "--format", "json", "--data"]).arg_path(dir.path()).run().code_is(2);
    let d = &run.json()["diagnostics"][0];
    assert_eq!(d["code"], "register-ambiguous");
    let msg = d["message"].as_str().unwrap();
    assert!(msg.contains("accessi.csv") && msg.contains("accessi.xlsx"), "{msg}");
}

/// Appends the rows of a CSV register to a sheet of an .xlsx, editing the
/// sheet's XML the way a person typing into it would leave it (text cells).
fn fill_sheet(xlsx: &Path, sheet: &str, csv_path: &Path) {
    let raw = std::fs::read_to_string(csv_path).unwrap();
    let raw = raw.trim_start_matches('\u{feff}');
    let delim = if raw.lines().next().unwrap().matches(';').count() >= raw.lines().next().unwrap().matches(',').count()
    {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new().delimiter(delim).has_headers(true).from_reader(raw.as_bytes());
    let mut rows_xml = String::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        let n = i + 2;
        rows_xml.push_str(&format!("<row r=\"{n}\">"));
        for (c, v) in rec.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            let col = (b'A' + c as u8) as char;
            let v = v.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
            rows_xml.push_str(&format!("<c r=\"{col}{n}\" t=\"inlineStr\"><is><t>{v}</t></is></c>"));
        }
        rows_xml.push_str("</row>");
    }
    let bytes = std::fs::read(xlsx).unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let read = |zin: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str| {
        let mut s = String::new();
        zin.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let workbook = read(&mut zin, "xl/workbook.xml");
    let at = workbook.find(&format!("name=\"{sheet}\"")).unwrap_or_else(|| panic!("no sheet {sheet}"));
    let rid_at = workbook[at..].find("r:id=\"").unwrap() + at + 6;
    let rid = &workbook[rid_at..rid_at + workbook[rid_at..].find('"').unwrap()];
    let rels = read(&mut zin, "xl/_rels/workbook.xml.rels");
    let r_at = rels.find(&format!("Id=\"{rid}\"")).unwrap();
    let t_at = rels[r_at..].find("Target=\"").unwrap() + r_at + 8;
    let target = format!("xl/{}", &rels[t_at..t_at + rels[t_at..].find('"').unwrap()]);
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == target {
            let xml = String::from_utf8(data).unwrap().replacen("</sheetData>", &format!("{rows_xml}</sheetData>"), 1);
            data = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&data).unwrap();
    }
    std::fs::write(xlsx, out.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn the_init_workbook_round_trips_through_validate_and_report() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("centro");
    Integra::new().args(["init", "--xlsx"]).arg_path(&dir).run().code_is(0);
    let xlsx = dir.join("registri.xlsx");
    assert!(xlsx.is_file());
    assert!(!dir.join("accessi.csv").exists(), "the workbook replaces the CSV files");

    // The drop-down lists are in the workbook's data validations.
    let mut zin = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    let mut all = String::new();
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        if f.name().unwrap().starts_with("xl/worksheets/") {
            f.read_to_string(&mut all).unwrap();
        }
    }
    assert!(all.contains("<formula1>\"F,M,X\"</formula1>"), "gender list");
    assert!(all.contains("Elenchi!$A$2:$A$8"), "request types from centro.toml");
    assert!(all.contains("Elenchi!$B$2:$B$252"), "countries on the hidden sheet");
    assert!(all.contains("type=\"date\""), "date validation");
    assert!(all.contains("<pane ySplit=\"1\""), "frozen header");

    // Empty, it validates; filled with the sample registers, it reports as they do.
    Integra::new().args(["validate", "--data"]).arg_path(&dir).run().code_is(0);
    let samples = root().join("data-samples");
    std::fs::copy(samples.join("centro.toml"), dir.join("centro.toml")).unwrap();
    copy_dir(&samples.join("note"), &dir.join("note"));
    for r in ["accessi", "utenti", "corsi", "incontri", "iscrizioni", "domande", "eventi", "storico"] {
        fill_sheet(&xlsx, r, &samples.join(format!("{r}.csv")));
    }
    same_figures(&report(&dir), &report(&samples));
}

#[test]
fn a_workbook_that_does_not_open_is_reported_not_ignored() {
    // Second review: a broken registri.xlsx was skipped in silence, and a
    // broken accessi.xlsx was read as a Windows-1252 CSV.
    let dir = materialise("_base");
    std::fs::write(dir.path().join("registri.xlsx"), "non sono un foglio di calcolo").unwrap();
    let json = validate_json(dir.path(), 1);
    let d = json["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "file-unreadable").expect("reported");
    assert_eq!(d["file"], "registri.xlsx");
    assert_eq!(json["errors"], 1, "{json:#}");

    let dir = materialise("_base");
    std::fs::remove_file(dir.path().join("accessi.csv")).unwrap();
    std::fs::write(dir.path().join("accessi.xlsx"), "PK\x03\x04 rotto").unwrap();
    let json = validate_json(dir.path(), 1);
    let codes: Vec<&str> =
        json["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"file-unreadable"), "{codes:?}");
    assert!(!codes.contains(&"encoding-fallback") && !codes.contains(&"encoding-invalid"), "{codes:?}");
}

#[test]
fn a_stray_cell_far_away_costs_one_cell_not_the_rectangle() {
    // Red team: a cell at XFD1048576 aborted the process (549 GB asked), a
    // cell at A1048576 took 19 minutes. Now it is one row too long, found
    // at the row the spreadsheet shows, in well under the harness's patience.
    for (row, col) in [(1_048_575u32, 16_383u16), (1_048_575, 0), (20_000, 16_383)] {
        let dir = materialise("_base");
        let xlsx = dir.path().join("accessi.xlsx");
        std::fs::remove_file(dir.path().join("accessi.csv")).unwrap();
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        for (c, h) in ["data", "paese", "tipo_richiesta"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (c, v) in ["07/01/2025", "Nigeria", "scuola guida"].iter().enumerate() {
            sheet.write_string(1, c as u16, *v).unwrap();
        }
        sheet.write_string(row, col, "x").unwrap();
        wb.save(&xlsx).unwrap();
        let start = std::time::Instant::now();
        let json = validate_json(dir.path(), 1);
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "took {:?}", start.elapsed());
        let diags = json["diagnostics"].as_array().unwrap();
        let stray = diags.iter().find(|d| d["line"] == row + 1).unwrap_or_else(|| panic!("{json:#}"));
        let expected = if col >= 3 { "row-too-long" } else { "date-unreadable" };
        assert_eq!(stray["code"], expected, "{stray}");
    }
}

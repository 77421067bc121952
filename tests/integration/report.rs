//! `integra report`: the sample registers reproduce every figure of the
//! published 2025H1 report (../shared/seed/FIGURES.md), in JSON and in the
//! PDF's text; the PDF is PDF/A and reproducible; templates are sandboxed.

use serde_json::Value;

use crate::harness::{Integra, fixture, pdf_text, root};

fn samples() -> std::path::PathBuf {
    root().join("data-samples")
}

fn report_json(data: &std::path::Path, period: &str) -> Value {
    Integra::new()
        .args(["report", "--period", period, "--format", "json", "--data"])
        .arg_path(data)
        .run()
        .code_is(0)
        .json()
}

fn count_of<'a>(list: &'a Value, key: &str, name: &str) -> &'a Value {
    &list.as_array().unwrap().iter().find(|x| x[key] == name).unwrap_or_else(|| panic!("{name} not in {list:#}"))["count"]
}

/// Every figure the published report states.
/// Enrolled in a course sent by `origin` (`by_origin` is a list, largest first).
fn origin_count(course: &Value, origin: &str) -> u64 {
    let list = course["by_origin"].as_array().expect("by_origin is a list");
    list.iter().find(|o| o["origin"] == origin).map_or(0, |o| o["count"].as_u64().unwrap())
}

fn assert_seed_figures(j: &Value) {
    assert_eq!(j["period"]["code"], "2025H1");
    assert_eq!(j["period"]["start"], "2025-01-01");
    assert_eq!(j["period"]["end"], "2025-06-30");
    assert_eq!(j["period"]["label"], "gennaio - giugno 2025");
    let a = &j["accesses"];
    assert_eq!(a["total"], 181);
    assert_eq!(a["other"]["threshold"], 5);
    assert_eq!(a["other"]["count"], 18);
    let other: Vec<(String, u64)> = a["other"]["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["country"].as_str().unwrap().to_string(), c["count"].as_u64().unwrap()))
        .collect();
    let expected = [
        ("Albania", 2),
        ("Algeria", 1),
        ("Argentina", 1),
        ("Burkina Faso", 1),
        ("Camerun", 1),
        ("Cuba", 1),
        ("Egitto", 1),
        ("Mali", 2),
        ("Perù", 1),
        ("Repubblica Dominicana", 2),
        ("Romania", 1),
        ("Spagna", 1),
        ("Sri Lanka", 1),
        ("Thailandia", 1),
        ("Venezuela", 1),
    ];
    assert_eq!(other.len(), 15);
    for (name, n) in expected {
        assert!(other.contains(&(name.to_string(), n)), "{name} {n} not in {other:?}");
    }
    let by_country = a["by_country"].as_array().unwrap();
    let sum: u64 = by_country.iter().map(|c| c["count"].as_u64().unwrap()).sum();
    assert_eq!(sum, 181);
    assert!(by_country.iter().any(|c| c["country"] == "Italia" && c["iso2"] == "IT"));
    let main: u64 = by_country.iter().map(|c| c["count"].as_u64().unwrap()).filter(|&n| n >= 5).sum();
    assert_eq!(main, 163);
    assert_eq!(a["by_request_type"].as_array().unwrap().len(), 7);
    let months: u64 = a["by_month"].as_array().unwrap().iter().map(|m| m["count"].as_u64().unwrap()).sum();
    assert_eq!(months, 181);

    let u = &j["users"];
    assert_eq!(u["total"], 83);
    assert_eq!(u["new"], 37);
    assert_eq!(u["by_category"]["italian"], 10);
    assert_eq!(u["by_category"]["eu"], 3);
    assert_eq!(u["by_category"]["non_eu"], 70);
    assert_eq!(u["by_category_pct"]["non_eu"].as_f64().unwrap().round(), 84.0);
    let r = &u["residence"];
    assert_eq!(r["home_comune"]["comune"], "Jesi");
    assert_eq!(r["home_comune"]["count"], 68);
    assert_eq!(r["other_comuni_total"], 9);
    assert_eq!(r["no_fixed_abode"], 6);
    for (comune, n) in [
        ("Corinaldo", 1),
        ("Cupramontana", 1),
        ("Cingoli", 1),
        ("Monsano", 1),
        ("Montecarotto", 2),
        ("Poggio San Marcello", 1),
        ("San Marcello", 1),
        ("Serra de' Conti", 1),
    ] {
        assert_eq!(count_of(&r["other_comuni"], "comune", comune), n, "{comune}");
    }

    let h = j["history"].as_array().unwrap();
    let cols: Vec<(String, u64, u64, u64, u64, String)> = h
        .iter()
        .map(|x| {
            (
                x["period"].as_str().unwrap().to_string(),
                x["total"].as_u64().unwrap(),
                x["italian"].as_u64().unwrap(),
                x["eu"].as_u64().unwrap(),
                x["non_eu"].as_u64().unwrap(),
                x["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        cols,
        vec![
            ("2022".into(), 149, 11, 1, 128, "declared".into()),
            ("2023".into(), 160, 21, 2, 137, "declared".into()),
            ("2024".into(), 163, 22, 0, 141, "declared".into()),
            ("2025H1".into(), 83, 10, 3, 70, "registers".into()),
        ]
    );

    let courses = j["courses"].as_array().unwrap();
    let clubs: Vec<(u64, u64, u64, u64)> = courses
        .iter()
        .filter(|c| c["type"] == "lingua")
        .map(|c| {
            (
                c["meetings"].as_u64().unwrap(),
                c["enrolled"].as_u64().unwrap(),
                origin_count(c, "SAI"),
                origin_count(c, "Centro"),
            )
        })
        .collect();
    let mut clubs_sorted = clubs.clone();
    clubs_sorted.sort();
    let mut expected = vec![(27, 25, 17, 8), (27, 25, 17, 8), (19, 26, 17, 9), (20, 25, 18, 7)];
    expected.sort();
    assert_eq!(clubs_sorted, expected);
    for c in courses.iter().filter(|c| c["type"] == "lingua") {
        assert_eq!(c["hours"].as_f64().unwrap(), 3.0 * c["meetings"].as_f64().unwrap());
    }
    let driving = courses.iter().find(|c| c["type"] == "scuola_guida").expect("the driving-school course");
    assert_eq!(driving["enrolled"], 3);
    assert_eq!(driving["hours_per_meeting"], 1.5);
    let nat: Vec<&str> =
        driving["countries"].as_array().unwrap().iter().map(|c| c["country"].as_str().unwrap()).collect();
    assert_eq!(nat, vec!["Marocco", "Nigeria", "Tunisia"]);

    let events: Vec<&str> = j["events"].as_array().unwrap().iter().map(|e| e["date"].as_str().unwrap()).collect();
    assert_eq!(events, vec!["2025-04-04", "2025-05-20", "2025-06-20"]);
    assert_eq!(j["applications"].as_array().unwrap().len(), 3);
    assert_eq!(j["data_quality"]["errors"], 0);
    assert!(j["data_quality"]["warnings"].as_u64().unwrap() >= 1);
    let sources = j["sources"].as_array().unwrap();
    assert!(sources.iter().any(|s| s["register"] == "accessi" && s["sha256"].as_str().unwrap().len() == 64));
}

#[test]
fn json_reproduces_every_figure_of_the_seed_report() {
    assert_seed_figures(&report_json(&samples(), "2025H1"));
}

#[test]
fn italian_excel_export_gives_the_same_figures() {
    let excel = report_json(&fixture("_excel-it"), "2025H1");
    let csv = report_json(&samples(), "2025H1");
    assert_seed_figures(&excel);
    for key in ["accesses", "users", "history", "courses", "applications", "events"] {
        assert_eq!(excel[key], csv[key], "{key} differs");
    }
}

#[test]
fn months_and_quarters_add_up_to_the_semester() {
    let h1 = report_json(&samples(), "2025H1");
    let mut months = 0;
    for m in 1..=6 {
        months += report_json(&samples(), &format!("2025-{m:02}"))["accesses"]["total"].as_u64().unwrap();
    }
    assert_eq!(months, h1["accesses"]["total"].as_u64().unwrap());
    let q1 = report_json(&samples(), "2025q1");
    let q2 = report_json(&samples(), "2025Q2");
    assert_eq!(q1["accesses"]["total"].as_u64().unwrap() + q2["accesses"]["total"].as_u64().unwrap(), 181);
    let range = report_json(&samples(), "2025-01-01..2025-06-30");
    assert_eq!(range["accesses"], h1["accesses"]);
    assert_eq!(range["users"], h1["users"]);
    let year = report_json(&samples(), "2025");
    assert!(year["accesses"]["total"].as_u64().unwrap() > 181);
    assert!(year["users"]["total"].as_u64().unwrap() >= 83);
    // A month's users are those open in that month: never more than the semester's.
    let march = report_json(&samples(), "2025-03");
    assert!(march["users"]["total"].as_u64().unwrap() <= 83);
    assert_eq!(march["period"]["label"], "marzo 2025");
}

/// The text of a report's PDF before its appendix (the appendix lists
/// SHA-256 digests, where any short number can be found), one line a line
/// with each run of spaces made one.
fn before_appendix(text: &str) -> String {
    let (body, _) = text.split_once("Appendice: nota metodologica").expect("the PDF has its appendix");
    body.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("\n")
}

#[test]
fn pdf_contains_the_figures_and_is_reproducible_pdfa() {
    let tmp = tempfile::tempdir().unwrap();
    let run = Integra::new()
        .args(["report", "--period", "2025H1", "--data"])
        .arg_path(&samples())
        .current_dir(tmp.path())
        .run()
        .code_is(0);
    let pdf = tmp.path().join("report-2025H1.pdf");
    assert!(run.stderr().contains("report-2025H1.pdf"), "{}", run.stderr());
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let body = before_appendix(&pdf_text(&pdf));
    // Each figure with its label, as the page shows it: a bare "149" would
    // also be found inside a SHA-256 of the appendix.
    for needle in [
        "Report di Gestione\ngennaio - giugno 2025",
        "\n181\naccessi nel periodo\n",
        "\nTotale 181 100%\n",
        "\n83 37\nutenti presi in carico utenti nuovi nel periodo\n",
        "\nTotale utenti presi in carico 83\n",
        "\nN. residenti nel Comune di Jesi 68\n",
        "\nTotale 149 † 160 163 83\n",
        "\n84%\nextracomunitari\n",
        "\nExtracomunitari 70 84%\n",
        "Thailandia 1",
        "Serra de' Conti 1",
    ] {
        assert!(body.contains(needle), "«{needle}» not in the PDF text before its appendix:\n{body}");
    }
    // PDF/A (2a, with PDF/UA-1) is declared in the XMP metadata.
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("pdfaid:part") && raw.contains("pdfaid:conformance"), "no PDF/A identification");
    // Same registers, same template: same bytes.
    let again = tmp.path().join("again.pdf");
    Integra::new()
        .args(["report", "--period", "2025H1", "--out"])
        .arg_path(&again)
        .args(["--data"])
        .arg_path(&samples())
        .run()
        .code_is(0);
    assert!(bytes == std::fs::read(&again).unwrap(), "two runs gave different PDFs");
}

#[test]
fn errors_block_the_report_and_write_nothing() {
    let dir = crate::harness::materialise("date-invalid-31-feb");
    let out = tempfile::tempdir().unwrap();
    let run = Integra::new()
        .args(["report", "--period", "2025H1", "--data"])
        .arg_path(dir.path())
        .current_dir(out.path())
        .run()
        .code_is(1);
    assert!(run.stderr().contains("[date-invalid]"), "{}", run.stderr());
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0, "nothing written");
}

#[test]
fn custom_template_works_and_cannot_escape_its_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("mio");
    std::fs::create_dir(&good).unwrap();
    std::fs::write(
        good.join("main.typ"),
        "#let d = json(\"/data.json\")\nAccessi: #d.accesses.total, utenti: #d.users.total.\n",
    )
    .unwrap();
    let out = tmp.path().join("r.pdf");
    Integra::new()
        .args(["report", "--period", "2025H1", "--template"])
        .arg_path(&good)
        .args(["--out"])
        .arg_path(&out)
        .args(["--data"])
        .arg_path(&samples())
        .run()
        .code_is(0);
    let text = pdf_text(&out);
    assert!(text.contains("Accessi: 181, utenti: 83."), "{text}");

    for (name, body) in [
        ("fuori-relativo", "#read(\"../segreto.txt\")"),
        ("fuori-assoluto", "#read(\"/etc/passwd\")"),
        ("pacchetto", "#import \"@preview/cetz:0.3.0\": *"),
    ] {
        let bad = tmp.path().join(name);
        std::fs::create_dir(&bad).unwrap();
        std::fs::write(tmp.path().join("segreto.txt"), "segreto").unwrap();
        std::fs::write(bad.join("main.typ"), body).unwrap();
        let out = tmp.path().join(format!("{name}.pdf"));
        let run = Integra::new()
            .args(["report", "--period", "2025H1", "--template"])
            .arg_path(&bad)
            .args(["--out"])
            .arg_path(&out)
            .args(["--data"])
            .arg_path(&samples())
            .run()
            .code_is(3);
        let err = run.stderr();
        assert!(err.contains("main.typ:1:"), "{name}: the error names the template line: {err}");
        assert!(!out.exists(), "{name}: no PDF written");
    }
    #[cfg(unix)]
    {
        let link = tmp.path().join("link");
        std::fs::create_dir(&link).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("segreto.txt"), link.join("dati.txt")).unwrap();
        std::fs::write(link.join("main.typ"), "#read(\"dati.txt\")").unwrap();
        Integra::new()
            .args(["report", "--period", "2025H1", "--format", "pdf", "--template"])
            .arg_path(&link)
            .args(["--out"])
            .arg_path(&tmp.path().join("l.pdf"))
            .args(["--data"])
            .arg_path(&samples())
            .run()
            .code_is(3);
    }
}

#[test]
fn csv_is_tidy_and_safe() {
    let run = Integra::new()
        .args(["report", "--period", "2025H1", "--format", "csv", "--data"])
        .arg_path(&samples())
        .run()
        .code_is(0);
    let out = run.stdout();
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("periodo,voce,tabella,descrizione,dettaglio,unita,valore"));
    assert!(out.contains("2025H1,accesses.total,Accessi,Accessi nel periodo,,accessi,181\n"), "{out}");
    assert!(out.contains("2025H1,users.new,Utenti,Utenti nuovi nel periodo,,persone,37\n"), "{out}");
    assert!(
        out.contains(
            ",users.residence.home_comune,Utenti per comune di residenza,Utenti residenti a Jesi,Jesi,persone,68\n"
        ),
        "{out}"
    );
    for line in out.lines() {
        for cell in line.split(',') {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "unsafe cell in {line}");
        }
    }
}

#[test]
fn table_output_snapshot() {
    let run = Integra::new()
        .args(["report", "--period", "2025H1", "--format", "table", "--data"])
        .arg_path(&samples())
        .run()
        .code_is(0);
    insta::assert_snapshot!("table_2025H1", run.stdout());
}

#[test]
fn typst_output_is_one_file_that_compiles_to_the_same_report() {
    let run = Integra::new()
        .args(["report", "--period", "2025H1", "--format", "typst", "--data"])
        .arg_path(&samples())
        .run()
        .code_is(0);
    let src = run.stdout();
    assert!(!src.contains("#import \""), "modules are inlined");
    assert!(src.contains("json(bytes("), "the data is embedded");
    insta::assert_snapshot!("typst_2025H1", src);
    // Compiled again as a template of its own, it gives the same text.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("main.typ"), &src).unwrap();
    let a = tmp.path().join("a.pdf");
    let b = tmp.path().join("b.pdf");
    Integra::new()
        .args(["report", "--period", "2025H1", "--template"])
        .arg_path(tmp.path())
        .args(["--out"])
        .arg_path(&a)
        .args(["--data"])
        .arg_path(&samples())
        .run()
        .code_is(0);
    Integra::new()
        .args(["report", "--period", "2025H1", "--out"])
        .arg_path(&b)
        .args(["--data"])
        .arg_path(&samples())
        .run()
        .code_is(0);
    assert_eq!(pdf_text(&a), pdf_text(&b));
}

#[test]
fn typst_folder_output_has_the_template_and_its_data() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sorgente");
    std::fs::create_dir(&dir).unwrap();
    Integra::new()
        .args(["report", "--period", "2025H1", "--format", "typst", "--out"])
        .arg_path(&dir)
        .args(["--data"])
        .arg_path(&samples())
        .run()
        .code_is(0);
    assert!(dir.join("main.typ").is_file());
    assert!(dir.join("fonts/TitilliumWeb-Regular.ttf").is_file(), "the fonts travel with the source");
    let data: Value = serde_json::from_slice(&std::fs::read(dir.join("data.json")).unwrap()).unwrap();
    assert_eq!(data["accesses"]["total"], 181);
}

#[test]
fn out_to_a_device_writes_through_it() {
    // Review finding: /dev/stdout was replaced by a regular file.
    #[cfg(unix)]
    {
        let run = Integra::new()
            .args(["report", "--period", "2025H1", "--format", "csv", "--out", "/dev/stdout", "--data"])
            .arg_path(&samples())
            .run()
            .code_is(0);
        assert!(run.stdout().contains("2025H1,accesses.total,Accessi,Accessi nel periodo,,accessi,181"));
        assert!(!std::fs::symlink_metadata("/dev/stdout").unwrap().file_type().is_file());
    }
}

#[test]
fn a_course_with_no_meetings_has_zero_hours_and_periods_past_the_registers_are_flagged() {
    let dir = crate::harness::materialise("_base");
    std::fs::write(
        dir.path().join("corsi.csv"),
        "id;titolo;data_inizio;data_fine;ore_incontro\nALF1;Club;08/01/2025;11/04/2025;3\nNUOVO;Corso nuovo;01/06/2025;30/06/2025;2\n",
    )
    .unwrap();
    let j = report_json(dir.path(), "2025H1");
    let c = j["courses"].as_array().unwrap().iter().find(|c| c["id"] == "NUOVO").unwrap();
    assert_eq!(c["meetings"], 0);
    assert!(c["hours"].as_f64().unwrap().is_sign_positive(), "{c:#}");
    // A period that is not over yet is reported as partial.
    let run = Integra::new()
        .args(["report", "--period", "2025", "--format", "json", "--data"])
        .arg_path(dir.path())
        .env("INTEGRA_TODAY", "2025-07-15")
        .run()
        .code_is(0);
    assert!(run.stderr().contains("[period-not-over]"), "{}", run.stderr());
    assert!(
        run.json()["data_quality"]["warnings_list"].as_array().unwrap().iter().any(|w| w["code"] == "period-not-over")
    );
}

#[test]
fn a_relative_period_is_resolved_against_today() {
    // A monthly job: "the month just over", with today fixed by INTEGRA_OGGI.
    let tmp = tempfile::tempdir().unwrap();
    let run = Integra::new()
        .env("INTEGRA_OGGI", "2025-04-15")
        .args(["report", "--period", "mese-scorso", "--data"])
        .arg_path(&samples())
        .current_dir(tmp.path())
        .run()
        .code_is(0);
    assert!(tmp.path().join("report-2025-03.pdf").is_file(), "{}", run.stderr());
    let j = Integra::new()
        .env("INTEGRA_OGGI", "2025-07-01")
        .args(["report", "--period", "semestre-scorso", "--format", "json", "--data"])
        .arg_path(&samples())
        .run()
        .code_is(0)
        .json();
    assert_eq!(j["period"]["code"], "2025H1");
    assert_eq!(j["accesses"]["total"], 181);
}

#[test]
fn quiet_runs_print_only_errors() {
    // The sample registers have one warning (2022: 149 declared, 140 summed).
    let tmp = tempfile::tempdir().unwrap();
    let run = Integra::new()
        .args(["-q", "report", "--period", "2025H1", "--format", "json", "--out"])
        .arg_path(&tmp.path().join("r.json"))
        .arg("--data")
        .arg_path(&samples())
        .run()
        .code_is(0);
    assert!(run.stderr().is_empty(), "{}", run.stderr());
    let run = Integra::new().args(["validate", "--quiet", "--data"]).arg_path(&samples()).run().code_is(0);
    assert!(!run.stdout().contains("avviso ["), "{}", run.stdout());
    assert!(run.stdout().contains("1 avviso"), "the summary stays: {}", run.stdout());
    // Errors are still said.
    let dir = crate::harness::materialise("date-invalid-31-feb");
    let run = Integra::new()
        .args(["--quiet", "report", "--period", "2025H1", "--data"])
        .arg_path(dir.path())
        .run()
        .code_is(1);
    assert!(run.stderr().contains("[date-invalid]"), "{}", run.stderr());
}

#[cfg(unix)]
#[test]
fn a_progress_bar_only_for_a_person_at_a_terminal() {
    // INTEGRA_PROGRESS_MS=1: any read is long enough to show the bar.
    let on_terminal = |args: &[&str]| {
        let (run, terminal) = Integra::new()
            .env("INTEGRA_PROGRESS_MS", "1")
            .args(args)
            .arg("--data")
            .arg_path(&samples())
            .run_on_terminal();
        (run.code_is(0), terminal)
    };
    let (run, terminal) = on_terminal(&["validate"]);
    assert!(terminal.contains("lettura dei registri"), "{terminal:?}");
    assert!(!run.stdout().contains("lettura dei registri"), "the bar stays off standard output");
    let (_, terminal) = on_terminal(&["report", "--period", "2025H1", "--format", "table"]);
    assert!(terminal.contains("lettura dei registri"), "{terminal:?}");
    for quiet in [
        &["report", "--period", "2025H1", "--format", "json"][..],
        &["validate", "--format", "json"],
        &["--quiet", "validate"],
    ] {
        let (_, terminal) = on_terminal(quiet);
        assert!(!terminal.contains("lettura dei registri"), "{quiet:?}: {terminal:?}");
    }
    // Piped standard error: no bar.
    let run = Integra::new()
        .env("INTEGRA_PROGRESS_MS", "1")
        .arg("validate")
        .arg("--data")
        .arg_path(&samples())
        .run()
        .code_is(0);
    assert!(!run.stderr().contains("lettura dei registri"), "{}", run.stderr());
}

#[test]
fn the_template_sample_data_is_what_integra_serves() {
    // report-templates/README.md documents the data contract from this file.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("modello");
    Integra::new()
        .args(["report", "--period", "2025H1", "--format", "typst", "--out"])
        .arg_path(&out)
        .arg("--data")
        .arg_path(&samples())
        .run()
        .code_is(0);
    let served = std::fs::read_to_string(out.join("data.json")).unwrap();
    let sample = std::fs::read_to_string(root().join("report-templates/default/data.json")).unwrap();
    assert!(
        served == sample,
        "report-templates/default/data.json is out of date: copy it from `integra report --period 2025H1 --format typst --out DIR --data data-samples`"
    );
    let data: Value = serde_json::from_str(&served).unwrap();
    assert!(data["needs_typst"].as_str().is_some_and(|t| t.contains("== ")), "notes as Typst headings");
    assert!(data["needs"]["text"].as_str().is_some_and(|t| t.contains("## ")), "notes as written");
}

/// The PDF's text on one line, spaces collapsed: phrases survive line breaks.
fn flat_pdf_text(pdf: &std::path::Path) -> String {
    pdf_text(pdf).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_centre_without_texts_gets_its_figures_and_no_one_elses_sentences() {
    // Jesi's own sentences, written in data-samples/centro.toml [testi].
    let jesi = [
        "ufficio anagrafe del Comune di Jesi",
        "in stretta collaborazione e sinergia",
        "Jesi e dintorni",
        "un punto di riferimento per le tante persone",
        "simulazioni di prove d'esame",
    ];
    let tmp = tempfile::tempdir().unwrap();
    let sample = tmp.path().join("jesi.pdf");
    Integra::new()
        .args(["report", "--period", "2025H1", "--out"])
        .arg_path(&sample)
        .args(["--data"])
        .arg_path(&samples())
        .run()
        .code_is(0);
    let text = flat_pdf_text(&sample);
    for needle in jesi {
        assert!(text.contains(needle), "«{needle}» not in data-samples' PDF");
    }

    // A second centre, in another comune, that wrote no [testi]; it runs a
    // driving-school course too.
    let dir = crate::harness::materialise("_base");
    let centro = std::fs::read_to_string(dir.path().join("centro.toml")).unwrap();
    assert!(!centro.contains("[testi"), "the base fixture writes no texts");
    std::fs::write(dir.path().join("centro.toml"), centro.replace("\"Jesi\"", "\"Ancona\"")).unwrap();
    let mut corsi = std::fs::read_to_string(dir.path().join("corsi.csv")).unwrap();
    corsi.push_str("SG1;Preparazione patente;scuola_guida;;13/01/2025;30/06/2025;2\n");
    std::fs::write(dir.path().join("corsi.csv"), corsi).unwrap();
    let other = tmp.path().join("ancona.pdf");
    Integra::new()
        .args(["report", "--period", "2025H1", "--out"])
        .arg_path(&other)
        .args(["--data"])
        .arg_path(dir.path())
        .run()
        .code_is(0);
    let text = flat_pdf_text(&other);
    assert!(text.contains("Comune di Ancona"), "the centre's own comune");
    assert!(text.contains("Supporto alla preparazione dell'esame di scuola guida"), "the course type's heading");
    assert!(!text.to_lowercase().contains("anagrafe"), "a registry-office paragraph nobody wrote");
    for needle in jesi {
        assert!(!text.contains(needle), "Jesi's «{needle}» in another centre's report");
    }
}

/// Synthetic registers covering 2024 and 2025 (`registri_dal` 2024-01-01).
fn two_years() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    Integra::new()
        .args(["synth", "--accessi", "4000", "--utenti", "400", "--anni", "2", "--fino-al", "2025"])
        .arg_path(&dir.path().join("r"))
        .run()
        .code_is(0);
    dir
}

#[test]
fn the_same_period_a_year_earlier_is_that_period_s_own_report() {
    let dir = two_years();
    let data = dir.path().join("r");
    let now = report_json(&data, "2025H1");
    let then = report_json(&data, "2024H1");
    assert_eq!(now["comparison"]["period"], "2024H1");
    assert_eq!(now["comparison"]["covered"], true);
    let prev = &now["accesses"]["previous"];
    assert_eq!(prev["period"], "2024H1");
    assert_eq!(prev["total"], then["accesses"]["total"], "the earlier accesses are that period's report");
    let delta = now["accesses"]["total"].as_i64().unwrap() - then["accesses"]["total"].as_i64().unwrap();
    assert_eq!(prev["change"]["absolute"].as_i64(), Some(delta));
    let users = &now["users"]["previous"];
    for key in ["total", "new"] {
        assert_eq!(users[key], then["users"][key], "users.previous.{key}");
    }
    for key in ["italian", "eu", "non_eu"] {
        assert_eq!(users["by_category"][key], then["users"]["by_category"][key], "by_category.{key}");
    }
    // 2024H1 itself starts on registri_dal's day, and 2023H1 is not covered:
    // nothing is invented, and the report says from when comparisons start.
    assert_eq!(then["comparison"]["covered"], false);
    assert!(then["accesses"]["previous"].is_null() && then["users"]["previous"].is_null());
    assert_eq!(then["comparison"]["registers_from"], "2024-01-01");
}

#[test]
fn a_monthly_report_has_its_last_twelve_months_when_covered() {
    let dir = two_years();
    let data = dir.path().join("r");
    let march = report_json(&data, "2025-03");
    let trend = march["accesses"]["trend"].as_array().unwrap();
    let months: Vec<&str> = trend.iter().map(|m| m["month"].as_str().unwrap()).collect();
    assert_eq!(months.first(), Some(&"2024-04"));
    assert_eq!(months.last(), Some(&"2025-03"));
    assert_eq!(months.len(), 12);
    for m in [0, 5, 11] {
        let own = report_json(&data, months[m]);
        assert_eq!(trend[m]["count"], own["accesses"]["total"], "{}", months[m]);
    }
    // Twelve months back from 2024-03 reach before registri_dal: no trend.
    let early = report_json(&data, "2024-03");
    assert!(early["accesses"]["trend"].as_array().unwrap().is_empty());
    // Not a monthly report: no trend.
    assert!(report_json(&data, "2025H1")["accesses"]["trend"].as_array().unwrap().is_empty());
    // The PDF shows the earlier figure under the key number, and the chart.
    let pdf = dir.path().join("marzo.pdf");
    Integra::new()
        .args(["report", "--period", "2025-03", "-q", "--out"])
        .arg_path(&pdf)
        .arg("--data")
        .arg_path(&data)
        .run()
        .code_is(0);
    let text = crate::harness::pdf_text(&pdf);
    let then = march["accesses"]["previous"]["total"].as_u64().unwrap();
    assert!(text.contains(&format!("marzo 2024: {then}")), "{text}");
    assert!(text.contains("Gli ultimi dodici mesi") && text.contains("da aprile 2024 a marzo 2025"), "{text}");
}

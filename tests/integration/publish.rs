//! The public version (`report --pubblico`, docs/PUBLICATION.md): the rule on
//! random tables, the sample report, the PDF's accessible structure, and
//! that no identifier of the registers reaches any output.

use std::path::Path;

use hayro_interpret::hayro_syntax::Pdf;
use hayro_interpret::hayro_syntax::object::{Array, Dict, Name, Object, Stream};
use integra::publish::{Line, Mark, Table, suppress};

use crate::harness::{Integra, Rng, copy_dir, pdf_text, root};

// ------------------------------------------------------------ the rule

/// The attacker of `auditor` on a table the rule marked: each withheld
/// count of people keeps two values, one at least the threshold; no count
/// of people below the threshold is shown.
fn check(table: &Table, marks: &[Mark], t: u64, seed: u64) {
    let mut a = crate::auditor::Attack::default();
    for (c, (&v, m)) in table.values.iter().zip(marks).enumerate() {
        if *m == Mark::Shown && !table.fixed[c] {
            assert!(v == 0 || v >= t, "seed {seed}: cell {c} = {v} shown under the threshold");
        }
        let shown = if *m == Mark::Shown { serde_json::json!(v) } else { serde_json::Value::Null };
        a.var(c.to_string(), &shown, &serde_json::json!(v), table.listed[c]);
    }
    for line in &table.lines {
        a.sum(line.cells.clone(), line.total);
    }
    let r = a.ranges();
    // Under a total published whatever it is, some counts cannot be
    // protected at all (docs/PUBLICATION.md, "Limits"): those that stay
    // narrowed even with every other count withheld are excused.
    let mut most = crate::auditor::Attack::default();
    for (c, &v) in table.values.iter().enumerate() {
        let shown = if table.fixed[c] { serde_json::json!(v) } else { serde_json::Value::Null };
        most.var(c.to_string(), &shown, &serde_json::json!(v), table.listed[c]);
    }
    for line in &table.lines {
        most.sum(line.cells.clone(), line.total);
    }
    let best = most.ranges();
    let excused: Vec<bool> = best.iter().map(|&(lo, hi)| hi <= lo || hi < t as i64).collect();
    let hopeless = |c: usize| excused[c];
    for c in 0..table.values.len() {
        if marks[c] != Mark::Shown && table.values[c] > 0 && !hopeless(c) {
            let (lo, hi) = r[c];
            assert!(
                hi > lo && hi >= t as i64,
                "seed {seed}: cell {c} = {} narrowed to {lo}..{hi}\n{table:?}\n{marks:?}",
                table.values[c]
            );
        }
    }
}

/// A random table: a line of 1 to 6 counts (many small) and its total; half
/// the time one count is itself the total of a second line (a category and
/// its countries), and sometimes a second line shares the first's total (two
/// breakdowns of the same people).
fn random_table(rng: &mut Rng) -> Table {
    let count = |rng: &mut Rng| if rng.below(2) == 0 { rng.below(4) as u64 } else { rng.below(30) as u64 };
    let mut t = Table::default();
    let n = 1 + rng.below(6);
    let parts: Vec<u64> = (0..n).map(|_| count(rng)).collect();
    let mut cells = Vec::new();
    for &v in &parts {
        t.values.push(v);
        cells.push(t.values.len() - 1);
    }
    t.values.push(parts.iter().sum());
    let total = t.values.len() - 1;
    t.lines.push(Line::sum(cells.clone(), total));
    if rng.below(2) == 0 {
        // the first count split again
        let whole = t.values[cells[0]];
        let k = 1 + rng.below(4);
        let mut left = whole;
        let mut sub = Vec::new();
        for i in 0..k {
            let v = if i + 1 == k { left } else { rng.below(left as usize + 1) as u64 };
            left -= v;
            t.values.push(v);
            sub.push(t.values.len() - 1);
        }
        t.lines.push(Line::sum(sub, cells[0]));
    }
    if rng.below(3) == 0 {
        let whole = t.values[total];
        let k = 2 + rng.below(3);
        let mut left = whole;
        let mut other = Vec::new();
        for i in 0..k {
            let v = if i + 1 == k { left } else { rng.below(left as usize + 1) as u64 };
            left -= v;
            t.values.push(v);
            other.push(t.values.len() - 1);
        }
        t.lines.push(Line::sum(other, total));
    }
    t.fixed = vec![false; t.values.len()];
    t.listed = vec![true; t.values.len()];
    if rng.below(2) == 0 {
        // a published total, like the accesses' (the months add up to it)
        t.fixed[total] = true;
    }
    t
}

#[test]
fn no_withheld_count_can_be_computed_from_what_is_published() {
    for seed in 1..=3000u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let table = random_table(&mut rng);
        let t = 2 + rng.below(4) as u32;
        let marks = suppress(&table, t);
        check(&table, &marks, u64::from(t), seed);
    }
}

// ------------------------------------------------------------ the sample report

fn samples() -> std::path::PathBuf {
    root().join("data-samples")
}

fn report(data: &Path, extra: &[&str], format: &str) -> String {
    Integra::new()
        .args(["report", "--period", "2025H1", "--format", format, "--data"])
        .arg_path(data)
        .args(extra)
        .run()
        .code_is(0)
        .stdout()
}

#[test]
fn the_public_json_shows_no_count_of_people_under_three() {
    let j: serde_json::Value = serde_json::from_str(&report(&samples(), &["--pubblico"], "json")).unwrap();
    assert_eq!(j["publication"]["public"], true);
    assert_eq!(j["publication"]["threshold"], 3);
    let small = |v: &serde_json::Value| v.as_u64().is_some_and(|n| (1..3).contains(&n));
    let mut lists = vec![
        &j["accesses"]["by_country"],
        &j["accesses"]["main_countries"],
        &j["accesses"]["other"]["countries"],
        &j["accesses"]["by_referral"],
        &j["users"]["by_country"],
        &j["users"]["main_countries"],
        &j["users"]["residence"]["other_comuni"],
    ];
    for c in j["courses"].as_array().unwrap() {
        lists.push(&c["by_origin"]);
        lists.push(&c["countries"]);
    }
    for list in lists {
        for item in list.as_array().unwrap() {
            assert!(!small(&item["count"]), "{item}");
            if item["count"].is_null() {
                assert_eq!(item["suppressed"], true, "{item}");
                assert!(item.get("share").is_none_or(|s| s.is_null()), "{item}");
            }
        }
    }
    for map in [&j["users"]["by_category"], &j["users"]["by_gender"], &j["accesses"]["by_gender"]] {
        for (k, v) in map.as_object().unwrap() {
            assert!(!small(v), "{k}: {v}");
        }
    }
    for h in j["history"].as_array().unwrap() {
        for k in ["total", "italian", "eu", "non_eu"] {
            assert!(!small(&h[k]), "{h}");
        }
    }
    // Every null count is listed, and what does not count people is whole.
    let listed: Vec<&str> =
        j["publication"]["suppressed"].as_array().unwrap().iter().map(|s| s["path"].as_str().unwrap()).collect();
    assert!(listed.contains(&"/accesses/other/countries/0/count"), "{listed:?}");
    assert!(listed.iter().all(|p| !p.contains("by_month") && !p.contains("applications") && !p.contains("meetings")));
    assert_eq!(j["accesses"]["total"], 181);
    // The internal version is the same report, every count shown.
    let internal: serde_json::Value = serde_json::from_str(&report(&samples(), &[], "json")).unwrap();
    assert_eq!(internal["publication"]["public"], false);
    assert_eq!(internal["accesses"]["other"]["countries"][0]["count"], 2);
}

#[test]
fn the_public_csv_and_table_mark_what_they_withhold() {
    let csv = report(&samples(), &["--pubblico"], "csv");
    assert!(csv.starts_with("periodo,voce,tabella,descrizione,dettaglio,unita,valore,soppresso\n"), "{csv}");
    assert!(
        csv.contains(
            ",accesses.by_country.Albania,Accessi per paese,Accessi con paese Albania,Albania,accessi,,true\n"
        ),
        "{csv}"
    );
    // Nigeria's 31 is the sum of months that show theirs: it is shown.
    assert!(
        csv.contains(
            ",accesses.by_country.Nigeria,Accessi per paese,Accessi con paese Nigeria,Nigeria,accessi,31,false\n"
        ),
        "{csv}"
    );
    assert!(csv.contains("2025H1,accesses.total,Accessi,Accessi nel periodo,,accessi,181,false\n"), "{csv}");
    let table = report(&samples(), &["--pubblico"], "table");
    assert!(table.contains("versione pubblica") && table.contains("n.p.") && !table.contains("< 3"), "{table}");
    assert!(report(&samples(), &[], "table").contains("uso interno"));
}

#[test]
fn the_public_pdf_prints_no_small_count_and_names_the_other_countries_without_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("pubblico.pdf");
    let internal = tmp.path().join("interno.pdf");
    for (out, extra) in [(&public, vec!["--pubblico"]), (&internal, vec![])] {
        Integra::new()
            .args(["report", "--period", "2025H1", "-q", "--data"])
            .arg_path(&samples())
            .args(extra)
            .arg("--out")
            .arg_path(out)
            .run()
            .code_is(0);
    }
    let text = pdf_text(&public).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Versione pubblica"), "{text}");
    assert!(text.contains("Albania, Algeria, Argentina"), "{text}");
    for country in ["Albania", "Algeria", "Mali", "Venezuela"] {
        for n in ["1", "2"] {
            assert!(!text.contains(&format!("{country} {n}")) && !text.contains(&format!("{country} ({n})")));
        }
    }
    assert!(text.contains("< 3"), "{text}");
    let text = pdf_text(&internal).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("uso interno") && !text.contains("< 3"), "{text}");
    for pdf in [&public, &internal] {
        assert_accessible(pdf);
    }
}

// ------------------------------------------------------------ PDF/A-2a structure

fn walk<'a>(node: &Dict<'a>, figures: &mut usize, without_alt: &mut usize, kinds: &mut Vec<String>) {
    if let Some(s) = node.get::<Name>(b"S".as_slice()) {
        let s = s.as_str().to_string();
        if s == "Figure" {
            *figures += 1;
            if node.get::<hayro_interpret::hayro_syntax::object::String>(b"Alt".as_slice()).is_none() {
                *without_alt += 1;
            }
        }
        kinds.push(s);
    }
    if let Some(k) = node.get::<Dict>(b"K".as_slice()) {
        walk(&k, figures, without_alt, kinds);
    } else if let Some(k) = node.get::<Array>(b"K".as_slice()) {
        for child in k.iter::<Object>() {
            if let Object::Dict(d) = child {
                walk(&d, figures, without_alt, kinds);
            }
        }
    }
}

/// The catalogue declares a tagged PDF in Italian, PDF/A-2 conformance A,
/// and every figure of the structure tree has alternative text.
fn assert_accessible(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let pdf = Pdf::new(std::sync::Arc::new(bytes)).unwrap();
    let catalog: Dict = pdf.xref().get(pdf.xref().root_id()).expect("a catalogue");
    let mark = catalog.get::<Dict>(b"MarkInfo".as_slice()).expect("MarkInfo");
    assert_eq!(mark.get::<bool>(b"Marked".as_slice()), Some(true));
    let lang = catalog.get::<hayro_interpret::hayro_syntax::object::String>(b"Lang".as_slice()).expect("Lang");
    assert!(lang.as_bytes().starts_with(b"it"), "{:?}", lang.as_bytes());
    let meta = catalog.get::<Stream>(b"Metadata".as_slice()).expect("XMP metadata");
    let xmp = String::from_utf8_lossy(&meta.decoded().unwrap()).into_owned();
    let flat: String = xmp.split_whitespace().collect();
    assert!(flat.contains("<pdfaid:part>2</pdfaid:part>"), "{xmp}");
    assert!(flat.contains("<pdfaid:conformance>A</pdfaid:conformance>"), "{xmp}");
    assert!(flat.contains("<pdfuaid:part>1</pdfuaid:part>"), "{xmp}");
    let root = catalog.get::<Dict>(b"StructTreeRoot".as_slice()).expect("StructTreeRoot");
    let (mut figures, mut without_alt, mut kinds) = (0, 0, Vec::new());
    walk(&root, &mut figures, &mut without_alt, &mut kinds);
    assert!(figures >= 5, "{figures} figures in {kinds:?}");
    assert_eq!(without_alt, 0, "figures without Alt");
    assert!(kinds.iter().any(|k| k == "TH"), "table header cells: {kinds:?}");
    assert!(kinds.iter().any(|k| k == "H1") && kinds.iter().any(|k| k == "H2"), "{kinds:?}");
}

// ------------------------------------------------------------ no identifier out

/// Rewrites one column of a `;`-separated register with `f`.
fn rewrite(path: &Path, column: &str, f: impl Fn(usize, &str) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    let sep = if text.lines().next().unwrap().contains(';') { ';' } else { ',' };
    let mut rdr = csv::ReaderBuilder::new().delimiter(sep as u8).from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let col = headers.iter().position(|h| h.trim_start_matches('\u{feff}') == column).expect(column);
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        let row: Vec<String> =
            rec.iter().enumerate().map(|(j, v)| if j == col { f(i, v) } else { v.to_string() }).collect();
        w.write_record(&row).unwrap();
    }
    std::fs::write(path, w.into_inner().unwrap()).unwrap();
}

#[test]
fn no_identifier_of_the_registers_reaches_any_output() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("dati");
    copy_dir(&samples(), &data);
    // Recognisable ids in every id column (the same id everywhere).
    let id = |v: &str| if v.is_empty() { String::new() } else { format!("QZW{}", v.replace('-', "")) };
    rewrite(&data.join("utenti.csv"), "id", |_, v| id(v));
    rewrite(&data.join("accessi.csv"), "utente", |_, v| id(v));
    rewrite(&data.join("domande.csv"), "utente", |_, v| id(v));
    rewrite(&data.join("iscrizioni.csv"), "partecipante", |_, v| id(v));
    // Personal data, an id and a person's name in every free column the
    // report does not show, and in those it shows.
    let secret = "QZWU2021153 RSSMRA80A01E388X mario.rossi@example.it";
    rewrite(&data.join("domande.csv"), "esito", |_, v| format!("{v} per Giuseppe Verdi {secret}"));
    rewrite(&data.join("eventi.csv"), "descrizione", |_, v| format!("{v} Scrivere a anna.bianchi@example.org"));
    rewrite(
        &data.join("eventi.csv"),
        "partner",
        |i, v| if i == 0 { format!("{v} BNCNNA85C41E388K") } else { v.into() },
    );
    let notes = data.join("note/2025H1.md");
    let mut md = std::fs::read_to_string(&notes).unwrap();
    md.push_str("\nReferente: luca.neri@example.com, codice fiscale NRELCU70A01E388Y.\n");
    std::fs::write(&notes, md).unwrap();

    let mut outputs = Vec::new();
    for extra in [vec![], vec!["--pubblico"]] {
        for format in ["json", "csv", "table", "typst"] {
            outputs.push((format!("{format} {extra:?}"), report(&data, &extra, format)));
        }
        let pdf = tmp.path().join("r.pdf");
        Integra::new()
            .args(["report", "--period", "2025H1", "-q", "--data"])
            .arg_path(&data)
            .args(&extra)
            .arg("--out")
            .arg_path(&pdf)
            .run()
            .code_is(0);
        outputs.push((format!("pdf {extra:?}"), pdf_text(&pdf)));
    }
    let forbidden = [
        "QZW",
        "U2021",
        "SAI-0",
        "RSSMRA80A01E388X",
        "BNCNNA85C41E388K",
        "NRELCU70A01E388Y",
        "@example",
        "Giuseppe Verdi",
    ];
    for (what, text) in &outputs {
        for f in forbidden {
            assert!(!text.contains(f), "{what} shows «{f}»");
        }
    }
}

/// Every number of the public JSON's sections of people that is a small
/// count (1 or 2) would be a figure the public rule does not cover: a
/// field added to the report without its figure in the list.
fn small_people_counts(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                // Percentages and changes are not counts.
                if k.contains("share") || k.contains("pct") || k.starts_with("change") || k == "threshold" {
                    continue;
                }
                small_people_counts(x, &format!("{path}/{k}"), out);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                small_people_counts(x, &format!("{path}/{i}"), out);
            }
        }
        serde_json::Value::Number(n) if matches!(n.as_u64(), Some(1 | 2)) => out.push(path.to_string()),
        _ => {}
    }
}

#[test]
fn every_count_of_people_is_a_figure_the_public_rule_covers() {
    for (data, period) in [(samples(), "2025H1"), (samples(), "2025Q1"), (samples(), "2025-03")] {
        let j = Integra::new()
            .args(["report", "--pubblico", "--format", "json", "--period", period, "--data"])
            .arg_path(&data)
            .run()
            .code_is(0)
            .json();
        let mut small = Vec::new();
        for section in ["users", "history", "courses", "courses_total"] {
            small_people_counts(&j[section], &format!("/{section}"), &mut small);
        }
        // Accesses by a personal dimension are protected too.
        for section in ["by_country", "main_countries", "other", "by_referral", "by_gender"] {
            small_people_counts(&j["accesses"][section], &format!("/accesses/{section}"), &mut small);
        }
        // Course meetings and hours are not counts of people.
        small.retain(|p| !p.ends_with("/meetings") && !p.ends_with("/hours") && !p.ends_with("/hours_per_meeting"));
        assert!(small.is_empty(), "{period}: small counts shown in the public version: {small:?}");
        // And the figure list says the same.
        for f in j["figures"].as_array().unwrap() {
            let personal = f["dims"].as_array().unwrap().iter().any(|d| {
                ["paese", "genere", "inviato_da", "categoria", "comune", "provenienza"]
                    .contains(&d["name"].as_str().unwrap())
            });
            let people =
                matches!(f["unit"].as_str(), Some("persone" | "iscrizioni")) || (f["unit"] == "accessi" && personal);
            if people {
                assert!(!matches!(f["value"].as_u64(), Some(1 | 2)), "{period}: {f}");
            }
        }
    }
}

#[test]
fn csv_table_explain_and_seal_list_exactly_the_figures_of_the_list() {
    let j: serde_json::Value = serde_json::from_str(&report(&samples(), &[], "json")).unwrap();
    let ids: Vec<String> =
        j["figures"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect();
    assert!(ids.len() > 100);
    let distinct: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "ids are unique");
    let csv = report(&samples(), &[], "csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let voci: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_string()).collect();
    assert_eq!(voci, ids, "CSV");
    let listed = Integra::new()
        .args(["explain", "--list", "--format", "json", "--period", "2025H1", "--data"])
        .arg_path(&samples())
        .run()
        .code_is(0)
        .json();
    let names: Vec<String> =
        listed["figures"].as_array().unwrap().iter().map(|f| f["figure"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ids, "explain --list");
    // The terminal table: every table of the list, titled, and every
    // figure's words in it.
    let table = report(&samples(), &[], "table");
    for f in j["figures"].as_array().unwrap() {
        assert!(table.lines().any(|l| l == f["table"].as_str().unwrap()), "table: no «{}»", f["table"]);
        let dims: Vec<&str> = f["dims"].as_array().unwrap().iter().map(|d| d["value"].as_str().unwrap()).collect();
        let what = if dims.is_empty() { f["label"].as_str().unwrap().to_string() } else { dims.join(" / ") };
        let start: String = what.chars().take(20).collect();
        assert!(table.contains(&start), "table: no row for {}", f["id"]);
    }
    // The seal: verify checks as many numbers as the list has.
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("r.pdf");
    Integra::new()
        .args(["report", "--period", "2025H1", "--out"])
        .arg_path(&pdf)
        .arg("--data")
        .arg_path(&samples())
        .run()
        .code_is(0);
    let out = Integra::new().arg("verify").arg_path(&pdf).arg("--data").arg_path(&samples()).run().code_is(0).stdout();
    assert!(out.contains(&format!("numeri: {} controllati", ids.len())), "{out}");
}

//! Issue 22: what `validate` finds fine, `report` makes; and no input makes
//! an output unbounded. Registers generated here at the sizes the red team
//! used (hundreds of request types, thousands of comuni, notes quoting a
//! long e-mail thread, a hostile template).

use std::path::Path;

use crate::harness::{Integra, Run, materialise, pdf_text, root};

fn report_pdf(data: &Path, out: &Path, extra: &[&str]) -> Run {
    Integra::new()
        .args(["report", "--period", "2025H1", "--data"])
        .arg_path(data)
        .arg("--out")
        .arg_path(out)
        .args(extra)
        .run()
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn four_hundred_and_fifty_request_types_make_a_pdf() {
    // Issue 22: the chart's alternative text named every type and passed the
    // 32,767 characters a PDF string holds; the chart ran off its page.
    let dir = materialise("_base");
    let types: Vec<String> =
        (0..450).map(|i| format!("richiesta di orientamento e accompagnamento ai servizi, voce {i:03}")).collect();
    let toml = std::fs::read_to_string(dir.path().join("centro.toml")).unwrap();
    let list: Vec<String> = types.iter().map(|t| format!("  \"{t}\",")).collect();
    let toml = toml.replace(
        "tipo_richiesta = [\"scuola guida\", \"servizi del territorio\", \"monitoraggio\"]",
        &format!("tipo_richiesta = [\n{}\n]", list.join("\n")),
    );
    write(dir.path(), "centro.toml", &toml);
    let mut accessi = String::from("data;paese;tipo_richiesta;utente;genere\n");
    for (i, t) in types.iter().enumerate() {
        // Two accesses for the first ten types, so that they lead the chart.
        for _ in 0..if i < 10 { 2 } else { 1 } {
            accessi.push_str(&format!("{:02}/02/2025;Nigeria;{t};;M\n", 3 + i % 25));
        }
    }
    write(dir.path(), "accessi.csv", &accessi);
    Integra::new().args(["validate", "--period", "2025H1", "--data"]).arg_path(dir.path()).run().code_is(0);
    let out = dir.path().join("report.pdf");
    report_pdf(dir.path(), &out, &[]).code_is(0);
    let text = pdf_text(&out);
    // 24 bars, then one for the other 426; the table lists all 450.
    assert!(text.contains("altre 426 tipologie"), "{text}");
    assert!(text.contains("voce 449"), "the table lists every type");
    // The JSON keeps every type.
    let json = Integra::new()
        .args(["report", "--period", "2025H1", "--format", "json", "--data"])
        .arg_path(dir.path())
        .run()
        .code_is(0)
        .json();
    assert_eq!(json["accesses"]["by_request_type"].as_array().unwrap().len(), 450);
}

/// The names of the first `n` comuni of the ISTAT list, each once.
fn comuni(n: usize) -> Vec<String> {
    let list = std::fs::read_to_string(root().join("reference/comuni.csv")).unwrap();
    let mut seen = std::collections::HashSet::new();
    list.lines()
        .skip(1)
        .filter_map(|l| l.split(';').nth(1))
        .filter(|name| seen.insert(name.to_string()))
        .take(n)
        .map(str::to_string)
        .collect()
}

#[test]
fn five_thousand_comuni_of_residence_make_a_pdf() {
    // Issue 22: the seal of every figure, in the PDF's keywords, passed the
    // 32,767 characters a PDF string holds. The PDF is made without it, and
    // the run says so.
    let dir = materialise("_base");
    let names = comuni(5_000);
    let mut utenti = std::fs::read_to_string(dir.path().join("utenti.csv")).unwrap();
    for (i, c) in names.iter().enumerate() {
        utenti.push_str(&format!("X{i:05};15/01/2025;;F;Marocco;{c};no\n"));
    }
    write(dir.path(), "utenti.csv", &utenti);
    let out = dir.path().join("report.pdf");
    let run = report_pdf(dir.path(), &out, &[]).code_is(0);
    assert!(run.stderr().contains("senza sigillo"), "{}", run.stderr());
    let text = pdf_text(&out);
    let last = names.last().unwrap();
    assert!(text.contains(last.as_str()), "the residence table lists {last}");
}

#[test]
fn notes_quoting_a_thread_seventeen_levels_deep_make_a_pdf() {
    // Issue 22: Typst failed with "maximum show rule depth exceeded" at a
    // line of the template, naming neither the notes nor their line.
    let dir = materialise("_base");
    std::fs::create_dir(dir.path().join("note")).unwrap();
    let mut md = String::from("Bisogni del semestre\n\n");
    for level in 1..=17 {
        md.push_str(&format!("{} messaggio {level} della conversazione\n{}\n", "> ".repeat(level), ">".repeat(level)));
    }
    write(dir.path(), "note/2025H1.md", &md);
    let run = Integra::new().args(["validate", "--period", "2025H1", "--data"]).arg_path(dir.path()).run().code_is(0);
    // The ninth level opens on line 19.
    assert!(run.stdout().contains("note/2025H1.md:19: avviso [notes-too-deep]"), "{}", run.stdout());
    let out = dir.path().join("report.pdf");
    let run = report_pdf(dir.path(), &out, &[]).code_is(0);
    assert!(run.stderr().contains("[notes-too-deep]"), "{}", run.stderr());
    let text = pdf_text(&out);
    assert!(text.contains("messaggio 17 della conversazione"), "{text}");
}

fn annotate(dir: &Path, out: &Path) -> Run {
    Integra::new().args(["validate", "--quiet", "--annota"]).arg_path(out).arg("--data").arg_path(dir).run()
}

fn cell(xlsx: &Path, sheet: &str, row: u32, col: u32) -> String {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook(xlsx).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range.get_value((row, col)).map(|v| v.to_string()).unwrap_or_default()
}

#[test]
fn seventy_thousand_problems_keep_excels_limit_of_links_and_say_so() {
    // Issue 22: Excel holds 65,530 links a sheet; past them the line is
    // written without its link, and the sheet says why.
    let dir = materialise("_base");
    let mut accessi = String::from("data;paese;tipo_richiesta;utente;genere\n");
    for _ in 0..70_000 {
        accessi.push_str("07/01/2025;Nigeria;scuola guida;;Q\n");
    }
    write(dir.path(), "accessi.csv", &accessi);
    let out = dir.path().join("annotata.xlsx");
    let run = annotate(dir.path(), &out).code_is(1);
    assert!(run.stderr().is_empty(), "{}", run.stderr());
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut xml).unwrap();
    assert_eq!(xml.matches("<hyperlink ").count(), 65_530);
    assert!(cell(&out, "Problemi", 0, 8).starts_with("Solo i primi 65.530 problemi hanno il collegamento"));
    // The last problem is listed, its line as a number.
    assert_eq!(cell(&out, "Problemi", 70_000, 3), "70001");
}

#[test]
fn a_title_of_seventeen_thousand_emoji_is_cut_not_an_english_error() {
    // Issue 22: Excel counts a cell in UTF-16 units (an emoji is two), so
    // 17,000 emoji passed a count of characters and failed the writer.
    let dir = materialise("_base");
    let emoji = "😀".repeat(17_000);
    write(
        dir.path(),
        "corsi.csv",
        &format!(
            "id;titolo;tipo;partner;data_inizio;data_fine;ore_incontro\nALF1;{emoji};lingua;SAI;08/01/2025;11/04/2025;3\n"
        ),
    );
    let out = dir.path().join("annotata.xlsx");
    let run = annotate(dir.path(), &out);
    assert!(run.stderr().is_empty(), "{}", run.stderr());
    let title = cell(&out, "corsi", 1, 1);
    assert!(title.ends_with('…') && title.encode_utf16().count() <= 32_767, "{} units", title.encode_utf16().count());
}

#[test]
fn a_template_that_grows_without_end_is_stopped_at_its_memory_limit() {
    // Issue 22: templates had a time limit only; an array doubled in a loop
    // fills the machine's memory well before a minute is over.
    let data = materialise("_base");
    let tpl = tempfile::tempdir().unwrap();
    std::fs::write(tpl.path().join("main.typ"), "#let a = (0,)\n#for i in range(40) { a = a + a }\n#a.len()\n")
        .unwrap();
    let out = data.path().join("r.pdf");
    let run = Integra::new()
        .env("INTEGRA_TEMPLATE_MB", "200")
        .args(["report", "--period", "2025H1", "--template"])
        .arg_path(tpl.path())
        .arg("--out")
        .arg_path(&out)
        .arg("--data")
        .arg_path(data.path())
        .run()
        .code_is(3);
    assert!(run.stderr().contains("più di 200 MB di memoria"), "{}", run.stderr());
    assert!(!out.exists());
}

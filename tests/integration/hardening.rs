//! Careless and hostile inputs: outputs never replace inputs, inputs are
//! regular files inside the data folder, personal data never reaches an
//! output, and nothing hangs. Each case is what a person could really do.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::harness::{Integra, Run, materialise};

fn report(data: &Path, extra: &[&str]) -> Run {
    Integra::new().args(["report", "--period", "2025H1", "--data"]).arg_path(data).args(extra).run()
}

fn file_bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn a_report_is_never_written_over_a_register_or_the_configuration() {
    let dir = materialise("_base");
    let d = dir.path();
    std::fs::create_dir(d.join("note")).unwrap();
    std::fs::write(d.join("note/2025H1.md"), "Note del semestre.\n").unwrap();
    std::os::unix::fs::symlink(d.join("utenti.csv"), d.join("collegamento.csv")).unwrap();
    let before: Vec<(String, Vec<u8>)> = ["accessi.csv", "utenti.csv", "centro.toml", "note/2025H1.md"]
        .iter()
        .map(|f| (f.to_string(), file_bytes(&d.join(f))))
        .collect();
    for (target, format) in [
        ("accessi.csv", "csv"),
        ("utenti.csv", "json"),
        ("centro.toml", "json"),
        ("note/2025H1.md", "table"),
        ("note/nuova.md", "table"),
        ("collegamento.csv", "csv"),
        // Not there yet, but read as a register next time.
        ("corsi.tsv", "csv"),
        ("Accessi.XLSX", "json"),
    ] {
        let out = d.join(target);
        let run = report(d, &["--format", format, "--out", out.to_str().unwrap()]).code_is(2);
        assert!(run.stderr().contains("non scrivo"), "{target}: {}", run.stderr());
        assert!(run.stderr().contains("suggerimento"), "{target}: {}", run.stderr());
        if target == "collegamento.csv" {
            assert!(run.stderr().contains("porta a") && run.stderr().contains("utenti.csv"), "{}", run.stderr());
        }
    }
    for (f, bytes) in before {
        assert_eq!(file_bytes(&d.join(&f)), bytes, "{f} was changed");
    }
    assert!(!d.join("corsi.tsv").exists() && !d.join("note/nuova.md").exists());
    // A report beside the registers, under its own name, is fine.
    report(d, &["--format", "json", "--out", d.join("report.json").to_str().unwrap()]).code_is(0);
}

#[test]
fn the_template_folder_is_not_an_output() {
    let data = materialise("_base");
    let tpl = tempfile::tempdir().unwrap();
    std::fs::write(tpl.path().join("main.typ"), "#let d = json(\"/data.json\")\nAccessi: #d.accesses.total\n").unwrap();
    let run = report(
        data.path(),
        &["--template", tpl.path().to_str().unwrap(), "--format", "typst", "--out", tpl.path().to_str().unwrap()],
    )
    .code_is(2);
    assert!(run.stderr().contains("non scrivo"), "{}", run.stderr());
}

#[test]
fn no_temporary_file_is_left_behind() {
    let data = materialise("_base");
    let out = tempfile::tempdir().unwrap();
    report(data.path(), &["--format", "json", "--out", out.path().join("r.json").to_str().unwrap()]).code_is(0);
    // A refused write leaves nothing either: an --out folder (the report
    // goes in it as report-2025H1.json) where that name is taken by a
    // folder is refused before the work, as a usage problem (exit 2, like a
    // file in the path), and nothing is written.
    let folder = out.path().join("cartella");
    std::fs::create_dir_all(folder.join("report-2025H1.json")).unwrap();
    let run = report(data.path(), &["--format", "json", "--out", folder.to_str().unwrap()]).code_is(2);
    assert!(run.stderr().contains("è una cartella, non un file"), "{}", run.stderr());
    assert!(run.stderr().contains("suggerimento: indica con --out"), "what to do: {}", run.stderr());
    std::fs::create_dir_all(folder.join("annotati.xlsx")).unwrap();
    let run = Integra::new()
        .args(["validate", "--annota"])
        .arg_path(&folder.join("annotati.xlsx"))
        .arg("--data")
        .arg_path(data.path())
        .run()
        .code_is(2);
    assert!(run.stderr().contains("è una cartella, non un file"), "{}", run.stderr());
    for dir in [out.path(), &folder] {
        let names: Vec<String> =
            std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }
}

#[test]
fn a_file_in_the_output_path_is_named() {
    let data = materialise("_base");
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("unfile"), "x").unwrap();
    let run = report(data.path(), &["--format", "json", "--out", out.path().join("unfile/r.json").to_str().unwrap()])
        .code_is(2);
    assert!(run.stderr().contains("è un file, non una cartella"), "{}", run.stderr());
}

/// Runs `integra` and fails if it takes more than `limit` (a hang).
fn run_within(cmd: Integra, limit: Duration) -> Run {
    let start = Instant::now();
    let handle = std::thread::spawn(move || cmd.run());
    while !handle.is_finished() {
        assert!(start.elapsed() < limit, "integra still running after {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    handle.join().unwrap()
}

/// Makes the thing under test at a path (given a folder outside the data).
type Make = fn(&Path, &Path);

fn mkfifo(p: &Path) {
    assert!(std::process::Command::new("mkfifo").arg(p).status().unwrap().success(), "mkfifo");
}

#[test]
fn notes_that_are_not_a_regular_file_inside_the_folder_are_errors() {
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("segreto.txt"), "PAROLA-SEGRETA\n").unwrap();
    let cases: [(&str, Make); 3] = [
        ("collegamento fuori", |note, secret| std::os::unix::fs::symlink(secret.join("segreto.txt"), note).unwrap()),
        ("FIFO", |note, _| mkfifo(note)),
        ("cartella", |note, _| std::fs::create_dir(note).unwrap()),
    ];
    for (what, make) in cases {
        let dir = materialise("_base");
        std::fs::create_dir(dir.path().join("note")).unwrap();
        make(&dir.path().join("note/2025H1.md"), secret.path());
        let cmd =
            Integra::new().args(["report", "--period", "2025H1", "--format", "json", "--data"]).arg_path(dir.path());
        let run = run_within(cmd, Duration::from_secs(60)).code_is(1);
        assert!(run.stdout().is_empty(), "{what}: a report was written");
        assert!(run.stderr().contains("[notes-unreadable]"), "{what}: {}", run.stderr());
        assert!(run.stderr().contains("note/2025H1.md"), "{what}: {}", run.stderr());
        assert!(!run.stderr().contains("PAROLA-SEGRETA"), "{what}");
        // validate of the same period says the same.
        let cmd = Integra::new().args(["validate", "--period", "2025H1", "--data"]).arg_path(dir.path());
        run_within(cmd, Duration::from_secs(60)).code_is(1);
    }
}

#[test]
fn a_register_that_is_not_a_regular_file_is_named_for_what_it_is() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("accessi.csv"), "data;paese;tipo_richiesta\n").unwrap();
    let cases: [(&str, &str, Make); 3] = [
        ("cartella", "una cartella", |p, _| std::fs::create_dir(p).unwrap()),
        ("FIFO", "FIFO", |p, _| mkfifo(p)),
        ("fuori", "fuori dalla cartella", |p, o| std::os::unix::fs::symlink(o.join("accessi.csv"), p).unwrap()),
    ];
    for (name, says, make) in cases {
        let dir = materialise("_base");
        let reg = dir.path().join("accessi.csv");
        std::fs::remove_file(&reg).unwrap();
        make(&reg, outside.path());
        let cmd = Integra::new().args(["validate", "--format", "json", "--data"]).arg_path(dir.path());
        let run = run_within(cmd, Duration::from_secs(60)).code_is(1);
        let j = run.json();
        let diags = j["diagnostics"].as_array().unwrap();
        let d = diags
            .iter()
            .find(|d| d["code"] == "file-unreadable" && d["file"] == "accessi.csv")
            .unwrap_or_else(|| panic!("{name}: {j:#}"));
        assert!(d["message"].as_str().unwrap().contains(says), "{name}: {d}");
        assert!(!diags.iter().any(|d| d["code"] == "register-missing"), "{name}: said missing");
    }
}

#[test]
fn an_unreadable_configuration_is_not_called_missing() {
    let dir = materialise("_base");
    std::fs::remove_file(dir.path().join("centro.toml")).unwrap();
    std::fs::create_dir(dir.path().join("centro.toml")).unwrap();
    let run = Integra::new().args(["validate", "--data"]).arg_path(dir.path()).run().code_is(2);
    assert!(run.stdout().contains("[config-unreadable]") || run.stderr().contains("[config-unreadable]"));
    assert!(run.stdout().contains("cartella") || run.stderr().contains("cartella"));
}

/// Everything `report` can produce for 2025H1, as text.
fn every_output(data: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for format in ["json", "csv", "table", "typst"] {
        out.push((format.to_string(), report(data, &["--format", format]).code_is(0).stdout()));
    }
    let pdf = tempfile::tempdir().unwrap();
    let path = pdf.path().join("r.pdf");
    report(data, &["--out", path.to_str().unwrap()]).code_is(0);
    out.push(("pdf".into(), crate::harness::pdf_text(&path)));
    out
}

#[test]
fn no_personal_data_reaches_any_output() {
    let dir = materialise("_base");
    let d = dir.path();
    // A fiscal code as a user id, a participant code enrolled twice, personal
    // data in every kind of free text, and in the notes.
    let mut utenti = String::from_utf8(file_bytes(&d.join("utenti.csv"))).unwrap();
    utenti.push_str("RSSMRA80A01E388X;12/02/2025;;M;Marocco;Jesi;no\n");
    std::fs::write(d.join("utenti.csv"), utenti).unwrap();
    let mut accessi = String::from_utf8(file_bytes(&d.join("accessi.csv"))).unwrap();
    accessi = accessi.replacen("utente;genere", "utente;genere;inviato_da", 1);
    accessi.push_str("13/02/2025;Marocco;monitoraggio;RSSMRA80A01E388X;M;assistente sociale 0731 538111\n");
    std::fs::write(d.join("accessi.csv"), accessi).unwrap();
    std::fs::write(
        d.join("iscrizioni.csv"),
        "corso;partecipante;provenienza;paese;data_iscrizione\n\
         ALF1;PZETA77;Centro;Nigeria;08/01/2025\n\
         ALF1;PZETA77;Centro;Nigeria;09/01/2025\n\
         ALF1;SAI-01;VRDLGU75B12H501Z;;08/01/2025\n",
    )
    .unwrap();
    std::fs::write(
        d.join("corsi.csv"),
        "id;titolo;tipo;partner;data_inizio;data_fine;ore_incontro\n\
         ALF1;Corso (info: docente@scuola.example.org);lingua;SAI tel. 333 7654321;08/01/2025;11/04/2025;3\n",
    )
    .unwrap();
    std::fs::write(
        d.join("eventi.csv"),
        "data;titolo;partner;descrizione\n15/01/2025;Festa;Comune;Prenotazioni: festa@comune.example.it\n",
    )
    .unwrap();
    std::fs::write(
        d.join("domande.csv"),
        "data;bando;utente;esito\n20/01/2025;Bonus affitto;U001;accolta - referente +39 320 1112233\n",
    )
    .unwrap();
    std::fs::create_dir(d.join("note")).unwrap();
    std::fs::write(d.join("note/2025H1.md"), "# Bisogni\n\nSegnalato da BNCGPP70C03D969K, tel. 347 1234567.\n")
        .unwrap();

    let validate = Integra::new()
        .args(["validate", "--format", "json", "--period", "2025H1", "--data"])
        .arg_path(d)
        .run()
        .code_is(0);
    let j = validate.json();
    let codes: Vec<&str> = j["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    for code in ["id-personal-data", "text-personal-data", "enrolment-duplicate"] {
        assert!(codes.contains(&code), "{code} not reported: {codes:?}");
    }
    let secrets = [
        "RSSMRA80A01E388X",
        "PZETA77",
        "VRDLGU75B12H501Z",
        "docente@scuola",
        "333 7654321",
        "festa@comune",
        "320 1112233",
        "BNCGPP70C03D969K",
        "347 1234567",
        "538111",
    ];
    // Not even validate's own output quotes them (it is pasted into e-mails).
    for s in secrets {
        assert!(!validate.stdout().contains(s), "validate quotes {s}");
    }
    for (format, text) in every_output(d) {
        for s in secrets {
            assert!(!text.contains(s), "{format} output contains {s}");
        }
        if format == "json" {
            assert!(text.contains("[dato personale omesso]"), "{format}: redaction not shown");
        }
    }
}

#[test]
fn text_no_font_has_still_makes_a_pdf_and_a_clean_terminal_table() {
    // Red team: an emoji or Bengali failed the PDF with an error pointing
    // into the template; control characters reached the terminal raw.
    let dir = materialise("_base");
    let d = dir.path();
    std::fs::write(
        d.join("eventi.csv"),
        "data;titolo;partner;descrizione\n15/01/2025;Festa 🎉 দুর্গা 中文 ሰላም;Comune;Testo \u{9b}[2J con \u{202e} controllo\n",
    )
    .unwrap();
    let run = report(d, &["--format", "table"]).code_is(0);
    assert!(!run.stdout().chars().any(|c| c.is_control() && c != '\n'), "control characters in the table");
    assert!(run.stderr().contains("[text-unprintable]"), "{}", run.stderr());
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("r.pdf");
    report(d, &["--out", pdf.to_str().unwrap()]).code_is(0);
    let text = crate::harness::pdf_text(&pdf);
    assert!(text.contains("Festa ?"), "the title, with what cannot be shown replaced");
}

#[test]
fn a_template_that_never_ends_is_stopped() {
    let data = materialise("_base");
    let tpl = tempfile::tempdir().unwrap();
    std::fs::write(
        tpl.path().join("main.typ"),
        "#for i in range(100000) { for j in range(100000) { let x = i * j } }\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let cmd = Integra::new()
        .env("INTEGRA_TEMPLATE_SECONDS", "2")
        .args(["report", "--period", "2025H1", "--template"])
        .arg_path(tpl.path())
        .arg("--out")
        .arg_path(&out.path().join("r.pdf"))
        .arg("--data")
        .arg_path(data.path());
    let run = run_within(cmd, Duration::from_secs(60)).code_is(3);
    assert!(run.stderr().contains("non ha finito in 2 secondi"), "{}", run.stderr());
    assert!(!out.path().join("r.pdf").exists());
}

/// The text a person reads for a fixture: validate's stdout and stderr,
/// once its exit code is `code`.
fn validate_text(dir: &Path, code: i32) -> String {
    let run = Integra::new().args(["validate", "--data"]).arg_path(dir).run().code_is(code);
    format!("{}{}", run.stdout(), run.stderr())
}

#[test]
fn messages_say_what_is_wrong_where_and_what_to_do() {
    // Each: a fixture of the red team's unclear messages, and what the
    // message must now say.
    for (fixture, says) in [
        ("number-invalid-storico-negative", "«-3» è negativo"),
        ("number-invalid-storico-huge", "è troppo grande"),
        ("config-invalid-orari-slot", "«25:00-26:00» non è una fascia"),
        ("config-invalid-orari-slot", "«14-13» non è una fascia"),
        ("value-too-long-paese", "ammessi al massimo 100"),
        ("text-unprintable-emoji-titolo", "U+1F389"),
    ] {
        let dir = materialise(fixture);
        let text = validate_text(dir.path(), crate::fixtures::expected(fixture).exit);
        assert!(text.contains(says), "{fixture}: «{says}» not in\n{text}");
    }
    // A 280-character country is quoted short, not echoed.
    let text = validate_text(materialise("value-too-long-paese").path(), 1);
    assert!(!text.contains(&"Nigeria".repeat(20)), "{text}");
}

#[test]
fn a_password_protected_workbook_says_so() {
    let dir = materialise("_base");
    std::fs::remove_file(dir.path().join("accessi.csv")).unwrap();
    // An encrypted .xlsx is an OLE compound file, not a zip.
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend(std::iter::repeat_n(0u8, 4096));
    std::fs::write(dir.path().join("accessi.xlsx"), bytes).unwrap();
    let text = validate_text(dir.path(), 1);
    assert!(text.contains("protetto da una password"), "{text}");
    assert!(text.contains("senza"), "the hint says how to save it without: {text}");
    assert!(!text.contains("[register-missing]"), "{text}");
}

#[test]
fn every_register_kept_twice_is_named() {
    let dir = materialise("_base");
    for r in ["accessi", "utenti"] {
        std::fs::copy(dir.path().join(format!("{r}.csv")), dir.path().join(format!("{r}.tsv"))).unwrap();
    }
    let run = Integra::new().args(["validate", "--data"]).arg_path(dir.path()).run().code_is(2);
    let text = format!("{}{}", run.stdout(), run.stderr());
    assert!(
        text.contains("«accessi» è presente due volte") && text.contains("«utenti» è presente due volte"),
        "{text}"
    );
}

#[test]
fn a_nul_byte_in_the_notes_names_the_notes_file() {
    let dir = materialise("_base");
    std::fs::create_dir(dir.path().join("note")).unwrap();
    std::fs::write(dir.path().join("note/2025H1.md"), b"Bisogni\n\nriga con \0 dentro\n").unwrap();
    let run = report(dir.path(), &["--format", "json"]).code_is(1);
    assert!(run.stderr().contains("note/2025H1.md:3"), "{}", run.stderr());
    assert!(run.stderr().contains("[notes-unreadable]"), "{}", run.stderr());
}

#[test]
fn an_unknown_user_whose_code_is_a_fiscal_code_is_not_quoted() {
    let dir = materialise("_base");
    let mut accessi = String::from_utf8(file_bytes(&dir.path().join("accessi.csv"))).unwrap();
    accessi.push_str("10/01/2025;Marocco;monitoraggio;BNCMRA80A41H501X;F\n");
    std::fs::write(dir.path().join("accessi.csv"), accessi).unwrap();
    let run = Integra::new().args(["validate", "--data"]).arg_path(dir.path()).run().code_is(1);
    assert!(run.stdout().contains("[user-unknown]"), "{}", run.stdout());
    assert!(!run.stdout().contains("BNCMRA80A41H501X"), "{}", run.stdout());
}

#[test]
fn a_huge_header_is_not_echoed() {
    // Red team: a 50 MB header was printed whole. 5,000 unknown columns of
    // 200 characters (1 MB) give one short note.
    let dir = materialise("_base");
    let mut header = String::from("data;paese;tipo_richiesta;utente;genere");
    for i in 0..5_000 {
        header.push_str(&format!(";colonna{i}{}", "x".repeat(200)));
    }
    let accessi = format!("{header}\n07/01/2025;Nigeria;scuola guida;U001;M\n");
    std::fs::write(dir.path().join("accessi.csv"), accessi).unwrap();
    let run = Integra::new().args(["validate", "--data"]).arg_path(dir.path()).run().code_is(0);
    assert!(run.stdout().contains("[column-unknown]"), "{}", run.stdout());
    assert!(run.stdout().len() < 5_000, "{} bytes printed", run.stdout().len());
    assert!(run.stdout().contains("e altre 4990"), "{}", run.stdout());
}

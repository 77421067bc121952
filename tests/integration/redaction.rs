//! Issue 22: what the red team found reaching the outputs, and the
//! threshold of the public version. Codes of the registers and contacts in
//! free text, `centro.toml`'s own texts, the notes file's kind, and
//! `[soglie] minimo_pubblicabile`.

use std::path::{Path, PathBuf};

use crate::harness::{Integra, copy_dir, root};

fn samples() -> PathBuf {
    root().join("data-samples")
}

/// A copy of the sample data folder, in `tmp`.
fn sample_copy(tmp: &Path) -> PathBuf {
    let data = tmp.join("dati");
    copy_dir(&samples(), &data);
    data
}

fn validate_json(data: &Path, extra: &[&str]) -> serde_json::Value {
    Integra::new().args(["validate", "--format", "json", "--data"]).arg_path(data).args(extra).run().json()
}

fn diags_with<'a>(json: &'a serde_json::Value, code: &str) -> Vec<&'a serde_json::Value> {
    json["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == code).collect()
}

/// `centro.toml` of `data` with `[soglie]` holding `line` too.
fn set_soglia(data: &Path, line: &str) {
    let path = data.join("centro.toml");
    let toml = std::fs::read_to_string(&path).unwrap().replace("[soglie]\n", &format!("[soglie]\n{line}\n"));
    std::fs::write(path, toml).unwrap();
}

// ------------------------------------------------------------ the threshold

#[test]
fn a_threshold_of_one_is_refused_with_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let data = sample_copy(tmp.path());
    set_soglia(&data, "minimo_pubblicabile = 1");
    let run = Integra::new()
        .args(["report", "--pubblico", "--period", "2025H1", "--format", "json", "--data"])
        .arg_path(&data)
        .run()
        .code_is(2);
    let err = run.stderr();
    assert!(err.contains("minimo_pubblicabile") && err.contains("config-invalid"), "{err}");
    assert!(err.contains("minimo_pubblicabile = 3"), "the hint says what to write: {err}");
    assert!(run.stdout().is_empty(), "no report");
}

#[test]
fn a_threshold_of_two_is_used_with_a_warning_citing_the_garante() {
    let tmp = tempfile::tempdir().unwrap();
    let data = sample_copy(tmp.path());
    set_soglia(&data, "minimo_pubblicabile = 2");
    let json = validate_json(&data, &[]);
    let low = diags_with(&json, "threshold-low");
    assert_eq!(low.len(), 1, "{json:#}");
    assert_eq!(low[0]["severity"], "warning");
    assert_eq!(low[0]["file"], "centro.toml");
    let msg = low[0]["message"].as_str().unwrap();
    assert!(msg.contains("Garante") && msg.contains("inferiori a 3"), "{msg}");
    let report: serde_json::Value = serde_json::from_str(
        &Integra::new()
            .args(["report", "--pubblico", "--period", "2025H1", "--format", "json", "--data"])
            .arg_path(&data)
            .run()
            .code_is(0)
            .stdout(),
    )
    .unwrap();
    assert_eq!(report["publication"]["threshold"], 2);
}

// ------------------------------------------------------------ the notes file

#[test]
fn notes_that_are_a_link_are_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("riservato.md");
    std::fs::write(&outside, "Referente del caso: U2019-058, nato il 01/01/1980.\n").unwrap();
    for how in ["hard link outside", "symlink inside", "hard link inside"] {
        let data = sample_copy(&tmp.path().join(how.replace(' ', "-")));
        let notes = data.join("note/2025H1.md");
        std::fs::remove_file(&notes).unwrap();
        match how {
            "hard link outside" => std::fs::hard_link(&outside, &notes).unwrap(),
            "symlink inside" => {
                std::fs::write(data.join("note/testo.txt"), "Note.\n").unwrap();
                std::os::unix::fs::symlink(data.join("note/testo.txt"), &notes).unwrap();
            }
            _ => {
                std::fs::write(data.join("copia.md"), "Note.\n").unwrap();
                std::fs::hard_link(data.join("copia.md"), &notes).unwrap();
            }
        }
        let json = validate_json(&data, &["--period", "2025H1"]);
        let bad = diags_with(&json, "notes-unreadable");
        assert_eq!(bad.len(), 1, "{how}: {json:#}");
        assert_eq!(bad[0]["severity"], "error");
        assert_eq!(bad[0]["file"], "note/2025H1.md");
        let msg = bad[0]["message"].as_str().unwrap();
        assert!(msg.contains("collegament"), "{how}: {msg}");
        assert!(!msg.contains("U2019"), "{how}: {msg}");
        let run =
            Integra::new().args(["report", "--period", "2025H1", "--format", "json", "--data"]).arg_path(&data).run();
        assert_ne!(run.code(), 0, "{how}: no report without its notes");
        assert!(!run.stdout().contains("U2019-058"), "{how}");
    }
}

// ------------------------------------------------------------ codes and contacts in free text

/// Rewrites one column of a register (`;` or `,` separated) with `f`,
/// which sees the row's index and its cells by header.
fn rewrite(path: &Path, column: &str, f: impl Fn(usize, &dyn Fn(&str) -> String) -> Option<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let sep = if text.lines().next().unwrap().contains(';') { b';' } else { b',' };
    let mut rdr = csv::ReaderBuilder::new().delimiter(sep).from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name).expect(name);
    let col = at(column);
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        let cell = |name: &str| rec.get(at(name)).unwrap_or("").to_string();
        let new = f(i, &cell);
        let row: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(j, v)| if j == col { new.clone().unwrap_or(v.into()) } else { v.into() })
            .collect();
        w.write_record(&row).unwrap();
    }
    std::fs::write(path, w.into_inner().unwrap()).unwrap();
}

/// Every output of the report, internal and public: (what, text).
fn every_output(data: &Path, tmp: &Path) -> Vec<(String, String)> {
    let mut outputs = Vec::new();
    for extra in [vec![], vec!["--pubblico"]] {
        for format in ["json", "csv", "table", "typst"] {
            let out = Integra::new()
                .args(["report", "--period", "2025H1", "--format", format, "--data"])
                .arg_path(data)
                .args(&extra)
                .run()
                .code_is(0)
                .stdout();
            outputs.push((format!("{format} {extra:?}"), out));
        }
        let pdf = tmp.join("r.pdf");
        Integra::new()
            .args(["report", "--period", "2025H1", "-q", "--data"])
            .arg_path(data)
            .args(&extra)
            .arg("--out")
            .arg_path(&pdf)
            .run()
            .code_is(0);
        outputs.push((format!("pdf {extra:?}"), crate::harness::pdf_text(&pdf)));
    }
    outputs
}

#[test]
fn codes_of_the_registers_and_contacts_leave_no_output() {
    let tmp = tempfile::tempdir().unwrap();
    let data = sample_copy(tmp.path());
    // What the red team wrote: a user's code as a referral, codes of users
    // and participants in events, courses, origins, calls and notes.
    rewrite(&data.join("accessi.csv"), "inviato_da", |_, cell| {
        cell("data").ends_with("/2025").then(|| match cell("paese").as_str() {
            "Marocco" => "inviato da U2020-136".into(),
            "Cuba" => "inviato da u2019-058".into(),
            _ => "tel. 333/1234567".into(),
        })
    });
    rewrite(&data.join("eventi.csv"), "descrizione", |i, cell| {
        (i == 2)
            .then(|| format!("{} Presenti U2019-058 e SAI-010; referente RSS MRA 80A01 H501U.", cell("descrizione")))
    });
    rewrite(&data.join("eventi.csv"), "titolo", |i, cell| (i == 3).then(|| format!("{} (SAI-012)", cell("titolo"))));
    rewrite(&data.join("corsi.csv"), "partner", |i, cell| (i == 0).then(|| format!("{} per SAI-026", cell("partner"))));
    rewrite(&data.join("iscrizioni.csv"), "provenienza", |i, _| (i == 1).then(|| "SAI, segnalato da U2019-095".into()));
    rewrite(&data.join("domande.csv"), "bando", |i, cell| (i == 0).then(|| format!("{} (U2021-153)", cell("bando"))));
    let notes = data.join("note/2025H1.md");
    let mut md = std::fs::read_to_string(&notes).unwrap();
    md.push_str("\nIl caso U2019-013 è seguito con l'ASP, (0731) 538999.\n");
    std::fs::write(&notes, md).unwrap();
    // centro.toml: the desk's own number may be printed, no one else's.
    let path = data.join("centro.toml");
    let toml = std::fs::read_to_string(&path)
        .unwrap()
        .replace("registri_dal = 2025-01-01\n", "registri_dal = 2025-01-01\ntelefono = \"0731 538111\"\n")
        .replace("note_orari = \"", "note_orari = \"Per appuntamento: 0731/538111 (non il 333/7654321 di U2019-058). ")
        .replace("anagrafe = \"", "anagrafe = \"Referente RSSMRA80A01H501U, mario.rossi@example.it, 0731 538 222. ");
    std::fs::write(&path, toml).unwrap();

    // Where, never what: a warning at each place.
    let json = validate_json(&data, &["--period", "2025H1"]);
    assert_eq!(json["errors"], 0, "{json:#}");
    let personal = diags_with(&json, "text-personal-data");
    let at = |file: &str, column: &str| personal.iter().filter(|d| d["file"] == file && d["column"] == column).count();
    assert!(at("accessi.csv", "inviato_da") >= 2, "{personal:#?}");
    assert_eq!(at("eventi.csv", "descrizione"), 3, "two codes and a codice fiscale: {personal:#?}");
    assert_eq!(at("eventi.csv", "titolo"), 1);
    assert_eq!(at("corsi.csv", "partner"), 1);
    assert_eq!(at("iscrizioni.csv", "provenienza"), 1);
    assert_eq!(at("domande.csv", "bando"), 1);
    assert_eq!(personal.iter().filter(|d| d["file"] == "note/2025H1.md").count(), 2, "a code and a phone");
    assert_eq!(at("centro.toml", "centro.note_orari"), 2, "a mobile and a code, not the desk's number");
    assert_eq!(at("centro.toml", "testi.anagrafe"), 3);
    for d in &personal {
        assert!(d["line"].as_u64().is_some(), "{d}");
        let m = d["message"].as_str().unwrap();
        for secret in ["U20", "SAI-0", "333", "RSS", "@"] {
            assert!(!m.contains(secret), "{m}");
        }
    }
    let referral =
        personal.iter().find(|d| d["file"] == "accessi.csv" && d["message"].as_str().unwrap().contains("codice"));
    assert!(referral.is_some_and(|d| d["message"].as_str().unwrap().contains("stesso testo")), "{personal:#?}");

    let outputs = every_output(&data, tmp.path());
    let forbidden = [
        "U2020-136",
        "u2019-058",
        "U2019-058",
        "SAI-010",
        "SAI-012",
        "SAI-026",
        "U2019-095",
        "U2021-153",
        "U2019-013",
        "333/1234567",
        "333/7654321",
        "538999",
        "538 222",
        "RSS MRA",
        "RSSMRA",
        "mario.rossi",
    ];
    for (what, text) in &outputs {
        for f in forbidden {
            assert!(!text.contains(f), "{what} shows «{f}»");
        }
    }
    let json = &outputs[0].1;
    assert!(json.contains("0731/538111"), "the desk's own number stays");
    assert!(json.contains("inviato da [dato personale omesso]"), "the referral, its code out");
    // Two referrals that differed only by their codes are one line, not two.
    let j: serde_json::Value = serde_json::from_str(json).unwrap();
    let referrals = j["accesses"]["by_referral"].to_string();
    assert_eq!(referrals.matches("inviato da [dato personale omesso]").count(), 1, "{referrals}");
    assert!(outputs[1].1.contains("SAI"), "an origin that is no code stays: {}", outputs[1].1);
}

#[test]
fn request_types_without_a_list_lose_their_codes_and_stay_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let data = sample_copy(tmp.path());
    // Without a vocabulary the request type is free text the report shows.
    let path = data.join("centro.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    let from = toml.find("tipo_richiesta = [").unwrap();
    let to = from + toml[from..].find("]\n").unwrap() + 2;
    std::fs::write(&path, format!("{}{}", &toml[..from], &toml[to..])).unwrap();
    rewrite(&data.join("accessi.csv"), "Tipo richiesta", |i, cell| {
        (cell("Tipo richiesta") == "monitoraggio")
            .then(|| format!("monitoraggio {}", if i % 2 == 0 { "U2019-058" } else { "U2020-136" }))
    });
    let json = validate_json(&data, &["--period", "2025H1"]);
    let personal = diags_with(&json, "text-personal-data");
    assert!(!personal.is_empty() && personal.iter().all(|d| d["column"] == "tipo_richiesta"), "{personal:#?}");
    assert!(personal.len() <= 2, "once per text, not per row: {personal:#?}");
    let report: serde_json::Value = serde_json::from_str(
        &Integra::new()
            .args(["report", "--period", "2025H1", "--format", "json", "--data"])
            .arg_path(&data)
            .run()
            .code_is(0)
            .stdout(),
    )
    .unwrap();
    let types = report["accesses"]["by_request_type"].as_array().unwrap();
    let monitoring: Vec<_> = types.iter().filter(|t| t["type"].as_str().unwrap().starts_with("monitoraggio")).collect();
    assert_eq!(monitoring.len(), 1, "{types:#?}");
    assert_eq!(monitoring[0]["type"], "monitoraggio [dato personale omesso]");
    let total: u64 = types.iter().map(|t| t["count"].as_u64().unwrap()).sum();
    assert_eq!(total, report["accesses"]["total"].as_u64().unwrap(), "no access lost in the merge");
    assert!(!report.to_string().contains("U2019-058") && !report.to_string().contains("U2020-136"));
}

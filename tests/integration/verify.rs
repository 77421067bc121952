//! `integra verify`: a report PDF checked against the registers as they are.

use crate::harness::{Integra, copy_dir, root};

fn report_pdf(data: &std::path::Path, out: &std::path::Path, extra: &[&str]) {
    Integra::new()
        .args(["report", "--period", "2025H1", "-q", "--out"])
        .arg_path(out)
        .args(extra)
        .arg("--data")
        .arg_path(data)
        .run()
        .code_is(0);
}

fn verify(pdf: &std::path::Path, data: &std::path::Path) -> crate::harness::Run {
    Integra::new().arg("verify").arg_path(pdf).arg("--data").arg_path(data).run()
}

#[test]
fn an_unchanged_report_verifies_and_a_changed_row_is_named_with_its_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("registri");
    copy_dir(&root().join("data-samples"), &data);
    let pdf = tmp.path().join("report.pdf");
    report_pdf(&data, &pdf, &[]);
    let run = verify(&pdf, &data).code_is(0);
    assert!(run.stdout().contains("tutti invariati") && run.stdout().contains("tutti uguali"), "{}", run.stdout());

    // One access of January 2025 moved from Nigeria to Ghana.
    let path = data.join("accessi.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text.find("/2025;Nigeria;").expect("a 2025 access from Nigeria");
    let changed = format!("{}/2025;Ghana;{}", &text[..at], &text[at + "/2025;Nigeria;".len()..]);
    std::fs::write(&path, changed).unwrap();
    let run = verify(&pdf, &data).code_is(1);
    let out = run.stdout();
    assert!(out.contains("registri cambiati da allora: accessi.csv"), "{out}");
    assert!(out.contains("accesses.by_country.Nigeria: 31 → 30 (-1)"), "{out}");
    assert!(out.contains("accesses.by_country.Ghana: 8 → 9 (+1)"), "{out}");
    assert!(out.contains("NON corrisponde"), "{out}");
    // The total did not move: it is not listed.
    assert!(!out.contains("accesses.total"), "{out}");
}

#[test]
fn the_public_version_verifies_against_the_public_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("pubblico.pdf");
    let data = root().join("data-samples");
    report_pdf(&data, &pdf, &["--pubblico"]);
    let run = verify(&pdf, &data).code_is(0);
    assert!(run.stdout().contains("versione pubblica"), "{}", run.stdout());
}

#[test]
fn a_file_without_a_seal_is_said_to_be_one() {
    let tmp = tempfile::tempdir().unwrap();
    let not_pdf = tmp.path().join("finto.pdf");
    std::fs::write(&not_pdf, "non sono un PDF").unwrap();
    let run = verify(&not_pdf, &root().join("data-samples")).code_is(2);
    assert!(run.stderr().contains("non è un PDF leggibile"), "{}", run.stderr());
    let run = verify(&tmp.path().join("assente.pdf"), &root().join("data-samples")).code_is(2);
    assert!(run.stderr().contains("non esiste"), "{}", run.stderr());
}

#[test]
fn a_damaged_pdf_or_registers_with_errors_are_said_so_without_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("registri");
    copy_dir(&root().join("data-samples"), &data);
    let pdf = tmp.path().join("report.pdf");
    report_pdf(&data, &pdf, &[]);
    let bytes = std::fs::read(&pdf).unwrap();
    // Cut short anywhere, or with bytes flipped: a usage error, never a crash.
    let mut rng = crate::harness::Rng(7);
    for i in 0..12 {
        let mut broken = bytes[..bytes.len() * (i + 1) / 13].to_vec();
        if i % 2 == 1 {
            for _ in 0..50 {
                let at = rng.below(broken.len());
                broken[at] ^= 0x5A;
            }
        }
        let cut = tmp.path().join(format!("rotto-{i}.pdf"));
        std::fs::write(&cut, &broken).unwrap();
        let run = verify(&cut, &data);
        assert!(matches!(run.code(), 0..=2), "case {i}: exit {} {}", run.code(), run.stderr());
    }
    // Registers that now have an error cannot make the report again: exit 1.
    let path = data.join("accessi.csv");
    let text = std::fs::read_to_string(&path).unwrap().replacen("/2025;Nigeria;", "/2025;Narnia;", 1);
    std::fs::write(&path, text).unwrap();
    let run = verify(&pdf, &data).code_is(1);
    assert!(run.stderr().contains("country-unknown") && run.stderr().contains("non si può rifare"), "{}", run.stderr());
}

/// The default template copied, with `main.typ`'s data changed by `edit`
/// (Typst code run on `d`, the report's data) and the keywords replaced by
/// `keywords`: how anyone with integra forges a report and transplants a seal.
fn forging_template(dir: &std::path::Path, edit: &str, keywords: &serde_json::Value) -> std::path::PathBuf {
    let t = dir.join("modello-falso");
    copy_dir(&root().join("report-templates/default"), &t);
    let main = std::fs::read_to_string(t.join("main.typ")).unwrap();
    let typst_keywords: Vec<String> = keywords.as_array().unwrap().iter().map(|k| k.to_string()).collect();
    let forged = main.replace(
        "#let data = json(\"/data.json\")",
        &format!(
            "#let data = {{ let d = json(\"/data.json\"); {edit}; d.insert(\"pdf_keywords\", ({},)); d }}",
            typst_keywords.join(", ")
        ),
    );
    assert_ne!(forged, main, "main.typ reads data.json as expected");
    std::fs::write(t.join("main.typ"), forged).unwrap();
    t
}

/// The keywords (with the seal) of the report `extra` describes.
fn keywords_of(data: &std::path::Path, tmp: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let out = tmp.join(format!("typst{}", extra.join("")));
    Integra::new()
        .args(["report", "-q", "--format", "typst", "--out"])
        .arg_path(&out)
        .args(extra)
        .arg("--data")
        .arg_path(data)
        .run()
        .code_is(0);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("data.json")).unwrap()).unwrap();
    json["pdf_keywords"].clone()
}

fn forged(
    data: &std::path::Path,
    tmp: &std::path::Path,
    name: &str,
    period: &str,
    extra: &[&str],
    template: &std::path::Path,
) -> std::path::PathBuf {
    let pdf = tmp.join(name);
    Integra::new()
        .args(["report", "-q", "--period", period, "--out"])
        .arg_path(&pdf)
        .args(extra)
        .arg("--template")
        .arg_path(template)
        .arg("--data")
        .arg_path(data)
        .run()
        .code_is(0);
    pdf
}

#[test]
fn a_pdf_whose_numbers_were_edited_under_an_untouched_seal_is_not_vouched_for() {
    let tmp = tempfile::tempdir().unwrap();
    let data = root().join("data-samples");
    let seal = keywords_of(&data, tmp.path(), &["--period", "2025H1"]);
    let t = forging_template(tmp.path(), "d.at(\"accesses\").insert(\"total\", 999)", &seal);
    let pdf = forged(&data, tmp.path(), "ritoccato.pdf", "2025H1", &[], &t);
    assert!(crate::harness::pdf_text(&pdf).contains("999"), "the forgery shows 999");
    let out = verify(&pdf, &data).code_is(1).stdout();
    // The seal alone still matches: what differs is the page.
    assert!(out.contains("numeri: 208 controllati, tutti uguali"), "{out}");
    assert!(out.contains("pagine diverse") && out.contains("999") && out.contains("181"), "{out}");
    assert!(out.lines().any(|l| l.contains("pagina ") && l.contains("999") && l.contains("181")), "{out}");
    assert!(out.contains("esito: il PDF NON è il report che il suo sigillo dichiara"), "{out}");
}

#[test]
fn an_internal_pdf_carrying_the_public_seal_is_not_vouched_for() {
    let tmp = tempfile::tempdir().unwrap();
    let data = root().join("data-samples");
    let public_seal = keywords_of(&data, tmp.path(), &["--period", "2025H1", "--pubblico"]);
    let t = forging_template(tmp.path(), "none", &public_seal);
    let pdf = forged(&data, tmp.path(), "interno.pdf", "2025H1", &[], &t);
    let out = verify(&pdf, &data).code_is(1).stdout();
    assert!(out.contains("(versione pubblica)") && out.contains("pagine diverse"), "{out}");
    assert!(out.contains("uso interno"), "the internal page's words are named: {out}");
}

#[test]
fn a_semester_pdf_carrying_a_quarter_seal_is_not_vouched_for() {
    let tmp = tempfile::tempdir().unwrap();
    let data = root().join("data-samples");
    let q1 = keywords_of(&data, tmp.path(), &["--period", "2025Q1"]);
    let t = forging_template(tmp.path(), "d.at(\"users\").insert(\"total\", 7)", &q1);
    let pdf = forged(&data, tmp.path(), "semestre.pdf", "2025H1", &[], &t);
    let out = verify(&pdf, &data).code_is(1).stdout();
    assert!(out.contains("report del periodo 2025Q1") && out.contains("pagine diverse"), "{out}");
    assert!(out.contains("giugno") && out.contains("marzo"), "the periods on the page are named: {out}");
}

#[test]
fn changed_notes_or_centre_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("registri");
    copy_dir(&root().join("data-samples"), &data);
    let pdf = tmp.path().join("report.pdf");
    report_pdf(&data, &pdf, &[]);
    std::fs::create_dir_all(data.join("note")).unwrap();
    std::fs::write(data.join("note/2025H1.md"), "Una nota aggiunta dopo.\n").unwrap();
    let out = verify(&pdf, &data).code_is(1).stdout();
    assert!(out.contains("note del periodo cambiate da allora"), "{out}");
    std::fs::remove_file(data.join("note/2025H1.md")).unwrap();
    let toml = std::fs::read_to_string(data.join("centro.toml")).unwrap();
    let at = toml.find("nome = \"").expect("a name in centro.toml");
    std::fs::write(data.join("centro.toml"), format!("{}nome = \"Altro {}", &toml[..at], &toml[at + 8..])).unwrap();
    let out = verify(&pdf, &data).code_is(1).stdout();
    assert!(out.contains("dati del centro (centro.toml) cambiati da allora"), "{out}");
}

#[test]
fn escape_sequences_in_a_seal_reach_no_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let data = root().join("data-samples");
    let mut seal = keywords_of(&data, tmp.path(), &["--period", "2025H1"]);
    // A seal whose register name clears the screen.
    let packed = seal[1].as_str().unwrap().strip_prefix("integra-sigillo=").unwrap().to_string();
    use base64::Engine;
    use std::io::{Read, Write};
    let bytes = base64::engine::general_purpose::STANDARD.decode(packed).unwrap();
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(&bytes[..]).read_to_end(&mut json).unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    v["registers"][0]["file"] = "accessi\u{1b}[2J.csv".into();
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&serde_json::to_vec(&v).unwrap()).unwrap();
    seal[1] =
        format!("integra-sigillo={}", base64::engine::general_purpose::STANDARD.encode(z.finish().unwrap())).into();
    let t = forging_template(tmp.path(), "none", &seal);
    let pdf = forged(&data, tmp.path(), "escape.pdf", "2025H1", &[], &t);
    let run = verify(&pdf, &data).code_is(1);
    assert!(!run.stdout().contains('\u{1b}') && !run.stderr().contains('\u{1b}'), "{:?}", run.stdout());
    assert!(run.stdout().contains("accessi\\u{1b}[2J.csv"), "{}", run.stdout());
}

/// A small PDF around `body` (object 4, the Info dictionary).
fn hostile_pdf(body: &[u8]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let objs: [&[u8]; 4] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>",
        body,
    ];
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(*o);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(b"xref\n0 5\n0000000000 65535 f \n");
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(format!("trailer\n<< /Size 5 /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    out
}

#[test]
fn a_hostile_pdf_is_refused_without_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let data = root().join("data-samples");
    // Objects nested 150,000 deep (300 KB): the parser would overflow its stack.
    let deep = format!("<< /Keywords {}{} >>", "[".repeat(150_000), "]".repeat(150_000));
    let p = tmp.path().join("annidato.pdf");
    std::fs::write(&p, hostile_pdf(deep.as_bytes())).unwrap();
    let run = verify(&p, &data).code_is(2);
    assert!(run.stderr().contains("annida oggetti su più di 200 livelli"), "{}", run.stderr());
    // A stream that inflates far past the bound (the red team used 4 GB
    // from 4 MB; 300 MB is past it and quick to make).
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..300 {
        z.write_all(&zeros).unwrap();
    }
    let packed = z.finish().unwrap();
    let mut body = format!("<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >>\nstream\n", packed.len())
        .into_bytes();
    body.extend(&packed);
    body.extend(b"\nendstream");
    let p = tmp.path().join("bomba.pdf");
    std::fs::write(&p, hostile_pdf(&body)).unwrap();
    let started = std::time::Instant::now();
    let run = verify(&p, &data).code_is(2);
    assert!(run.stderr().contains("si espande oltre 256 MB"), "{}", run.stderr());
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "{:?}", started.elapsed());
}

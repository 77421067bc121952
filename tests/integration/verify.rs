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
    assert!(out.contains("accesses.by_country.Nigeria.count: 31 → 30 (-1)"), "{out}");
    assert!(out.contains("accesses.by_country.Ghana.count: 8 → 9 (+1)"), "{out}");
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

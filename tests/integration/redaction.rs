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

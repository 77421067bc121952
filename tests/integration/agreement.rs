//! Validation and report agree: for random mutations of the sample
//! registers, `report --period P` fails (exit 1) exactly when
//! `validate --period P` finds errors, and whenever `report` succeeds the
//! PDF compiles. The mutations are what careless hands do to a register:
//! a cell emptied, mistyped or pasted over, a row deleted or doubled, two
//! cells swapped. Also: the whole registers without errors always report,
//! and a period never finds an error they do not have. A fixed seed makes a failure reproducible; `AGREEMENT_CASES`
//! and `AGREEMENT_SEED` run more or other cases.

use std::path::Path;

use crate::harness::{Integra, Rng, copy_dir, root};

/// Values a cell may be overwritten with.
const VALUES: &[&str] = &[
    "",
    "31/02/2025",
    "15/03/2025",
    "01/01/1999",
    "12/12/2099",
    "2025-06-30",
    "ieri",
    "Nigerai",
    "Tailandia",
    "Jesy",
    "X",
    "Z",
    "sì",
    "forse",
    "-1",
    "0",
    "1e308",
    "2,5",
    "U2025-999",
    "RSSMRA80A01E388X",
    "ALF9",
    "\"",
    "a;b",
    "Festa 🎉",
    "mario@example.it",
];

/// One mutation of one register; returns what was done, for the message.
fn mutate(dir: &Path, rng: &mut Rng) -> String {
    let registers = ["accessi", "utenti", "corsi", "incontri", "iscrizioni", "domande", "eventi", "storico"];
    let reg = registers[rng.below(registers.len())];
    let path = dir.join(format!("{reg}.csv"));
    let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.len() < 2 {
        return format!("{reg}: unchanged");
    }
    let delim = if lines[0].contains(';') { ';' } else { ',' };
    let row = 1 + rng.below(lines.len() - 1);
    let what = match rng.below(4) {
        0 => {
            lines.remove(row);
            format!("{reg}:{} deleted", row + 1)
        }
        1 => {
            let copy = lines[row].clone();
            lines.insert(row, copy);
            format!("{reg}:{} doubled", row + 1)
        }
        2 => {
            let mut cells: Vec<String> = lines[row].split(delim).map(str::to_string).collect();
            let (a, b) = (rng.below(cells.len()), rng.below(cells.len()));
            cells.swap(a, b);
            lines[row] = cells.join(&delim.to_string());
            format!("{reg}:{} cells {a} and {b} swapped", row + 1)
        }
        _ => {
            let mut cells: Vec<String> = lines[row].split(delim).map(str::to_string).collect();
            let col = rng.below(cells.len());
            let value = VALUES[rng.below(VALUES.len())];
            cells[col] = value.to_string();
            lines[row] = cells.join(&delim.to_string());
            format!("{reg}:{} column {col} = «{value}»", row + 1)
        }
    };
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    what
}

#[test]
fn validate_and_report_agree_on_mutated_registers() {
    let cases: usize = std::env::var("AGREEMENT_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24);
    let seed: u64 = std::env::var("AGREEMENT_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x1E51_2025);
    let mut rng = Rng(seed);
    let mut failures = Vec::new();
    let mut outcomes = [0usize; 2];
    for case in 0..cases {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&root().join("data-samples"), dir.path());
        let mut done = Vec::new();
        for _ in 0..1 + rng.below(3) {
            done.push(mutate(dir.path(), &mut rng));
        }
        let period = ["2025H1", "2025-03", "2024", "2025Q2"][rng.below(4)];
        let validate = Integra::new()
            .args(["validate", "--format", "json", "--period", period, "--data"])
            .arg_path(dir.path())
            .run();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        // Every third successful case also compiles the PDF.
        let pdf = case % 3 == 0;
        let mut report = Integra::new().args(["report", "--period", period]);
        if !pdf {
            report = report.args(["--format", "json"]);
        }
        let report = report.arg("--out").arg_path(&out).arg("--data").arg_path(dir.path()).run();
        let whole = Integra::new().args(["validate", "--format", "json", "--data"]).arg_path(dir.path()).run();
        let (v, r, w) = (validate.code(), report.code(), whole.code());
        // Mutated registers (centro.toml untouched) give 0 or 1, never a
        // usage or configuration error nor a crash. A period only leaves
        // rows out: it never finds an error the whole registers do not
        // have, and registers without errors report.
        let agree =
            [v, r, w].iter().all(|c| matches!(c, 0 | 1)) && v == r && !(v == 1 && w == 0) && !(w == 0 && r != 0);
        if !agree {
            failures.push(format!(
                "case {case} ({period}; {}): validate {v}, report {r}, validate without period {w}\n{}\n{}\n{}",
                done.join(", "),
                validate.stdout(),
                report.stderr(),
                whole.stderr()
            ));
        }
        if r == 0 {
            outcomes[0] += 1;
            let written: Vec<_> = std::fs::read_dir(&out).unwrap().flatten().collect();
            if written.len() != 1 {
                failures.push(format!("case {case}: report exited 0 but wrote {} files", written.len()));
            }
        } else {
            outcomes[1] += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {cases} cases disagree:\n\n{}", failures.len(), failures.join("\n\n"));
    // The mutations must reach both outcomes, or the test proves nothing.
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "outcomes (ok, errors): {outcomes:?}");
}

//! The edges of the command line itself: a wrong "today", standard output
//! closed or cut short. Each is a clear Italian message and an exit code of
//! docs/CLI.md, never a panic.

use crate::harness::{Integra, root};

fn samples() -> std::path::PathBuf {
    root().join("data-samples")
}

/// Neither a panic nor English: exit 2 and a message saying what, where.
fn refused(run: crate::harness::Run, names: &str) {
    let run = run.code_is(2);
    let err = run.stderr();
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
    assert!(err.contains("errore: data di oggi non valida in ") && err.contains(names), "{err}");
    assert!(err.contains("suggerimento: scrivi la data come AAAA-MM-GG"), "{err}");
    assert!(!err.contains("invalid") && !err.contains("input"), "English in: {err}");
}

#[test]
fn every_wrong_today_is_a_usage_error_in_italian() {
    for (value, why) in [
        ("0205-03-01", "gli anni vanno dal 1900 al 2999"),
        ("9999-12-31", "gli anni vanno dal 1900 al 2999"),
        ("1899-12-31", "gli anni vanno dal 1900 al 2999"),
        ("2025-02-30", "non esiste"),
        ("ieri", "forma AAAA-MM-GG"),
        ("+12025-01-01", "forma AAAA-MM-GG"),
        ("01/03/2025", "forma AAAA-MM-GG"),
    ] {
        for (cmd, extra) in [
            ("report", &["--period", "mese-scorso", "--format", "json"][..]),
            ("report", &["--period", "2025H1", "--format", "json"][..]),
            ("validate", &[][..]),
            ("explain", &["--period", "anno-scorso", "--list"][..]),
        ] {
            let run =
                Integra::new().env("INTEGRA_OGGI", value).arg(cmd).args(extra).arg("--data").arg_path(&samples()).run();
            let err = run.stderr();
            assert!(err.contains(why), "{cmd} with INTEGRA_OGGI={value}: {err}");
            refused(run, &format!("INTEGRA_OGGI («{value}»)"));
        }
        // The hidden option names itself, since it was typed.
        let run = Integra::new().args(["validate", "--today", value, "--data"]).arg_path(&samples()).run();
        refused(run, &format!("--today («{value}»)"));
    }
}

#[test]
fn the_earliest_today_has_no_earlier_period_and_says_so() {
    let run = Integra::new()
        .env("INTEGRA_OGGI", "1900-01-15")
        .args(["report", "--period", "mese-scorso", "--format", "json", "--data"])
        .arg_path(&samples())
        .run()
        .code_is(2);
    let err = run.stderr();
    assert!(err.contains("gli anni vanno dal 1900 al 2999") && !err.contains("panicked"), "{err}");
}

#[test]
fn an_older_today_variable_that_is_wrong_is_still_ignored() {
    // INTEGRA_TODAY is the older name: documented as ignored when invalid,
    // an out-of-range year included (it used to panic).
    let run = Integra::new()
        .env_remove("INTEGRA_OGGI")
        .env("INTEGRA_TODAY", "0205-03-01")
        .args(["report", "--period", "2025H1", "--format", "json", "--data"])
        .arg_path(&samples())
        .run()
        .code_is(0);
    assert_eq!(run.json()["accesses"]["total"], 181);
}

/// `integra report --format json >&-`: the runtime reopens a closed
/// standard output on /dev/null for reading and writing, which is what the
/// child is given here. Nothing can be written, so it is an error (exit 3);
/// a `>/dev/null` the user asked for (write only) is not.
#[test]
fn a_closed_standard_output_is_an_error() {
    let run = |stdout: std::fs::File| {
        std::process::Command::new(env!("CARGO_BIN_EXE_integra"))
            .args(["report", "--period", "2025H1", "--format", "json", "-q", "--data"])
            .arg(samples())
            .stdout(stdout)
            .output()
            .unwrap()
    };
    let closed = run(std::fs::File::options().read(true).write(true).open("/dev/null").unwrap());
    assert_eq!(closed.status.code(), Some(3));
    let err = String::from_utf8_lossy(&closed.stderr);
    assert!(err.contains("standard output") && err.contains("chiuso"), "{err}");
    let null = run(std::fs::File::options().write(true).open("/dev/null").unwrap());
    assert_eq!(null.status.code(), Some(0), "{}", String::from_utf8_lossy(&null.stderr));
}

//! Every folder of `tests/fixtures/` but the `_` bases is a case with a test
//! of its own, named after the folder with `_` for `-`, so a failure names
//! its case and one case runs alone:
//! `cargo test --test integration date_future_2099` (a name that starts
//! others', like `closure_before_start`, runs alone with
//! `cargo test --test integration -- --exact fixtures::closure_before_start`).
//! A new folder is listed in `fixtures!` at the bottom of this file (a test
//! says so) and in `docs/BAD-INPUTS.md`.
//!
//! The case runs `integra validate --format json --data DIR`, DIR being
//! `_base` with the folder's files on top, and its `expect.txt` says what
//! the run gives, one item a line (`#` starts a comment, at the start of a
//! line or after a space):
//!
//! - `exit N`: the exit code (0 when not given);
//! - `args …`: arguments added to the command line (`args --period 2025-02`);
//! - `severity code file:line column`: a diagnostic, `-` for no line or no
//!   column (`accessi.csv:- -`, `--period:- -`). These lines are the whole
//!   output: every diagnostic the run gives (errors, warnings and infos
//!   alike) is listed, as many times as it is given, and nothing else.
//!   Infos are listed too: they are few and a person reads them;
//! - `known severity code file:line column`: a diagnostic the run gives that
//!   is believed to be a bug (a comment says why). It is tolerated, once,
//!   without being required, so fixing the bug needs no change here; the fix
//!   should remove the line. Each one is listed in `docs/BAD-INPUTS.md`;
//! - `absent code`: a code that must not appear. The exact list already
//!   excludes it: the line says what the case is about.

use std::fmt;

use crate::harness::{Integra, fixture, fixture_names, materialise};

/// A diagnostic as `expect.txt` writes it: severity, code, file, line, column.
#[derive(Clone, PartialEq, Eq)]
struct Diag {
    severity: String,
    code: String,
    file: String,
    line: Option<u64>,
    column: Option<String>,
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let line = self.line.map_or("-".to_string(), |l| l.to_string());
        write!(f, "{} {} {}:{line} {}", self.severity, self.code, self.file, self.column.as_deref().unwrap_or("-"))
    }
}

impl Diag {
    /// `severity code file:line column`.
    fn parse(fields: &[&str]) -> Option<Diag> {
        let [severity, code, at, column] = fields else { return None };
        if !["error", "warning", "info"].contains(severity) {
            return None;
        }
        let (file, line) = at.rsplit_once(':')?;
        Some(Diag {
            severity: severity.to_string(),
            code: code.to_string(),
            file: file.to_string(),
            line: if line == "-" { None } else { Some(line.parse().ok()?) },
            column: (*column != "-").then(|| column.to_string()),
        })
    }

    fn of_json(d: &serde_json::Value) -> Diag {
        let text = |key: &str| d[key].as_str().map(String::from);
        Diag {
            severity: text("severity").unwrap_or_default(),
            code: text("code").unwrap_or_default(),
            file: text("file").unwrap_or_else(|| "-".into()),
            line: d["line"].as_u64(),
            column: text("column"),
        }
    }
}

/// What `expect.txt` says of a case.
pub struct Expect {
    /// Arguments added to `validate`.
    pub args: Vec<String>,
    /// The exit code of `validate`.
    pub exit: i32,
    listed: Vec<Diag>,
    known: Vec<Diag>,
    absent: Vec<String>,
}

/// Reads `tests/fixtures/<name>/expect.txt`.
pub fn expected(name: &str) -> Expect {
    let path = fixture(name).join("expect.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("fixture {name} has no expect.txt"));
    let mut e = Expect { args: Vec::new(), exit: 0, listed: Vec::new(), known: Vec::new(), absent: Vec::new() };
    for (n, line) in text.lines().enumerate() {
        let line = line.split(" #").next().unwrap_or_default().trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = format!("{}:{}: cannot read «{line}» (see tests/integration/fixtures.rs)", path.display(), n + 1);
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            ["exit", code] => e.exit = code.parse().unwrap_or_else(|_| panic!("{bad}")),
            ["args", rest @ ..] => e.args.extend(rest.iter().map(|a| a.to_string())),
            ["absent", code] => e.absent.push(code.to_string()),
            ["known", rest @ ..] => e.known.push(Diag::parse(rest).unwrap_or_else(|| panic!("{bad}"))),
            _ => e.listed.push(Diag::parse(&f).unwrap_or_else(|| panic!("{bad}"))),
        }
    }
    for code in &e.absent {
        assert!(
            !e.listed.iter().chain(&e.known).any(|d| &d.code == code),
            "{}: {code} is both listed and absent",
            path.display()
        );
    }
    e
}

/// Runs one case and fails naming everything that differs from its
/// `expect.txt`, with what the run gave written as `expect.txt` lines.
fn check(name: &str) {
    let expect = expected(name);
    let dir = materialise(name);
    let run = Integra::new()
        .args(["validate", "--format", "json"])
        .args(&expect.args)
        .arg("--data")
        .arg_path(dir.path())
        .run();
    let json = run.json();
    let diags = json["diagnostics"].as_array().cloned().unwrap_or_default();
    let given: Vec<Diag> = diags.iter().map(Diag::of_json).collect();

    let mut left = given.clone();
    let mut problems = Vec::new();
    if run.code() != expect.exit {
        problems.push(format!("exit {} (expected {})", run.code(), expect.exit));
    }
    for d in &expect.listed {
        match left.iter().position(|g| g == d) {
            Some(i) => {
                left.remove(i);
            }
            None => problems.push(format!("missing     {d}")),
        }
    }
    for d in &expect.known {
        if let Some(i) = left.iter().position(|g| g == d) {
            left.remove(i);
        }
    }
    problems.extend(left.iter().map(|d| format!("unexpected  {d}")));
    for code in &expect.absent {
        if given.iter().any(|d| &d.code == code) {
            problems.push(format!("{code} should not be reported"));
        }
    }
    for d in &diags {
        if d["message"].as_str().is_none_or(str::is_empty) {
            problems.push(format!("empty message: {d}"));
        }
    }
    let seen: Vec<String> = given
        .iter()
        .zip(&diags)
        .map(|(g, d)| format!("{g}    # {}", d["message"].as_str().unwrap_or_default()))
        .collect();
    assert!(
        problems.is_empty(),
        "fixture {name} differs from tests/fixtures/{name}/expect.txt:\n  {}\n\nthe run gave exit {}:\n  {}\nstderr:\n{}",
        problems.join("\n  "),
        run.code(),
        seen.join("\n  "),
        run.stderr()
    );
}

/// One `#[test]` per fixture folder (its name with `_` for `-`), and the
/// list of them as folder names.
macro_rules! fixtures {
    ($($case:ident)*) => {
        $(
            #[test]
            fn $case() {
                check(&stringify!($case).replace('_', "-"));
            }
        )*

        /// The folders the macro made a test for.
        fn listed() -> Vec<String> {
            vec![$(stringify!($case).replace('_', "-")),*]
        }
    };
}

#[test]
fn every_fixture_folder_has_its_test() {
    let on_disk = fixture_names();
    assert!(on_disk.len() >= 30, "only {} fixtures", on_disk.len());
    let listed = listed();
    let untested: Vec<&String> = on_disk.iter().filter(|n| !listed.contains(n)).collect();
    let gone: Vec<&String> = listed.iter().filter(|n| !on_disk.contains(n)).collect();
    assert!(
        untested.is_empty() && gone.is_empty(),
        "the `fixtures!` list at the bottom of tests/integration/fixtures.rs must name every folder of \
         tests/fixtures/ (but the `_` ones), with `_` for `-` (so a folder name has only a-z, 0-9 and `-`)\n\
         add: {untested:?}\nremove: {gone:?}"
    );
}

#[test]
fn every_fixture_is_listed_in_the_bad_input_catalogue() {
    let doc = std::fs::read_to_string(crate::harness::root().join("docs/BAD-INPUTS.md")).unwrap();
    let missing: Vec<String> = fixture_names().into_iter().filter(|n| !doc.contains(&format!("`{n}`"))).collect();
    assert!(missing.is_empty(), "fixtures not in docs/BAD-INPUTS.md: {missing:?}");
}

// Every folder of tests/fixtures/ but the `_` ones, with `_` for `-`.
fixtures! {
    access_on_closed_day_closure
    access_on_closed_day_saturday
    blank_rows_skipped_keep_lines
    boolean_invalid_senza_dimora_forse
    cells_padded_nbsp_clean
    closure_before_start
    closure_before_start_in_period
    column_blank_with_values
    column_duplicate_paese_nazionalita
    column_missing_dat
    column_unknown_note
    comune_case_and_province_clean
    comune_homonym_castro
    comune_unknown_jesy
    config_invalid_altro_sotto_text
    config_invalid_attivo_dal_text
    config_invalid_comune_castro
    config_invalid_comune_jesy
    config_invalid_nome_control
    config_invalid_nome_too_long
    config_invalid_orari_slot
    config_missing
    config_syntax_unclosed_string
    config_unknown_key_attivo_dall
    country_iso_and_english_clean
    country_unknown_nigerai
    country_variant_tailandia
    course_bad_date_no_cascade
    course_dates_inverted
    course_hours_missing
    course_unknown_incontri
    course_unknown_iscrizioni
    cr_only_line_ends_keep_lines
    crlf_bom_semicolon_short_year_clean
    date_before_opening_2001
    date_future_2099
    date_invalid_31_feb
    date_invalid_month_13
    date_out_of_range_6025
    date_outside_period_february
    date_two_digit_year_99
    date_unreadable_ieri
    date_with_time_clean
    encoding_fallback_cp1252_clean
    encoding_invalid_binary_line_3
    encoding_invalid_undefined_cp1252_byte
    encoding_invalid_utf8_stray_byte
    enrolment_duplicate
    file_empty_accessi
    file_empty_only_blank_lines
    gender_invalid_utenti_no_cascade
    gender_invalid_z_accessi
    header_repeated_mid_file
    header_title_row
    header_title_row_keeps_lines
    header_upper_accents_clean
    history_registers_mismatch
    history_sum_mismatch_149
    history_year_duplicate
    id_duplicate_corsi
    id_duplicate_corsi_case
    id_duplicate_utenti
    id_personal_data_codice_fiscale
    id_personal_data_mario_rossi
    meeting_outside_course
    mixed_line_endings_keep_lines
    multiline_quoted_field_keeps_lines
    number_invalid_incontri_ore
    number_invalid_ore_exponent
    number_invalid_ore_incontro_tre
    number_invalid_ore_thousands
    number_invalid_ore_zero
    number_invalid_storico_decimal
    number_invalid_storico_huge
    number_invalid_storico_negative
    number_invalid_storico_year_two_digits
    period_before_registers_2025h1
    period_not_over_2025h2
    quote_unclosed_accessi
    quote_unclosed_after_multiline_field
    quote_unclosed_in_header
    quoted_separator_in_cell_clean
    register_ambiguous_csv_and_tsv
    register_missing_utenti
    request_type_unknown_scuola_guidda
    row_duplicate_accessi
    row_duplicate_incontri
    row_too_long_accessi
    row_too_short_accessi
    semicolon_cp1252_bad_country
    tab_txt_clean
    text_personal_data_eventi
    text_unprintable_control_descrizione
    text_unprintable_emoji_titolo
    trailing_empty_columns_clean
    user_id_case_clean
    user_unknown_accessi
    user_unknown_domande
    utf16_be_bom_bad_country
    utf16_bom_tab_clean
    value_required_paese_empty
    value_too_long_descrizione
    value_too_long_paese
}

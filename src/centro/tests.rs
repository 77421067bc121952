use super::walker::MAX_PARAGRAPH;
use chrono::NaiveDate;

use super::*;

const SAMPLE: &str = r#"
[centro]
nome = "Centro"
comune = "Jesi"
attivo_dal = 2008-10-01
chiusure = [2025-01-02, "2025-08-11..2025-08-13"]

[orari]
lunedi = ["09:00-12:00"]
"giovedì" = ["15:00-18:00"]

[[personale]]
ruolo = "Coordinatore"
numero = 1

[soglie]
altro_sotto = 4
minimo_pubblicabile = 5

[vocabolari]
tipo_richiesta = ["scuola guida"]

[colonne.accessi]
data = ["Giorno"]
"#;

#[test]
fn reads_every_section() {
    let (c, d) = parse(SAMPLE);
    assert!(d.items().is_empty(), "{:?}", d.items());
    assert_eq!(c.comune, "Jesi");
    assert_eq!(c.chiusure.len(), 4);
    assert_eq!(c.orari.len(), 2);
    assert_eq!(c.orari[&3][0].label(), "15 - 18");
    assert_eq!(c.altro_sotto, 4);
    assert_eq!(c.minimo_pubblicabile, 5);
    assert_eq!(parse("[centro]\ncomune = \"Jesi\"\n").0.minimo_pubblicabile, 3);
    assert_eq!(c.colonne["accessi"]["data"], vec!["Giorno".to_string()]);
    assert!(!c.is_open(NaiveDate::from_ymd_opt(2025, 1, 2).unwrap()));
    assert!(c.is_open(NaiveDate::from_ymd_opt(2025, 1, 13).unwrap()));
    assert!(!c.is_open(NaiveDate::from_ymd_opt(2025, 1, 14).unwrap()));
}

#[test]
fn texts_come_in_paragraphs_and_are_checked() {
    let (c, d) = parse(
        "[centro]\ncomune = \"Jesi\"\n[testi]\nutenti = \"\"\"\nPrimo  paragrafo,\nsu due righe.\n\nSecondo.\n\"\"\"\ndomande = [\"Uno.\", \"Due.\"]\n[testi.corsi]\nscuola_guida = \"Incontri.\"\n",
    );
    assert!(d.items().is_empty(), "{d:?}");
    assert_eq!(c.testi.utenti, Some(vec!["Primo paragrafo, su due righe.".into(), "Secondo.".into()]));
    assert_eq!(c.testi.domande, Some(vec!["Uno.".into(), "Due.".into()]));
    assert_eq!(c.testi.anagrafe, None);
    assert_eq!(c.testi.corsi["scuola_guida"], vec!["Incontri.".to_string()]);
    // Blank is not written: no paragraph, no sentence in the report.
    let (c, _) = parse("[testi]\nanagrafe = \"  \"\n");
    assert_eq!(c.testi.anagrafe, None);

    let long = "x".repeat(MAX_PARAGRAPH + 1);
    let (_, d) = parse(&format!("[testi]\nutentti = \"Ciao.\"\nanagrafe = 3\ndomande = \"{long}\"\n"));
    let found: Vec<_> = d.items().iter().map(|d| (d.code, d.line, d.hint.clone())).collect();
    assert!(found.contains(&("config-unknown-key", Some(2), Some("forse «utenti»?".into()))), "{found:?}");
    assert!(found.iter().any(|f| f.0 == "config-invalid" && f.1 == Some(3)), "{found:?}");
    assert!(d.items().iter().any(|d| d.line == Some(4) && d.message.contains("al massimo")), "{found:?}");
    let (_, d) = parse("[testi]\nutenti = \"a\\u0007b\"\n");
    assert!(d.items().iter().any(|d| d.code == "config-invalid" && d.message.contains("stampabile")), "{d:?}");
}

#[test]
fn syntax_error_has_a_line() {
    let (_, d) = parse("[centro]\nnome = \"x\ncomune = 3\n");
    let e = &d.items()[0];
    assert_eq!(e.code, "config-syntax");
    assert_eq!(e.line, Some(2));
}

#[test]
fn accented_keys_get_a_hint_in_italian() {
    let (_, d) = parse("[orari]\ngiovedì = [\"15:00-18:00\"]\n");
    let e = &d.items()[0];
    assert_eq!((e.code, e.line), ("config-syntax", Some(2)));
    assert!(e.hint.as_deref().unwrap().contains("giovedi"), "{:?}", e.hint);
}

#[test]
fn request_types_are_checked_like_every_other_text() {
    // A control character in the vocabulary would reach every output.
    let (_, d) = parse("[vocabolari]\ntipo_richiesta = [\"scuola guida\", \"lavoro\\u009b[2J\"]\n");
    assert!(d.items().iter().any(|d| d.code == "config-invalid" && d.message.contains("stampabile")), "{d:?}");
}

#[test]
fn an_hour_too_large_for_minutes_is_invalid_not_a_panic() {
    // The fuzzer: "2000:00" overflowed the minutes before the range check.
    let (_, d) = parse("[orari]\nlunedi = [\"2000:00-2001:00\", \"9-99999\"]\n");
    for slot in ["2000:00-2001:00", "9-99999"] {
        assert!(d.items().iter().any(|d| d.code == "config-invalid" && d.message.contains(slot)), "{slot}");
    }
}

#[test]
fn unknown_keys_and_bad_values() {
    let (_, d) = parse("[centro]\ncomune = \"Jesi\"\nattivo_dall = 2008-10-01\n[soglie]\naltro_sotto = \"cinque\"\n");
    let codes: Vec<_> = d.items().iter().map(|d| (d.code, d.line)).collect();
    assert!(codes.contains(&("config-unknown-key", Some(3))), "{codes:?}");
    assert!(codes.contains(&("config-invalid", Some(5))), "{codes:?}");
    assert_eq!(d.items()[0].hint.as_deref(), Some("forse «attivo_dal»?"));
}

#[test]
fn every_key_is_placed_at_the_line_the_parser_saw() {
    let text = "[centro]\nnome = \"C\"\ncomune = \"Jesi\"\n\n[[personale]]\nruolo = \"A\"\n\n[[personale]]\nruolo = \"B\"\nnumer = 2\n\n[colonne.accessi]\ndata = [\"Giorno\"]\nzzz = [\"x\"]\n";
    let (_, d) = parse(text);
    let placed: Vec<_> = d.items().iter().map(|d| (d.code, d.column.clone(), d.line)).collect();
    assert!(placed.contains(&("config-unknown-key", Some("personale.numer".into()), Some(10))), "{placed:?}");
    assert!(placed.contains(&("config-unknown-key", Some("colonne.accessi.zzz".into()), Some(14))), "{placed:?}");
    let spans = super::spans::Spans::new(text);
    assert_eq!(spans.line("centro", ""), Some(1));
    assert_eq!(spans.line("personale", "ruolo"), Some(6), "the first block's key");
}

#[test]
fn syntax_errors_are_told_from_the_line_itself() {
    let reason = |text: &str| parse(text).1.items()[0].message.clone();
    assert!(reason("[centro]\nnome = \"Centro\ncomune = \"Jesi\"\n").contains("virgolette non è chiuso"));
    assert!(reason("[centro]\nattivo_dal = 01/10/2008\n").contains("come 2025-01-02"));
    assert!(reason("[centro\nnome = \"x\"\n").contains("sezione"));
    let hint = |text: &str| parse(text).1.items()[0].hint.clone().unwrap_or_default();
    assert!(hint("[centro]\nattivo_dal = 01/10/2008\n").contains("anno-mese-giorno"), "what to do, not a list");
    assert!(hint("[centro]\nnome = \"Centro\ncomune = \"Jesi\"\n").contains("virgolette di chiusura"));
}

#[test]
fn the_publication_calendar() {
    use crate::period::PeriodKind;
    assert_eq!(parse("[centro]\ncomune = \"Jesi\"\n").0.calendario.len(), 4);
    let (c, d) = parse("[pubblicazione]\ncalendario = [\"Semestre\", \"anno\", \"anno\"]\n");
    assert_eq!(c.calendario, [PeriodKind::Semester, PeriodKind::Year]);
    assert!(!d.items().iter().any(|d| d.code == "config-invalid" && d.message.contains("calendario")));
    let (c, d) = parse("[pubblicazione]\ncalendario = [\"settimana\"]\n");
    assert_eq!(c.calendario.len(), 4);
    assert!(d.items().iter().any(|d| d.code == "config-invalid" && d.message.contains("calendario")));
}

#[test]
fn a_threshold_below_the_garantes_three_is_refused_or_said() {
    let soglia = |n: &str| parse(&format!("[centro]\ncomune = \"Jesi\"\n[soglie]\nminimo_pubblicabile = {n}\n"));
    for n in ["0", "1", "-3"] {
        let (_, d) = soglia(n);
        let bad: Vec<_> = d.items().iter().filter(|d| d.code == "config-invalid").collect();
        assert_eq!(bad.len(), 1, "{n}: {d:?}");
        assert!(bad[0].message.contains("minimo_pubblicabile") && bad[0].message.contains("da 2 in su"), "{n}");
        assert!(bad[0].hint.as_deref().unwrap_or("").contains("minimo_pubblicabile = 3"), "{n}");
        assert_eq!(bad[0].line, Some(4), "{n}: at its line");
    }
    let (c, d) = soglia("2");
    assert_eq!(c.minimo_pubblicabile, 2);
    assert!(!d.has_errors());
    let low: Vec<_> = d.items().iter().filter(|d| d.code == "threshold-low").collect();
    assert_eq!(low.len(), 1, "{d:?}");
    assert_eq!(low[0].severity, crate::diag::Severity::Warning);
    assert!(low[0].message.contains("Garante") && low[0].message.contains("inferiori a 3"));
    for n in ["3", "5"] {
        let (_, d) = soglia(n);
        assert!(d.items().is_empty(), "{n}: {d:?}");
    }
    let (_, d) = soglia("\"tre\"");
    assert!(d.items().iter().any(|d| d.code == "config-invalid"));
}

#[test]
fn the_desks_own_contacts_are_checked_and_spared() {
    let (mut c, d) = parse(
        "[centro]\ncomune = \"Jesi\"\ntelefono = [\"0731 538111\", \"333 0001112\"]\nemail = \"sportello@comune.jesi.an.it\"\nnote_orari = \"Chiamare lo 0731/538111 o scrivere a sportello@comune.jesi.an.it, non a mario.rossi@example.it.\"\n[testi]\nutenti = \"Referente U2019-058.\"\n",
    );
    assert!(d.items().is_empty(), "{d:?}");
    let found = c.scan_texts(&crate::privacy::Codes::new(["U2019-058"]));
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|d| d.code == "text-personal-data" && d.file == FILE));
    assert_eq!(found[0].column.as_deref(), Some("centro.note_orari"));
    assert_eq!(found[0].line, Some(5));
    assert_eq!(found[1].column.as_deref(), Some("testi.utenti"));
    let redacted = crate::privacy::REDACTED;
    assert_eq!(
        c.note_orari.as_deref(),
        Some(format!("Chiamare lo 0731/538111 o scrivere a sportello@comune.jesi.an.it, non a {redacted}.").as_str())
    );
    assert_eq!(c.testi.utenti, Some(vec![format!("Referente {redacted}.")]));
    for bad in ["telefono = \"sportello\"", "telefono = \"12\"", "email = \"0731 538111\""] {
        let (_, d) = parse(&format!("[centro]\ncomune = \"Jesi\"\n{bad}\n"));
        assert!(d.items().iter().any(|d| d.code == "config-invalid" && d.line == Some(3)), "{bad}: {d:?}");
    }
}

#[test]
fn open_data_keys_are_checked_against_their_vocabularies() {
    let (c, d) = parse(
        "[centro]\ncomune = \"Jesi\"\n[dati_aperti]\nlicenza = \"cc0-1.0\"\neditore = \"Comune di Jesi\"\ncodice_ipa = \"c_e388\"\ntema = [\"SOCI\", \"gove\", \"SOCI\"]\ncontatto = \"dati@comune.jesi.an.it\"\n",
    );
    assert!(d.items().is_empty(), "{d:?}");
    let open = &c.dati_aperti;
    assert_eq!(open.licenza.map(|l| l.id.as_str()), Some("CC0-1.0"));
    assert_eq!(open.editore.as_deref(), Some("Comune di Jesi"));
    assert_eq!(open.codice_ipa.as_deref(), Some("c_e388"));
    assert_eq!(open.tema.iter().map(|t| t.code.as_str()).collect::<Vec<_>>(), ["SOCI", "GOVE"]);
    assert_eq!(open.contatto.as_deref(), Some("dati@comune.jesi.an.it"));
    assert_eq!(parse("[centro]\ncomune = \"Jesi\"\n").0.dati_aperti, DatiAperti::default());

    let (_, d) = parse(
        "[dati_aperti]\nlicenza = \"CC-BY-40\"\ntema = \"SOCIALE\"\ncontatto = \"scrivici\"\ncodice_ipa = \"c e388\"\nlicenze = \"x\"\n",
    );
    let found: Vec<_> = d.items().iter().map(|d| (d.code, d.column.clone().unwrap_or_default(), d.line)).collect();
    for (column, line) in [("licenza", 2), ("tema", 3), ("contatto", 4), ("codice_ipa", 5)] {
        let column = format!("dati_aperti.{column}");
        assert!(found.contains(&("config-invalid", column.clone(), Some(line))), "{column}: {found:?}");
    }
    assert!(found.contains(&("config-unknown-key", "dati_aperti.licenze".into(), Some(6))), "{found:?}");
    let licence = d.items().iter().find(|d| d.column.as_deref() == Some("dati_aperti.licenza")).unwrap();
    assert!(licence.hint.as_deref().unwrap().starts_with("forse «CC-BY-4.0»?"), "{licence:?}");
    let theme = d.items().iter().find(|d| d.column.as_deref() == Some("dati_aperti.tema")).unwrap();
    assert!(
        theme.message.contains("«SOCIALE»") && theme.hint.as_deref().unwrap().contains("SOCI (Popolazione e società)")
    );
}

#[test]
fn the_open_data_publisher_is_scanned_like_every_printed_text() {
    let (mut c, _) =
        parse("[centro]\ncomune = \"Jesi\"\n[dati_aperti]\neditore = \"Comune di Jesi, mario.rossi@example.it\"\n");
    let found = c.scan_texts(&crate::privacy::Codes::default());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].column.as_deref(), Some("dati_aperti.editore"));
    assert!(!c.dati_aperti.editore.unwrap().contains("mario"));
}

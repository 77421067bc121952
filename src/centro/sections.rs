//! The sections of `centro.toml`, each walked key by key by the
//! [`Walker`] of `walker`: `[centro]`, `[orari]`, `[[personale]]`, `[soglie]`,
//! `[testi]`, `[colonne.<registro>]`, `[dati_aperti]`.

use toml::{Table, Value};

use super::model::{CALENDAR_WORDS, Centro, Staff, Testi, WEEKDAYS};
use super::open_data::{DatiAperti, ipa_shaped, licence, licences, theme, themes};
use super::walker::{GARANTE_MINIMO, MAX_TEXT, Walker, parse_slot, unfit};
use crate::dates::parse_date;

pub(super) fn walk_soglie(w: &mut Walker, c: &mut Centro, t: &Table) {
    const KNOWN: [&str; 2] = ["altro_sotto", "minimo_pubblicabile"];
    for (k, v) in t {
        match (k.as_str(), v.as_integer()) {
            ("altro_sotto", Some(n)) if (0..=1_000_000).contains(&n) => c.altro_sotto = n as u32,
            // 1 (or 0) would publish a count of one person: refused. 2 is
            // below the Garante's minimum of 3 for statistics: said.
            ("minimo_pubblicabile", Some(n)) if (2..=1_000_000).contains(&n) => {
                c.minimo_pubblicabile = n as u32;
                if n < GARANTE_MINIMO {
                    w.threshold_low(k, n);
                }
            }
            ("altro_sotto", _) => w.invalid("soglie", k, v, "un numero intero non negativo"),
            ("minimo_pubblicabile", Some(n)) if n < 2 => w.invalid_because(
                "soglie",
                k,
                v,
                "un numero intero da 2 in su: con una soglia sotto 2 la versione pubblica mostrerebbe i conteggi di una sola persona",
                &format!(
                    "scrivi minimo_pubblicabile = {GARANTE_MINIMO} (o togli la riga: {GARANTE_MINIMO} è il valore predefinito), la soglia minima indicata dal Garante per la protezione dei dati personali"
                ),
            ),
            ("minimo_pubblicabile", _) => w.invalid("soglie", k, v, "un numero intero da 2 in su (di norma 3)"),
            _ => w.unknown("soglie", k, &KNOWN),
        }
    }
}

pub(super) fn walk_pubblicazione(w: &mut Walker, c: &mut Centro, t: &Table) {
    const KNOWN: [&str; 1] = ["calendario"];
    for (k, v) in t {
        if k != "calendario" {
            w.unknown("pubblicazione", k, &KNOWN);
            continue;
        }
        let words = w.strings("pubblicazione", k, v);
        let kind =
            |word: &String| CALENDAR_WORDS.iter().find(|(name, _)| word.trim().eq_ignore_ascii_case(name)).map(|x| x.1);
        let unknown: Vec<&String> = words.iter().filter(|x| kind(x).is_none()).collect();
        if unknown.is_empty() {
            c.calendario.clear();
            for k in words.iter().filter_map(kind) {
                if !c.calendario.contains(&k) {
                    c.calendario.push(k);
                }
            }
        } else {
            let named = unknown.iter().map(|x| format!("«{x}»")).collect::<Vec<_>>().join(", ");
            let what =
                format!("un elenco tra \"mese\", \"trimestre\", \"semestre\" e \"anno\" ({named} non è tra questi)");
            w.invalid("pubblicazione", k, v, &what);
        }
    }
}

pub(super) fn walk_centro(w: &mut Walker, c: &mut Centro, t: &Table) {
    const KNOWN: [&str; 11] = [
        "nome",
        "comune",
        "attivo_dal",
        "registri_dal",
        "descrizione",
        "chiusure",
        "note_orari",
        "note_personale",
        "sito",
        "telefono",
        "email",
    ];
    for (k, v) in t {
        let s = "centro";
        match k.as_str() {
            "nome" => c.nome = w.string(s, k, v).unwrap_or_default(),
            "comune" => c.comune = w.string(s, k, v).unwrap_or_default(),
            "attivo_dal" => c.attivo_dal = w.date(s, k, v),
            "registri_dal" => c.registri_dal = w.date(s, k, v),
            "descrizione" => c.descrizione = w.paragraph(s, k, v),
            "note_orari" => c.note_orari = w.paragraph(s, k, v),
            "note_personale" => c.note_personale = w.paragraph(s, k, v),
            "sito" => {
                w.string(s, k, v);
            }
            // The desk's own contacts: spared where a text shows them.
            "telefono" => {
                for t in w.strings(s, k, v) {
                    if !c.contatti.phone(&t) {
                        w.invalid(
                            s,
                            k,
                            &Value::String(t),
                            "un numero di telefono dello sportello, come \"0731 538111\" (o un elenco di numeri)",
                        );
                    }
                }
            }
            "email" => {
                for t in w.strings(s, k, v) {
                    if !c.contatti.email(&t) {
                        w.invalid(s, k, &Value::String(t), "l'indirizzo e-mail dello sportello, come \"sportello@comune.it\" (o un elenco di indirizzi)");
                    }
                }
            }
            "chiusure" => match v {
                Value::Array(a) => {
                    for item in a {
                        match item {
                            Value::String(r) if r.contains("..") => {
                                let (a, b) = r.split_once("..").unwrap_or((r, r));
                                match (parse_date(a), parse_date(b)) {
                                    (Ok(a), Ok(b)) if a <= b => {
                                        c.chiusure.extend(a.iter_days().take_while(|d| *d <= b))
                                    }
                                    _ => w.invalid(
                                        s,
                                        k,
                                        item,
                                        "un elenco di date o intervalli \"2025-08-11..2025-08-22\"",
                                    ),
                                }
                            }
                            _ => {
                                if let Some(d) = w.date(s, k, item) {
                                    c.chiusure.push(d);
                                }
                            }
                        }
                    }
                }
                _ => w.invalid(s, k, v, "un elenco di date, es. [2025-01-02, 2025-01-03]"),
            },
            _ => w.unknown(s, k, &KNOWN),
        }
    }
}

pub(super) fn walk_orari(w: &mut Walker, c: &mut Centro, t: &Table) {
    let names: Vec<&str> = WEEKDAYS.iter().map(|(n, _)| *n).collect();
    for (k, v) in t {
        let folded = crate::text::fold(k);
        let Some(idx) = WEEKDAYS.iter().position(|(n, _)| *n == folded) else {
            w.unknown("orari", k, &names);
            continue;
        };
        let mut slots = Vec::new();
        for s in w.strings("orari", k, v) {
            match parse_slot(&s) {
                Some(slot) => slots.push(slot),
                None => w.invalid(
                    "orari",
                    k,
                    &Value::String(s.clone()),
                    &format!(
                        "un elenco di fasce orarie come [\"09:00-12:00\", \"15:00-18:00\"]: «{}» non è una fascia (ore da 00:00 a 24:00, l'inizio prima della fine)",
                        crate::text::short(&s)
                    ),
                ),
            }
        }
        if !slots.is_empty() {
            slots.sort_by_key(|s| s.from);
            c.orari.insert(idx as u8, slots);
        }
    }
}

pub(super) fn walk_personale(w: &mut Walker, c: &mut Centro, a: &[Value]) {
    for item in a {
        let Value::Table(t) = item else {
            w.invalid("personale", "", item, "una tabella [[personale]] con ruolo e numero");
            continue;
        };
        let mut role = None;
        let mut count = 1;
        for (k, v) in t {
            match k.as_str() {
                "ruolo" => role = w.string("personale", k, v),
                "numero" => match v.as_integer() {
                    Some(n) if (0..=1000).contains(&n) => count = n as u32,
                    _ => w.invalid("personale", k, v, "un numero intero"),
                },
                _ => w.unknown("personale", k, &["ruolo", "numero"]),
            }
        }
        if let Some(role) = role {
            c.personale.push(Staff { role, count });
        }
    }
}

pub(super) fn walk_testi(w: &mut Walker, testi: &mut Testi, t: &Table) {
    const KNOWN: [&str; 4] = ["utenti", "anagrafe", "domande", "corsi"];
    for (k, v) in t {
        let s = "testi";
        match k.as_str() {
            "utenti" => testi.utenti = w.paragraphs(s, k, v),
            "anagrafe" => testi.anagrafe = w.paragraphs(s, k, v),
            "domande" => testi.domande = w.paragraphs(s, k, v),
            "corsi" => match v {
                Value::Table(types) => {
                    for (kind, text) in types {
                        if let Some(what) = unfit(kind, MAX_TEXT) {
                            w.invalid(
                                "testi.corsi",
                                kind,
                                &Value::String(kind.clone()),
                                &format!("un tipo di corso, {what}"),
                            );
                        } else if let Some(p) = w.paragraphs("testi.corsi", kind, text) {
                            testi.corsi.insert(kind.trim().to_string(), p);
                        }
                    }
                }
                _ => w.invalid(
                    s,
                    k,
                    v,
                    "una sezione [testi.corsi] con un testo per tipo di corso (es. scuola_guida = \"…\")",
                ),
            },
            _ => w.unknown(s, k, &KNOWN),
        }
    }
}

pub(super) fn walk_colonne(w: &mut Walker, c: &mut Centro, t: &Table) {
    for (register, v) in t {
        let section = format!("colonne.{register}");
        let Some(spec) = crate::schema::register(register) else {
            let names: Vec<&str> = crate::schema::REGISTERS.iter().map(|r| r.name).collect();
            w.unknown("colonne", register, &names);
            continue;
        };
        let Value::Table(cols) = v else {
            w.invalid("colonne", register, v, "una sezione [colonne.<registro>]");
            continue;
        };
        for (col, aliases) in cols {
            if spec.column(col).is_none() {
                let names: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
                w.unknown(&section, col, &names);
                continue;
            }
            let list = w.strings(&section, col, aliases);
            c.colonne.entry(spec.name.to_string()).or_default().entry(col.to_string()).or_default().extend(list);
        }
    }
}

pub(super) fn walk_dati_aperti(w: &mut Walker, d: &mut DatiAperti, t: &Table) {
    const KNOWN: [&str; 7] =
        ["licenza", "editore", "codice_ipa", "titolare", "codice_ipa_titolare", "tema", "contatto"];
    let s = "dati_aperti";
    for (k, v) in t {
        match k.as_str() {
            "licenza" => {
                let Some(id) = w.string(s, k, v) else { continue };
                match licence(&id) {
                    Some(l) => d.licenza = Some(l),
                    None => {
                        let ids: Vec<&str> = licences().iter().map(|l| l.id.as_str()).collect();
                        let near = crate::text::maybe_hint(&crate::text::nearest(&id, ids.iter().copied(), 1));
                        let hint = format!(
                            "{}scrivi uno di: {} (senza la riga vale CC-BY-4.0)",
                            near.map(|n| format!("{n} ")).unwrap_or_default(),
                            ids.join(", ")
                        );
                        w.invalid_because(s, k, v, "l'identificativo di una licenza per dati aperti", &hint);
                    }
                }
            }
            "editore" => d.editore = w.string(s, k, v),
            "titolare" => d.titolare = w.string(s, k, v),
            "codice_ipa" | "codice_ipa_titolare" => {
                let Some(code) = w.string(s, k, v) else { continue };
                if !ipa_shaped(&code) {
                    w.invalid_because(
                        s,
                        k,
                        v,
                        "un codice dell'Indice delle Pubbliche Amministrazioni (lettere, cifre e _, come \"c_e388\")",
                        "il codice IPA dell'ente si trova su www.indicepa.gov.it (per un Comune è di solito c_ seguito dal codice catastale)",
                    );
                } else if k == "codice_ipa" {
                    d.codice_ipa = Some(code);
                } else {
                    d.codice_ipa_titolare = Some(code);
                }
            }
            "tema" => {
                let codes = w.strings(s, k, v);
                let unknown: Vec<&String> = codes.iter().filter(|c| theme(c).is_none()).collect();
                if unknown.is_empty() && !codes.is_empty() {
                    d.tema.clear();
                    for t in codes.iter().filter_map(|c| theme(c)) {
                        if !d.tema.contains(&t) {
                            d.tema.push(t);
                        }
                    }
                } else {
                    let list: Vec<String> = themes().iter().map(|t| format!("{} ({})", t.code, t.label)).collect();
                    let named = unknown.iter().map(|x| format!("«{x}»")).collect::<Vec<_>>().join(", ");
                    w.invalid_because(
                        s,
                        k,
                        v,
                        &format!("il codice di un tema dei dati dell'Unione europea, o un elenco di codici ({named} non è tra questi)"),
                        &format!("i temi sono: {}; senza la riga vale SOCI", list.join(", ")),
                    );
                }
            }
            "contatto" => {
                let Some(mail) = w.string(s, k, v) else { continue };
                if crate::privacy::Exempt::default().email(&mail) {
                    d.contatto = Some(mail);
                } else {
                    w.invalid(
                        s,
                        k,
                        v,
                        "un indirizzo e-mail a cui scrivere per i dati, come \"dati@comune.jesi.an.it\"",
                    );
                }
            }
            _ => w.unknown(s, k, &KNOWN),
        }
    }
}

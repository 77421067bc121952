//! The report's tables in the terminal (comfy-table), for a quick look or a
//! scheduled job's log.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};

use crate::aggregate::Report;

/// `17,1`: percentages with the Italian decimal comma.
fn pct(v: f64) -> String {
    format!("{v:.1}").replace('.', ",")
}

/// A count as the public version shows it: `< 3` below the threshold,
/// `n.p.` when withheld to protect another; the number otherwise.
fn count(r: &Report, path: &str, n: u64) -> String {
    match r.publication.mark(path) {
        Some(Some(t)) => format!("< {t}"),
        Some(None) => "n.p.".into(),
        None => n.to_string(),
    }
}

/// A percentage, empty when its count is withheld.
fn share(r: &Report, path: &str, v: f64) -> String {
    if r.publication.mark(path).is_some() { String::new() } else { pct(v) }
}

/// A section that is one sentence.
fn out_note(section: &mut impl FnMut(&str, Table), title: &str, text: &str) {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).set_width(100);
    t.add_row(vec![text.to_string()]);
    section(title, t);
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(100)
        .set_header(header.to_vec());
    t
}

fn right(t: &mut Table, from: usize) {
    let n = t.column_count();
    for i in from..n {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// Renders the report as titled tables.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let mut section = |title: &str, t: Table| {
        out.push_str(title);
        out.push('\n');
        out.push_str(&t.to_string());
        out.push_str("\n\n");
    };
    let version = if r.publication.public {
        format!(
            "versione pubblica: conteggi di persone sotto {} non mostrati (docs/PUBLICATION.md)",
            r.publication.threshold.unwrap_or(0)
        )
    } else {
        "uso interno".to_string()
    };
    let head = format!("{} - {}\nReport di Gestione: {} ({version})\n", r.centre.name, r.centre.comune, r.period.label);

    let a = &r.accesses;
    let mut t = table(&["Paese di provenienza", "Accessi", "%"]);
    for (i, c) in a.main_countries.iter().enumerate() {
        let path = format!("/accesses/main_countries/{i}/count");
        t.add_row(vec![c.country.clone(), count(r, &path, c.count), share(r, &path, c.share.unwrap_or(0.0))]);
    }
    if !a.other.countries.is_empty() {
        t.add_row(vec![
            format!("altro ({} paesi)", a.other.countries.len()),
            count(r, "/accesses/other/count", a.other.count),
            share(r, "/accesses/other/count", a.other.share),
        ]);
    }
    t.add_row(vec!["Totale".to_string(), a.total.to_string(), pct(100.0)]);
    right(&mut t, 1);
    section(&format!("Accessi ({})", r.period.label), t);

    if !a.other.countries.is_empty() {
        let mut t = table(&["Paese (altro)", "Accessi"]);
        for (i, c) in a.other.countries.iter().enumerate() {
            t.add_row(vec![c.country.clone(), count(r, &format!("/accesses/other/countries/{i}/count"), c.count)]);
        }
        right(&mut t, 1);
        section(&format!("Paesi con meno di {} accessi", a.other.threshold), t);
    }

    let mut t = table(&["Tipo di richiesta", "Accessi", "%"]);
    for k in &a.by_request_type {
        t.add_row(vec![k.kind.clone(), k.count.to_string(), pct(k.share)]);
    }
    right(&mut t, 1);
    section("Tipologie di richieste", t);

    let mut t = table(&["Mese", "Accessi"]);
    for m in &a.by_month {
        t.add_row(vec![m.label.clone(), m.count.to_string()]);
    }
    right(&mut t, 1);
    section("Accessi per mese", t);

    let u = &r.users;
    let mut t = table(&["Utenti presi in carico", "N.", "%"]);
    t.add_row(vec!["Totale".into(), count(r, "/users/total", u.total), String::new()]);
    t.add_row(vec!["di cui nuovi".into(), count(r, "/users/new", u.new), String::new()]);
    let (c, p) = (&u.by_category, &u.by_category_pct);
    for (label, key, n, v) in [
        ("Italiani", "italian", c.italian, p.italian),
        ("Comunitari", "eu", c.eu, p.eu),
        ("Extracomunitari", "non_eu", c.non_eu, p.non_eu),
    ] {
        let path = format!("/users/by_category/{key}");
        t.add_row(vec![label.into(), count(r, &path, n), share(r, &path, v)]);
    }
    for (g, n) in &u.by_gender {
        t.add_row(vec![format!("Genere {g}"), count(r, &format!("/users/by_gender/{g}"), *n), String::new()]);
    }
    right(&mut t, 1);
    section("Utenti", t);

    let c = &r.comparison;
    match (&a.previous, &u.previous) {
        (Some(ap), Some(up)) => {
            let mut t = table(&["", &r.period.label, &c.label, "Variazione"]);
            let change = |path: &str, ch: &crate::aggregate::Change| match r.publication.mark(path) {
                Some(_) => String::new(),
                None => {
                    let pct =
                        ch.pct.map(|p| format!(" ({}{}%)", if p > 0.0 { "+" } else { "" }, pct(p))).unwrap_or_default();
                    format!("{:+}{pct}", ch.absolute)
                }
            };
            let base = "/users/previous";
            t.add_row(vec!["Accessi".into(), a.total.to_string(), ap.total.to_string(), change("", &ap.change)]);
            let rows = [
                ("Utenti presi in carico", "total", u.total, up.total, &up.change_total, "/users/total".to_string()),
                ("di cui nuovi", "new", u.new, up.new, &up.change_new, "/users/new".to_string()),
            ];
            for (label, key, now, then, ch, now_path) in rows {
                let then_path = format!("{base}/{key}");
                let change_path = format!("{base}/change_{key}/absolute");
                t.add_row(vec![
                    label.into(),
                    count(r, &now_path, now),
                    count(r, &then_path, then),
                    change(&change_path, ch),
                ]);
            }
            let (n, p, ch) = (&u.by_category, &up.by_category, &up.change_by_category);
            for (label, key, now, then, d) in [
                ("Italiani", "italian", n.italian, p.italian, &ch.italian),
                ("Comunitari", "eu", n.eu, p.eu, &ch.eu),
                ("Extracomunitari", "non_eu", n.non_eu, p.non_eu, &ch.non_eu),
            ] {
                t.add_row(vec![
                    label.into(),
                    count(r, &format!("/users/by_category/{key}"), now),
                    count(r, &format!("{base}/by_category/{key}"), then),
                    change(&format!("{base}/change_by_category/{key}/absolute"), d),
                ]);
            }
            right(&mut t, 1);
            section(&format!("Confronto con {}", c.label), t);
        }
        _ => {
            let from = c.registers_from_label.as_deref().map_or_else(
                || "centro.toml non dice da quando i registri sono completi (registri_dal)".to_string(),
                |d| format!("i registri sono completi dal {d}"),
            );
            out_note(&mut section, &format!("Confronto con {}", c.label), &format!("non disponibile: {from}"));
        }
    }
    if !a.trend.is_empty() {
        let mut t = table(&["Mese", "Accessi"]);
        for m in &a.trend {
            t.add_row(vec![m.label.clone(), m.count.to_string()]);
        }
        right(&mut t, 1);
        section("Accessi negli ultimi 12 mesi", t);
    }

    let mut header = vec![String::new()];
    header.extend(r.history.iter().map(|h| h.label.clone()));
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header(header);
    type Pick = fn(&crate::aggregate::HistoryRow) -> u64;
    let rows: [(&str, &str, Pick); 4] = [
        ("Totale", "total", |h| h.total),
        ("Italiani", "italian", |h| h.italian),
        ("Comunitari", "eu", |h| h.eu),
        ("Extracomunitari", "non_eu", |h| h.non_eu),
    ];
    for (name, key, f) in rows {
        let mut cells = vec![name.to_string()];
        cells.extend(r.history.iter().enumerate().map(|(i, h)| count(r, &format!("/history/{i}/{key}"), f(h))));
        t.add_row(cells);
    }
    right(&mut t, 1);
    section("Utenti presi in carico negli anni", t);

    let res = &u.residence;
    let mut t = table(&["Comune di residenza", "Utenti"]);
    let home = count(r, "/users/residence/home_comune/count", res.home_comune.count);
    t.add_row(vec![res.home_comune.comune.clone(), home]);
    for (i, c) in res.other_comuni.iter().enumerate() {
        t.add_row(vec![c.comune.clone(), count(r, &format!("/users/residence/other_comuni/{i}/count"), c.count)]);
    }
    let others = count(r, "/users/residence/other_comuni_total", res.other_comuni_total);
    t.add_row(vec!["Totale altri comuni".into(), others]);
    let homeless = count(r, "/users/residence/no_fixed_abode", res.no_fixed_abode);
    t.add_row(vec!["Senza fissa dimora / senza residenza".into(), homeless]);
    let unknown = r.publication.mark("/users/residence/unknown");
    if res.unknown > 0 || unknown.is_some() {
        t.add_row(vec!["Residenza non indicata".into(), count(r, "/users/residence/unknown", res.unknown)]);
    }
    right(&mut t, 1);
    section("Residenza", t);

    if !r.applications.is_empty() {
        let mut t = table(&["Bando", "Domande"]);
        for x in &r.applications {
            t.add_row(vec![x.call.clone(), x.count.to_string()]);
        }
        t.add_row(vec!["Totale".into(), r.applications_total.to_string()]);
        right(&mut t, 1);
        section("Compilazione domande", t);
    }
    if !r.courses.is_empty() {
        let mut t = table(&["Corso", "Incontri", "Ore", "Iscritti", "Provenienza"]);
        for (i, c) in r.courses.iter().enumerate() {
            let origin: Vec<String> = c
                .by_origin
                .iter()
                .enumerate()
                .map(|(j, o)| {
                    let n = count(r, &format!("/courses/{i}/by_origin/{j}/count"), o.count);
                    format!("{} {n}", o.origin.as_deref().unwrap_or("non indicato"))
                })
                .collect();
            t.add_row(vec![
                format!("{} ({})", c.title, c.id),
                c.meetings.to_string(),
                super::csv::format_hours(c.hours),
                count(r, &format!("/courses/{i}/enrolled"), c.enrolled),
                origin.join(", "),
            ]);
        }
        right(&mut t, 1);
        section("Corsi", t);
    }
    if !r.events.is_empty() {
        let mut t = table(&["Data", "Evento"]);
        for e in &r.events {
            t.add_row(vec![e.date_label.clone(), e.title.clone()]);
        }
        section("Eventi", t);
    }
    format!(
        "{head}\n{out}Qualità dei dati: {}, {}\n",
        crate::text::plural(r.data_quality.errors as u64, "errore", "errori"),
        crate::text::plural(r.data_quality.warnings as u64, "avviso", "avvisi")
    )
}

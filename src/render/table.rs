//! The report's tables in the terminal (comfy-table), for a quick look or a
//! scheduled job's log.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};

use crate::aggregate::Report;

/// `17,1`: percentages with the Italian decimal comma.
fn pct(v: f64) -> String {
    format!("{v:.1}").replace('.', ",")
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
    let head = format!("{} - {}\nReport di Gestione: {}\n", r.centre.name, r.centre.comune, r.period.label);

    let a = &r.accesses;
    let mut t = table(&["Paese di provenienza", "Accessi", "%"]);
    for c in &a.main_countries {
        t.add_row(vec![c.country.clone(), c.count.to_string(), pct(c.share.unwrap_or(0.0))]);
    }
    if a.other.count > 0 {
        t.add_row(vec![
            format!("altro ({} paesi)", a.other.countries.len()),
            a.other.count.to_string(),
            pct(a.other.share),
        ]);
    }
    t.add_row(vec!["Totale".to_string(), a.total.to_string(), pct(100.0)]);
    right(&mut t, 1);
    section(&format!("Accessi ({})", r.period.label), t);

    if !a.other.countries.is_empty() {
        let mut t = table(&["Paese (altro)", "Accessi"]);
        for c in &a.other.countries {
            t.add_row(vec![c.country.clone(), c.count.to_string()]);
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
    t.add_row(vec!["Totale".into(), u.total.to_string(), String::new()]);
    t.add_row(vec!["di cui nuovi".into(), u.new.to_string(), String::new()]);
    t.add_row(vec!["Italiani".into(), u.by_category.italian.to_string(), pct(u.by_category_pct.italian)]);
    t.add_row(vec!["Comunitari".into(), u.by_category.eu.to_string(), pct(u.by_category_pct.eu)]);
    t.add_row(vec!["Extracomunitari".into(), u.by_category.non_eu.to_string(), pct(u.by_category_pct.non_eu)]);
    for (g, n) in &u.by_gender {
        t.add_row(vec![format!("Genere {g}"), n.to_string(), String::new()]);
    }
    right(&mut t, 1);
    section("Utenti", t);

    let mut header = vec![String::new()];
    header.extend(r.history.iter().map(|h| h.label.clone()));
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header(header);
    type Pick = fn(&crate::aggregate::HistoryRow) -> u64;
    let rows: [(&str, Pick); 4] = [
        ("Totale", |h| h.total),
        ("Italiani", |h| h.italian),
        ("Comunitari", |h| h.eu),
        ("Extracomunitari", |h| h.non_eu),
    ];
    for (name, f) in rows {
        let mut cells = vec![name.to_string()];
        cells.extend(r.history.iter().map(|h| f(h).to_string()));
        t.add_row(cells);
    }
    right(&mut t, 1);
    section("Utenti presi in carico negli anni", t);

    let res = &u.residence;
    let mut t = table(&["Comune di residenza", "Utenti"]);
    t.add_row(vec![res.home_comune.comune.clone(), res.home_comune.count.to_string()]);
    for c in &res.other_comuni {
        t.add_row(vec![c.comune.clone(), c.count.to_string()]);
    }
    t.add_row(vec!["Totale altri comuni".into(), res.other_comuni_total.to_string()]);
    t.add_row(vec!["Senza fissa dimora / senza residenza".into(), res.no_fixed_abode.to_string()]);
    if res.unknown > 0 {
        t.add_row(vec!["Residenza non indicata".into(), res.unknown.to_string()]);
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
        for c in &r.courses {
            let origin: Vec<String> = c
                .by_origin
                .iter()
                .map(|o| format!("{} {}", o.origin.as_deref().unwrap_or("non indicato"), o.count))
                .collect();
            t.add_row(vec![
                format!("{} ({})", c.title, c.id),
                c.meetings.to_string(),
                super::csv::format_hours(c.hours),
                c.enrolled.to_string(),
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

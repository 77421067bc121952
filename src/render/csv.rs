//! The report as one tidy CSV table for open data: one row per figure,
//! columns `periodo, sezione, voce, dettaglio, valore`. Cells that a
//! spreadsheet would run as a formula are neutralised.

use crate::aggregate::Report;

/// Prefixes a cell that starts like a formula (`=`, `+`, `-`, `@`, tab, CR)
/// with an apostrophe, so that spreadsheets show it as text.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// Renders the report.
pub fn render(r: &Report) -> String {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let public = r.publication.public;
    let mut header = vec!["periodo", "sezione", "voce", "dettaglio", "valore"];
    if public {
        // The public version says which values are withheld (empty `valore`).
        header.push("soppresso");
    }
    w.write_record(&header).expect("writing to memory");
    let p = r.period.code.as_str();
    let mut row = |section: &str, item: &str, detail: &str, value: String, path: &str| {
        let withheld = public && r.publication.mark(path).is_some();
        let value = if withheld { String::new() } else { value };
        let mut cells = [p, section, item, detail, value.as_str()].map(neutralise).to_vec();
        if public {
            cells.push(withheld.to_string());
        }
        w.write_record(&cells).expect("writing to memory");
    };
    let a = &r.accesses;
    row("accessi", "totale", "", a.total.to_string(), "/accesses/total");
    for (i, c) in a.by_country.iter().enumerate() {
        row("accessi", "paese", &c.country, c.count.to_string(), &format!("/accesses/by_country/{i}/count"));
    }
    let other = format!("paesi con meno di {} accessi", a.other.threshold);
    row("accessi", "altro", &other, a.other.count.to_string(), "/accesses/other/count");
    for t in &a.by_request_type {
        row("accessi", "tipo_richiesta", &t.kind, t.count.to_string(), "");
    }
    for m in &a.by_month {
        row("accessi", "mese", &m.month, m.count.to_string(), "");
    }
    for (i, x) in a.by_referral.iter().enumerate() {
        let who = x.source.as_deref().unwrap_or("non indicato");
        row("accessi", "inviato_da", who, x.count.to_string(), &format!("/accesses/by_referral/{i}/count"));
    }
    for (g, n) in &a.by_gender {
        let label = if g == "unknown" { "non indicato" } else { g };
        row("accessi", "genere", label, n.to_string(), &format!("/accesses/by_gender/{g}"));
    }
    let u = &r.users;
    row("utenti", "totale", "", u.total.to_string(), "/users/total");
    row("utenti", "nuovi", "", u.new.to_string(), "/users/new");
    let c = &u.by_category;
    row("utenti", "categoria", "italiani", c.italian.to_string(), "/users/by_category/italian");
    row("utenti", "categoria", "comunitari", c.eu.to_string(), "/users/by_category/eu");
    row("utenti", "categoria", "extracomunitari", c.non_eu.to_string(), "/users/by_category/non_eu");
    for (g, n) in &u.by_gender {
        row("utenti", "genere", g, n.to_string(), &format!("/users/by_gender/{g}"));
    }
    for (i, c) in u.by_country.iter().enumerate() {
        row("utenti", "paese", &c.country, c.count.to_string(), &format!("/users/by_country/{i}/count"));
    }
    let res = &u.residence;
    let home = "/users/residence/home_comune/count";
    row("utenti", "residenza", &res.home_comune.comune, res.home_comune.count.to_string(), home);
    for (i, c) in res.other_comuni.iter().enumerate() {
        let path = format!("/users/residence/other_comuni/{i}/count");
        row("utenti", "residenza", &c.comune, c.count.to_string(), &path);
    }
    let others = res.other_comuni_total.to_string();
    row("utenti", "residenza_altri_comuni", "totale", others, "/users/residence/other_comuni_total");
    row("utenti", "senza_dimora", "", res.no_fixed_abode.to_string(), "/users/residence/no_fixed_abode");
    row("utenti", "residenza_non_indicata", "", res.unknown.to_string(), "/users/residence/unknown");
    // The same period a year earlier (its code in `dettaglio`), where covered.
    if let (Some(ap), Some(up)) = (&a.previous, &u.previous) {
        let then = r.comparison.period.as_str();
        let b = "/users/previous";
        row("anno_precedente", "accessi", then, ap.total.to_string(), "");
        row("anno_precedente", "utenti", then, up.total.to_string(), &format!("{b}/total"));
        row("anno_precedente", "nuovi", then, up.new.to_string(), &format!("{b}/new"));
        let c = &up.by_category;
        row("anno_precedente", "italiani", then, c.italian.to_string(), &format!("{b}/by_category/italian"));
        row("anno_precedente", "comunitari", then, c.eu.to_string(), &format!("{b}/by_category/eu"));
        row("anno_precedente", "extracomunitari", then, c.non_eu.to_string(), &format!("{b}/by_category/non_eu"));
    }
    for m in &a.trend {
        row("accessi", "ultimi_12_mesi", &m.month, m.count.to_string(), "");
    }
    for (i, h) in r.history.iter().enumerate() {
        let tag = format!("{} ({})", h.period, if h.source == "declared" { "dichiarato" } else { "registri" });
        row("storico", "totale", &tag, h.total.to_string(), &format!("/history/{i}/total"));
        row("storico", "italiani", &tag, h.italian.to_string(), &format!("/history/{i}/italian"));
        row("storico", "comunitari", &tag, h.eu.to_string(), &format!("/history/{i}/eu"));
        row("storico", "extracomunitari", &tag, h.non_eu.to_string(), &format!("/history/{i}/non_eu"));
    }
    for x in &r.applications {
        row("domande", "bando", &x.call, x.count.to_string(), "");
    }
    for (i, c) in r.courses.iter().enumerate() {
        let name = format!("{} - {}", c.id, c.title);
        row("corsi", "incontri", &name, c.meetings.to_string(), "");
        row("corsi", "ore", &name, format_hours(c.hours), "");
        row("corsi", "iscritti", &name, c.enrolled.to_string(), &format!("/courses/{i}/enrolled"));
        for (j, o) in c.by_origin.iter().enumerate() {
            let who = format!("{name} / {}", o.origin.as_deref().unwrap_or("non indicato"));
            let path = format!("/courses/{i}/by_origin/{j}/count");
            row("corsi", "iscritti_per_provenienza", &who, o.count.to_string(), &path);
        }
    }
    for e in &r.events {
        row("eventi", "evento", &format!("{} {}", e.date, e.title), "1".into(), "");
    }
    String::from_utf8(w.into_inner().expect("flushing memory")).expect("CSV of UTF-8 strings")
}

/// Hours without a useless `.0`.
pub fn format_hours(h: f64) -> String {
    if h.fract() == 0.0 { format!("{h:.0}") } else { format!("{h}") }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM"), "'@SUM");
        assert_eq!(neutralise("Nigeria"), "Nigeria");
    }
}

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
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(["periodo", "sezione", "voce", "dettaglio", "valore"]).expect("writing to memory");
    let p = r.period.code.as_str();
    let mut row = |section: &str, item: &str, detail: &str, value: String| {
        let cells = [p, section, item, detail, value.as_str()].map(neutralise);
        w.write_record(&cells).expect("writing to memory");
    };
    let a = &r.accesses;
    row("accessi", "totale", "", a.total.to_string());
    for c in &a.by_country {
        row("accessi", "paese", &c.country, c.count.to_string());
    }
    row("accessi", "altro", &format!("paesi con meno di {} accessi", a.other.threshold), a.other.count.to_string());
    for t in &a.by_request_type {
        row("accessi", "tipo_richiesta", &t.kind, t.count.to_string());
    }
    for m in &a.by_month {
        row("accessi", "mese", &m.month, m.count.to_string());
    }
    for x in &a.by_referral {
        row("accessi", "inviato_da", x.source.as_deref().unwrap_or("non indicato"), x.count.to_string());
    }
    for (g, n) in &a.by_gender {
        row("accessi", "genere", if g == "unknown" { "non indicato" } else { g }, n.to_string());
    }
    let u = &r.users;
    row("utenti", "totale", "", u.total.to_string());
    row("utenti", "nuovi", "", u.new.to_string());
    row("utenti", "categoria", "italiani", u.by_category.italian.to_string());
    row("utenti", "categoria", "comunitari", u.by_category.eu.to_string());
    row("utenti", "categoria", "extracomunitari", u.by_category.non_eu.to_string());
    for (g, n) in &u.by_gender {
        row("utenti", "genere", g, n.to_string());
    }
    for c in &u.by_country {
        row("utenti", "paese", &c.country, c.count.to_string());
    }
    let res = &u.residence;
    row("utenti", "residenza", &res.home_comune.comune, res.home_comune.count.to_string());
    for c in &res.other_comuni {
        row("utenti", "residenza", &c.comune, c.count.to_string());
    }
    row("utenti", "residenza_altri_comuni", "totale", res.other_comuni_total.to_string());
    row("utenti", "senza_dimora", "", res.no_fixed_abode.to_string());
    row("utenti", "residenza_non_indicata", "", res.unknown.to_string());
    for h in &r.history {
        let tag = format!("{} ({})", h.period, if h.source == "declared" { "dichiarato" } else { "registri" });
        row("storico", "totale", &tag, h.total.to_string());
        row("storico", "italiani", &tag, h.italian.to_string());
        row("storico", "comunitari", &tag, h.eu.to_string());
        row("storico", "extracomunitari", &tag, h.non_eu.to_string());
    }
    for x in &r.applications {
        row("domande", "bando", &x.call, x.count.to_string());
    }
    for c in &r.courses {
        let name = format!("{} - {}", c.id, c.title);
        row("corsi", "incontri", &name, c.meetings.to_string());
        row("corsi", "ore", &name, format_hours(c.hours));
        row("corsi", "iscritti", &name, c.enrolled.to_string());
        for o in &c.by_origin {
            let who = o.origin.as_deref().unwrap_or("non indicato");
            row("corsi", "iscritti_per_provenienza", &format!("{name} / {who}"), o.count.to_string());
        }
    }
    for e in &r.events {
        row("eventi", "evento", &format!("{} {}", e.date, e.title), "1".into());
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

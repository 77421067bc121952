//! The report's tables in the terminal (comfy-table), for a quick look or a
//! scheduled job's log: every figure of the figure list, table by table.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};

use crate::aggregate::{Figure, Report};

/// `17,1`: percentages with the Italian decimal comma.
fn pct(v: f64) -> String {
    format!("{v:.1}").replace('.', ",")
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

/// Renders the report: one titled table for each table of the figure list,
/// in its order, every figure a row; then what is words, not figures.
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
    let list = &r.figures.list;
    let mut at = 0;
    while at < list.len() {
        let title = &list[at].table;
        let end = at + list[at..].iter().take_while(|f| &f.table == title).count();
        section(title, figure_table(&list[at..end]));
        at = end;
    }
    let c = &r.comparison;
    if !c.covered {
        let from = c.registers_from_label.as_deref().map_or_else(
            || "centro.toml non dice da quando i registri sono completi (registri_dal)".to_string(),
            |d| format!("i registri sono completi dal {d}"),
        );
        out_note(&mut section, &format!("Confronto con {}", c.label), &format!("non disponibile: {from}"));
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

/// The figures of one table: what each is (its dimension values, else its
/// words), its unit where the table mixes them, its value and percentage.
fn figure_table(figures: &[Figure]) -> Table {
    let mixed = figures.iter().any(|f| f.unit != figures[0].unit);
    let shares = figures.iter().any(|f| f.share.is_some());
    // A figure of an ambito's centre has the centre as its first dimension:
    // its own words come after it.
    let centre = |f: &Figure| f.dims.first().filter(|d| d.name == "centro").map(|d| d.value.clone());
    let own = |f: &Figure| f.dims.iter().filter(|d| d.name != "centro").cloned().collect::<Vec<_>>();
    let names = figures.iter().map(own).find(|d| !d.is_empty()).map_or_else(
        || "Voce".to_string(),
        |d| d.iter().map(|d| d.name.replace('_', " ")).collect::<Vec<_>>().join(" / "),
    );
    let first = capital(&if figures.iter().any(|f| centre(f).is_some()) { format!("centro / {names}") } else { names });
    let mut header = vec![first];
    if mixed {
        header.push("Unità".into());
        header.push("Valore".into());
    } else {
        header.push(capital(figures[0].unit.name()));
    }
    if shares {
        header.push("%".into());
    }
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(100)
        .set_header(header);
    for f in figures {
        let dims = own(f);
        let mut what = if dims.is_empty() {
            f.label.clone()
        } else {
            dims.iter().map(|d| d.value.as_str()).collect::<Vec<_>>().join(" / ")
        };
        if let Some(c) = centre(f) {
            what = format!("{c} / {what}");
        }
        let mut row = vec![what];
        if mixed {
            row.push(f.unit.name().to_string());
        }
        row.push(if f.withheld { "n.p.".into() } else { f.value.to_string().replace('.', ",") });
        if shares {
            row.push(match f.share {
                Some(v) if !f.withheld => pct(v),
                _ => String::new(),
            });
        }
        t.add_row(row);
    }
    right(&mut t, 1);
    t
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

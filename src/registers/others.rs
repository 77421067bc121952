//! Every register but `accessi`, read in turn on one thread: each row
//! parsed by its register's parser, duplicates and ids remembered, the
//! rows outside `--period` dropped, the table kept in [`Registers`].

use super::filter::PeriodFilter;
use super::loaded::Registers;
use super::model::FirstSeen;
use super::{cells, parse};
use crate::config::LoadOptions;
use crate::diag::Diagnostics;
use crate::read;
use crate::schema::RegisterKind;

/// One privacy warning per id: the first row that stayed.
pub(super) fn dedupe_privacy(diags: &mut Diagnostics, from: usize) {
    let mut seen_ids = std::collections::HashSet::new();
    diags.retain_from(from, |d| d.code != "id-personal-data" || seen_ids.insert(d.group));
}

/// Every register but `accessi` (see [`load_accessi`]).
pub(super) fn load_one(loc: &read::Located, opts: &LoadOptions, regs: &mut Registers, diags: &mut Diagnostics) {
    use RegisterKind::*;
    let centro = regs.centro.clone();
    let aliases = centro.colonne.get(loc.spec.name);
    let mut cells = cells::Cells::new(loc.spec, loc.source(), &centro, opts.today);
    let mut filter = PeriodFilter::new(loc.spec, opts.period.as_ref());
    let mut dups = parse::Duplicates::default();
    let mut user_seen = FirstSeen::default();
    let mut course_seen = FirstSeen::default();
    let (mut corsi, mut incontri, mut iscrizioni, mut domande, mut eventi, mut storico) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let kind = loc.spec.kind;
    let first_diag = diags.items().len();
    let info = read::read_register(loc, aliases, &opts.reading, diags, |row, d| {
        let mark = d.items().len();
        cells.begin_row();
        let span = match kind {
            Utenti => parse::user(&mut cells, d, row, &mut regs.utenti, &mut regs.user_ids, &mut user_seen),
            Corsi => parse::course(&mut cells, d, row, &mut corsi, &mut course_seen),
            Incontri => parse::meeting(&mut cells, d, row, &mut incontri, &mut dups),
            Iscrizioni => parse::enrolment(&mut cells, d, row, &mut iscrizioni),
            Domande => parse::application(&mut cells, d, row, &mut domande, &mut dups),
            Eventi => parse::event(&mut cells, d, row, &mut eventi, &mut dups),
            Storico => parse::history(&mut cells, d, row, &mut storico),
            Accessi => unreachable!("read by load_accessi"),
        };
        if !filter.keep(row, span, d, mark) {
            dups.forget(row.line);
            cells.undo_row();
        }
    });
    filter.report(loc, diags);
    dups.report(&loc.source(), diags);
    cells.finish(diags);
    dedupe_privacy(diags, first_diag);
    regs.declared_users.extend(user_seen.into_keys());
    regs.declared_courses.extend(course_seen.into_keys());
    let Some(info) = info else { return };
    regs.files.push(info);
    match kind {
        Corsi => regs.corsi = Some(corsi),
        Incontri => regs.incontri = Some(incontri),
        Iscrizioni => regs.iscrizioni = Some(iscrizioni),
        Domande => regs.domande = Some(domande),
        Eventi => regs.eventi = Some(eventi),
        Storico => regs.storico = Some(storico),
        Accessi | Utenti => {}
    }
}

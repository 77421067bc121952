//! `accessi`, the largest register, read in pieces by several threads:
//! each thread's sink parses its rows, and the sinks are merged in order
//! at the end (request types renumbered, duplicates and cells absorbed).

use super::filter::PeriodFilter;
use super::loaded::Registers;
use super::model::{Accessi, Ids, Interner};
use super::others::dedupe_privacy;
use super::{cells, keys, parse};
use crate::config::LoadOptions;
use crate::diag::Diagnostics;
use crate::read;
use crate::schema::RegisterKind;

/// One thread's share of `accessi`, merged with the others' at the end.
struct AccessSink<'a> {
    cells: cells::Cells<'a>,
    out: Accessi,
    types: Interner,
    dups: parse::Duplicates,
    ids: &'a Ids,
    users: Option<&'a keys::IndexSet>,
    filter: PeriodFilter<'a>,
}

impl read::RowSink for AccessSink<'_> {
    fn row(&mut self, row: &read::Row, d: &mut Diagnostics) {
        let mark = d.items().len();
        self.cells.begin_row();
        let mut ctx = parse::AccessCtx {
            out: &mut self.out,
            ids: self.ids,
            types: &mut self.types,
            dups: &mut self.dups,
            users: self.users,
        };
        let span = parse::access(&mut self.cells, d, row, &mut ctx);
        if !self.filter.keep(row, span, d, mark) {
            self.dups.forget(row.line);
            self.cells.undo_row();
        }
    }

    fn finish(&mut self) {
        self.out.finish();
    }
}

/// `accessi`, the largest register, read by several threads in pieces.
pub(super) fn load_accessi(
    loc: &read::Located,
    prepared: read::Prepared,
    opts: &LoadOptions,
    regs: &mut Registers,
    diags: &mut Diagnostics,
) -> Result<(), polars::prelude::PolarsError> {
    let centro = &regs.centro;
    let users_read = regs.has(RegisterKind::Utenti);
    let first_diag = diags.items().len();
    let make = || AccessSink {
        cells: cells::Cells::new(loc.spec, loc.source(), centro, opts.today),
        out: Accessi::keeping_rows(opts.access_rows),
        types: Interner::default(),
        dups: parse::Duplicates::default(),
        ids: &regs.user_ids,
        users: users_read.then_some(&regs.declared_users),
        filter: PeriodFilter::new(loc.spec, opts.period.as_ref()),
    };
    let Some((info, sinks)) = read::read_prepared(prepared, loc, &opts.reading, diags, make) else { return Ok(()) };
    let mut sinks = sinks.into_iter();
    let Some(mut first) = sinks.next() else { return Ok(()) };
    for other in sinks {
        let kinds: Vec<u16> =
            (0..other.types.len() as u32).map(|k| first.types.intern(other.types.get(k)) as u16).collect();
        let vocabulary = !regs.centro.tipo_richiesta.is_empty();
        first.out.merge(other.out, |k| if vocabulary { k } else { kinds[usize::from(k)] })?;
        first.dups.absorb(other.dups);
        first.cells.absorb(other.cells);
        first.filter.outside += other.filter.outside;
    }
    first.filter.report(loc, diags);
    first.dups.report(&loc.source(), diags);
    first.cells.finish(diags);
    dedupe_privacy(diags, first_diag);
    regs.accessi = first.out;
    regs.extra_types = first.types;
    regs.files.push(info);
    Ok(())
}

//! `--period` while reading: a row wholly outside the period is counted,
//! not checked (its diagnostics are dropped), and one line says how many.

use chrono::NaiveDate;

use super::parse;
use crate::diag::{Diagnostics, Severity};
use crate::period::Period;
use crate::read;
use crate::schema::RegisterKind;

/// Drops the diagnostics of a row wholly outside `--period` and counts it.
pub(super) struct PeriodFilter<'a> {
    period: Option<&'a Period>,
    /// The column that places a row whose own date is wrong.
    primary_date: Option<usize>,
    /// A user's case stays open after the day it was taken in charge.
    open_ended: bool,
    pub(super) outside: usize,
}

impl<'a> PeriodFilter<'a> {
    pub(super) fn new(spec: &crate::schema::RegisterSpec, period: Option<&'a Period>) -> Self {
        use RegisterKind::*;
        let primary_date = match spec.kind {
            Accessi | Incontri | Domande | Eventi => Some(spec.idx("data")),
            Utenti => Some(spec.idx("data_presa_in_carico")),
            Corsi | Iscrizioni | Storico => None,
        };
        PeriodFilter { period, primary_date, open_ended: spec.kind == Utenti, outside: 0 }
    }

    /// Whether the row stays; if not, its diagnostics from `mark` on go.
    pub(super) fn keep(&mut self, row: &read::Row, span: parse::Span, d: &mut Diagnostics, mark: usize) -> bool {
        let Some(p) = self.period else { return true };
        // A row whose date is wrong is still placed by the month it names.
        let span = span.or_else(|| {
            let (from, to) = crate::dates::approx_span(row.get(self.primary_date?))?;
            Some((from, if self.open_ended { NaiveDate::MAX } else { to }))
        });
        match span {
            Some((from, to)) if to < p.start || from > p.end => {
                d.truncate(mark);
                self.outside += 1;
                false
            }
            _ => true,
        }
    }

    /// One note for all the rows left out.
    pub(super) fn report(&self, loc: &read::Located, d: &mut Diagnostics) {
        let (Some(p), n) = (self.period, self.outside) else { return };
        if n == 0 {
            return;
        }
        d.push(
            loc.source()
                .diag(
                    Severity::Info,
                    "date-outside-period",
                    format!(
                        "{} fuori dal periodo {} ({}): {}",
                        crate::text::plural(n as u64, "riga", "righe"),
                        p.code,
                        p.label(),
                        if n == 1 { "non è stata controllata" } else { "non sono state controllate" }
                    ),
                )
                .hint("senza --period si controllano tutte le righe"),
        );
    }
}

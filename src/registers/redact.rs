//! The codes of the registers in free text: a user's or participant's code
//! written in a referral (`inviato da U2020-136`), an event's description,
//! a course's title, the period's notes or `centro.toml`'s texts is taken
//! out like any other personal datum, in both versions of the report.
//!
//! The codes are known only once every register is read, so this runs at
//! the end of loading, over texts already made fit to show (the shapes of
//! personal data were taken out cell by cell as they were read); the
//! warnings name the file, line and column, never the code.

use crate::diag::{Diagnostic, Diagnostics, Source};
use crate::period::Period;
use crate::privacy::{self, Codes, Exempt};
use crate::schema::RegisterKind;

use super::cells;
use super::loaded::Registers;
use super::model::Interner;

/// Every code that names a person: the users' (`utenti.id`, and the users
/// named by `accessi` and `domande`) and the participants'
/// (`iscrizioni.partecipante`). Course codes name courses, not people.
pub(super) fn person_codes(regs: &Registers) -> Codes {
    let users = (0..regs.user_ids.len() as u32).map(|i| regs.user_ids.get(i));
    let participants = regs.iscrizioni.iter().flatten().map(|e| e.participant.as_str());
    let applicants = regs.domande.iter().flatten().filter_map(|a| a.user.as_deref());
    Codes::new(users.chain(participants).chain(applicants))
}

/// Takes the codes of the registers (`codes`, their [`person_codes`]) out
/// of every free text the report shows, and scans `centro.toml`'s texts
/// (see `Centro::scan_texts`). Rows a `--period` leaves out are cleaned
/// without a warning, as their other diagnostics are dropped. Returns
/// whether the access log's referrals or request types were renumbered
/// (texts that read the same once cleaned become one).
pub(super) fn codes_in_texts(
    regs: &mut Registers,
    codes: Codes,
    period: Option<&Period>,
    diags: &mut Diagnostics,
) -> polars::prelude::PolarsResult<bool> {
    regs.codes = codes;
    let codes = regs.codes.clone();
    let mut renumbered = false;
    for d in regs.centro.scan_texts(&codes) {
        diags.push(d);
    }
    if codes.is_empty() {
        return Ok(false);
    }
    let src = |kind: RegisterKind| regs.files.iter().find(|f| f.kind == kind).map(|f| f.src.clone());
    let in_period = |from, to| period.is_none_or(|p| p.overlaps(from, to));
    let mut w = Warner { codes: &codes, diags };
    if let (Some(src), Some(corsi)) = (src(RegisterKind::Corsi), regs.corsi.as_mut()) {
        for c in corsi {
            let warn = in_period(c.start, c.end);
            w.clean(&mut c.title, &src, c.line, "titolo", warn);
            for (text, col) in [(&mut c.kind, "tipo"), (&mut c.partner, "partner")] {
                if let Some(text) = text {
                    w.clean(text, &src, c.line, col, warn);
                }
            }
        }
    }
    if let (Some(src), Some(eventi)) = (src(RegisterKind::Eventi), regs.eventi.as_mut()) {
        for e in eventi {
            let warn = in_period(e.date, e.date);
            w.clean(&mut e.title, &src, e.line, "titolo", warn);
            for (text, col) in [(&mut e.partner, "partner"), (&mut e.description, "descrizione")] {
                if let Some(text) = text {
                    w.clean(text, &src, e.line, col, warn);
                }
            }
        }
    }
    if let (Some(src), Some(iscrizioni)) = (src(RegisterKind::Iscrizioni), regs.iscrizioni.as_mut()) {
        for e in iscrizioni {
            if let Some(origin) = &mut e.origin {
                w.clean(origin, &src, e.line, "provenienza", true);
            }
        }
    }
    if let (Some(src), Some(domande)) = (src(RegisterKind::Domande), regs.domande.as_mut()) {
        for a in domande {
            let warn = in_period(a.date, a.date);
            w.clean(&mut a.call, &src, a.line, "bando", warn);
            if let Some(outcome) = &mut a.outcome {
                w.clean(outcome, &src, a.line, "esito", warn);
            }
        }
    }
    if let Some(src) = src(RegisterKind::Accessi) {
        // Interned: each text once, warned at the first counted row with it.
        let a = &regs.accessi;
        let names = w.clean_interned(&a.referrals, &a.referral_line, &src, "inviato_da");
        if let Some(names) = names {
            regs.accessi.rename_referrals(&names)?;
            renumbered = true;
        }
        if regs.centro.tipo_richiesta.is_empty() {
            let a = &regs.accessi;
            if let Some(names) = w.clean_interned(&regs.extra_types, &a.kind_line, &src, "tipo_richiesta") {
                let mut fresh = Interner::default();
                let map: Vec<u16> = names.iter().map(|n| fresh.intern(n) as u16).collect();
                regs.accessi.renumber_kinds(&map)?;
                regs.extra_types = fresh;
                renumbered = true;
            }
        }
    }
    if let Some(notes) = &mut regs.notes {
        let src = Source::new("note", &notes.file);
        let text = privacy::redact_lines_with(&notes.text, &codes, &Exempt::default(), |line, what| {
            w.diags.push(cells::personal_text(&src, line, None, what));
        });
        notes.text = text;
    }
    Ok(renumbered)
}

/// Takes codes out of texts and warns where.
struct Warner<'a> {
    codes: &'a Codes,
    diags: &'a mut Diagnostics,
}

impl Warner<'_> {
    /// `text` without codes; a warning at `line` and `column` for each one
    /// taken out, when `warn`.
    fn clean(&mut self, text: &mut String, src: &Source, line: usize, column: &str, warn: bool) {
        let (clean, found) = privacy::redact_with(text, self.codes, &Exempt::default());
        if found.is_empty() {
            return;
        }
        let clean = clean.into_owned();
        if warn {
            for what in found {
                self.diags.push(cells::personal_text(src, line, Some(column), what));
            }
        }
        *text = clean;
    }

    /// The texts of `names` without codes, `None` when none had one; each
    /// text with a code warned at its first counted row (`lines`).
    fn clean_interned(&mut self, names: &Interner, lines: &[u32], src: &Source, column: &str) -> Option<Vec<String>> {
        let mut changed = false;
        let mut out = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            let (clean, found) = privacy::redact_with(names.get(i as u32), self.codes, &Exempt::default());
            changed |= !found.is_empty();
            // A text no counted row carries is never shown: nothing to say.
            if let Some(&line) = lines.get(i).filter(|&&l| l != u32::MAX) {
                for what in found {
                    self.diags.push(every_row(cells::personal_text(src, line as usize, Some(column), what)));
                }
            }
            out.push(clean.into_owned());
        }
        changed.then_some(out)
    }
}

/// A warning about a text repeated on many rows, given at the first.
fn every_row(mut d: Diagnostic) -> Diagnostic {
    d.message.push_str(" (qui e in ogni altra riga con lo stesso testo)");
    d
}

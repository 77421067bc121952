//! One parser per register: each row's cells read into the typed model,
//! with the checks that concern a single row (closure before start, access
//! on a closed day, identical rows, duplicate ids).

use chrono::NaiveDate;

use crate::dates::to_days;
use crate::diag::{Diagnostics, Severity};
use crate::read::Row;
use crate::schema::{RegisterKind, RegisterSpec};

use super::cells::Cells;
use super::model::*;

/// The index of column `$name` in `S`, the register spec each parser
/// names: found when integra is built, so a misspelt name fails the build.
macro_rules! col {
    ($name:literal) => {
        const { S.idx($name) }
    };
}

/// The days a row concerns, for `--period`: diagnostics of rows wholly
/// outside the period are dropped.
pub type Span = Option<(NaiveDate, NaiveDate)>;

fn day(d: NaiveDate) -> Span {
    Some((d, d))
}

/// Each row's fingerprint and line, to report identical rows once the whole
/// register is read (also when its pieces were read by several threads).
#[derive(Default)]
pub struct Duplicates(Vec<(u64, u32)>);

impl Duplicates {
    /// Remembers `row`.
    pub fn note(&mut self, row: &Row) {
        self.0.push((row.fingerprint(), row.line as u32));
    }

    /// Forgets the row at `line` if it was the last remembered (a row the
    /// period leaves out).
    pub fn forget(&mut self, line: usize) {
        if self.0.last().is_some_and(|&(_, l)| l as usize == line) {
            self.0.pop();
        }
    }

    /// Adds what another reader remembered.
    pub fn absorb(&mut self, other: Duplicates) {
        self.0.extend(other.0);
    }

    /// Reports every row identical to an earlier one, naming the first.
    pub fn report(mut self, src: &crate::diag::Source, d: &mut Diagnostics) {
        self.0.sort_unstable();
        let mut first: Option<(u64, u32)> = None;
        for &(fp, line) in &self.0 {
            match first {
                Some((f, l)) if f == fp => d.push(
                    src.diag(Severity::Warning, "row-duplicate", format!("la riga è identica alla riga {l}"))
                        .line(line as usize)
                        .hint("se è un doppio inserimento, cancella una delle due righe"),
                ),
                _ => first = Some((fp, line)),
            }
        }
    }
}

/// What reading `accessi` needs besides the row.
pub struct AccessCtx<'a> {
    /// Where accesses are counted.
    pub out: &'a mut Accessi,
    /// User ids of `utenti`.
    pub ids: &'a Ids,
    /// Request types seen without a vocabulary.
    pub types: &'a mut Interner,
    /// Identical rows.
    pub dups: &'a mut Duplicates,
    /// The users of `utenti`, when that register was read.
    pub users: Option<&'a super::keys::IndexSet>,
}

/// Reads one `accessi` row.
pub fn access(c: &mut Cells, d: &mut Diagnostics, row: &Row, x: &mut AccessCtx) -> Span {
    const S: &RegisterSpec = RegisterKind::Accessi.spec();
    debug_assert!(std::ptr::eq(c.spec, S), "a row of another register");
    let date = c.date(d, row, col!("data"));
    let country = c.country(d, row, col!("paese"));
    let kind = c.request_type(d, row, col!("tipo_richiesta"), x.types);
    let user_text = c.id(d, row, col!("utente"));
    let user = user_text.map(|u| x.ids.find(u));
    let gender = if row.get(col!("genere")).is_empty() { None } else { c.gender(d, row, col!("genere")) };
    let referral = c.free_text(d, row, col!("inviato_da"));
    // Whether the access names a user of `utenti` (not checked, and never
    // known, when that register was not read).
    let known = matches!((user, x.users), (Some(Some(u)), Some(users)) if users.contains(u));
    if user.is_some() {
        if x.users.is_some() && !known {
            d.push(super::cells::unknown_user(
                &c.src,
                row.line,
                user_text.unwrap_or_default(),
                "controlla il codice, oppure aggiungi l'utente al registro utenti (o lascia vuota la cella se non è preso in carico)",
            ));
        }
        x.dups.note(row);
    }
    let (Some(date), Some(country), Some(kind)) = (date, country, kind) else {
        return date.and_then(day);
    };
    if !c.centro.is_open(date) {
        let why = if c.centro.chiusure.binary_search(&date).is_ok() {
            "il centro era chiuso (chiusura indicata in centro.toml)"
        } else {
            "in quel giorno della settimana il centro non ha orari di apertura"
        };
        d.push(
            c.src
                .diag(
                    Severity::Warning,
                    "access-on-closed-day",
                    format!("accesso di {}: {why}", crate::dates::long_date_weekday(date)),
                )
                .line(row.line)
                .column("data")
                .value(row.get(col!("data")))
                .hint("controlla la data; se il centro era aperto, correggi chiusure o orari in centro.toml"),
        );
    }
    let referral = referral.map(|r| x.out.referrals.intern(&r));
    x.out.add(row.line, to_days(date), country, kind, referral, gender, known);
    day(date)
}

/// Reads one `utenti` row. `seen` has the line of each id read so far.
pub fn user(
    c: &mut Cells,
    d: &mut Diagnostics,
    row: &Row,
    out: &mut Utenti,
    ids: &mut Ids,
    seen: &mut FirstSeen<u32>,
) -> Span {
    const S: &RegisterSpec = RegisterKind::Utenti.spec();
    debug_assert!(std::ptr::eq(c.spec, S), "a row of another register");
    let id = c.id(d, row, col!("id")).map(|v| ids.intern(v));
    let taken = c.date(d, row, col!("data_presa_in_carico"));
    let closed = if row.get(col!("data_chiusura")).is_empty() { None } else { c.date(d, row, col!("data_chiusura")) };
    let gender = c.gender(d, row, col!("genere"));
    let country = c.country(d, row, col!("paese"));
    let comune =
        if row.get(col!("comune_residenza")).is_empty() { None } else { c.comune(d, row, col!("comune_residenza")) };
    let homeless = c.boolean(d, row, col!("senza_dimora")).unwrap_or(false);
    if let Some(id) = id
        && let Some(first) = seen.earlier(id, row.line)
    {
        d.push(
            c.src
                .diag(
                    Severity::Error,
                    "id-duplicate",
                    format!("il codice utente «{}» è già usato alla riga {first}", ids.get(id)),
                )
                .line(row.line)
                .column("id")
                .value(row.get(col!("id")))
                .hint("ogni utente ha un solo codice e una sola riga: unisci le due righe o cambia codice"),
        );
    }
    if let (Some(t), Some(cl)) = (taken, closed)
        && cl < t
    {
        d.push(
            c.src
                .diag(
                    Severity::Error,
                    "closure-before-start",
                    format!(
                        "la chiusura ({}) è precedente alla presa in carico ({})",
                        crate::dates::short_date(cl),
                        crate::dates::short_date(t)
                    ),
                )
                .line(row.line)
                .column("data_chiusura")
                .value(row.get(col!("data_chiusura")))
                .hint("controlla le due date: forse sono invertite"),
        );
        // Which periods the case is open in cannot be told: every period
        // from the earlier date on sees the error (validate and report agree).
        return Some((cl, NaiveDate::MAX));
    }
    let span = taken.map(|t| (t, closed.unwrap_or(NaiveDate::MAX)));
    if let (Some(id), Some(taken), Some(gender), Some(country)) = (id, taken, gender, country) {
        out.line.push(row.line as u32);
        out.id.push(id);
        out.taken.push(to_days(taken));
        out.closed.push(closed.map_or(i32::MAX, to_days));
        out.gender.push(gender);
        out.country.push(country);
        out.comune.push(comune.unwrap_or(crate::reference::ComuneId::MAX));
        out.homeless.push(homeless);
        let written = row.get(col!("comune_residenza"));
        out.comune_written.push(
            comune.filter(|&id| crate::reference::Comuni::get().comune(id).name != written).map(|_| written.into()),
        );
    }
    span
}

/// Reads one `corsi` row.
pub fn course(
    c: &mut Cells,
    d: &mut Diagnostics,
    row: &Row,
    out: &mut Vec<Corso>,
    seen: &mut FirstSeen<String>,
) -> Span {
    const S: &RegisterSpec = RegisterKind::Corsi.spec();
    debug_assert!(std::ptr::eq(c.spec, S), "a row of another register");
    let id = c.id(d, row, col!("id")).map(str::to_string);
    let title = c.free_text(d, row, col!("titolo")).map(String::from);
    let kind = c.free_text(d, row, col!("tipo")).map(String::from);
    let partner = c.free_text(d, row, col!("partner")).map(String::from);
    let start = c.date(d, row, col!("data_inizio"));
    let end = c.date(d, row, col!("data_fine"));
    let hours_blank = row.get(col!("ore_incontro")).is_empty();
    let hours = if hours_blank { None } else { c.hours(d, row, col!("ore_incontro")) };
    if let Some(id) = &id {
        let key = super::model::id_key(id).into_owned();
        if let Some(first) = seen.earlier(key, row.line) {
            d.push(
                c.src
                    .diag(
                        Severity::Error,
                        "id-duplicate",
                        format!("il codice corso «{id}» è già usato alla riga {first}"),
                    )
                    .line(row.line)
                    .column("id")
                    .value(id.clone())
                    .hint("dai a ogni corso un codice diverso (es. ALF1, ALF2)"),
            );
            return None;
        }
    }
    let (Some(id), Some(title), Some(start), Some(end)) = (id, title, start, end) else {
        return None;
    };
    if end < start {
        d.push(
            c.src
                .diag(
                    Severity::Error,
                    "course-dates-inverted",
                    format!(
                        "la fine del corso ({}) è precedente all'inizio ({})",
                        crate::dates::short_date(end),
                        crate::dates::short_date(start)
                    ),
                )
                .line(row.line)
                .column("data_fine")
                .value(row.get(col!("data_fine")))
                .hint("controlla le due date: forse sono invertite"),
        );
        return Some((end, start));
    }
    out.push(Corso { line: row.line, id, title, kind, partner, start, end, hours, hours_blank });
    Some((start, end))
}

/// Reads one `incontri` row.
pub fn meeting(c: &mut Cells, d: &mut Diagnostics, row: &Row, out: &mut Vec<Incontro>, dups: &mut Duplicates) -> Span {
    const S: &RegisterSpec = RegisterKind::Incontri.spec();
    debug_assert!(std::ptr::eq(c.spec, S), "a row of another register");
    let course = c.id(d, row, col!("corso")).map(str::to_string);
    let date = c.date(d, row, col!("data"));
    let hours = if row.get(col!("ore")).is_empty() { None } else { c.hours(d, row, col!("ore")) };
    dups.note(row);
    if let (Some(course), Some(date)) = (course, date) {
        out.push(Incontro { line: row.line, course, date, hours });
    }
    date.and_then(day)
}

/// Reads one `iscrizioni` row.
pub fn enrolment(c: &mut Cells, d: &mut Diagnostics, row: &Row, out: &mut Vec<Iscrizione>) -> Span {
    const S: &RegisterSpec = RegisterKind::Iscrizioni.spec();
    debug_assert!(std::ptr::eq(c.spec, S), "a row of another register");
    let course = c.id(d, row, col!("corso")).map(str::to_string);
    let participant = c.id(d, row, col!("partecipante")).map(str::to_string);
    let country = if row.get(col!("paese")).is_empty() { None } else { c.country(d, row, col!("paese")) };
    let date = if row.get(col!("data_iscrizione")).is_empty() { None } else { c.date(d, row, col!("data_iscrizione")) };
    let origin = c.free_text(d, row, col!("provenienza")).map(String::from);
    if let (Some(course), Some(participant)) = (course, participant) {
        out.push(Iscrizione { line: row.line, course, participant, origin, country, date });
    }
    None
}

/// Reads one `domande` row.
pub fn application(
    c: &mut Cells,
    d: &mut Diagnostics,
    row: &Row,
    out: &mut Vec<Domanda>,
    dups: &mut Duplicates,
) -> Span {
    const S: &RegisterSpec = RegisterKind::Domande.spec();
    debug_assert!(std::ptr::eq(c.spec, S), "a row of another register");
    let date = c.date(d, row, col!("data"));
    let call = c.free_text(d, row, col!("bando")).map(String::from);
    let user = c.id(d, row, col!("utente")).map(str::to_string);
    let outcome = c.free_text(d, row, col!("esito")).map(String::from);
    if user.is_some() {
        dups.note(row);
    }
    if let (Some(date), Some(call)) = (date, call) {
        out.push(Domanda { line: row.line, date, call, user, outcome });
    }
    date.and_then(day)
}

/// Reads one `eventi` row.
pub fn event(c: &mut Cells, d: &mut Diagnostics, row: &Row, out: &mut Vec<Evento>, dups: &mut Duplicates) -> Span {
    const S: &RegisterSpec = RegisterKind::Eventi.spec();
    debug_assert!(std::ptr::eq(c.spec, S), "a row of another register");
    let date = c.date(d, row, col!("data"));
    let title = c.free_text(d, row, col!("titolo")).map(String::from);
    let partner = c.free_text(d, row, col!("partner")).map(String::from);
    let description = c.free_text(d, row, col!("descrizione")).map(String::from);
    dups.note(row);
    if let (Some(date), Some(title)) = (date, title) {
        out.push(Evento { line: row.line, date, title, partner, description });
    }
    date.and_then(day)
}

/// Reads one `storico` row.
pub fn history(c: &mut Cells, d: &mut Diagnostics, row: &Row, out: &mut Vec<Storico>) -> Span {
    const S: &RegisterSpec = RegisterKind::Storico.spec();
    debug_assert!(std::ptr::eq(c.spec, S), "a row of another register");
    let year = c.count(d, row, col!("anno"));
    let total = c.count(d, row, col!("totale"));
    let italian = c.count(d, row, col!("italiani"));
    let eu = c.count(d, row, col!("comunitari"));
    let non_eu = c.count(d, row, col!("extracomunitari"));
    let new = if row.get(col!("nuovi")).is_empty() { None } else { c.count(d, row, col!("nuovi")) };
    let (Some(year), Some(total), Some(italian), Some(eu), Some(non_eu)) = (year, total, italian, eu, non_eu) else {
        return None;
    };
    if !(1900..=2999).contains(&year) {
        d.push(
            c.src
                .diag(Severity::Error, "number-invalid", format!("«{year}» non è un anno valido"))
                .line(row.line)
                .column("anno")
                .value(year.to_string())
                .hint("scrivi l'anno con quattro cifre (es. 2024)"),
        );
        return None;
    }
    if let Some(first) = out.iter().find(|h| h.year == year as i32) {
        d.push(
            c.src
                .diag(
                    Severity::Error,
                    "history-year-duplicate",
                    format!("l'anno {year} compare già alla riga {}", first.line),
                )
                .line(row.line)
                .column("anno")
                .value(year.to_string())
                .hint("tieni una sola riga per anno"),
        );
        return None;
    }
    let sum = italian + eu + non_eu;
    if sum != total {
        d.push(
            c.src
                .diag(Severity::Warning, "history-sum-mismatch", format!(
                    "per il {year} il totale dichiarato ({total}) non coincide con la somma delle parti ({italian} + {eu} + {non_eu} = {sum})"
                ))
                .line(row.line)
                .column("totale")
                .value(total.to_string())
                .hint("i numeri sono riportati come dichiarati; verifica sull'archivio quale dei due è giusto"),
        );
    }
    out.push(Storico { line: row.line, year: year as i32, total, italian, eu, non_eu, new });
    None
}

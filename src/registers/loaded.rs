//! Everything read from a data folder, as one value: [`Registers`], with
//! the few questions every later stage asks of it (a request type's name,
//! whether a register was read, which years the registers cover).

use chrono::NaiveDate;

use super::model::*;
use super::notes::Notes;
use super::{frames, keys};
use crate::centro::Centro;
use crate::read::FileInfo;
use crate::schema::RegisterKind;

/// Everything read from a data folder.
#[derive(Debug, Default)]
pub struct Registers {
    /// `centro.toml`.
    pub centro: Centro,
    /// User ids seen in any register (accessi may name unknown ones).
    pub user_ids: Ids,
    /// Request types seen when `centro.toml` has no vocabulary.
    pub extra_types: Interner,
    /// The access log.
    pub accessi: Accessi,
    /// Users taken in charge.
    pub utenti: Utenti,
    /// Courses, if the register exists.
    pub corsi: Option<Vec<Corso>>,
    /// Meetings held, if the register exists.
    pub incontri: Option<Vec<Incontro>>,
    /// Enrolments, if the register exists.
    pub iscrizioni: Option<Vec<Iscrizione>>,
    /// Applications, if the register exists.
    pub domande: Option<Vec<Domanda>>,
    /// Events, if the register exists.
    pub eventi: Option<Vec<Evento>>,
    /// Declared yearly totals, if the register exists.
    pub storico: Option<Vec<Storico>>,
    /// Each file read, in register order.
    pub files: Vec<FileInfo>,
    /// The period's notes, when a period was given and they exist.
    pub notes: Option<Notes>,
    /// Every user id written in `utenti`, even on rows with other errors
    /// (so that one bad cell does not also make its accesses "unknown").
    pub declared_users: keys::IndexSet,
    /// Every course id written in `corsi` (upper case), likewise.
    pub declared_courses: std::collections::HashSet<String>,
    /// The tables above as polars frames, what checks and aggregation query.
    pub frames: frames::Frames,
    /// The codes that name people (users, participants), as free text
    /// must never show them (`crate::privacy::Codes`).
    pub codes: crate::privacy::Codes,
}

impl Registers {
    /// The display name of request type `kind`.
    pub fn type_name(&self, kind: u16) -> &str {
        if self.centro.tipo_richiesta.is_empty() {
            self.extra_types.get(u32::from(kind))
        } else {
            &self.centro.tipo_richiesta[kind as usize]
        }
    }

    /// Whether register `kind` was read (its file exists and could be read).
    pub fn has(&self, kind: RegisterKind) -> bool {
        self.files.iter().any(|f| f.kind == kind)
    }

    /// Number of request types.
    pub fn type_count(&self) -> usize {
        if self.centro.tipo_richiesta.is_empty() { self.extra_types.len() } else { self.centro.tipo_richiesta.len() }
    }

    /// The first and last day of `year` when the registers cover that whole
    /// year (it starts on or after `registri_dal`) and it is over by
    /// `today`: only such years are computed from the registers.
    pub fn whole_year(&self, year: i32, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
        let last = NaiveDate::from_ymd_opt(year, 12, 31)?;
        (self.complete_from(first)? && last <= today).then_some((first, last))
    }

    /// Whether the registers are complete on every day from `day` on (it is
    /// on or after `registri_dal`); `None` when `centro.toml` does not say
    /// from when they are. The one definition of "covered by the registers".
    pub fn complete_from(&self, day: NaiveDate) -> Option<bool> {
        self.centro.registri_dal.map(|from| day >= from)
    }
}

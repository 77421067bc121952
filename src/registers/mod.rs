//! Loading a data folder: `centro.toml`, then every register found, each
//! row parsed into the typed model with the diagnostics of its own cells
//! and rows. Rules across rows, registers and the period are the next
//! stage's (`crate::checks`, run by `cmd::load`).

pub mod cells;
pub mod frames;
pub mod keys;
pub mod model;
pub mod notes;
pub mod parse;
mod redact;

use std::path::Path;

use chrono::NaiveDate;

use crate::centro::{self, Centro};
use crate::config::LoadOptions;
use crate::diag::{Diagnostics, Severity, Source};
use crate::period::Period;
use crate::read::{self, FileInfo};
use crate::schema::{REGISTERS, RegisterKind};

pub use model::*;

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

/// A period's notes: the coordinator's Markdown, personal data removed.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    /// Path relative to the data folder.
    pub file: String,
    /// The text.
    pub text: String,
}

/// A problem that stops loading before the registers are read (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// `centro.toml` is missing or wrong; the diagnostics say where.
    #[error("configurazione non valida")]
    Config(Diagnostics),
    /// The folder cannot be read or a register is in two files.
    #[error(transparent)]
    Discover(#[from] read::DiscoverError),
    /// The tables could not become frames (a bug, never the user's data).
    #[error("errore interno nel preparare i registri: {0}")]
    Frames(#[from] polars::prelude::PolarsError),
}

/// Reads `centro.toml` and every register of the data folder.
pub fn load(opts: &LoadOptions) -> Result<(Registers, Diagnostics), LoadError> {
    let dir = &opts.data_dir;
    let mut diags = Diagnostics::default();
    let centro_path = dir.join(centro::FILE);
    let text = match crate::files::read(&centro_path, dir, Some(crate::files::SMALL_TEXT_LIMIT)) {
        // Saved by Notepad or an old editor, it may well be Windows-1252.
        Ok(bytes) => read::decode::decode(&bytes).text.into_owned(),
        Err(e) => {
            let mut d = Diagnostics::default();
            d.push(match e {
                crate::files::InputError::Missing => centro::diag_missing(&dir.display().to_string()),
                e => Source::new(centro::FILE, centro::FILE)
                    .diag(Severity::Error, "config-unreadable", format!("non riesco a leggere {}: {e}", centro::FILE))
                    .hint(e.hint()),
            });
            return Err(LoadError::Config(d));
        }
    };
    let (centro, cdiags) = centro::parse(&text);
    if cdiags.has_errors() {
        return Err(LoadError::Config(cdiags));
    }
    diags.extend(cdiags);
    let found = match read::discover_all(dir) {
        Ok(found) => {
            for b in &found.broken {
                diags.push(
                    Source::new(b.register.unwrap_or("registri"), &b.file)
                        .diag(
                            Severity::Error,
                            "file-unreadable",
                            format!("non riesco ad aprire «{}»: {}", b.file, b.why),
                        )
                        .hint(b.hint),
                );
            }
            found
        }
        Err(read::DiscoverError::Ambiguous(twice)) => {
            let mut d = Diagnostics::default();
            for a in twice {
                d.push(
                    Source::new(a.register, &a.second)
                        .diag(Severity::Error, "register-ambiguous", a.to_string())
                        .hint("tieni un solo file per registro: sposta o rinomina l'altro"),
                );
            }
            return Err(LoadError::Config(d));
        }
        Err(e) => return Err(e.into()),
    };
    let mut regs = Registers { centro, ..Registers::default() };
    let mut broken: Vec<&str> = found.broken.iter().filter_map(|b| b.register).collect();
    broken.extend(found.explained.iter().copied());
    for note in found.notes {
        diags.push(note);
    }
    let found = found.registers;
    for spec in REGISTERS.iter().filter(|s| s.required) {
        if !found.iter().any(|l| l.spec.kind == spec.kind) && !broken.contains(&spec.name) {
            diags.push(
                Source::new(spec.name, &format!("{}.csv", spec.name))
                    .diag(
                        Severity::Error,
                        "register-missing",
                        format!("manca il registro obbligatorio «{}»", spec.name),
                    )
                    .hint(format!(
                        "metti nella cartella il file {}.csv (una riga per {}); «integra init» crea un modello",
                        spec.name, spec.row_is
                    )),
            );
        }
    }
    // Users first: reading accesses checks their user ids as it goes. The
    // first pass over the access log (hash, encoding, where to cut it)
    // needs no user, so it is made on its own thread meanwhile, unless the
    // reading is to keep to one thread (`INTEGRA_THREADS=1`): then it is
    // made in turn.
    let mut order: Vec<&read::Located> = found.iter().collect();
    order.sort_by_key(|l| (l.spec.kind != RegisterKind::Utenti, l.spec.kind));
    let access_aliases = regs.centro.colonne.get(RegisterKind::Accessi.name()).cloned();
    let prepare = |loc| read::prepare(loc, access_aliases.as_ref(), &opts.reading);
    std::thread::scope(|scope| -> Result<(), polars::prelude::PolarsError> {
        let mut first_pass = order
            .iter()
            .find(|l| l.spec.kind == RegisterKind::Accessi && opts.reading.threads > 1)
            .map(|&loc| scope.spawn(move || prepare(loc)));
        for loc in order {
            if loc.spec.kind != RegisterKind::Accessi {
                load_one(loc, opts, &mut regs, &mut diags);
                continue;
            }
            let prepared = match first_pass.take() {
                Some(pass) => pass.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                None => prepare(loc),
            };
            load_accessi(loc, prepared, opts, &mut regs, &mut diags)?;
        }
        Ok(())
    })?;
    regs.files.sort_by_key(|f| f.kind);
    if let Some(p) = &opts.period {
        regs.notes = period_notes(dir, p, &regs.centro.contatti, &mut diags);
    }
    redact::codes_in_texts(&mut regs, opts.period.as_ref(), &mut diags)?;
    let small = frames::Small {
        corsi: regs.corsi.as_deref().unwrap_or_default(),
        incontri: regs.incontri.as_deref().unwrap_or_default(),
        iscrizioni: regs.iscrizioni.as_deref().unwrap_or_default(),
        domande: regs.domande.as_deref().unwrap_or_default(),
    };
    regs.frames = frames::Frames::new(&regs.utenti, &regs.accessi, &small)?;
    Ok((regs, diags))
}

/// Drops the diagnostics of a row wholly outside `--period` and counts it.
struct PeriodFilter<'a> {
    period: Option<&'a Period>,
    /// The column that places a row whose own date is wrong.
    primary_date: Option<usize>,
    /// A user's case stays open after the day it was taken in charge.
    open_ended: bool,
    outside: usize,
}

impl<'a> PeriodFilter<'a> {
    fn new(spec: &crate::schema::RegisterSpec, period: Option<&'a Period>) -> Self {
        use RegisterKind::*;
        let primary_date = match spec.kind {
            Accessi | Incontri | Domande | Eventi => Some(spec.idx("data")),
            Utenti => Some(spec.idx("data_presa_in_carico")),
            Corsi | Iscrizioni | Storico => None,
        };
        PeriodFilter { period, primary_date, open_ended: spec.kind == Utenti, outside: 0 }
    }

    /// Whether the row stays; if not, its diagnostics from `mark` on go.
    fn keep(&mut self, row: &read::Row, span: parse::Span, d: &mut Diagnostics, mark: usize) -> bool {
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
    fn report(&self, loc: &read::Located, d: &mut Diagnostics) {
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
}

/// `accessi`, the largest register, read by several threads in pieces.
fn load_accessi(
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

/// One privacy warning per id: the first row that stayed.
fn dedupe_privacy(diags: &mut Diagnostics, from: usize) {
    let mut seen_ids = std::collections::HashSet::new();
    diags.retain_from(from, |d| d.code != "id-personal-data" || seen_ids.insert(d.group));
}

/// Every register but `accessi` (see [`load_accessi`]).
fn load_one(loc: &read::Located, opts: &LoadOptions, regs: &mut Registers, diags: &mut Diagnostics) {
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

/// The folder of the periods' notes, in the data folder.
pub const NOTES_DIR: &str = "note";

/// The file of the period's notes, relative to the data folder: `note/<PERIOD>.md`,
/// or else one file whose name means it (`2025h1.md`, `2025H1.MD`,
/// `2025-H1.md`, Notepad's `2025H1.md.txt`), read with a warning to rename
/// it. Every such file not read is named; two of them and no exact name is
/// an error.
fn notes_file(data_dir: &Path, period: &Period, diags: &mut Diagnostics) -> Option<String> {
    let exact = format!("{}.md", period.code);
    let key = crate::text::fold(&period.code);
    let means_period = |name: &str| {
        let lower = name.to_lowercase();
        let stem = lower.strip_suffix(".txt").unwrap_or(&lower);
        let stem = stem.strip_suffix(".md").or_else(|| stem.strip_suffix(".markdown")).unwrap_or(stem);
        crate::text::fold(stem) == key && name != exact
    };
    // The names as the folder lists them: on a disk that ignores case
    // (Windows, macOS) `2025h1.md` would also open as `2025H1.md`.
    let names: Vec<String> = std::fs::read_dir(data_dir.join(NOTES_DIR))
        .map(|entries| entries.filter_map(Result::ok).filter_map(|e| e.file_name().into_string().ok()).collect())
        .unwrap_or_default();
    let has_exact = names.contains(&exact);
    let mut near: Vec<String> = names.into_iter().filter(|n| means_period(n)).collect();
    near.sort();
    let rel = |name: &str| format!("{NOTES_DIR}/{name}");
    let misnamed = |name: &str, sev: Severity, what: String| {
        let hint = if name.to_lowercase().ends_with(".txt") {
            format!(
                "rinomina il file «{exact}»: il Blocco note aggiunge «.txt», che Esplora file nasconde (attiva Visualizza > Estensioni nomi file per vederla)"
            )
        } else {
            format!("rinomina il file «{exact}»")
        };
        Source::new("note", &rel(name)).diag(sev, "notes-misnamed", what).hint(hint)
    };
    match (has_exact, near.as_slice()) {
        (true, others) => {
            for n in others {
                diags.push(misnamed(
                    n,
                    Severity::Warning,
                    format!(
                        "«{}» sembra una nota del periodo {} ma non è letta: è letta «{}»",
                        rel(n),
                        period.code,
                        rel(&exact)
                    ),
                ));
            }
            Some(rel(&exact))
        }
        (false, []) => None,
        (false, [one]) => {
            diags.push(misnamed(
                one,
                Severity::Warning,
                format!(
                    "le note del periodo {} sono lette da «{}», che ha un nome diverso da «{exact}»",
                    period.code,
                    rel(one)
                ),
            ));
            Some(rel(one))
        }
        (false, several) => {
            let listed: Vec<String> = several.iter().map(|n| format!("«{}»", rel(n))).collect();
            diags.push(misnamed(
                &several[0],
                Severity::Error,
                format!(
                    "più file sembrano le note del periodo {}: {}; non è chiaro quale leggere",
                    period.code,
                    listed.join(", ")
                ),
            ));
            None
        }
    }
}

/// The period's notes (`note/<PERIOD>.md`), if present; a note that cannot
/// be read is an error, never a silently missing section.
fn period_notes(
    data_dir: &Path,
    period: &Period,
    contacts: &crate::privacy::Exempt,
    diags: &mut Diagnostics,
) -> Option<Notes> {
    let rel = notes_file(data_dir, period, diags)?;
    let src = Source::new("note", &rel);
    let bytes = match crate::files::read_sole(&data_dir.join(&rel), data_dir, Some(crate::files::SMALL_TEXT_LIMIT)) {
        Ok(b) => b,
        Err(crate::files::InputError::Missing) => return None,
        Err(e) => {
            diags.push(
                src.diag(Severity::Error, "notes-unreadable", format!("non riesco a leggere le note del periodo: {e}"))
                    .hint(e.hint()),
            );
            return None;
        }
    };
    let text = crate::read::decode::decode(&bytes).text.into_owned();
    if let Some(line) = text.lines().position(|l| l.contains('\0')) {
        diags.push(
            src.diag(
                Severity::Error,
                "notes-unreadable",
                "le note contengono un carattere nullo (NUL): non sono testo",
            )
            .line(line + 1)
            .hint("salva le note come testo semplice (UTF-8) da un editor di testo"),
        );
        return None;
    }
    let text = crate::privacy::redact_lines_with(&text, &Default::default(), contacts, |line, what| {
        diags.push(cells::personal_text(&src, line, None, what));
    });
    let mut shown = String::with_capacity(text.len());
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let (clean, found) = crate::glyphs::clean(line);
        if !found.is_empty() {
            diags.push(cells::unprintable_text(&src, n + 1, None, &found));
        }
        shown.push_str(&clean);
    }
    let text = shown;
    if let Some((line, deepest)) = notes::too_deep(&text) {
        diags.push(
            src.diag(
                Severity::Warning,
                "notes-too-deep",
                format!(
                    "le note annidano citazioni o elenchi fino a {deepest} livelli: oltre il {}° il testo è riportato senza ulteriori rientri",
                    notes::MAX_NESTING
                ),
            )
            .line(line)
            .hint("di una conversazione per e-mail riporta solo i messaggi che servono, senza le citazioni «> > >» dei precedenti"),
        );
    }
    Some(Notes { file: rel, text })
}

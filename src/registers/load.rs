//! Loading a data folder: `centro.toml` first (its errors stop here), the
//! registers found and the required ones missing, users before accesses
//! (reading accesses checks their users), the period's notes, the codes
//! in free text, and at last the frames.

use super::access_log::load_accessi;
use super::loaded::Registers;
use super::notes::period_notes;
use super::others::load_one;
use super::{frames, redact};
use crate::centro;
use crate::config::LoadOptions;
use crate::diag::{Diagnostics, Severity, Source};
use crate::read;
use crate::schema::{REGISTERS, RegisterKind};

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
    // The access log's fact frame is made on a second thread while the
    // codes that name people are gathered (an automaton of every user id):
    // both only read the registers, and the frame is made again in the
    // rare case that taking the codes out of referrals or request types
    // renumbers them.
    let (codes, facts) = if opts.reading.threads > 1 {
        std::thread::scope(|scope| {
            let facts = scope.spawn(|| frames::access_facts(&regs.accessi));
            let codes = redact::person_codes(&regs);
            (codes, facts.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        })
    } else {
        (redact::person_codes(&regs), frames::access_facts(&regs.accessi))
    };
    let renumbered = redact::codes_in_texts(&mut regs, codes, opts.period.as_ref(), &mut diags)?;
    let facts = if renumbered { frames::access_facts(&regs.accessi)? } else { facts? };
    regs.accessi.release_counts();
    let small = frames::Small {
        corsi: regs.corsi.as_deref().unwrap_or_default(),
        incontri: regs.incontri.as_deref().unwrap_or_default(),
        iscrizioni: regs.iscrizioni.as_deref().unwrap_or_default(),
        domande: regs.domande.as_deref().unwrap_or_default(),
    };
    regs.frames = frames::Frames::with_facts(&regs.utenti, &regs.accessi, facts, &small)?;
    Ok((regs, diags))
}

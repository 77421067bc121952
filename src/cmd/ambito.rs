//! An ambito (`ambito.toml`, or `--data` given several times): its
//! centres loaded side by side, each read and checked exactly as a centre
//! alone is, then each centre's report computed and the ambito's totals
//! added up (`aggregate::ambito`). `validate`, `report`, `explain` and
//! `verify` all start here for an ambito, as they start at `cmd::load` and
//! `cmd::compute` for a centre.

use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::aggregate::Report;
use crate::aggregate::ambito::{Part, Settings, totals};
use crate::centro::ambito::{Ambito, of_centre};
use crate::config::{AmbitoSource, LoadOptions};
use crate::diag::Diagnostics;
use crate::period::Period;
use crate::registers::{LoadError, Registers};

/// One centre, read and checked.
pub struct Centre {
    /// Its name in the ambito.
    pub label: String,
    /// Its folder as the ambito names it (relative to `ambito.toml`).
    pub folder: String,
    /// Its data folder.
    pub dir: PathBuf,
    /// Its registers.
    pub regs: ManuallyDrop<Registers>,
    /// Its own diagnostics (files named from its own folder).
    pub diags: Diagnostics,
}

/// An ambito, read: its settings and its centres.
pub struct Loaded {
    /// What the ambito says of itself.
    pub ambito: Ambito,
    /// Its centres, in order.
    pub centres: Vec<Centre>,
    /// The ambito's own diagnostics (personal data in its texts).
    own: Diagnostics,
}

impl Loaded {
    /// Every centre's diagnostics as one list: each names its centre, and
    /// its file from the ambito's folder.
    pub fn diagnostics(&self) -> Diagnostics {
        let mut all = self.own.clone();
        for c in &self.centres {
            all.extend(of_centre(c.diags.clone(), &c.label, &c.folder));
        }
        all
    }

    /// The files read, for the outputs that must not overwrite them.
    pub fn protected(&self, template: Option<&Path>) -> crate::files::Protected {
        let mut p = crate::files::Protected::new();
        if let Some(dir) = &self.ambito.folder {
            p.file(&dir.join(crate::centro::ambito::FILE));
        }
        for c in &self.centres {
            super::protect(&mut p, &c.dir, &c.regs.files);
        }
        if let Some(t) = template {
            p.existing_in(t);
        }
        p
    }

    /// The ambito's publication threshold: its own, or the largest of its
    /// centres' (the strictest).
    pub fn threshold(&self) -> u32 {
        self.ambito
            .minimo_pubblicabile
            .unwrap_or_else(|| self.centres.iter().map(|c| c.regs.centro.minimo_pubblicabile).max().unwrap_or(3))
    }

    fn settings(&self) -> Settings {
        let first = &self.centres[0].regs.centro;
        Settings {
            name: self.ambito.name.clone().unwrap_or_else(|| {
                let names: Vec<&str> = self.centres.iter().map(|c| c.label.as_str()).collect();
                format!("Centri {}", names.join(", "))
            }),
            comune: self.ambito.comune.clone().unwrap_or_else(|| first.comune.clone()),
            description: self.ambito.description.clone(),
            altro_sotto: self.ambito.altro_sotto.unwrap_or(first.altro_sotto),
            texts: crate::aggregate::CentreTexts::of(&self.ambito.texts),
        }
    }
}

/// The work of `f` on each of `items`, several at a time (as many as the
/// machine has cores), results in the items' order.
fn each<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(items.len()).max(1);
    let next = AtomicUsize::new(0);
    let out: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    *out[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                }
            });
        }
    });
    out.into_iter()
        .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()).expect("every item was worked on"))
        .collect()
}

/// Reads the ambito and every centre's registers (each checked as alone).
/// A centre whose `centro.toml` is wrong stops the run like a centre's
/// alone, with its diagnostics named by centre.
pub fn load(opts: &LoadOptions, src: &AmbitoSource) -> Result<Loaded, LoadError> {
    let ambito = match src {
        AmbitoSource::File(dir) => Ambito::read(dir).map_err(LoadError::Config)?,
        AmbitoSource::Folders(folders) => Ambito::of_folders(folders),
    };
    let refs = ambito.centres.clone();
    // The cores go to the centres, read side by side: each centre's own
    // reading takes one thread when there are at least as many centres
    // as the threads it would have taken.
    let threads = if refs.len() >= opts.reading.threads { 1 } else { opts.reading.threads };
    let loaded = each(&refs, |c| {
        let mut o = opts.centre(&c.folder);
        o.reading.threads = threads;
        // One bar for several readers would say nothing; none is shown.
        o.reading.meter = crate::progress::Meter::default();
        let r = crate::registers::load(&o);
        r.map(|(regs, mut diags)| {
            crate::checks::run(&regs, &o, &mut diags);
            (regs, diags)
        })
    });
    let mut centres = Vec::new();
    let mut config = Diagnostics::default();
    for (c, r) in refs.iter().zip(loaded) {
        let folder = match &ambito.folder {
            Some(dir) => c.folder.strip_prefix(dir).unwrap_or(&c.folder).display().to_string(),
            None => c.folder.display().to_string(),
        };
        match r {
            Ok((regs, diags)) => {
                let label = c.label.clone().unwrap_or_else(|| regs.centro.nome.clone());
                centres.push(Centre { label, folder, dir: c.folder.clone(), regs: ManuallyDrop::new(regs), diags });
            }
            Err(LoadError::Config(d)) => {
                let label = c.label.clone().unwrap_or_else(|| folder.clone());
                config.extend(of_centre(d, &label, &folder));
            }
            Err(e) => return Err(e),
        }
    }
    if !config.items().is_empty() {
        return Err(LoadError::Config(config));
    }
    // Two centres of one name (two folders whose centro.toml say the
    // same): told apart by their folders.
    let names: Vec<String> = centres.iter().map(|c| c.label.to_lowercase()).collect();
    for (i, c) in centres.iter_mut().enumerate() {
        if names.iter().filter(|n| **n == names[i]).count() > 1 {
            c.label = format!("{} ({})", c.label, c.folder);
        }
    }
    // The ambito's own texts lose every centre's codes of people, as a
    // centre's own texts lose its own.
    let mut ambito = ambito;
    let codes: Vec<&crate::privacy::Codes> = centres.iter().map(|c| &c.regs.codes).collect();
    let exempt = crate::privacy::Exempt::union(centres.iter().map(|c| &c.regs.centro.contatti));
    let mut own = Diagnostics::default();
    for d in ambito.scan_texts(&codes, &exempt) {
        own.push(d);
    }
    Ok(Loaded { ambito, centres, own })
}

/// The internal report of the ambito for `period`: each centre's own
/// report (several at a time), then the totals.
fn internal(l: &Loaded, period: &Period, today: chrono::NaiveDate) -> crate::error::Result<Report> {
    use crate::aggregate::{Inputs, compute_with_counts};
    let parts =
        each(&l.centres, |c| {
            compute_with_counts(&Inputs { regs: &c.regs, diags: &c.diags, period, today })
                .map(|(report, counts)| Part { label: c.label.clone(), folder: c.folder.clone(), report, counts })
        });
    let parts = parts.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(totals(parts, &l.settings(), period))
}

/// The ambito's report of `period`: the internal version, or the public
/// one, one publication with every centre's cells and the totals (each
/// total the sum of its centres'), safe together with the ambito's
/// earlier public reports of the calendar (the union of its centres') and
/// with each centre's own public reports.
pub fn compute(l: &Loaded, period: &Period, today: chrono::NaiveDate, public: bool) -> crate::error::Result<Report> {
    if !public {
        return internal(l, period, today);
    }
    let mut calendar = Vec::new();
    for c in &l.centres {
        for k in &c.regs.centro.calendario {
            if !calendar.contains(k) {
                calendar.push(*k);
            }
        }
    }
    // Each centre publishes its own public reports too, decided by its own
    // calendar and threshold alone: they are facts the ambito's reports are
    // decided knowing. A centre's reports ending by the period's last day
    // are out when the ambito's are (its quarter beside the ambito's last
    // month), so they come first; the ambito's own follow, in order.
    struct Entry {
        period: Period,
        report: Report,
        threshold: u32,
        fixed: Option<Vec<crate::publish::Mark>>,
        ambito: bool,
    }
    let mut entries = Vec::new();
    for c in &l.centres {
        let of = |p: &Period| {
            crate::aggregate::compute(&crate::aggregate::Inputs { regs: &c.regs, diags: &c.diags, period: p, today })
        };
        let own = of(period)?;
        let mut periods = super::published_with(&c.regs, &own, period);
        // Its longer periods that end with this one (a quarter with its
        // last month), each after its own parts.
        let year = Period::parse(&period.end.format("%Y").to_string())
            .map_err(|e| crate::error::Error::Usage { message: e.to_string(), hint: None })?;
        for p in crate::publish::family(&year, &c.regs.centro.calendario) {
            let in_calendar = p.kind != crate::period::PeriodKind::Year || c.regs.centro.calendario.contains(&p.kind);
            if in_calendar && p.end <= period.end && !periods.contains(&p) {
                periods.push(p);
            }
        }
        periods.sort_by_key(|p| (p.end, p.end - p.start));
        let mut family = Vec::new();
        for p in periods {
            let r = if &p == period { own.clone() } else { of(&p)? };
            family.push((p, crate::aggregate::ambito::as_centre_of_ambito(r, &c.label)));
        }
        let marks = crate::publish::marks_of_each(&family, c.regs.centro.minimo_pubblicabile);
        for ((p, r), m) in family.into_iter().zip(marks) {
            entries.push(Entry {
                period: p,
                report: r,
                threshold: c.regs.centro.minimo_pubblicabile,
                fixed: Some(m),
                ambito: false,
            });
        }
    }
    for p in crate::publish::family(period, &calendar) {
        let r = internal(l, &p, today)?;
        entries.push(Entry { period: p, report: r, threshold: l.threshold(), fixed: None, ambito: true });
    }
    entries.sort_by_key(|e| (e.period.end, e.ambito, e.period.end - e.period.start));
    let thresholds: Vec<u32> = entries.iter().map(|e| e.threshold).collect();
    let (family, fixed): (Vec<_>, Vec<_>) = entries.into_iter().map(|e| ((e.period, e.report), e.fixed)).unzip();
    Ok(crate::publish::public_among_fixed(&family, &thresholds, &fixed)?)
}

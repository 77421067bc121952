//! `integra synth` (hidden): synthetic registers for benchmarks, large and
//! deterministic from a seed, with the distributions of a real centre:
//! a few countries make most accesses, seven request types, most users
//! resident in the centre's comune, closures and weekday opening hours.

use std::io::Write;
use std::path::Path;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::error::{Error, Result};

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    /// Rows of `accessi`.
    pub accesses: u64,
    /// Rows of `utenti`.
    pub users: u64,
    /// Years covered, ending with `last_year`.
    pub years: i32,
    /// Last year covered.
    pub last_year: i32,
    /// Seed of the generator.
    pub seed: u64,
}

/// SplitMix64: small, fast and reproducible on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.below(u64::from(total)) as u32;
        for (item, w) in items {
            if x < *w {
                return item;
            }
            x -= w;
        }
        &items[0].0
    }
}

const COUNTRIES: &[(&str, u32)] = &[
    ("Nigeria", 170),
    ("Marocco", 140),
    ("Italia", 120),
    ("Pakistan", 110),
    ("Tunisia", 80),
    ("Bangladesh", 75),
    ("Senegal", 65),
    ("Ucraina", 55),
    ("Ghana", 45),
    ("Gambia", 35),
    ("Albania", 30),
    ("Romania", 25),
    ("Mali", 20),
    ("Costa d'Avorio", 18),
    ("Egitto", 15),
    ("India", 15),
    ("Cina", 12),
    ("Perù", 10),
    ("Repubblica Dominicana", 8),
    ("Algeria", 8),
    ("Camerun", 6),
    ("Burkina Faso", 6),
    ("Sri Lanka", 6),
    ("Spagna", 5),
    ("Cuba", 4),
    ("Venezuela", 4),
    ("Argentina", 3),
    ("Thailandia", 3),
    ("Polonia", 3),
];

const TYPES: &[(&str, u32)] = &[
    ("orientamento e supporto alla ricerca lavoro", 26),
    ("scuola guida", 7),
    ("permesso di soggiorno, cittadinanza, passaporto e ambasciata", 23),
    ("servizi del territorio", 14),
    ("orientamento e aiuto compilazione domande Bonus e SPID", 16),
    ("monitoraggio", 8),
    ("supporto all'iscrizione anagrafica e informazioni ricerca alloggio", 6),
];

const REFERRALS: &[(&str, u32)] = &[("spontaneo", 78), ("servizi comunali", 14), ("ASP", 8)];

const COMUNI: &[(&str, u32)] = &[
    ("Jesi", 820),
    ("Monsano", 25),
    ("Montecarotto", 20),
    ("Cupramontana", 18),
    ("Corinaldo", 12),
    ("Cingoli", 12),
    ("San Marcello", 10),
    ("Serra de' Conti", 10),
    ("Poggio San Marcello", 8),
    ("", 65),
];

fn open_days(first: NaiveDate, last: NaiveDate, rng: &mut Rng) -> (Vec<NaiveDate>, Vec<NaiveDate>) {
    let mut open = Vec::new();
    let mut closed = Vec::new();
    for d in first.iter_days().take_while(|d| *d <= last) {
        if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            continue;
        }
        // About six closures a year, and always the holidays around the New Year.
        if (d.month() == 1 && d.day() <= 6) || rng.below(42) == 0 {
            closed.push(d);
        } else {
            open.push(d);
        }
    }
    (open, closed)
}

fn write_file(dir: &Path, name: &str, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let path = dir.join(name);
    let f =
        std::fs::File::create(&path).map_err(|e| Error::io(format!("non riesco a creare «{}»", path.display()), e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    fill(&mut w)
        .and_then(|()| w.flush())
        .map_err(|e| Error::io(format!("non riesco a scrivere «{}»", path.display()), e))
}

/// Writes `centro.toml`, `accessi.csv` and `utenti.csv` into `dir`.
pub fn run(dir: &Path, o: &SynthOptions) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("non riesco a creare «{}»", dir.display()), e))?;
    let mut rng = Rng(o.seed);
    let first = NaiveDate::from_ymd_opt(o.last_year - o.years + 1, 1, 1).expect("valid year");
    let last = NaiveDate::from_ymd_opt(o.last_year, 12, 31).expect("valid year");
    let (open, closed) = open_days(first, last, &mut rng);

    let closures: Vec<String> = closed.iter().map(|d| d.format("%Y-%m-%d").to_string()).collect();
    let types: Vec<String> = TYPES.iter().map(|(t, _)| format!("  \"{t}\",")).collect();
    write_file(dir, "centro.toml", |w| {
        write!(
            w,
            "# Registri sintetici generati da «integra synth» (seme {seed}).\n[centro]\nnome = \"Centro sintetico\"\ncomune = \"Jesi\"\nattivo_dal = 2008-10-01\nregistri_dal = {first}\nchiusure = [{}]\n\n[orari]\nlunedi = [\"09:00-12:00\"]\nmartedi = [\"09:00-12:00\"]\nmercoledi = [\"09:00-12:00\"]\ngiovedi = [\"15:00-18:00\"]\nvenerdi = [\"09:00-12:00\"]\n\n[soglie]\naltro_sotto = 5\n\n[vocabolari]\ntipo_richiesta = [\n{}\n]\n",
            closures.join(", "),
            types.join("\n"),
            seed = o.seed,
        )
    })?;

    // Users: taken in charge on an open day, a third closed some months later.
    struct User {
        id: String,
        country: &'static str,
        gender: &'static str,
        taken: NaiveDate,
        closed: Option<NaiveDate>,
    }
    let mut users = Vec::with_capacity(o.users as usize);
    write_file(dir, "utenti.csv", |w| {
        writeln!(w, "id;data_presa_in_carico;data_chiusura;genere;paese;comune_residenza;senza_dimora")?;
        for i in 0..o.users {
            let taken = open[rng.below(open.len() as u64) as usize];
            let closed = (rng.below(3) == 0).then(|| (taken + chrono::Days::new(30 + rng.below(700))).min(last));
            let country = *rng.weighted(COUNTRIES);
            let gender = if rng.below(100) < 48 { "F" } else { "M" };
            let comune = *rng.weighted(COMUNI);
            let homeless = if comune.is_empty() { "sì" } else { "no" };
            let id = format!("U{}-{:06}", taken.year(), i + 1);
            writeln!(
                w,
                "{id};{};{};{gender};{country};{comune};{homeless}",
                taken.format("%d/%m/%Y"),
                closed.map(|c| c.format("%d/%m/%Y").to_string()).unwrap_or_default()
            )?;
            users.push(User { id, country, gender, taken, closed });
        }
        Ok(())
    })?;

    write_file(dir, "accessi.csv", |w| {
        writeln!(w, "data;paese;tipo_richiesta;utente;genere;inviato_da")?;
        for _ in 0..o.accesses {
            let date = open[rng.below(open.len() as u64) as usize];
            let kind = *rng.weighted(TYPES);
            let referral = *rng.weighted(REFERRALS);
            // Two accesses in five are by a user in charge, on a day the case was open.
            let user = if !users.is_empty() && rng.below(5) < 2 {
                let u = &users[rng.below(users.len() as u64) as usize];
                (u.taken <= date && u.closed.is_none_or(|c| date <= c)).then_some(u)
            } else {
                None
            };
            let (country, gender, id) = match user {
                Some(u) => (u.country, u.gender, u.id.as_str()),
                None => (*rng.weighted(COUNTRIES), if rng.below(100) < 45 { "F" } else { "M" }, ""),
            };
            writeln!(w, "{};{country};{kind};{id};{gender};{referral}", date.format("%d/%m/%Y"))?;
        }
        Ok(())
    })?;
    Ok(())
}

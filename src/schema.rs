//! The registers' contract (docs/REGISTERS.md) as data: each register's
//! canonical columns, whether they are required, what kind of value they
//! hold, and the header spellings recognised without any configuration.

/// What a column holds, which decides how a cell is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text.
    Text,
    /// A pseudonymous identifier (checked for personal data).
    Id,
    /// A date in any accepted form.
    Date,
    /// A country name or ISO code.
    Country,
    /// One of `centro.toml`'s request types.
    RequestType,
    /// `F`, `M` or `X`.
    Gender,
    /// sì/no, x/empty, true/false, 1/0.
    Bool,
    /// A decimal number (comma or point).
    Number,
    /// A whole number.
    Count,
    /// An Italian comune (ISTAT list).
    Comune,
}

/// One canonical column.
#[derive(Debug)]
pub struct ColumnSpec {
    /// Canonical name (`data_presa_in_carico`).
    pub name: &'static str,
    /// Whether the column must be present and every cell filled.
    pub required: bool,
    /// What the cells hold.
    pub kind: Kind,
    /// Header spellings recognised besides the canonical name.
    pub aliases: &'static [&'static str],
    /// What the column means, in Italian (for `init` and the workbook).
    pub help: &'static str,
}

/// Which register: code decides by this, never by comparing names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegisterKind {
    /// The access log.
    Accessi,
    /// Users taken in charge.
    Utenti,
    /// Courses.
    Corsi,
    /// Meetings held.
    Incontri,
    /// Enrolments in courses.
    Iscrizioni,
    /// Applications the staff helped with.
    Domande,
    /// Events.
    Eventi,
    /// Declared yearly totals of earlier years.
    Storico,
}

impl RegisterKind {
    /// The register's contract.
    pub const fn spec(self) -> &'static RegisterSpec {
        let mut i = 0;
        while i < REGISTERS.len() {
            if REGISTERS[i].kind as u8 == self as u8 {
                return &REGISTERS[i];
            }
            i += 1;
        }
        panic!("every kind has a spec")
    }

    /// The register's name (its file name without extension).
    pub fn name(self) -> &'static str {
        self.spec().name
    }
}

/// One register: a file (or sheet) named after it.
#[derive(Debug)]
pub struct RegisterSpec {
    /// Which register.
    pub kind: RegisterKind,
    /// File name without extension.
    pub name: &'static str,
    /// Whether the data folder must contain it.
    pub required: bool,
    /// What one row is, in Italian.
    pub row_is: &'static str,
    /// Canonical columns, in the order `init` writes them.
    pub columns: &'static [ColumnSpec],
}

impl RegisterSpec {
    /// The column named `name` (folded comparison).
    pub fn column(&self, name: &str) -> Option<&ColumnSpec> {
        let key = crate::text::fold(name);
        self.columns.iter().find(|c| crate::text::fold(c.name) == key)
    }

    /// Index of the canonical column `name`; panics on a name not in the
    /// spec. A `const fn`, so that the parsers find their columns when
    /// integra is built (`const { S.idx("data") }`): a misspelt name fails
    /// the build, and no row pays for a search by name.
    pub const fn idx(&self, name: &str) -> usize {
        let mut i = 0;
        while i < self.columns.len() {
            let (a, b) = (self.columns[i].name.as_bytes(), name.as_bytes());
            if a.len() == b.len() {
                let mut j = 0;
                while j < a.len() && a[j] == b[j] {
                    j += 1;
                }
                if j == a.len() {
                    return i;
                }
            }
            i += 1;
        }
        panic!("a column name not in the register's spec")
    }
}

const fn col(
    name: &'static str,
    required: bool,
    kind: Kind,
    aliases: &'static [&'static str],
    help: &'static str,
) -> ColumnSpec {
    ColumnSpec { name, required, kind, aliases, help }
}

/// The longest cell a column of `kind` holds, in characters: a paragraph
/// for free text, a short value for everything else.
pub fn max_chars(kind: Kind) -> usize {
    match kind {
        Kind::Text => 4000,
        _ => 100,
    }
}

use Kind::*;

/// The sheets `integra init --xlsx` puts beside the registers in its
/// workbook (instructions; the lists of the drop-down menus), and the names
/// people give such sheets: read by no register, noted without a warning.
pub const HELP_SHEETS: [&str; 7] = ["Istruzioni", "Elenchi", "Leggimi", "Legenda", "Liste", "Note", "Readme"];

/// The first sheet of the copy `integra validate --annota` writes: a
/// workbook starting with it is that copy, not a register.
pub const ANNOTATED_SHEET: &str = "Problemi";

/// The instructions sheet of `integra init --xlsx`.
pub const INSTRUCTIONS_SHEET: &str = HELP_SHEETS[0];

/// The sheet of drop-down lists of `integra init --xlsx`.
pub const LISTS_SHEET: &str = HELP_SHEETS[1];

/// Every register integra reads, in the order it reads them.
pub static REGISTERS: [RegisterSpec; 8] = [
    RegisterSpec {
        kind: RegisterKind::Accessi,
        name: "accessi",
        required: true,
        row_is: "un accesso: ogni richiesta di informazione, con o senza prestazione",
        columns: &[
            col(
                "data",
                true,
                Date,
                &["data accesso", "giorno", "data dell'accesso"],
                "giorno dell'accesso (gg/mm/aaaa)",
            ),
            col(
                "paese",
                true,
                Country,
                &["nazionalità", "cittadinanza", "paese di provenienza", "paese di origine"],
                "paese di provenienza: nome italiano o inglese, o codice ISO",
            ),
            col(
                "tipo_richiesta",
                true,
                RequestType,
                &["tipo", "tipologia", "tipologia richiesta", "richiesta", "tipo di richiesta"],
                "uno dei tipi di richiesta elencati in centro.toml",
            ),
            col(
                "utente",
                false,
                Id,
                &["id utente", "codice utente"],
                "codice dell'utente preso in carico, se l'accesso è suo",
            ),
            col("genere", false, Gender, &["sesso"], "F, M oppure X"),
            col(
                "inviato_da",
                false,
                Text,
                &["inviante", "invio", "canale"],
                "chi ha inviato la persona: spontaneo, servizi comunali, ASP…",
            ),
        ],
    },
    RegisterSpec {
        kind: RegisterKind::Utenti,
        name: "utenti",
        required: true,
        row_is: "un utente (persona o nucleo) preso in carico",
        columns: &[
            col(
                "id",
                true,
                Id,
                &["codice", "codice utente", "id utente", "utente"],
                "codice pseudonimo, unico (mai nome o codice fiscale)",
            ),
            col(
                "data_presa_in_carico",
                true,
                Date,
                &["presa in carico", "data presa carico", "data inizio", "inizio"],
                "giorno della presa in carico (gg/mm/aaaa)",
            ),
            col(
                "data_chiusura",
                false,
                Date,
                &["chiusura", "data fine", "fine", "data chiusura caso"],
                "giorno di chiusura del caso, se chiuso",
            ),
            col("genere", true, Gender, &["sesso"], "F, M oppure X"),
            col(
                "paese",
                true,
                Country,
                &["nazionalità", "cittadinanza", "paese di cittadinanza"],
                "paese di cittadinanza; Italia per gli italiani",
            ),
            col(
                "comune_residenza",
                false,
                Comune,
                &["comune", "residenza", "comune di residenza"],
                "comune di residenza (elenco ISTAT)",
            ),
            col(
                "senza_dimora",
                false,
                Bool,
                &["senza fissa dimora", "sfd", "senza residenza", "senza dimora / residenza"],
                "sì se senza fissa dimora o senza residenza",
            ),
        ],
    },
    RegisterSpec {
        kind: RegisterKind::Corsi,
        name: "corsi",
        required: false,
        row_is: "un corso o un'attività ricorrente",
        columns: &[
            col("id", true, Id, &["codice", "codice corso", "id corso"], "codice breve, unico (es. ALF1)"),
            col("titolo", true, Text, &["nome", "corso", "titolo corso"], "es. Club linguistico base"),
            col("tipo", false, Text, &["tipologia"], "lingua, scuola_guida, altro"),
            col(
                "partner",
                false,
                Text,
                &["in collaborazione con", "collaborazione"],
                "es. SAI «Ancona Provincia d'Asilo»",
            ),
            col("data_inizio", true, Date, &["inizio", "dal"], "data di inizio prevista"),
            col("data_fine", true, Date, &["fine", "al"], "data di fine prevista"),
            col(
                "ore_incontro",
                false,
                Number,
                &["ore", "ore per incontro", "durata"],
                "ore di ciascun incontro (es. 1,5)",
            ),
        ],
    },
    RegisterSpec {
        kind: RegisterKind::Incontri,
        name: "incontri",
        required: false,
        row_is: "un incontro svolto di un corso",
        columns: &[
            col("corso", true, Id, &["codice corso", "id corso"], "codice del corso (registro corsi)"),
            col("data", true, Date, &["giorno", "data incontro"], "giorno dell'incontro"),
            col("ore", false, Number, &["durata"], "ore, se diverse da quelle abituali del corso"),
        ],
    },
    RegisterSpec {
        kind: RegisterKind::Iscrizioni,
        name: "iscrizioni",
        required: false,
        row_is: "un'iscrizione a un corso",
        columns: &[
            col("corso", true, Id, &["codice corso", "id corso"], "codice del corso (registro corsi)"),
            col(
                "partecipante",
                true,
                Id,
                &["iscritto", "codice partecipante", "utente"],
                "codice pseudonimo del partecipante",
            ),
            col("provenienza", false, Text, &["inviato da", "ente"], "chi ha inviato il partecipante: SAI, Centro…"),
            col("paese", false, Country, &["nazionalità", "cittadinanza"], "paese di cittadinanza"),
            col("data_iscrizione", false, Date, &["data"], "giorno dell'iscrizione"),
        ],
    },
    RegisterSpec {
        kind: RegisterKind::Domande,
        name: "domande",
        required: false,
        row_is: "una domanda compilata con l'aiuto del centro",
        columns: &[
            col("data", true, Date, &["data domanda", "giorno"], "giorno della compilazione"),
            col("bando", true, Text, &["bonus", "bando / bonus", "misura"], "nome del bando"),
            col("utente", false, Id, &["codice utente", "id utente"], "codice dell'utente, se preso in carico"),
            col("esito", false, Text, &["stato"], "esito della domanda"),
        ],
    },
    RegisterSpec {
        kind: RegisterKind::Eventi,
        name: "eventi",
        required: false,
        row_is: "un evento",
        columns: &[
            col("data", true, Date, &["giorno"], "giorno dell'evento"),
            col("titolo", true, Text, &["evento", "nome"], "titolo"),
            col("partner", false, Text, &["in collaborazione con"], "partner"),
            col("descrizione", false, Text, &["note"], "un paragrafo di descrizione"),
        ],
    },
    RegisterSpec {
        kind: RegisterKind::Storico,
        name: "storico",
        required: false,
        row_is: "i totali dichiarati di un anno precedente ai registri",
        columns: &[
            col("anno", true, Count, &[], "anno"),
            col("totale", true, Count, &["utenti", "totale utenti"], "utenti presi in carico nell'anno"),
            col("italiani", true, Count, &[], "di cui italiani"),
            col("comunitari", true, Count, &["ue"], "di cui comunitari"),
            col("extracomunitari", true, Count, &["extra ue"], "di cui extracomunitari"),
            col("nuovi", false, Count, &["utenti nuovi"], "di cui nuovi nell'anno"),
        ],
    },
];

/// The register named `name` (folded comparison).
pub fn register(name: &str) -> Option<&'static RegisterSpec> {
    let key = crate::text::fold(name);
    REGISTERS.iter().find(|r| crate::text::fold(r.name) == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_spec_in_reading_order() {
        let kinds: Vec<RegisterKind> = REGISTERS.iter().map(|r| r.kind).collect();
        let mut sorted = kinds.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(kinds, sorted, "REGISTERS lists each kind once, in the enum's order");
        for r in &REGISTERS {
            assert_eq!(r.kind.name(), r.name);
        }
    }

    #[test]
    fn aliases_never_collide_within_a_register() {
        for r in &REGISTERS {
            let mut seen = std::collections::HashMap::new();
            for c in r.columns {
                for name in std::iter::once(&c.name).chain(c.aliases.iter()) {
                    let key = crate::text::fold(name);
                    if let Some(other) = seen.insert(key.clone(), c.name) {
                        panic!("{}: «{name}» names both {other} and {}", r.name, c.name);
                    }
                }
            }
        }
    }
}

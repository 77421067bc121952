//! Mapping a header row to the register's canonical columns: names compared
//! folded (case, accents, spaces, punctuation), built-in and configured
//! aliases, duplicates, blanks, unknown and missing columns.

use std::collections::BTreeMap;

use csv::StringRecord;

use crate::diag::{Diagnostics, Severity, Source};
use crate::schema::RegisterSpec;
use crate::text::{fold, trim_cell};

/// Column aliases from `centro.toml` for one register.
pub(super) type Aliases<'a> = Option<&'a std::collections::BTreeMap<String, Vec<String>>>;

/// The header of a table mapped to the register's canonical columns.
#[derive(Debug, Clone)]
pub struct Header {
    /// For each canonical column (spec order), the field index holding it.
    pub map: Vec<Option<usize>>,
    /// Field indexes whose header is blank.
    pub blank: Vec<usize>,
    /// Number of header fields, blank ones included.
    pub width: usize,
    /// Fields a row needs to reach the last column integra reads.
    pub named: usize,
    /// Line of the header.
    pub line: usize,
    /// The header row as written (to spot it repeated further down, as
    /// when two exports are pasted together, and to copy it).
    pub record: StringRecord,
    /// For a sheet, the workbook's date system: a number in a date column
    /// is a serial of it. `None` for delimited text, where a number is not
    /// a date.
    pub serials: Option<super::workbook::DateSystem>,
}

impl Header {
    /// Whether `rec` repeats this header: every column integra reads holds
    /// its header's text (case and spaces aside).
    pub fn repeated_by(&self, rec: &StringRecord) -> bool {
        let mut seen = 0;
        for f in self.map.iter().flatten() {
            match (rec.get(*f), self.record.get(*f)) {
                (Some(cell), Some(name)) if trim_cell(cell).eq_ignore_ascii_case(trim_cell(name)) => seen += 1,
                _ => return false,
            }
        }
        seen >= 2
    }
}

/// The folded names (and aliases) of a register's columns, computed once
/// per file: a header of millions of cells is then one fold per cell.
pub(super) struct Names(Vec<(String, usize)>);

impl Names {
    pub(super) fn new(spec: &RegisterSpec, aliases: Option<&BTreeMap<String, Vec<String>>>) -> Names {
        let mut keys = Vec::new();
        for (i, c) in spec.columns.iter().enumerate() {
            keys.push((fold(c.name), i));
            keys.extend(c.aliases.iter().map(|a| (fold(a), i)));
            if let Some(list) = aliases.and_then(|a| a.get(c.name)) {
                keys.extend(list.iter().map(|a| (fold(a), i)));
            }
        }
        Names(keys)
    }

    /// The canonical column a header cell names, if any.
    pub(super) fn column(&self, cell: &str) -> Option<usize> {
        // No name is long: a long cell is no header, and is not folded.
        if cell.len() > 200 {
            return None;
        }
        let key = fold(cell);
        if key.is_empty() {
            return None;
        }
        self.0.iter().find(|(k, _)| *k == key).map(|(_, i)| *i)
    }

    /// How many cells of `rec` name a column.
    pub(super) fn score(&self, rec: &StringRecord) -> usize {
        rec.iter().filter(|c| self.column(c).is_some()).count()
    }
}

pub(super) fn column_names(spec: &RegisterSpec) -> String {
    spec.columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
}

pub(super) fn map_header(
    names: &Names,
    spec: &'static RegisterSpec,
    rec: StringRecord,
    line: usize,
    src: &Source,
    diags: &mut Diagnostics,
) -> Option<Header> {
    let mut map: Vec<Option<usize>> = vec![None; spec.columns.len()];
    let mut blank = Vec::new();
    let mut unknown = Vec::new();
    let mut unknown_count = 0usize;
    for (i, cell) in rec.iter().enumerate() {
        let cell = trim_cell(cell);
        if cell.is_empty() {
            blank.push(i);
            continue;
        }
        match names.column(cell) {
            Some(c) => {
                if let Some(first) = map[c] {
                    diags.push(
                        src.diag(
                            Severity::Error,
                            "column-duplicate",
                            format!(
                                "la colonna «{}» compare due volte (colonne {} e {})",
                                spec.columns[c].name,
                                first + 1,
                                i + 1
                            ),
                        )
                        .line(line)
                        .column(spec.columns[c].name)
                        .value(cell)
                        .hint("tieni una sola delle due colonne, o rinomina quella che significa altro"),
                    );
                } else {
                    map[c] = Some(i);
                }
            }
            None => {
                // Listed: the first ten; counted: all.
                unknown_count += 1;
                if unknown.len() < 10 {
                    unknown.push(crate::text::short(cell).into_owned());
                }
            }
        }
    }
    if !unknown.is_empty() {
        diags.push(
            src.diag(
                Severity::Info,
                "column-unknown",
                format!(
                    "colonne non usate da integra: {}{}",
                    unknown.iter().map(|u| format!("«{u}»")).collect::<Vec<_>>().join(", "),
                    if unknown_count > 10 { format!(" e altre {}", unknown_count - 10) } else { String::new() }
                ),
            )
            .line(line)
            .value(unknown.join(", "))
            .hint(format!(
                "le colonne lette sono: {}; altri nomi si aggiungono in centro.toml, [colonne.{}]",
                column_names(spec),
                spec.name
            )),
        );
    }
    let mut missing = false;
    for (c, col) in spec.columns.iter().enumerate() {
        if col.required && map[c].is_none() {
            missing = true;
            let near = crate::text::nearest(col.name, unknown.iter().map(String::as_str), 1);
            let hint = match near.first() {
                Some(n) => format!(
                    "forse «{n}»? Rinomina l'intestazione in «{}» o aggiungi l'alias in centro.toml, [colonne.{}]",
                    col.name, spec.name
                ),
                None => format!("aggiungi la colonna «{}»: {}", col.name, col.help),
            };
            diags.push(
                src.diag(Severity::Error, "column-missing", format!("manca la colonna obbligatoria «{}»", col.name))
                    .line(line)
                    .column(col.name)
                    .hint(hint),
            );
        }
    }
    let named = map.iter().flatten().copied().max().map_or(0, |m| m + 1);
    (!missing).then(|| Header { map, blank, width: rec.len(), named, line, record: rec, serials: None })
}

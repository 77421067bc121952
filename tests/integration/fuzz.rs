//! A mutation fuzzer for the readers, in-process and on stable Rust: the
//! CSV reader, the workbook reader, `centro.toml` and the period parser.
//!
//! Each target starts from real inputs (the sample registers, the fixtures,
//! the kept corpus in `tests/fuzz-corpus/<target>/`) and mutates them as
//! files get damaged and pasted over: bytes flipped, inserted, deleted,
//! duplicated, spliced from another input, quotes, delimiters, line breaks,
//! NULs and BOMs dropped in, the file cut short. Every input must be read
//! without a panic and within [`SLOW`]; one that panics or is slow is
//! written to the corpus and the test fails naming it.
//!
//! `cargo test fuzz_` replays the corpus and runs a few hundred mutations
//! per target (seconds). A long run, as the closing notes report:
//! `INTEGRA_FUZZ_SECONDS=1800 INTEGRA_FUZZ_TARGET=csv cargo test --test
//! integration fuzz_csv -- --nocapture`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::harness::{Rng, copy_dir, fixture, root};

/// An input slower than this is a finding.
const SLOW: Duration = Duration::from_secs(2);

/// Bytes that matter to the readers.
const SPECIAL: &[&[u8]] = &[
    b"\"",
    b";",
    b",",
    b"\t",
    b"\r\n",
    b"\r",
    b"\n",
    b"\0",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\xe8",
    b"\xc3",
    b"\"\"",
    b"=",
    b"[",
    b"]",
    b"..",
    b"-",
    b"/",
    b"31/02/2025",
    b"\xf0\x9f\x8e\x89",
    b"\xc2\x9b",
];

fn mutate(input: &[u8], others: &[Vec<u8>], rng: &mut Rng) -> Vec<u8> {
    let mut b = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(b.len() + 1);
        match rng.below(8) {
            0 if !b.is_empty() => {
                let i = at.min(b.len() - 1);
                b[i] ^= 1 << rng.below(8);
            }
            1 => {
                let s = SPECIAL[rng.below(SPECIAL.len())];
                b.splice(at..at, s.iter().copied());
            }
            2 if !b.is_empty() => {
                let end = (at + 1 + rng.below(64)).min(b.len());
                b.drain(at.min(end)..end);
            }
            3 if !b.is_empty() => {
                let start = rng.below(b.len());
                let end = (start + 1 + rng.below(256)).min(b.len());
                let piece: Vec<u8> = b[start..end].to_vec();
                for _ in 0..1 + rng.below(3) {
                    b.splice(at.min(b.len())..at.min(b.len()), piece.iter().copied());
                }
            }
            4 if !others.is_empty() => {
                let o = &others[rng.below(others.len())];
                if !o.is_empty() {
                    let start = rng.below(o.len());
                    let end = (start + 1 + rng.below(512)).min(o.len());
                    b.splice(at..at, o[start..end].iter().copied());
                }
            }
            5 => b.truncate(at),
            6 if !b.is_empty() => {
                let i = at.min(b.len() - 1);
                b[i] = rng.next() as u8;
            }
            _ => {
                let s = SPECIAL[rng.below(SPECIAL.len())];
                let i = at.min(b.len());
                b.splice(i..i, s.iter().copied());
            }
        }
    }
    b
}

/// How a target reads one input.
type Read = fn(&[u8], &Path);

/// One fuzz target: its seeds and how an input is read.
struct Target {
    name: &'static str,
    seeds: Vec<Vec<u8>>,
    read: Read,
}

fn files(paths: &[PathBuf]) -> Vec<Vec<u8>> {
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

fn fixture_files(name: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(fixture("")).unwrap().flatten() {
        let p = e.path().join(name);
        if p.is_file() {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn corpus_dir(target: &str) -> PathBuf {
    root().join("tests/fuzz-corpus").join(target)
}

fn load(dir: &Path) {
    let opts = integra::config::LoadOptions {
        data_dir: dir.to_path_buf(),
        period: integra::period::Period::parse("2025H1").ok(),
        today: chrono::NaiveDate::from_ymd_opt(2025, 11, 26).unwrap(),
        reading: integra::config::Reading::default(),
        access_rows: false,
        ambito: None,
    };
    let _ = integra::cmd::load(&opts);
}

fn read_csv(input: &[u8], dir: &Path) {
    std::fs::write(dir.join("accessi.csv"), input).unwrap();
    load(dir);
}

fn read_workbook(input: &[u8], dir: &Path) {
    std::fs::write(dir.join("registri.xlsx"), input).unwrap();
    load(dir);
}

fn read_centro(input: &[u8], _: &Path) {
    let text = String::from_utf8_lossy(input);
    let _ = integra::centro::parse(&text);
}

fn read_period(input: &[u8], _: &Path) {
    let _ = integra::period::Period::parse(&String::from_utf8_lossy(input));
}

fn targets() -> Vec<Target> {
    let samples = root().join("data-samples");
    let mut csv = files(&[samples.join("accessi.csv"), fixture("_excel-it").join("accessi.csv")]);
    csv.extend(files(&fixture_files("accessi.csv")));
    let workbook = {
        // The sample registers as one workbook, one sheet per register.
        let mut wb = rust_xlsxwriter::Workbook::new();
        for r in ["accessi", "utenti"] {
            let sheet = wb.add_worksheet();
            sheet.set_name(r).unwrap();
            let text = std::fs::read_to_string(samples.join(format!("{r}.csv"))).unwrap();
            for (i, line) in text.trim_start_matches('\u{feff}').lines().take(60).enumerate() {
                for (j, cell) in line.split(';').enumerate() {
                    sheet.write_string(i as u32, j as u16, cell).unwrap();
                }
            }
        }
        vec![wb.save_to_buffer().unwrap()]
    };
    let mut centro = files(&[samples.join("centro.toml")]);
    centro.extend(files(&fixture_files("centro.toml")));
    let periods = ["2025H1", "2025-03", "2025Q4", "2024", "2025-01-01..2025-06-30", "2025h2", "2025-3"]
        .iter()
        .map(|p| p.as_bytes().to_vec())
        .collect();
    vec![
        Target { name: "csv", seeds: csv, read: read_csv },
        Target { name: "workbook", seeds: workbook, read: read_workbook },
        Target { name: "centro", seeds: centro, read: read_centro },
        Target { name: "period", seeds: periods, read: read_period },
    ]
}

/// Runs `target`: the kept corpus, then mutations for `budget` or `runs`.
fn fuzz(name: &str, runs: usize) {
    let target = targets().into_iter().find(|t| t.name == name).expect("a target");
    let budget = std::env::var("INTEGRA_FUZZ_SECONDS").ok().and_then(|v| v.parse().ok()).map(Duration::from_secs);
    let seed = if budget.is_some() {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    } else {
        0x5EED_0000 + name.len() as u64
    };
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("_base"), dir.path());
    let _ = std::fs::remove_file(dir.path().join("accessi.csv"));
    if name == "workbook" {
        let _ = std::fs::remove_file(dir.path().join("utenti.csv"));
    }
    let kept = corpus_dir(name);
    let mut corpus = target.seeds.clone();
    if let Ok(entries) = std::fs::read_dir(&kept) {
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        corpus.extend(files(&paths));
    }
    let mut findings = Vec::new();
    let (mut done, mut slowest) = (0usize, Duration::ZERO);
    let start = Instant::now();
    // The corpus first, unchanged; then mutations.
    let mut queue: Vec<Vec<u8>> = corpus.clone();
    loop {
        let input = match queue.pop() {
            Some(i) => i,
            None => {
                let over = match budget {
                    Some(b) => start.elapsed() >= b,
                    None => done >= runs + corpus.len(),
                };
                if over {
                    break;
                }
                let base = &corpus[rng.below(corpus.len())];
                mutate(base, &corpus, &mut rng)
            }
        };
        let t = Instant::now();
        let outcome = std::panic::catch_unwind(|| (target.read)(&input, dir.path()));
        let took = t.elapsed();
        slowest = slowest.max(took);
        done += 1;
        // At most 20 findings kept per run: one bug found a thousand times
        // is one bug.
        if (outcome.is_err() || took > SLOW) && findings.len() < 20 {
            let kind = if outcome.is_err() { "panic" } else { "slow" };
            let hash = integra::diag::group_of(&String::from_utf8_lossy(&input));
            std::fs::create_dir_all(&kept).unwrap();
            let path = kept.join(format!("{kind}-{hash:016x}"));
            std::fs::write(&path, &input).unwrap();
            findings.push(format!("{kind} ({took:?}): {}", path.display()));
        }
    }
    eprintln!(
        "fuzz {name}: {done} inputs in {:.1} s, slowest {slowest:?}, {} findings",
        start.elapsed().as_secs_f64(),
        findings.len()
    );
    assert!(findings.is_empty(), "fuzz {name}:\n{}", findings.join("\n"));
}

#[test]
fn fuzz_csv_reader() {
    fuzz("csv", 300);
}

#[test]
fn fuzz_workbook_reader() {
    fuzz("workbook", 100);
}

#[test]
fn fuzz_centro_toml() {
    fuzz("centro", 500);
}

#[test]
fn fuzz_period_parser() {
    fuzz("period", 2000);
}

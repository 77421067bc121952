//! A small harness: `Integra::new().args([..]).run()` and assertions on the
//! outcome; fixture folders built from `tests/fixtures/_base` plus the
//! fixture's own files.

use std::path::{Path, PathBuf};
use std::process::Output;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The fixture cases: every folder of `tests/fixtures` but `_base` and the
/// other `_` folders, sorted.
pub fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture(""))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('_'))
        .collect();
    names.sort();
    names
}

/// xorshift64*: a small deterministic generator for the property test and
/// the fuzzer (a failure is reproducible from its seed).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The finished run of the binary.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.output.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout(), self.stderr()))
    }

    /// Asserts the exit code, showing both streams when it differs.
    pub fn code_is(self, code: i32) -> Self {
        assert_eq!(self.code(), code, "exit code\nstdout:\n{}\nstderr:\n{}", self.stdout(), self.stderr());
        self
    }
}

/// A command line of the binary being built.
pub struct Integra {
    cmd: std::process::Command,
}

impl Integra {
    pub fn new() -> Self {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_integra"));
        cmd.env_remove("NO_COLOR")
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("INTEGRA_DATA")
            .env_remove("INTEGRA_TEMPLATE")
            .env_remove("INTEGRA_TODAY")
            .env("INTEGRA_OGGI", "2025-11-26");
        Integra { cmd }
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub fn arg(mut self, a: &str) -> Self {
        self.cmd.arg(a);
        self
    }

    pub fn arg_path(mut self, p: &Path) -> Self {
        self.cmd.arg(p);
        self
    }

    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.cmd.env(k, v);
        self
    }

    pub fn env_remove(mut self, k: &str) -> Self {
        self.cmd.env_remove(k);
        self
    }

    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.cmd.current_dir(dir);
        self
    }

    pub fn run(mut self) -> Run {
        Run { output: self.cmd.output().expect("the integra binary runs") }
    }

    /// Runs with standard error on a pseudo-terminal, as when a person
    /// types the command; returns the run and what the terminal received.
    #[cfg(unix)]
    pub fn run_on_terminal(mut self) -> (Run, String) {
        use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
        use std::io::Read;
        use std::os::unix::ffi::OsStrExt;
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("a pseudo-terminal");
        grantpt(&master).expect("grantpt");
        unlockpt(&master).expect("unlockpt");
        let name = ptsname(&master, Vec::new()).expect("ptsname");
        let slave = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(std::ffi::OsStr::from_bytes(name.as_bytes()))
            .expect("the terminal's other side");
        let mut master = std::fs::File::from(master);
        let reader = std::thread::spawn(move || {
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            // Ends with EIO once the last copy of the slave side is closed.
            while let Ok(n @ 1..) = master.read(&mut buf) {
                seen.extend_from_slice(&buf[..n]);
            }
            String::from_utf8_lossy(&seen).into_owned()
        });
        self.cmd.stderr(slave);
        let child = self.cmd.stdout(std::process::Stdio::piped()).spawn().expect("the integra binary runs");
        drop(self.cmd);
        let output = child.wait_with_output().expect("the integra binary ends");
        (Run { output }, reader.join().expect("the terminal is read"))
    }
}

/// Copies `tests/fixtures/_base` and then the fixture's files into a fresh
/// temporary folder (the fixture's files win; `expect.txt` is left out).
pub fn materialise(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture("_base"), dir.path());
    copy_dir(&fixture(name), dir.path());
    let _ = std::fs::remove_file(dir.path().join("expect.txt"));
    // A fixture removes a base file by shipping "<name>.absent".
    for e in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "absent") {
            let _ = std::fs::remove_file(p.with_extension(""));
            let _ = std::fs::remove_file(&p);
        }
    }
    dir
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let target = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

pub use crate::pdftext::pdf_text;

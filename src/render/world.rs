//! The Typst `World` integra compiles in: the template's files (embedded in
//! the binary or from one folder on disk, never outside it), the report data
//! as a virtual `/data.json`, fonts embedded in the binary, a fixed "today",
//! and no packages or network.

use crate::config::TemplateSource;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;

/// The default template, embedded: (path inside the template, bytes).
pub const DEFAULT_TEMPLATE: &[(&str, &[u8])] = &[
    ("main.typ", include_bytes!("../../report-templates/default/main.typ")),
    ("testi.typ", include_bytes!("../../report-templates/default/testi.typ")),
    ("format.typ", include_bytes!("../../report-templates/default/format.typ")),
    ("charts.typ", include_bytes!("../../report-templates/default/charts.typ")),
    ("sections.typ", include_bytes!("../../report-templates/default/sections.typ")),
    ("activities.typ", include_bytes!("../../report-templates/default/activities.typ")),
    ("appendix.typ", include_bytes!("../../report-templates/default/appendix.typ")),
    ("ambito.typ", include_bytes!("../../report-templates/default/ambito.typ")),
    ("data.json", include_bytes!("../../report-templates/default/data.json")),
];

fn fonts() -> &'static FontStore {
    crate::glyphs::store()
}

fn library() -> &'static LazyHash<Library> {
    static LIB: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIB.get_or_init(|| LazyHash::new(Library::builder().build()))
}

/// The world of one compilation.
pub struct ReportWorld {
    template: TemplateSource,
    data: Bytes,
    main: FileId,
    data_id: FileId,
    today: Datetime,
    sources: std::sync::Mutex<HashMap<FileId, Source>>,
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a valid template path")).intern()
}

impl ReportWorld {
    /// A world serving `data` as `/data.json` to the template's `main.typ`.
    pub fn new(template: TemplateSource, data: Vec<u8>, today: chrono::NaiveDate) -> ReportWorld {
        use chrono::Datelike;
        ReportWorld {
            template,
            data: Bytes::new(data),
            main: file_id("/main.typ"),
            data_id: file_id("/data.json"),
            today: Datetime::from_ymd(today.year(), today.month() as u8, today.day() as u8)
                .unwrap_or_else(|| Datetime::from_ymd(2000, 1, 1).expect("valid date")),
            sources: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// The path of `id` as the user sees it (for error messages).
    pub fn display_path(&self, id: FileId) -> String {
        let rel = id.vpath().get_without_slash().to_string();
        match &self.template {
            TemplateSource::Embedded => format!("(modello predefinito)/{rel}"),
            TemplateSource::Folder(dir) => dir.join(rel).display().to_string(),
        }
    }

    /// The source text of `id`, for locating diagnostics.
    pub fn lookup(&self, id: FileId) -> Option<Source> {
        self.source(id).ok()
    }

    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if *id.root() != VirtualRoot::Project {
            return Err(FileError::Other(Some("i pacchetti Typst non sono disponibili in integra: copia i file che servono nella cartella del modello".into())));
        }
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        let rel = id.vpath().get_without_slash();
        match &self.template {
            TemplateSource::Embedded => DEFAULT_TEMPLATE
                .iter()
                .find(|(p, _)| *p == rel)
                .map(|(_, b)| Bytes::new(*b))
                .ok_or_else(|| FileError::NotFound(PathBuf::from(rel))),
            TemplateSource::Folder(root) => read_inside(root, Path::new(rel)),
        }
    }
}

/// Reads `rel` under `root`, refusing anything that resolves outside it
/// (`..`, absolute paths, symbolic links pointing elsewhere).
fn read_inside(root: &Path, rel: &Path) -> FileResult<Bytes> {
    let path = root.join(rel);
    let real = path.canonicalize().map_err(|_| FileError::NotFound(path.clone()))?;
    if !real.starts_with(root) {
        return Err(FileError::AccessDenied);
    }
    match crate::files::read(&real, root, Some(crate::files::TEMPLATE_FILE_LIMIT)) {
        Ok(bytes) => Ok(Bytes::new(bytes)),
        Err(crate::files::InputError::NotRegular { what: "una cartella" }) => Err(FileError::IsDirectory),
        Err(crate::files::InputError::Io(e)) => Err(FileError::from_io(e, &real)),
        Err(e) => Err(FileError::Other(Some(format!("«{}» {e}", rel.display()).into()))),
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        fonts().book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(s) = self.sources.lock().map_err(|_| FileError::Other(None))?.get(&id) {
            return Ok(s.clone());
        }
        let bytes = self.load(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let source = Source::new(id, text.to_string());
        self.sources.lock().map_err(|_| FileError::Other(None))?.insert(id, source.clone());
        Ok(source)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.load(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

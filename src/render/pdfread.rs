//! A PDF given to `integra verify`, read as a reader sees it and within
//! bounds: each page's text (lines top to bottom) and a digest of all it
//! draws (paths, colours, glyph shapes, images' places), plus the document's
//! metadata. The same function reads the PDF made again from the registers,
//! so that the two are compared page by page.
//!
//! The file may be hostile. Before the PDF parser (hayro, which typst
//! already builds) sees it, [`guard`] refuses what would exhaust the stack
//! or the memory: objects nested deeper than [`MAX_DEPTH`], streams that
//! inflate past [`MAX_INFLATED`] in all, and compressions other than
//! Flate (which integra's PDFs alone use and whose size is measured here).
//! The parser then runs on a thread of its own with a large stack, and a
//! panic in it is an unreadable file, not a crash.

use std::collections::HashMap;
use std::io::Read;

use hayro_interpret::font::Glyph;
use hayro_interpret::hayro_cmap::BfString;
use hayro_interpret::hayro_syntax::Pdf;
use hayro_interpret::{
    BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache, InterpreterSettings, Paint,
    PathDrawMode, SoftMask, interpret_page,
};
use kurbo::{Affine, BezPath, PathEl, Rect};
use sha2::{Digest, Sha256};

/// Arrays and dictionaries nested deeper than this are refused (integra's
/// own PDFs nest fewer than 20; the parser recurses once per level).
pub const MAX_DEPTH: usize = 200;

/// What all the streams of one PDF may inflate to, together (integra's own
/// reports inflate to about 1 MB).
pub const MAX_INFLATED: u64 = 256 << 20;

/// Filters whose output size is not measured here: a PDF using any is not
/// one of integra's and is refused before the parser decodes it.
const OTHER_FILTERS: [&[u8]; 15] = [
    b"LZWDecode",
    b"LZW",
    b"RunLengthDecode",
    b"RL",
    b"ASCII85Decode",
    b"A85",
    b"ASCIIHexDecode",
    b"AHx",
    b"CCITTFaxDecode",
    b"CCF",
    b"JBIG2Decode",
    b"DCTDecode",
    b"DCT",
    b"JPXDecode",
    b"Crypt",
];

/// The stack of the thread that parses the PDF (reserved, used only as deep
/// as the parser goes).
const PARSER_STACK: usize = 256 << 20;

/// Why a PDF is not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Not a PDF the parser can open.
    #[error("il file non è un PDF leggibile")]
    NotPdf,
    /// Nested deeper than [`MAX_DEPTH`].
    #[error(
        "il PDF annida oggetti su più di {MAX_DEPTH} livelli (almeno {0}): non è un report di integra e non viene letto"
    )]
    TooDeep(usize),
    /// Inflates past [`MAX_INFLATED`].
    #[error(
        "il PDF si espande oltre {} MB una volta decompresso: non è un report di integra e non viene letto",
        MAX_INFLATED >> 20
    )]
    TooLarge,
    /// A filter integra's PDFs never use.
    #[error("il PDF usa una compressione ({0}) che i report di integra non usano: non viene letto")]
    Filter(String),
    /// Too much work to check (overlapping objects, many times over).
    #[error("il PDF è troppo intricato per essere controllato: non è un report di integra")]
    Tangled,
}

/// What a reader sees of one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSeen {
    /// The text, line by line, top to bottom.
    pub lines: Vec<String>,
    /// SHA-256 of everything drawn, in order.
    pub drawing: [u8; 32],
}

/// What a reader sees of a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The document's keywords (where the seal travels), as stored.
    pub keywords: Option<Vec<u8>>,
    /// The metadata a viewer shows: (what, value).
    pub metadata: Vec<(&'static str, String)>,
    /// The document's creation date.
    pub date: Option<chrono::NaiveDate>,
    /// The pages.
    pub pages: Vec<PageSeen>,
}

/// Reads `pdf` within bounds (see the module's text); its pages only when
/// `pages` (the metadata alone is quick).
pub fn read(pdf: &[u8], pages: bool) -> Result<Seen, ReadError> {
    guard(pdf)?;
    let bytes = pdf.to_vec();
    let parser = std::thread::Builder::new()
        .name("pdf".into())
        .stack_size(PARSER_STACK)
        .spawn(move || parse(bytes, pages))
        .map_err(|_| ReadError::NotPdf)?;
    parser.join().unwrap_or(Err(ReadError::NotPdf))
}

fn parse(bytes: Vec<u8>, with_pages: bool) -> Result<Seen, ReadError> {
    let pdf = Pdf::new(bytes).map_err(|_| ReadError::NotPdf)?;
    let m = pdf.metadata();
    let text = |v: &Option<Vec<u8>>| v.as_ref().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
    let metadata = vec![
        ("titolo", text(&m.title)),
        ("autore", text(&m.author)),
        ("oggetto", text(&m.subject)),
        ("programma", text(&m.creator)),
        ("produttore", text(&m.producer)),
        ("data", m.creation_date.map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)).unwrap_or_default()),
    ];
    let date = m
        .creation_date
        .and_then(|d| chrono::NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)));
    let mut pages = Vec::new();
    if !with_pages {
        return Ok(Seen { keywords: m.keywords.clone(), metadata, date, pages });
    }
    let cache = InterpreterCache::new();
    let settings = InterpreterSettings::default();
    for page in pdf.pages().iter() {
        let (w, h) = page.render_dimensions();
        let mut ctx = Context::new(
            Affine::IDENTITY,
            Rect::new(0.0, 0.0, f64::from(w), f64::from(h)),
            &cache,
            page.xref(),
            settings.clone(),
        );
        let mut device = Seer::default();
        device.hash.update(format!("pagina {w:.2}x{h:.2}").as_bytes());
        interpret_page(page, &mut ctx, &mut device);
        pages.push(PageSeen { lines: lines(device.glyphs), drawing: device.hash.finalize().into() });
    }
    Ok(Seen { keywords: m.keywords.clone(), metadata, date, pages })
}

/// One glyph drawn: baseline y, left x, right x, size, text.
struct Drawn {
    y: f64,
    x: f64,
    end: f64,
    size: f64,
    text: String,
}

/// A device that keeps the text and hashes every drawing call.
#[derive(Default)]
struct Seer {
    glyphs: Vec<Drawn>,
    hash: Sha256,
    /// Digests of glyph outlines already hashed: (font, glyph id).
    outlines: HashMap<(u128, u32), [u8; 32]>,
}

fn put_affine(h: &mut Sha256, t: Affine) {
    for c in t.as_coeffs() {
        h.update(format!("{c:.3};").as_bytes());
    }
}

fn put_path(h: &mut Sha256, p: &BezPath) {
    for el in p.elements() {
        let s = match *el {
            PathEl::MoveTo(a) => format!("M{:.2},{:.2}", a.x, a.y),
            PathEl::LineTo(a) => format!("L{:.2},{:.2}", a.x, a.y),
            PathEl::QuadTo(a, b) => format!("Q{:.2},{:.2},{:.2},{:.2}", a.x, a.y, b.x, b.y),
            PathEl::CurveTo(a, b, c) => {
                format!("C{:.2},{:.2},{:.2},{:.2},{:.2},{:.2}", a.x, a.y, b.x, b.y, c.x, c.y)
            }
            PathEl::ClosePath => "Z".into(),
        };
        h.update(s.as_bytes());
    }
}

fn put_paint(h: &mut Sha256, p: &Paint<'_>) {
    match p {
        Paint::Color(c) => h.update(format!("{:.3?}", c.to_rgba().components()).as_bytes()),
        Paint::Pattern(_) => h.update(b"motivo"),
    }
}

impl<'a> Device<'a> for Seer {
    fn set_soft_mask(&mut self, m: Option<SoftMask<'a>>) {
        self.hash.update(if m.is_some() { b"maschera" as &[u8] } else { b"senza maschera" });
    }
    fn set_blend_mode(&mut self, m: BlendMode) {
        self.hash.update(format!("fusione {m:?}").as_bytes());
    }
    fn draw_path(&mut self, path: &BezPath, t: Affine, paint: &Paint<'a>, mode: &PathDrawMode) {
        self.hash.update(b"tracciato");
        put_path(&mut self.hash, path);
        put_affine(&mut self.hash, t);
        put_paint(&mut self.hash, paint);
        match mode {
            PathDrawMode::Fill(rule) => self.hash.update(format!("riempi {rule:?}").as_bytes()),
            PathDrawMode::Stroke(s) => self.hash.update(
                format!(
                    "linea {:.2} {:?} {:?} {:.2} {:?} {:.2}",
                    s.line_width, s.line_cap, s.line_join, s.miter_limit, s.dash_array, s.dash_offset
                )
                .as_bytes(),
            ),
        }
    }
    fn push_clip_path(&mut self, clip: &ClipPath) {
        self.hash.update(format!("ritaglio {:?}", clip.fill).as_bytes());
        put_path(&mut self.hash, &clip.path);
    }
    fn push_transparency_group(&mut self, opacity: f32, m: Option<SoftMask<'a>>, b: BlendMode) {
        self.hash.update(format!("gruppo {opacity:.3} {} {b:?}", m.is_some()).as_bytes());
    }
    fn draw_glyph(&mut self, glyph: &Glyph<'a>, t: Affine, glyph_t: Affine, paint: &Paint<'a>, _: &GlyphDrawMode) {
        let text = match glyph.as_unicode() {
            Some(BfString::Char(c)) => c.to_string(),
            Some(BfString::String(s)) => s,
            None => String::new(),
        };
        self.hash.update(b"glifo");
        self.hash.update(text.as_bytes());
        // The shape drawn, not only the character it claims to be.
        let shape = match glyph {
            Glyph::Outline(g) => {
                let key = (g.font_cache_key(), g.glyph_id().to_u32());
                *self.outlines.entry(key).or_insert_with(|| {
                    let mut h = Sha256::new();
                    put_path(&mut h, &g.outline());
                    h.finalize().into()
                })
            }
            Glyph::Type3(_) => [3; 32],
        };
        self.hash.update(shape);
        put_affine(&mut self.hash, t * glyph_t);
        put_paint(&mut self.hash, paint);
        if text.is_empty() {
            return;
        }
        // Glyph space is a thousandth of an em: the combined transform's
        // scale times 1000 is the font size on the page.
        let [a, b, _, _, e, f] = (t * glyph_t).as_coeffs();
        let size = a.hypot(b) * 1000.0;
        let advance = match glyph {
            Glyph::Outline(g) => g.advance_width().map_or(500.0, f64::from),
            Glyph::Type3(_) => 500.0,
        };
        self.glyphs.push(Drawn { y: f, x: e, end: e + advance * a.hypot(b), size, text });
    }
    fn draw_image(&mut self, _: Image<'a, '_>, t: Affine) {
        // Where an image goes, not its pixels: integra's reports have none,
        // and decoding a hostile one is what the guard keeps out.
        self.hash.update(b"immagine");
        put_affine(&mut self.hash, t);
    }
    fn pop_clip_path(&mut self) {
        self.hash.update(b"fine ritaglio");
    }
    fn pop_transparency_group(&mut self) {
        self.hash.update(b"fine gruppo");
    }
}

/// Glyphs into lines (baselines within a fifth of the size), words apart
/// where the gap is wide: close to `pdftotext -layout`.
fn lines(mut glyphs: Vec<Drawn>) -> Vec<String> {
    glyphs.sort_by(|p, q| q.y.total_cmp(&p.y).then(p.x.total_cmp(&q.x)));
    let mut rows: Vec<Vec<Drawn>> = Vec::new();
    for g in glyphs {
        match rows.last_mut() {
            Some(row) if (row[0].y - g.y).abs() < 0.2 * g.size.max(row[0].size) => row.push(g),
            _ => rows.push(vec![g]),
        }
    }
    let mut out = Vec::new();
    for mut row in rows {
        row.sort_by(|p, q| p.x.total_cmp(&q.x));
        let mut line = String::new();
        let mut prev_end: Option<f64> = None;
        for g in row {
            if let Some(end) = prev_end {
                let gap = g.x - end;
                let spaced = line.ends_with(' ') || g.text.starts_with(' ');
                if gap > 2.0 * g.size {
                    line.push_str("   ");
                } else if gap > 0.2 * g.size && !spaced {
                    line.push(' ');
                }
            }
            line.push_str(&g.text);
            prev_end = Some(g.end);
        }
        out.push(line.trim_end().to_string());
    }
    out
}

/// How one PDF's pages differ from another's, in Italian, at most `max`
/// lines: `seen` is the file given, `made` the one made again.
pub fn differences(seen: &Seen, made: &Seen, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    if seen.pages.len() != made.pages.len() {
        out.push(format!("numero di pagine: {} nel PDF, {} nel report rifatto", seen.pages.len(), made.pages.len()));
    }
    for (i, (a, b)) in seen.pages.iter().zip(&made.pages).enumerate() {
        let n = i + 1;
        if a.lines != b.lines {
            for (was, is) in changed_lines(&a.lines, &b.lines) {
                let show = |s: &Option<&String>| match s {
                    Some(s) => format!("«{}»", crate::text::short(s)),
                    None => "nulla".to_string(),
                };
                out.push(format!("pagina {n}: nel PDF {}, rifatto dai registri {}", show(&was), show(&is)));
            }
        } else if a.drawing != b.drawing {
            out.push(format!(
                "pagina {n}: il testo è uguale, ma la grafica (grafici, linee, colori, forme delle lettere) è diversa"
            ));
        }
    }
    for (k, v) in &seen.metadata {
        let other = made.metadata.iter().find(|(m, _)| m == k).map(|(_, v)| v.as_str()).unwrap_or("");
        if v != other {
            out.push(format!(
                "metadati del documento, {k}: nel PDF «{}», rifatto «{}»",
                crate::text::short(v),
                crate::text::short(other)
            ));
        }
    }
    if out.len() > max {
        let more = out.len() - max;
        out.truncate(max);
        out.push(format!("… e altre {more} differenze"));
    }
    out
}

/// The lines of `a` and `b` that differ, paired where they replace each
/// other (a longest common subsequence of lines, then the gaps between).
fn changed_lines<'s>(a: &'s [String], b: &'s [String]) -> Vec<(Option<&'s String>, Option<&'s String>)> {
    let (n, m) = (a.len(), b.len());
    // Pages have some dozens of lines: the table is small.
    let mut len = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            len[i][j] = if a[i] == b[j] { len[i + 1][j + 1] + 1 } else { len[i + 1][j].max(len[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    let (mut gone, mut came): (Vec<&String>, Vec<&String>) = (Vec::new(), Vec::new());
    let flush = |gone: &mut Vec<&'s String>, came: &mut Vec<&'s String>, out: &mut Vec<_>| {
        for k in 0..gone.len().max(came.len()) {
            out.push((gone.get(k).copied(), came.get(k).copied()));
        }
        gone.clear();
        came.clear();
    };
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            flush(&mut gone, &mut came, &mut out);
            i += 1;
            j += 1;
        } else if j >= m || (i < n && len[i + 1][j] >= len[i][j + 1]) {
            gone.push(&a[i]);
            i += 1;
        } else {
            came.push(&b[j]);
            j += 1;
        }
    }
    flush(&mut gone, &mut came, &mut out);
    out
}

/// Refuses, before any parsing, a PDF that would exhaust the stack or the
/// memory (see [`MAX_DEPTH`], [`MAX_INFLATED`], [`OTHER_FILTERS`]).
///
/// Every place an object can start (after each `obj` and `trailer`
/// keyword) is lexed for one value, measuring its nesting; every `stream`
/// is inflated into a counter (and again while what comes out is itself
/// compressed), its content lexed as a sequence of objects. The names met
/// are checked for filters. Lexing is bounded in total work, so that
/// overlapping objects cannot make it quadratic.
pub fn guard(pdf: &[u8]) -> Result<(), ReadError> {
    let mut lex = Lexer { work: 0, limit: 64 * pdf.len() + (64 << 20) };
    for start in keyword_ends(pdf, b"obj").chain(keyword_ends(pdf, b"trailer")) {
        lex.value(pdf, start)?;
    }
    let mut inflated = 0u64;
    for start in stream_starts(pdf) {
        let data = &pdf[start..];
        if !is_zlib(data) {
            // Not compressed the usual way: the parser reads it as it is
            // (lexed up to `endstream`), or tries raw deflate (counted).
            let end = memchr::memmem::find(data, b"endstream").unwrap_or(data.len());
            lex.sequence(&data[..end])?;
            count_deflate(data, &mut inflated)?;
            continue;
        }
        let mut layer = inflate(data, &mut inflated)?;
        // A stream compressed twice (or more) is measured at every layer.
        for _ in 0..8 {
            let Some(data) = layer else { break };
            lex.sequence(&data)?;
            layer = if is_zlib(&data) { inflate(&data, &mut inflated)? } else { None };
        }
    }
    Ok(())
}

/// A zlib header: deflate, a valid check.
fn is_zlib(data: &[u8]) -> bool {
    data.len() >= 2 && data[0] & 0x0f == 8 && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0
}

/// What raw deflate makes of `data`, counted and not kept.
fn count_deflate(data: &[u8], total: &mut u64) -> Result<(), ReadError> {
    let left = MAX_INFLATED - *total;
    let mut decoder = flate2::read::DeflateDecoder::new(data).take(left + 1);
    let mut counted = 0u64;
    let mut buf = [0u8; 16 << 10];
    // Garbage read as deflate fails soon; an error ends the count.
    while let Ok(n @ 1..) = decoder.read(&mut buf) {
        counted += n as u64;
    }
    *total += counted;
    if *total > MAX_INFLATED { Err(ReadError::TooLarge) } else { Ok(()) }
}

/// Positions just after each `word` that stands as a keyword.
fn keyword_ends<'p>(pdf: &'p [u8], word: &'static [u8]) -> impl Iterator<Item = usize> + 'p {
    memchr::memmem::find_iter(pdf, word).map(move |at| at + word.len()).filter(|&end| {
        pdf.get(end).is_none_or(|&b| !is_regular(b)) && (end < word.len() + 1 || !is_regular(pdf[end - word.len() - 1]))
    })
}

/// Positions where the data of a stream begins (after `stream` and its line end).
fn stream_starts(pdf: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memmem::find_iter(pdf, b"stream").filter_map(|at| {
        if at >= 3 && &pdf[at - 3..at] == b"end" {
            return None;
        }
        let after = at + b"stream".len();
        match pdf.get(after..after + 2) {
            Some([b'\r', b'\n']) => Some(after + 2),
            Some([b'\n' | b'\r', _]) => Some(after + 1),
            Some([b'\n' | b'\r']) => Some(after + 1),
            _ => None,
        }
    })
}

/// Inflates zlib `data` into memory, bounded by what is left of
/// [`MAX_INFLATED`]; `None` when nothing comes out.
fn inflate(data: &[u8], total: &mut u64) -> Result<Option<Vec<u8>>, ReadError> {
    let left = MAX_INFLATED - *total;
    let mut out = Vec::new();
    // A broken stream still counts: the parser keeps what it could decode.
    let _ = flate2::read::ZlibDecoder::new(data).take(left + 1).read_to_end(&mut out);
    *total += out.len() as u64;
    if *total > MAX_INFLATED {
        return Err(ReadError::TooLarge);
    }
    Ok((!out.is_empty()).then_some(out))
}

fn is_white(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delimiter(b)
}

/// A small PDF lexer that measures nesting and checks names.
struct Lexer {
    work: usize,
    limit: usize,
}

impl Lexer {
    /// One value from `at` (an object's body): stops when it is complete.
    fn value(&mut self, data: &[u8], at: usize) -> Result<(), ReadError> {
        self.run(data, at, true)
    }

    /// A stream's content, as a sequence of objects and operators.
    fn sequence(&mut self, data: &[u8]) -> Result<(), ReadError> {
        self.run(data, 0, false)
    }

    fn run(&mut self, data: &[u8], mut i: usize, one: bool) -> Result<(), ReadError> {
        let mut depth = 0usize;
        while i < data.len() {
            let b = data[i];
            let from = i;
            match b {
                b'%' => {
                    while i < data.len() && !matches!(data[i], b'\r' | b'\n') {
                        i += 1;
                    }
                }
                b'(' => i = skip_string(data, i),
                b'<' if data.get(i + 1) == Some(&b'<') => {
                    depth += 1;
                    i += 2;
                }
                b'<' => {
                    i += 1;
                    while i < data.len() && data[i] != b'>' {
                        i += 1;
                    }
                    i += 1;
                    if one && depth == 0 {
                        break;
                    }
                }
                b'[' | b'{' => {
                    depth += 1;
                    i += 1;
                }
                b'>' if data.get(i + 1) == Some(&b'>') => {
                    depth = depth.saturating_sub(1);
                    i += 2;
                    if one && depth == 0 {
                        break;
                    }
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    i += 1;
                    if one && depth == 0 {
                        break;
                    }
                }
                b'/' => {
                    i += 1;
                    let s = i;
                    while i < data.len() && is_regular(data[i]) {
                        i += 1;
                    }
                    check_name(&data[s..i])?;
                    if one && depth == 0 {
                        break;
                    }
                }
                _ if is_white(b) => i += 1,
                // A byte no object can hold outside a string ends whatever
                // the parser was nesting: it fails there.
                _ if !(0x21..0x7f).contains(&b) => {
                    depth = 0;
                    i += 1;
                    if one {
                        break;
                    }
                }
                // A stray `)` or `>`: nothing to nest.
                b')' | b'>' => i += 1,
                _ => {
                    while i < data.len() && is_regular(data[i]) {
                        i += 1;
                    }
                    if one && depth == 0 {
                        // A number of `N G R`, `true`, `stream`…: no nesting follows.
                        break;
                    }
                }
            }
            if depth > MAX_DEPTH {
                return Err(ReadError::TooDeep(depth));
            }
            self.work += i.max(from + 1) - from;
            if self.work > self.limit {
                return Err(ReadError::Tangled);
            }
        }
        Ok(())
    }
}

/// After a literal string opened at `at`: balanced parentheses, `\` escapes.
fn skip_string(data: &[u8], at: usize) -> usize {
    let mut open = 0usize;
    let mut i = at;
    while i < data.len() {
        match data[i] {
            b'\\' => i += 1,
            b'(' => open += 1,
            b')' => {
                open -= 1;
                if open == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    data.len()
}

/// A name, `#xx` escapes decoded, that names a filter integra does not use.
fn check_name(raw: &[u8]) -> Result<(), ReadError> {
    if raw.len() > 40 {
        return Ok(());
    }
    let mut name = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (raw[i], raw.get(i + 1).and_then(|&c| hex(c)), raw.get(i + 2).and_then(|&c| hex(c))) {
            (b'#', Some(h), Some(l)) => {
                name.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                name.push(c);
                i += 1;
            }
        }
    }
    match OTHER_FILTERS.iter().find(|f| **f == name.as_slice()) {
        Some(f) => Err(ReadError::Filter(String::from_utf8_lossy(f).into_owned())),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_through_strings_and_comments() {
        let deep = format!("1 0 obj\n{}{}\nendobj", "[".repeat(300), "]".repeat(300));
        assert_eq!(guard(deep.as_bytes()), Err(ReadError::TooDeep(MAX_DEPTH + 1)));
        // Closing brackets inside strings or comments close nothing.
        let hidden = format!("1 0 obj\n{}\nendobj", "[(]) %]\n".repeat(300));
        assert_eq!(guard(hidden.as_bytes()), Err(ReadError::TooDeep(MAX_DEPTH + 1)));
        let fine = format!("1 0 obj\n<< /K {}{} >>\nendobj", "[".repeat(50), "]".repeat(50));
        assert_eq!(guard(fine.as_bytes()), Ok(()));
    }

    #[test]
    fn other_filters_are_refused_even_when_escaped() {
        let lzw = b"1 0 obj\n<< /Filter /LZW#44ecode /Length 0 >>\nstream\n\nendstream\nendobj";
        assert_eq!(guard(lzw), Err(ReadError::Filter("LZWDecode".into())));
        assert_eq!(guard(b"1 0 obj\n<< /Filter /FlateDecode >>\nendobj"), Ok(()));
    }

    #[test]
    fn a_stream_that_inflates_too_far_is_refused_without_inflating_it_all() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..(MAX_INFLATED >> 20) + 1 {
            z.write_all(&zeros).unwrap();
        }
        let mut pdf = b"1 0 obj\n<< /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend(z.finish().unwrap());
        pdf.extend(b"\nendstream\nendobj");
        assert_eq!(guard(&pdf), Err(ReadError::TooLarge));
    }

    #[test]
    fn changed_lines_pair_what_replaced_what() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let a = s(&["titolo", "Accessi 999", "fine"]);
        let b = s(&["titolo", "Accessi 181", "fine", "altro"]);
        let d = changed_lines(&a, &b);
        assert_eq!(d, vec![(Some(&a[1]), Some(&b[1])), (None, Some(&b[3]))]);
    }
}

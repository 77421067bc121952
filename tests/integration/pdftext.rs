//! The text of a PDF, for tests, with the PDF interpreter typst already
//! builds (hayro): each glyph's Unicode value and position, grouped into
//! lines top to bottom and words left to right, pages separated by a form
//! feed. Close to `pdftotext -layout` for what the tests look for: words in
//! reading order, a table row on one line.

use hayro_interpret::font::Glyph;
use hayro_interpret::hayro_cmap::BfString;
use hayro_interpret::hayro_syntax::Pdf;
use hayro_interpret::{
    BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache, InterpreterSettings, Paint,
    PathDrawMode, SoftMask, interpret_page,
};
use kurbo::{Affine, BezPath, Rect};

/// One glyph drawn: baseline y, left x, right x, size, text.
struct Drawn {
    y: f64,
    x: f64,
    end: f64,
    size: f64,
    text: String,
}

#[derive(Default)]
struct Collect {
    glyphs: Vec<Drawn>,
}

impl<'a> Device<'a> for Collect {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'a>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(&mut self, _: &BezPath, _: Affine, _: &Paint<'a>, _: &PathDrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'a>,
        transform: Affine,
        glyph_transform: Affine,
        _: &Paint<'a>,
        _: &GlyphDrawMode,
    ) {
        let text = match glyph.as_unicode() {
            Some(BfString::Char(c)) => c.to_string(),
            Some(BfString::String(s)) => s,
            None => return,
        };
        // Glyph space is a thousandth of an em: the combined transform's
        // scale times 1000 is the font size on the page.
        let t = transform * glyph_transform;
        let [a, b, _, _, e, f] = t.as_coeffs();
        let size = a.hypot(b) * 1000.0;
        let advance = match glyph {
            Glyph::Outline(g) => g.advance_width().map_or(500.0, f64::from),
            Glyph::Type3(_) => 500.0,
        };
        self.glyphs.push(Drawn { y: f, x: e, end: e + advance * a.hypot(b), size, text });
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: Affine) {}
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

fn page_text(mut glyphs: Vec<Drawn>) -> String {
    // Lines: glyphs whose baselines are within a fifth of the size.
    glyphs.sort_by(|p, q| q.y.total_cmp(&p.y).then(p.x.total_cmp(&q.x)));
    let mut lines: Vec<Vec<Drawn>> = Vec::new();
    for g in glyphs {
        match lines.last_mut() {
            Some(line) if (line[0].y - g.y).abs() < 0.2 * g.size.max(line[0].size) => line.push(g),
            _ => lines.push(vec![g]),
        }
    }
    let mut out = String::new();
    for mut line in lines {
        line.sort_by(|p, q| p.x.total_cmp(&q.x));
        let mut prev_end: Option<f64> = None;
        for g in line {
            if let Some(end) = prev_end {
                let gap = g.x - end;
                let spaced = out.ends_with(' ') || g.text.starts_with(' ');
                if gap > 2.0 * g.size {
                    out.push_str("   ");
                } else if gap > 0.2 * g.size && !spaced {
                    out.push(' ');
                }
            }
            out.push_str(&g.text);
            prev_end = Some(g.end);
        }
        out.push('\n');
    }
    out
}

/// The text of the PDF at `path`, page after page.
pub fn pdf_text(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let pdf = Pdf::new(std::sync::Arc::new(bytes)).unwrap_or_else(|e| panic!("{}: not a PDF ({e:?})", path.display()));
    let cache = InterpreterCache::new();
    let settings = InterpreterSettings::default();
    let mut pages = Vec::new();
    for page in pdf.pages().iter() {
        let (w, h) = page.render_dimensions();
        let mut ctx = Context::new(
            Affine::IDENTITY,
            Rect::new(0.0, 0.0, f64::from(w), f64::from(h)),
            &cache,
            page.xref(),
            settings.clone(),
        );
        let mut device = Collect::default();
        interpret_page(page, &mut ctx, &mut device);
        pages.push(page_text(device.glyphs));
    }
    pages.join("\u{c}")
}

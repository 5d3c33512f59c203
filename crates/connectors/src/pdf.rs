//! PDF documents of text lines and Code 128 barcodes (order confirmations, pick lists, packing
//! slips, discrepancy reports, outbound notes, carton labels): A4 pages, one line per entry,
//! split over pages as needed. A barcode line draws its bars (from the `barcoders` crate's
//! Code 128 encoding, character set B) with its text beneath, so a scanner and a person read it.
//!
//! Text is shaped with rustybuzz and drawn with krilla, which embeds only the glyphs a document
//! uses (subsetted fonts) with a ToUnicode map, so the text can be searched and copied. Each
//! character takes the first embedded Noto font that has it (`fonts/README.md`): Latin, Greek
//! and Cyrillic; Arabic and Hebrew, shaped and set right to left; Thai; Chinese, Japanese and
//! Korean. The fonts are compiled in: a document looks the same on every machine.

use std::ops::Range;
use std::sync::LazyLock;

use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use rustybuzz::{Direction, UnicodeBuffer};

/// A line of the document: text and its size in points (bold when `heading`); a `barcode` line
/// draws its text as a Code 128 barcode too.
#[derive(Clone, Debug)]
pub struct PdfLine {
    pub text: String,
    pub size: u32,
    pub heading: bool,
    pub barcode: bool,
}

/// Height of a barcode's bars, in points.
const BAR_HEIGHT: f32 = 40.0;
/// Width of one barcode module, in points (0.35 mm).
const MODULE: f32 = 1.0;

impl PdfLine {
    pub fn heading(text: impl Into<String>) -> Self {
        Self { text: text.into(), size: 16, heading: true, barcode: false }
    }
    pub fn text(text: impl Into<String>) -> Self {
        Self { text: text.into(), size: 10, heading: false, barcode: false }
    }
    /// A Code 128 barcode of `text` (printable ASCII) with the text beneath it.
    pub fn barcode(text: impl Into<String>) -> Self {
        Self { text: text.into(), size: 10, heading: false, barcode: true }
    }

    /// Vertical space the line takes.
    fn step(&self) -> f32 {
        self.size as f32 + 6.0 + if self.barcode { BAR_HEIGHT + 4.0 } else { 0.0 }
    }
}

/// The bars of `text` in Code 128 (set B): `(start, width)` in modules, left to right.
pub fn code128_bars(text: &str) -> Result<Vec<(usize, usize)>, PdfError> {
    let encoded = barcoders::sym::code128::Code128::new(format!("\u{0181}{text}"))
        .map_err(|e| PdfError(format!("{text:?} cannot be a Code 128 barcode: {e}")))?
        .encode();
    let mut bars = Vec::new();
    let mut start = None;
    for (i, m) in encoded.iter().chain(std::iter::once(&0)).enumerate() {
        match (m, start) {
            (1, None) => start = Some(i),
            (0, Some(s)) => {
                bars.push((s, i - s));
                start = None;
            }
            _ => {}
        }
    }
    Ok(bars)
}

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be written: {0}")]
pub struct PdfError(String);

/// One embedded font: what krilla embeds and what rustybuzz shapes with.
struct Face {
    font: Font,
    shaper: rustybuzz::Face<'static>,
    right_to_left: bool,
}

impl Face {
    fn load(bytes: &'static [u8], right_to_left: bool) -> Self {
        // The files are compiled in and checked by the tests below: failing here is a build defect.
        let font =
            Font::new(bytes.into(), 0).unwrap_or_else(|| unreachable!("an embedded font does not load"));
        let shaper = rustybuzz::Face::from_slice(bytes, 0)
            .unwrap_or_else(|| unreachable!("an embedded font does not parse"));
        Self { font, shaper, right_to_left }
    }

    fn has(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some()
    }
}

const NOTO_SANS: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
const NOTO_SANS_BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");
const NOTO_ARABIC: &[u8] = include_bytes!("../fonts/NotoSansArabic-Regular.ttf");
const NOTO_HEBREW: &[u8] = include_bytes!("../fonts/NotoSansHebrew-Regular.ttf");
const NOTO_THAI: &[u8] = include_bytes!("../fonts/NotoSansThai-Regular.ttf");
const NOTO_CJK: &[u8] = include_bytes!("../fonts/NotoSansCJKsc-Regular-subset.otf");

/// The fallback chains: the first font that has a character draws it.
struct Fonts {
    regular: Vec<Face>,
    bold: Vec<Face>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let others = || {
        [(NOTO_ARABIC, true), (NOTO_HEBREW, true), (NOTO_THAI, false), (NOTO_CJK, false)]
            .into_iter()
            .map(|(bytes, rtl)| Face::load(bytes, rtl))
    };
    Fonts {
        regular: std::iter::once(Face::load(NOTO_SANS, false)).chain(others()).collect(),
        bold: std::iter::once(Face::load(NOTO_SANS_BOLD, false)).chain(others()).collect(),
    }
});

/// A stretch of a line drawn with one font in one direction.
struct Run<'a> {
    face: &'a Face,
    text: String,
}

/// Splits a line where the font changes. Spaces and punctuation stay with the run they are in
/// when its font has them, so a right-to-left phrase keeps its spaces; numbers are set apart, so
/// "شارع 25" reads 25, not 52.
fn runs<'a>(text: &str, chain: &'a [Face]) -> Vec<Run<'a>> {
    let mut out: Vec<Run<'a>> = Vec::new();
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        let current = out.last().map(|r| r.face);
        // Digits start a run of their own (left to right even inside Arabic or Hebrew).
        let keep = current.filter(|f| !c.is_alphanumeric() && f.has(c));
        let face = keep.or_else(|| chain.iter().find(|f| f.has(c))).unwrap_or(&chain[0]);
        match out.last_mut() {
            Some(run) if std::ptr::eq(run.face, face) => run.text.push(c),
            _ => out.push(Run { face, text: c.to_string() }),
        }
    }
    out
}

/// Shapes a run: its glyphs in drawing order (advances in em) and its width in em.
fn shape(run: &Run<'_>) -> (Vec<KrillaGlyph>, f32) {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(&run.text);
    buffer.guess_segment_properties();
    buffer.set_direction(if run.face.right_to_left {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    let output = rustybuzz::shape(&run.face.shaper, &[], buffer);
    let em = run.face.shaper.units_per_em() as f32;
    // A glyph's text is its cluster: from its start to the next cluster's start.
    let mut starts: Vec<usize> = output.glyph_infos().iter().map(|i| i.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let cluster = |start: usize| -> Range<usize> {
        let end = starts.iter().copied().find(|s| *s > start).unwrap_or(run.text.len());
        start..end
    };
    let mut width = 0.0;
    let glyphs = output
        .glyph_infos()
        .iter()
        .zip(output.glyph_positions())
        .map(|(info, pos)| {
            width += pos.x_advance as f32 / em;
            KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                pos.x_advance as f32 / em,
                pos.x_offset as f32 / em,
                pos.y_offset as f32 / em,
                pos.y_advance as f32 / em,
                cluster(info.cluster as usize),
                None,
            )
        })
        .collect();
    (glyphs, width)
}

/// A page's size and margin, in points.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub margin: f32,
}

impl Page {
    pub const A4: Page = Page { width: 595.0, height: 842.0, margin: 50.0 };
    /// A 4×6 in shipping label.
    pub const LABEL_4X6: Page = Page { width: 288.0, height: 432.0, margin: 14.0 };
}

/// Renders the lines as a PDF document of A4 pages.
pub fn render_pdf(title: &str, lines: &[PdfLine]) -> Result<Vec<u8>, PdfError> {
    render_pdf_on(Page::A4, title, lines)
}

/// Renders the lines as a PDF document of pages of `size`.
pub fn render_pdf_on(size: Page, title: &str, lines: &[PdfLine]) -> Result<Vec<u8>, PdfError> {
    let Page { width: page_width, height: page_height, margin } = size;
    let fonts = &*FONTS;
    let settings =
        || PageSettings::from_wh(page_width, page_height).ok_or_else(|| PdfError("bad page size".into()));
    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(title.to_string()).producer("Tradeport".to_string()));
    let mut pages: Vec<Vec<&PdfLine>> = vec![Vec::new()];
    let mut y = margin;
    for line in lines {
        let step = line.step();
        if y + step > page_height - margin {
            pages.push(Vec::new());
            y = margin;
        }
        y += step;
        pages.last_mut().unwrap_or_else(|| unreachable!("there is always a page")).push(line);
    }
    for page_lines in pages {
        let mut page = document.start_page_with(settings()?);
        let mut surface = page.surface();
        let mut y = margin;
        for line in page_lines {
            if line.barcode {
                let mut path = PathBuilder::new();
                for (start, width) in code128_bars(&line.text)? {
                    let x = margin + start as f32 * MODULE;
                    if let Some(rect) = Rect::from_xywh(x, y + 4.0, width as f32 * MODULE, BAR_HEIGHT) {
                        path.push_rect(rect);
                    }
                }
                if let Some(path) = path.finish() {
                    surface.set_fill(Some(krilla::paint::Fill::default()));
                    surface.draw_path(&path);
                }
                y += BAR_HEIGHT + 4.0;
            }
            y += line.size as f32 + 6.0;
            let size = line.size as f32;
            let chain = if line.heading { &fonts.bold } else { &fonts.regular };
            let mut runs = runs(&line.text, chain);
            // A line that starts in a right-to-left script reads right to left: its runs too.
            if runs
                .iter()
                .find(|r| r.text.chars().any(char::is_alphabetic))
                .is_some_and(|r| r.face.right_to_left)
            {
                runs.reverse();
            }
            let mut x = margin;
            for run in &runs {
                let (glyphs, width) = shape(run);
                surface.draw_glyphs(
                    Point::from_xy(x, y),
                    &glyphs,
                    run.face.font.clone(),
                    &run.text,
                    size,
                    false,
                );
                x += width * size;
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PdfError(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(pdf: &[u8]) -> String {
        let doc = lopdf::Document::load_mem(pdf).expect("a PDF a reader can open");
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        doc.extract_text(&pages).expect("text that can be extracted")
    }

    #[test]
    fn every_script_of_a_name_prints_as_itself() {
        let names = [
            "Ada Lovelace, 1 Lovelace Way (EC1Y 8SY) é ß",
            "Анна Каренина",
            "王小明 北京市朝阳区",
            "山田太郎 東京都",
            "김민준 서울특별시",
            "สมชาย",
        ];
        let lines: Vec<PdfLine> = names.iter().map(|n| PdfLine::text(*n)).collect();
        let pdf = render_pdf("Names", &lines).unwrap();
        let text = text_of(&pdf);
        for name in names {
            assert!(text.contains(name), "{name} is in the document:\n{text}");
        }
        assert!(!text.contains('?'), "nothing printed as '?':\n{text}");
    }

    #[test]
    fn right_to_left_scripts_are_shaped_and_kept() {
        let pdf = render_pdf("Arabic", &[PdfLine::text("محمد علي"), PdfLine::text("דוד כהן")]).unwrap();
        let text = text_of(&pdf);
        // Drawn right to left, a reader may give the letters back in either order; all are there.
        for c in "محمدعليדודכהן".chars() {
            assert!(text.contains(c), "{c} is in the document:\n{text}");
        }
        let street = render_pdf("Street", &[PdfLine::text("شارع الملك فهد 2510")]).unwrap();
        let text = text_of(&street);
        assert!(text.contains("2510") && !text.contains("0152"), "numbers read left to right: {text}");
    }

    #[test]
    fn a_barcode_line_draws_its_code_128_bars_and_prints_its_text() {
        let bars = code128_bars("ASN-000001").unwrap();
        // Start B, 10 characters, check symbol: 12 symbols of 3 bars, and the stop's 4 bars.
        assert_eq!(bars.len(), 12 * 3 + 4);
        assert_eq!(bars[0], (0, 2), "start code B begins with a bar two modules wide");
        let pdf = render_pdf("Label", &[PdfLine::barcode("ASN-000001")]).unwrap();
        assert!(text_of(&pdf).contains("ASN-000001"));
        let mut doc = lopdf::Document::load_mem(&pdf).unwrap();
        doc.decompress();
        let page = *doc.get_pages().values().next().unwrap();
        let content = String::from_utf8_lossy(&doc.get_page_content(page)).to_string();
        // Each bar is a closed rectangle `x0 y m x1 y l …`: its width is x1 - x0.
        let tokens: Vec<&str> = content.split_whitespace().collect();
        let drawn: Vec<f32> = tokens
            .windows(6)
            .filter(|w| w[2] == "m" && w[5] == "l")
            .map(|w| w[3].parse::<f32>().unwrap() - w[0].parse::<f32>().unwrap())
            .collect();
        let widths: Vec<f32> = bars.iter().map(|(_, w)| *w as f32 * MODULE).collect();
        assert_eq!(drawn, widths, "one rectangle per bar, as wide as the encoding says");
        assert!(code128_bars("王").is_err(), "set B is ASCII");
    }

    #[test]
    fn long_documents_go_on_over_pages_and_only_used_glyphs_are_embedded() {
        let lines: Vec<PdfLine> = (0..120).map(|i| PdfLine::text(format!("line {i} 王"))).collect();
        let pdf = render_pdf("Order 20260325000001", &lines).unwrap();
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        assert_eq!(doc.get_pages().len(), 3, "120 lines need three pages");
        let text = text_of(&pdf);
        assert!(text.contains("line 119"), "{text}");
        assert_eq!(text.matches('王').count(), 120, "{text}");
        assert!(pdf.len() < 200_000, "the fonts are subsetted: {} bytes", pdf.len());
    }
}

//! A small PDF canvas for printed forms: text in PT Sans (Cyrillic, embedded as subsets with
//! a ToUnicode map so the text can be searched and copied), lines, boxes and QR codes drawn
//! as vectors. Coordinates are millimetres from the top-left corner of an A4 page.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

/// A4 portrait, in millimetres.
pub const PAGE_W: f32 = 210.0;
pub const PAGE_H: f32 = 297.0;
const PT_PER_MM: f32 = 72.0 / 25.4;

static REGULAR: &[u8] = include_bytes!("../assets/fonts/PTSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../assets/fonts/PTSans-Bold.ttf");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

struct FontFile {
    name: &'static str,
    data: &'static [u8],
    face: Face<'static>,
}

/// The two faces, parsed once per process.
fn faces() -> &'static [FontFile; 2] {
    static FACES: OnceLock<[FontFile; 2]> = OnceLock::new();
    FACES.get_or_init(|| {
        let parse = |name, data: &'static [u8]| FontFile {
            name,
            data,
            face: Face::parse(data, 0)
                .unwrap_or_else(|e| unreachable!("the shipped font {name} is valid: {e}")),
        };
        [parse("PTSans-Regular", REGULAR), parse("PTSans-Bold", BOLD)]
    })
}

/// Glyphs of one face used in the document, numbered in the order of first use (the subset's
/// glyph ids, which are also the CIDs written in the content).
struct UsedGlyphs {
    remapper: GlyphRemapper,
    /// New glyph id → (character, advance in 1/1000 em).
    glyphs: BTreeMap<u16, (char, f32)>,
}

/// A document being drawn, page by page.
pub struct Document {
    title: String,
    pages: Vec<Content>,
    used: [UsedGlyphs; 2],
}

fn pt(mm: f32) -> f32 {
    mm * PT_PER_MM
}

/// PDF's y axis grows upwards from the bottom of the page.
fn y_pt(mm_from_top: f32) -> f32 {
    pt(PAGE_H - mm_from_top)
}

impl Document {
    pub fn new(title: &str) -> Self {
        let used = || UsedGlyphs {
            remapper: GlyphRemapper::new(),
            glyphs: BTreeMap::new(),
        };
        Self {
            title: title.to_owned(),
            pages: vec![Content::new()],
            used: [used(), used()],
        }
    }

    /// Starts a new page: what is drawn next goes on it.
    pub fn new_page(&mut self) {
        self.pages.push(Content::new());
    }

    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Width of `text` in millimetres.
    pub fn width(&self, text: &str, size: f32, weight: Weight) -> f32 {
        let face = &faces()[weight as usize].face;
        let units = f32::from(face.units_per_em());
        let w: f32 = text
            .chars()
            .map(|c| f32::from(face.glyph_hor_advance(glyph(face, c).1).unwrap_or(0)) / units)
            .sum();
        w * size / PT_PER_MM
    }

    /// Text with its baseline at `y`, starting at `x`.
    pub fn text(&mut self, x: f32, y: f32, size: f32, weight: Weight, text: &str) {
        let font = &faces()[weight as usize];
        let units = f32::from(font.face.units_per_em());
        let used = &mut self.used[weight as usize];
        let mut encoded = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let (c, gid) = glyph(&font.face, c);
            let new = used.remapper.remap(gid.0);
            let advance = f32::from(font.face.glyph_hor_advance(gid).unwrap_or(0)) / units;
            used.glyphs.entry(new).or_insert((c, advance * 1000.0));
            encoded.extend_from_slice(&new.to_be_bytes());
        }
        let name = font_name(weight);
        let page = self.page();
        page.begin_text();
        page.set_font(Name(name), size);
        page.next_line(pt(x), y_pt(y));
        page.show(Str(&encoded));
        page.end_text();
    }

    /// Text ending at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, size: f32, weight: Weight, text: &str) {
        let w = self.width(text, size, weight);
        self.text(right - w, y, size, weight, text);
    }

    /// Text centred on `center`.
    pub fn text_center(&mut self, center: f32, y: f32, size: f32, weight: Weight, text: &str) {
        let w = self.width(text, size, weight);
        self.text(center - w / 2.0, y, size, weight, text);
    }

    /// Text broken into lines no wider than `max_w`; returns the number of lines drawn.
    pub fn paragraph(
        &mut self,
        x: f32,
        y: f32,
        max_w: f32,
        size: f32,
        weight: Weight,
        text: &str,
    ) -> usize {
        let lines = self.wrap(text, max_w, size, weight);
        let leading = size * 1.25 / PT_PER_MM;
        for (i, line) in lines.iter().enumerate() {
            self.text(x, y + leading * i as f32, size, weight, line);
        }
        lines.len()
    }

    /// Greedy line breaking at spaces (a word longer than a line is cut).
    pub fn wrap(&self, text: &str, max_w: f32, size: f32, weight: Weight) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size, weight) <= max_w || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_owned();
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let page = self.page();
        page.set_line_width(width);
        page.move_to(pt(x1), y_pt(y1));
        page.line_to(pt(x2), y_pt(y2));
        page.stroke();
    }

    /// A dashed line (the cut line between the notice and the counterfoil).
    pub fn dashed_line(&mut self, x1: f32, y: f32, x2: f32) {
        let page = self.page();
        page.save_state();
        page.set_dash_pattern([3.0, 2.0], 0.0);
        page.set_line_width(0.5);
        page.move_to(pt(x1), y_pt(y));
        page.line_to(pt(x2), y_pt(y));
        page.stroke();
        page.restore_state();
    }

    /// An outlined box with its top-left corner at (x, y).
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        let page = self.page();
        page.set_line_width(width);
        page.rect(pt(x), y_pt(y + h), pt(w), pt(h));
        page.stroke();
    }

    /// A filled box in a shade of grey (0 black, 1 white).
    pub fn shade(&mut self, x: f32, y: f32, w: f32, h: f32, gray: f32) {
        let page = self.page();
        page.save_state();
        page.set_fill_gray(gray);
        page.rect(pt(x), y_pt(y + h), pt(w), pt(h));
        page.fill_nonzero();
        page.restore_state();
    }

    /// A QR code `size` millimetres wide with its top-left corner at (x, y), one rectangle per
    /// dark module, on a white quiet zone of four modules (ISO/IEC 18004).
    pub fn qr(&mut self, x: f32, y: f32, size: f32, code: &qrcode::QrCode) {
        let n = code.width();
        let module = size / (n + 8) as f32;
        let colors = code.to_colors();
        let page = self.page();
        page.save_state();
        page.set_fill_gray(1.0);
        page.rect(pt(x), y_pt(y + size), pt(size), pt(size));
        page.fill_nonzero();
        page.set_fill_gray(0.0);
        for row in 0..n {
            // Runs of dark modules in a row become one rectangle each.
            let mut col = 0;
            while col < n {
                if colors[row * n + col] == qrcode::Color::Dark {
                    let start = col;
                    while col < n && colors[row * n + col] == qrcode::Color::Dark {
                        col += 1;
                    }
                    let mx = x + module * (start + 4) as f32;
                    let my = y + module * (row + 4) as f32;
                    page.rect(
                        pt(mx),
                        y_pt(my + module),
                        pt(module * (col - start) as f32),
                        pt(module),
                    );
                } else {
                    col += 1;
                }
            }
        }
        page.fill_nonzero();
        page.restore_state();
    }

    /// The finished file: fonts subset to the glyphs used, streams deflated.
    pub fn finish(self) -> anyhow::Result<Vec<u8>> {
        let mut pdf = Pdf::new();
        let mut next = 1;
        let mut alloc = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        let catalog = alloc();
        let tree = alloc();
        let info = alloc();
        let page_ids: Vec<(Ref, Ref)> = self.pages.iter().map(|_| (alloc(), alloc())).collect();
        let font_ids: Vec<Ref> = (0..2).map(|_| alloc()).collect();

        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().map(|(p, _)| *p))
            .count(page_ids.len() as i32);
        pdf.document_info(info)
            .title(TextStr(&self.title))
            .producer(TextStr("ЛКА"));

        for ((page_id, content_id), content) in page_ids.iter().zip(self.pages) {
            let mut page = pdf.page(*page_id);
            page.media_box(Rect::new(0.0, 0.0, pt(PAGE_W), pt(PAGE_H)));
            page.parent(tree);
            page.contents(*content_id);
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            for (weight, id) in [Weight::Regular, Weight::Bold].iter().zip(&font_ids) {
                fonts.pair(Name(font_name(*weight)), *id);
            }
            fonts.finish();
            resources.finish();
            page.finish();
            let data = deflate(&content.finish());
            pdf.stream(*content_id, &data).filter(Filter::FlateDecode);
        }

        for (i, (font, used)) in faces().iter().zip(&self.used).enumerate() {
            write_font(&mut pdf, font_ids[i], font, used, &mut alloc)?;
        }
        Ok(pdf.finish())
    }
}

/// The glyph of `c`. Characters the font lacks (a narrow no-break space, say) become their
/// nearest relative, so that the text layer says what the page shows.
fn glyph(face: &Face<'_>, c: char) -> (char, GlyphId) {
    let c = match face.glyph_index(c) {
        Some(_) => c,
        None if c.is_whitespace() => '\u{a0}',
        None => '?',
    };
    (c, face.glyph_index(c).unwrap_or(GlyphId(0)))
}

fn font_name(weight: Weight) -> &'static [u8] {
    match weight {
        Weight::Regular => b"F1",
        Weight::Bold => b"F2",
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

const IDENTITY: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// A Type 0 font with a CIDFontType2 descendant holding the subset (PDF 32000-1 §9.7).
fn write_font(
    pdf: &mut Pdf,
    type0: Ref,
    font: &FontFile,
    used: &UsedGlyphs,
    alloc: &mut impl FnMut() -> Ref,
) -> anyhow::Result<()> {
    let (cid, descriptor, file, cmap_id) = (alloc(), alloc(), alloc(), alloc());
    // A subset is named with a six-letter tag (§9.6.4); the letters only need to differ
    // between subsets of one document.
    let base = format!(
        "{}+{}",
        if font.name.ends_with("Bold") {
            "LKAAAB"
        } else {
            "LKAAAA"
        },
        font.name
    );
    pdf.type0_font(type0)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap_id);

    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(Name(base.as_bytes()))
        .system_info(IDENTITY)
        .font_descriptor(descriptor)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    let mut widths = cid_font.widths();
    for (gid, (_, w)) in &used.glyphs {
        widths.consecutive(*gid, [*w]);
    }
    widths.finish();
    cid_font.finish();

    let face = &font.face;
    let scale = 1000.0 / f32::from(face.units_per_em());
    let bbox = face.global_bounding_box();
    let mut flags = FontFlags::NON_SYMBOLIC;
    if face.is_monospaced() {
        flags |= FontFlags::FIXED_PITCH;
    }
    pdf.font_descriptor(descriptor)
        .name(Name(base.as_bytes()))
        .flags(flags)
        .bbox(Rect::new(
            f32::from(bbox.x_min) * scale,
            f32::from(bbox.y_min) * scale,
            f32::from(bbox.x_max) * scale,
            f32::from(bbox.y_max) * scale,
        ))
        .italic_angle(face.italic_angle())
        .ascent(f32::from(face.ascender()) * scale)
        .descent(f32::from(face.descender()) * scale)
        .cap_height(f32::from(face.capital_height().unwrap_or(face.ascender())) * scale)
        .stem_v(if font.name.ends_with("Bold") {
            120.0
        } else {
            80.0
        })
        .font_file2(file);

    let subset = subsetter::subset(font.data, 0, &used.remapper)
        .map_err(|e| anyhow::anyhow!("font subset of {}: {e}", font.name))?;
    pdf.stream(file, &deflate(&subset))
        .filter(Filter::FlateDecode);

    let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"LKA-UTF16"), IDENTITY);
    for (gid, (c, _)) in &used.glyphs {
        cmap.pair(*gid, *c);
    }
    pdf.cmap(cmap_id, &cmap.finish());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_with_cyrillic_text_is_a_small_pdf_with_subset_fonts() {
        let mut d = Document::new("Проба");
        d.text(
            20.0,
            20.0,
            12.0,
            Weight::Regular,
            "Электроэнергия № 1 — 500,00 ₽",
        );
        d.text(20.0, 30.0, 12.0, Weight::Bold, "Квитанция");
        let bytes = d.finish().expect("pdf");
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(
            bytes.len() < 60_000,
            "subset fonts keep it small: {} bytes",
            bytes.len()
        );
    }

    #[test]
    fn lines_wrap_at_spaces_within_the_width() {
        let d = Document::new("x");
        let text = "Оплата электроэнергии по лицевому счёту 680000000001 за октябрь 2026 года";
        let lines = d.wrap(text, 50.0, 10.0, Weight::Regular);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        for l in &lines {
            assert!(d.width(l, 10.0, Weight::Regular) <= 50.0, "{l}");
        }
    }
}

//! Text on static images, in the reader's language: ordered by the Unicode bidirectional algorithm
//! (`unicode-bidi`), shaped by rustybuzz (`HarfBuzz`'s shaping in Rust: Arabic letters joined, marks placed, right to
//! left), with the map's own fonts (Noto Sans, and Noto Sans Arabic for Arabic script), and rasterised from the
//! same glyph ids with `ab_glyph`.

use ab_glyph::{Font as _, FontRef, GlyphId, PxScale};
use rustybuzz::{Direction, Face, UnicodeBuffer};
use tiny_skia::Pixmap;
use unicode_bidi::{BidiInfo, Level};

use crate::basemap::{FONT_ARABIC, FONT_LATIN};

/// One font, as the shaper and the rasteriser see it.
struct Font {
    shaper: Face<'static>,
    outlines: FontRef<'static>,
    units_per_em: f32,
}

impl Font {
    fn new(bytes: &'static [u8]) -> Option<Font> {
        let shaper = Face::from_slice(bytes, 0)?;
        let units_per_em = f32::from(shaper.units_per_em().max(1).unsigned_abs() as u16);
        Some(Font { shaper, outlines: FontRef::try_from_slice(bytes).ok()?, units_per_em })
    }
}

/// The fonts of the images: Latin (and Cyrillic) first, Arabic second.
pub struct Fonts {
    fonts: [Font; 2],
}

/// Index of the Arabic font in [`Fonts`].
const ARABIC: usize = 1;

/// A glyph placed on a line, in pixels from the line's left end and baseline (y down).
#[derive(Clone, Copy, Debug)]
struct Placed {
    font: usize,
    id: u16,
    x: f32,
    y: f32,
}

/// A shaped line of text at a size, in visual order.
#[derive(Debug)]
pub struct Line {
    glyphs: Vec<Placed>,
    /// Its advance width in pixels.
    pub width: f32,
    /// Its size: pixels per em.
    pub size: f32,
}

fn is_arabic(c: char) -> bool {
    matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

/// Characters any script uses (spaces, digits, punctuation): they take the font of the text around them.
fn is_common(c: char) -> bool {
    c.is_ascii_punctuation() || c.is_ascii_digit() || c.is_whitespace() || matches!(c, '\u{200C}'..='\u{200F}')
}

impl Fonts {
    /// The embedded fonts; `None` if one cannot be read (images are then drawn without text).
    pub fn embedded() -> Option<Fonts> {
        Some(Fonts { fonts: [Font::new(FONT_LATIN)?, Font::new(FONT_ARABIC)?] })
    }

    /// Shapes one line of `text` at `size` pixels per em. `rtl` is the paragraph's direction (the page's).
    pub fn shape(&self, text: &str, size: f32, rtl: bool) -> Line {
        let mut line = Line { glyphs: Vec::new(), width: 0.0, size };
        if text.is_empty() {
            return line;
        }
        let info = BidiInfo::new(text, Some(if rtl { Level::rtl() } else { Level::ltr() }));
        for paragraph in &info.paragraphs {
            let (levels, runs) = info.visual_runs(paragraph, paragraph.range.clone());
            for run in runs {
                let run_rtl = levels[run.start].is_rtl();
                let mut pieces = self.font_runs(&text[run.clone()], run.start);
                if run_rtl {
                    pieces.reverse();
                }
                for (font, range) in pieces {
                    self.shape_piece(&text[range], font, run_rtl, &mut line);
                }
            }
        }
        line
    }

    fn shape_piece(&self, piece: &str, font: usize, rtl: bool, line: &mut Line) {
        let face = &self.fonts[font];
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(piece);
        buffer.guess_segment_properties();
        buffer.set_direction(if rtl { Direction::RightToLeft } else { Direction::LeftToRight });
        let shaped = rustybuzz::shape(&face.shaper, &[], buffer);
        let scale = line.size / face.units_per_em;
        for (info, position) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            line.glyphs.push(Placed {
                font,
                id: info.glyph_id as u16,
                x: line.width + position.x_offset as f32 * scale,
                y: -(position.y_offset as f32) * scale,
            });
            line.width += position.x_advance as f32 * scale;
        }
    }

    /// The distance from the top of a line of `size` to its baseline.
    pub fn ascent(&self, size: f32) -> f32 {
        let face = &self.fonts[0];
        f32::from(face.shaper.ascender()) * size / face.units_per_em
    }

    /// Splits a run (starting at byte `offset` of the text) into pieces of one font each, in logical order, as
    /// byte ranges of the text. Common characters join the piece they are in when its font has them.
    fn font_runs(&self, run: &str, offset: usize) -> Vec<(usize, std::ops::Range<usize>)> {
        let mut pieces: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
        let first_font = run.chars().find(|c| !is_common(*c)).map_or(0, |c| usize::from(is_arabic(c)) * ARABIC);
        for (i, c) in run.char_indices() {
            let font = if is_common(c) {
                let around = pieces.last().map_or(first_font, |p| p.0);
                if self.fonts[around].shaper.glyph_index(c).is_some() { around } else { 0 }
            } else {
                usize::from(is_arabic(c)) * ARABIC
            };
            let at = offset + i;
            match pieces.last_mut() {
                Some((f, range)) if *f == font => range.end = at + c.len_utf8(),
                _ => pieces.push((font, at..at + c.len_utf8())),
            }
        }
        pieces
    }

    /// Draws a shaped line with its left end at `left` and its top at `top`, in `rgb`.
    pub fn draw(&self, pixmap: &mut Pixmap, line: &Line, (left, top): (f32, f32), rgb: (u8, u8, u8)) {
        let baseline = top + self.ascent(line.size);
        let (width, height) = (pixmap.width() as i32, pixmap.height() as i32);
        let data = pixmap.data_mut();
        for glyph in &line.glyphs {
            let font = &self.fonts[glyph.font];
            // ab_glyph's scale is the font's height (ascent − descent) in pixels, not its em.
            let height_px = line.size * font.outlines.height_unscaled() / font.units_per_em;
            let placed = GlyphId(glyph.id)
                .with_scale_and_position(PxScale::from(height_px), ab_glyph::point(left + glyph.x, baseline + glyph.y));
            let Some(outlined) = font.outlines.outline_glyph(placed) else { continue };
            let bounds = outlined.px_bounds();
            outlined.draw(|gx, gy, coverage| {
                let px = bounds.min.x as i32 + gx as i32;
                let py = bounds.min.y as i32 + gy as i32;
                if px < 0 || py < 0 || px >= width || py >= height {
                    return;
                }
                let i = ((py * width + px) * 4) as usize;
                let a = coverage.clamp(0.0, 1.0);
                for (k, channel) in [rgb.0, rgb.1, rgb.2].into_iter().enumerate() {
                    let old = f32::from(data[i + k]);
                    data[i + k] = (old + (f32::from(channel) - old) * a).round() as u8;
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        Fonts::embedded().unwrap_or_else(|| panic!("the embedded fonts are readable"))
    }

    #[test]
    fn arabic_letters_are_joined_into_contextual_forms() {
        let fonts = fonts();
        // "بيت": three letters that join; shaped, each takes its initial, medial or final form, so the glyphs differ
        // from the letters drawn alone.
        let joined = fonts.shape("بيت", 20.0, true);
        let alone: Vec<u16> = ["ب", "ي", "ت"].iter().map(|c| fonts.shape(c, 20.0, true).glyphs[0].id).collect();
        let mut shaped: Vec<u16> = joined.glyphs.iter().map(|g| g.id).collect();
        shaped.reverse();
        assert_eq!(shaped.len(), 3);
        assert_ne!(shaped, alone, "isolated forms would mean no shaping");
        assert!(joined.glyphs.iter().all(|g| g.font == ARABIC));
    }

    #[test]
    fn arabic_runs_right_to_left_and_latin_inside_it_left_to_right() {
        let fonts = fonts();
        // A right-to-left paragraph: the Latin word comes visually first (leftmost) when it ends the text.
        let line = fonts.shape("قاعدة Khmeimim", 20.0, true);
        let first_latin =
            line.glyphs.iter().position(|g| g.font == 0 && g.id != fonts.shape(" ", 20.0, false).glyphs[0].id);
        let first_arabic = line.glyphs.iter().position(|g| g.font == ARABIC);
        assert!(first_latin < first_arabic, "{:?}", line.glyphs);
        // Glyphs advance left to right in visual order.
        assert!(line.glyphs.windows(2).all(|w| w[0].x <= w[1].x + 0.01), "{:?}", line.glyphs);
    }

    #[test]
    fn punctuation_the_arabic_font_lacks_is_drawn_from_the_latin_one() {
        let fonts = fonts();
        let line = fonts.shape("انسحاب (لم يتحقق)", 20.0, true);
        assert!(line.glyphs.iter().all(|g| g.id != 0), "no missing glyphs: {:?}", line.glyphs);
        assert!(line.glyphs.iter().any(|g| g.font == 0), "the parentheses come from Noto Sans");
    }

    #[test]
    fn latin_and_cyrillic_use_the_latin_font_with_kerned_advances() {
        let fonts = fonts();
        let line = fonts.shape("Удары, 2025", 10.0, false);
        assert!(line.glyphs.iter().all(|g| g.font == 0));
        assert_eq!(line.glyphs.len(), "Удары, 2025".chars().count());
        assert!(line.width > 30.0 && line.width < 80.0, "{}", line.width);
    }
}

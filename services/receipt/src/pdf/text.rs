//! Fonts and the little text layout a statement needs: measuring, wrapping
//! and turning a string into positioned glyphs.
//!
//! Korean and the ASCII used on a statement need no shaping (no ligatures,
//! no reordering), so one glyph per character from the font's cmap with its
//! advance width is exact. The PDF embeds only the glyphs used (krilla
//! subsets the font), which keeps a statement in the tens of kilobytes.

use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("cannot read font {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} is not a usable TrueType/OpenType font")]
    Invalid { path: String },
}

/// A loaded font: parsed once at start-up and shared by every render
/// (krilla hashes the whole file when a `Font` is created, so it is not
/// something to do per document).
#[derive(Clone)]
pub struct Typeface {
    font: Font,
    data: Arc<Vec<u8>>,
}

impl Typeface {
    pub fn load(path: &Path) -> Result<Typeface, FontError> {
        let data = std::fs::read(path).map_err(|e| FontError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::from_bytes(data).ok_or_else(|| FontError::Invalid {
            path: path.display().to_string(),
        })
    }

    pub fn from_bytes(data: Vec<u8>) -> Option<Typeface> {
        let data = Arc::new(data);
        FontRef::new(&data).ok()?;
        let font = Font::new(krilla::Data::from(Arc::clone(&data)), 0)?;
        Some(Typeface { font, data })
    }

    pub fn font(&self) -> &Font {
        &self.font
    }

    /// Metrics for one render (cheap: it reads the table directory).
    pub fn metrics(&self) -> Option<Metrics<'_>> {
        let font = FontRef::new(&self.data).ok()?;
        let upem = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        Some(Metrics {
            charmap: font.charmap(),
            glyphs: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            upem: if upem > 0.0 { upem } else { 1000.0 },
        })
    }
}

/// The regular and bold faces a statement is set in.
#[derive(Clone)]
pub struct Fonts {
    pub regular: Typeface,
    pub bold: Typeface,
}

impl Fonts {
    /// NanumGothic from a directory (the `fonts-nanum` package installs it
    /// in /usr/share/fonts/truetype/nanum).
    pub fn load(dir: &Path) -> Result<Fonts, FontError> {
        Ok(Fonts {
            regular: Typeface::load(&dir.join("NanumGothic.ttf"))?,
            bold: Typeface::load(&dir.join("NanumGothicBold.ttf"))?,
        })
    }
}

pub struct Metrics<'a> {
    charmap: skrifa::charmap::Charmap<'a>,
    glyphs: skrifa::metrics::GlyphMetrics<'a>,
    upem: f32,
}

impl Metrics<'_> {
    pub fn has_char(&self, c: char) -> bool {
        self.charmap.map(c).is_some()
    }

    /// Glyph id and advance (in em) of a character; a character the font
    /// lacks is drawn as `?` rather than as an invisible .notdef box.
    fn glyph(&self, c: char) -> (u32, f32) {
        let id = self
            .charmap
            .map(c)
            .or_else(|| self.charmap.map('?'))
            .unwrap_or_default();
        let advance = self.glyphs.advance_width(id).unwrap_or(0.0) / self.upem;
        (id.to_u32(), advance)
    }

    /// Width of `text` in points at `size`.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).1).sum::<f32>() * size
    }

    /// One glyph per character, each mapped back to its characters so the
    /// PDF's ToUnicode map makes the text extractable.
    pub fn shape(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(i, c)| {
                let (id, advance) = self.glyph(c);
                KrillaGlyph::new(
                    GlyphId::new(id),
                    advance,
                    0.0,
                    0.0,
                    0.0,
                    i..i + c.len_utf8(),
                    None,
                )
            })
            .collect()
    }

    /// Breaks `text` into lines no wider than `max_width`: at spaces where
    /// possible, anywhere inside a word otherwise (Hangul has no hyphenation
    /// and long variety names have no spaces). Explicit newlines are kept.
    pub fn wrap(&self, text: &str, size: f32, max_width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut width = 0.0;
            // Byte index in `line` just after the last space, for word breaks.
            let mut last_space: Option<usize> = None;
            for c in paragraph.chars() {
                let w = self.glyph(c).1 * size;
                if width + w > max_width && !line.is_empty() {
                    match last_space {
                        Some(at) if at < line.len() => {
                            let rest = line.split_off(at);
                            lines.push(line.trim_end().to_owned());
                            line = rest;
                        }
                        _ => lines.push(std::mem::take(&mut line).trim_end().to_owned()),
                    }
                    last_space = None;
                    if c == ' ' && line.is_empty() {
                        width = 0.0;
                        continue;
                    }
                    width = self.width(&line, size);
                }
                line.push(c);
                width += w;
                if c == ' ' {
                    last_space = Some(line.len());
                }
            }
            lines.push(line.trim_end().to_owned());
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        let dir = std::env::var("RECEIPT_FONT_DIR")
            .unwrap_or_else(|_| crate::config::DEFAULT_FONT_DIR.to_owned());
        Fonts::load(Path::new(&dir)).expect("NanumGothic installed (make tools)")
    }

    #[test]
    fn wrapping_keeps_every_character_and_respects_the_width() {
        let fonts = fonts();
        let m = fonts.regular.metrics().expect("metrics");
        let text = "(수입장미)아주아주긴이름의품종명입니다 정말로 길어요-상";
        let lines = m.wrap(text, 9.0, 80.0);
        assert!(lines.len() > 1, "{lines:?}");
        for line in &lines {
            assert!(m.width(line, 9.0) <= 80.0 + 0.01, "{line}");
        }
        let joined: String = lines.concat().chars().filter(|c| *c != ' ').collect();
        let original: String = text.chars().filter(|c| *c != ' ').collect();
        assert_eq!(joined, original);
    }

    #[test]
    fn nanum_gothic_covers_hangul_and_the_won_sign() {
        let fonts = fonts();
        let m = fonts.regular.metrics().expect("metrics");
        for c in ['가', '힣', '₩', '1', ','] {
            assert!(m.has_char(c), "{c}");
        }
        assert!(m.width("가나다", 10.0) > m.width("가", 10.0));
    }
}

//! The 80 mm receipt-printer roll: one column 226.77 pt (80 mm) wide, as
//! long as its content, text wrapped to the width, cut lines between
//! slips. A roll longer than a PDF page may be (viewers stop at 200 inches)
//! continues on the next page, which the printer feeds on without a gap.

use super::ink::{Align, Ink};
use super::layout::{RenderError, Rendered};
use super::text::{Fonts, Metrics};
use krilla::Document;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;

/// 80 mm in points.
pub const ROLL_W: f32 = 80.0 / 25.4 * 72.0;
const MARGIN: f32 = 10.0;
const CONTENT_W: f32 = ROLL_W - 2.0 * MARGIN;
/// Below the 14,400 pt (200 in) that PDF viewers accept for a page side.
const MAX_PAGE_H: f32 = 14_000.0;
const LINE: f32 = 1.3;

pub(super) enum Piece {
    /// Wrapped to the width.
    Text {
        text: String,
        size: f32,
        bold: bool,
        align: Align,
    },
    /// `left` wrapped beside `right`, which stays on the first line (a name
    /// and its count).
    Pair {
        left: String,
        right: String,
        size: f32,
        bold: bool,
    },
    /// A thin rule across the width.
    Rule,
    /// Where to tear or cut between slips.
    Cut,
    Gap(f32),
}

impl Piece {
    pub fn text(text: impl Into<String>, size: f32, bold: bool) -> Piece {
        Piece::Text {
            text: text.into(),
            size,
            bold,
            align: Align::Left,
        }
    }

    pub fn centred(text: impl Into<String>, size: f32, bold: bool) -> Piece {
        Piece::Text {
            text: text.into(),
            size,
            bold,
            align: Align::Center,
        }
    }

    pub fn pair(left: impl Into<String>, right: impl Into<String>, size: f32, bold: bool) -> Piece {
        Piece::Pair {
            left: left.into(),
            right: right.into(),
            size,
            bold,
        }
    }
}

pub(super) struct Roll {
    pub metadata: Metadata,
    pub pieces: Vec<Piece>,
}

/// One laid-out line of the roll: its height and what it draws.
enum Placed {
    Text {
        text: String,
        size: f32,
        bold: bool,
        align: Align,
    },
    Pair {
        left: String,
        right: Option<String>,
        size: f32,
        bold: bool,
    },
    Rule,
    Cut,
    Gap,
}

fn place(regular: &Metrics<'_>, bold_m: &Metrics<'_>, pieces: &[Piece]) -> Vec<(Placed, f32)> {
    let mut out = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Text {
                text,
                size,
                bold,
                align,
            } => {
                let m = if *bold { bold_m } else { regular };
                for line in m.wrap(text, *size, CONTENT_W) {
                    out.push((
                        Placed::Text {
                            text: line,
                            size: *size,
                            bold: *bold,
                            align: *align,
                        },
                        size * LINE,
                    ));
                }
            }
            Piece::Pair {
                left,
                right,
                size,
                bold,
            } => {
                let m = if *bold { bold_m } else { regular };
                let right_w = m.width(right, *size) + 6.0;
                let lines = m.wrap(left, *size, (CONTENT_W - right_w).max(CONTENT_W / 3.0));
                for (i, line) in lines.into_iter().enumerate() {
                    out.push((
                        Placed::Pair {
                            left: line,
                            right: (i == 0).then(|| right.clone()),
                            size: *size,
                            bold: *bold,
                        },
                        size * LINE,
                    ));
                }
            }
            Piece::Rule => out.push((Placed::Rule, 6.0)),
            Piece::Cut => out.push((Placed::Cut, 24.0)),
            Piece::Gap(h) => out.push((Placed::Gap, *h)),
        }
    }
    out
}

pub(super) fn render(roll: &Roll, fonts: &Fonts) -> Result<Rendered, RenderError> {
    let regular = fonts.regular.metrics().ok_or(RenderError::Metrics)?;
    let bold = fonts.bold.metrics().ok_or(RenderError::Metrics)?;
    let placed = place(&regular, &bold, &roll.pieces);
    // Pages: as long as their lines, none longer than MAX_PAGE_H.
    let mut pages: Vec<(std::ops::Range<usize>, f32)> = Vec::new();
    let mut start = 0;
    let mut h = 0.0;
    for (i, (_, line_h)) in placed.iter().enumerate() {
        if h + line_h > MAX_PAGE_H - 2.0 * MARGIN && i > start {
            pages.push((start..i, h));
            start = i;
            h = 0.0;
        }
        h += line_h;
    }
    pages.push((start..placed.len(), h));

    let mut document = Document::new();
    document.set_metadata(roll.metadata.clone());
    let count = pages.len();
    for (range, height) in pages {
        let settings =
            PageSettings::from_wh(ROLL_W, height + 2.0 * MARGIN).ok_or(RenderError::Metrics)?;
        let mut page = document.start_page_with(settings);
        {
            let mut ink = Ink {
                surface: page.surface(),
                fonts,
                regular: &regular,
                bold: &bold,
            };
            let mut y = MARGIN;
            for (line, line_h) in placed.get(range).unwrap_or_default() {
                draw(&mut ink, y, line, *line_h);
                y += line_h;
            }
            ink.surface.finish();
        }
        page.finish();
    }
    let bytes = document
        .finish()
        .map_err(|e| RenderError::Pdf(format!("{e:?}")))?;
    Ok(Rendered {
        bytes,
        pages: count,
    })
}

fn draw(ink: &mut Ink<'_, '_>, y: f32, line: &Placed, h: f32) {
    match line {
        Placed::Text {
            text,
            size,
            bold,
            align,
        } => {
            let baseline = y + size * 1.0;
            ink.text_in(
                MARGIN - 3.0,
                CONTENT_W + 6.0,
                baseline,
                text,
                *size,
                *bold,
                *align,
            );
        }
        Placed::Pair {
            left,
            right,
            size,
            bold,
        } => {
            let baseline = y + size * 1.0;
            ink.text(MARGIN, baseline, left, *size, *bold);
            if let Some(right) = right {
                let w = ink.metrics(*bold).width(right, *size);
                ink.text(MARGIN + CONTENT_W - w, baseline, right, *size, *bold);
            }
        }
        Placed::Rule => {
            let ry = y + h / 2.0;
            ink.line(MARGIN, ry, MARGIN + CONTENT_W, ry, 0.5, false);
        }
        Placed::Cut => {
            let ry = y + h / 2.0;
            let label = "절취선";
            let size = 6.5;
            let w = ink.regular.width(label, size);
            let gap_from = MARGIN + (CONTENT_W - w) / 2.0 - 4.0;
            let gap_to = MARGIN + (CONTENT_W + w) / 2.0 + 4.0;
            ink.line(MARGIN - 6.0, ry, gap_from, ry, 0.8, true);
            ink.line(gap_to, ry, MARGIN + CONTENT_W + 6.0, ry, 0.8, true);
            ink.text(gap_from + 4.0, ry + size * 0.35, label, size, false);
        }
        Placed::Gap => {}
    }
}

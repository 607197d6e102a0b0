//! The few drawing strokes the day's papers (pick list, packing slips) use:
//! text in the statement's fonts, lines and boxes. The statement keeps its
//! own pen in `layout.rs`; these layouts need less of one.

use super::text::{Fonts, Metrics};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::surface::Surface;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Center,
    Right,
}

pub(super) struct Ink<'p, 'm> {
    pub surface: Surface<'p>,
    pub fonts: &'m Fonts,
    pub regular: &'m Metrics<'m>,
    pub bold: &'m Metrics<'m>,
}

impl Ink<'_, '_> {
    pub fn metrics(&self, bold: bool) -> &Metrics<'_> {
        if bold { self.bold } else { self.regular }
    }

    pub fn text(&mut self, x: f32, baseline: f32, text: &str, size: f32, bold: bool) {
        if text.is_empty() {
            return;
        }
        let (glyphs, font) = if bold {
            (self.bold.shape(text), self.fonts.bold.font().clone())
        } else {
            (self.regular.shape(text), self.fonts.regular.font().clone())
        };
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(Fill::default()));
        self.surface.draw_glyphs(
            Point::from_xy(x, baseline),
            &glyphs,
            font,
            text,
            size,
            false,
        );
    }

    /// `text` in the box [x, x + w] on `baseline`, aligned, with `pad` inside.
    #[allow(clippy::too_many_arguments)]
    pub fn text_in(
        &mut self,
        x: f32,
        w: f32,
        baseline: f32,
        text: &str,
        size: f32,
        bold: bool,
        align: Align,
    ) {
        let pad = 3.0;
        let width = self.metrics(bold).width(text, size);
        let tx = match align {
            Align::Left => x + pad,
            Align::Center => x + (w - width) / 2.0,
            Align::Right => x + w - pad - width,
        };
        self.text(tx, baseline, text, size, bold);
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, dashed: bool) {
        let mut pb = PathBuilder::new();
        pb.move_to(x1, y1);
        pb.line_to(x2, y2);
        if let Some(path) = pb.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke {
                width,
                dash: dashed.then(|| StrokeDash {
                    array: vec![3.0, 2.0],
                    offset: 0.0,
                }),
                ..Stroke::default()
            }));
            self.surface.draw_path(&path);
        }
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        let mut pb = PathBuilder::new();
        if let Some(rect) = Rect::from_xywh(x, y, w, h) {
            pb.push_rect(rect);
        }
        if let Some(path) = pb.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke {
                width,
                ..Stroke::default()
            }));
            self.surface.draw_path(&path);
        }
    }
}

//! A4 tables that flow over pages: each page carries the document title and
//! its page number, each table page its column header, so a page torn off
//! the stack still reads on its own. A section (the whole pick list, one
//! florist's slip) starts on a new page.

use super::ink::{Align, Ink};
use super::layout::{RenderError, Rendered};
use super::text::{Fonts, Metrics};
use krilla::Document;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use std::ops::Range;

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 34.0;
pub(super) const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
const TOP: f32 = MARGIN + 30.0;
const BOTTOM: f32 = PAGE_H - MARGIN - 14.0;
const CELL_SIZE: f32 = 9.0;
const CELL_LINE_H: f32 = 11.0;
const MIN_ROW_H: f32 = 18.0;
const HEADER_ROW_H: f32 = 18.0;
/// A cell wraps to at most this many lines (a long memo is cut with "…"),
/// so no row is taller than a page.
const CELL_MAX_LINES: usize = 6;

pub(super) struct Column {
    pub title: &'static str,
    pub width: f32,
    pub align: Align,
}

/// A line above or below a table.
pub(super) struct Note {
    pub text: String,
    pub size: f32,
    pub bold: bool,
}

impl Note {
    pub fn new(text: impl Into<String>, size: f32, bold: bool) -> Note {
        Note {
            text: text.into(),
            size,
            bold,
        }
    }
}

pub(super) struct Section {
    /// Drawn on the section's first page; later pages repeat the first
    /// note, marked (계속).
    pub heading: Vec<Note>,
    pub columns: &'static [Column],
    pub rows: Vec<Vec<String>>,
    /// Drawn after the last row.
    pub closing: Vec<Note>,
}

pub(super) struct TableDoc {
    /// Printed on top of every page.
    pub title: String,
    pub metadata: Metadata,
    pub sections: Vec<Section>,
}

/// One page: which section, whether its heading is the full one, which
/// rows, whether the table (header row) is drawn, whether the closing is.
struct PagePlan {
    section: usize,
    first: bool,
    rows: Range<usize>,
    table: bool,
    closing: bool,
}

/// What a section's later pages carry on top: its first note, marked (계속).
fn continued(section: &Section) -> Option<Note> {
    section
        .heading
        .first()
        .map(|first| Note::new(format!("{} (계속)", first.text), first.size, first.bold))
}

/// Wrapped text lines of one note, and their height.
fn note_lines(m: &Metrics<'_>, note: &Note) -> (Vec<String>, f32) {
    let lines = m.wrap(&note.text, note.size, CONTENT_W);
    let h = lines.len() as f32 * note.size * 1.35;
    (lines, h)
}

fn notes_height(regular: &Metrics<'_>, bold: &Metrics<'_>, notes: &[Note]) -> f32 {
    notes
        .iter()
        .map(|n| note_lines(if n.bold { bold } else { regular }, n).1)
        .sum::<f32>()
        + if notes.is_empty() { 0.0 } else { 6.0 }
}

/// A row's cells wrapped to their columns, and the row's height.
fn wrap_row(m: &Metrics<'_>, columns: &[Column], row: &[String]) -> (Vec<Vec<String>>, f32) {
    let cells: Vec<Vec<String>> = columns
        .iter()
        .enumerate()
        .map(|(i, col)| {
            let text = row.get(i).map_or("", String::as_str);
            let mut lines = m.wrap(text, CELL_SIZE, col.width - 6.0);
            if lines.len() > CELL_MAX_LINES {
                lines.truncate(CELL_MAX_LINES);
                if let Some(last) = lines.last_mut() {
                    last.pop();
                    last.push('…');
                }
            }
            lines
        })
        .collect();
    let most = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let h = (most as f32 * CELL_LINE_H + 7.0).max(MIN_ROW_H);
    (cells, h)
}

pub(super) fn render(doc: &TableDoc, fonts: &Fonts) -> Result<Rendered, RenderError> {
    let regular = fonts.regular.metrics().ok_or(RenderError::Metrics)?;
    let bold = fonts.bold.metrics().ok_or(RenderError::Metrics)?;
    let wrapped: Vec<Vec<(Vec<Vec<String>>, f32)>> = doc
        .sections
        .iter()
        .map(|s| {
            s.rows
                .iter()
                .map(|r| wrap_row(&regular, s.columns, r))
                .collect()
        })
        .collect();

    // Pass 1: page breaks, so every page knows the count.
    let mut plans = Vec::new();
    for (index, section) in doc.sections.iter().enumerate() {
        let rows = &wrapped[index];
        let heading_h = notes_height(&regular, &bold, &section.heading);
        let continued_h = notes_height(&regular, &bold, continued(section).as_slice());
        let closing_h = notes_height(&regular, &bold, &section.closing);
        let mut start = 0;
        let mut first = true;
        loop {
            let mut y = TOP + if first { heading_h } else { continued_h } + HEADER_ROW_H;
            let mut end = start;
            while end < rows.len() && (end == start || y + rows[end].1 <= BOTTOM) {
                y += rows[end].1;
                end += 1;
            }
            let done = end == rows.len();
            let closing = done && y + closing_h <= BOTTOM;
            plans.push(PagePlan {
                section: index,
                first,
                rows: start..end,
                table: true,
                closing,
            });
            if done {
                if !closing {
                    plans.push(PagePlan {
                        section: index,
                        first: false,
                        rows: end..end,
                        table: false,
                        closing: true,
                    });
                }
                break;
            }
            start = end;
            first = false;
        }
    }

    let mut document = Document::new();
    document.set_metadata(doc.metadata.clone());
    let pages = plans.len();
    for (number, plan) in plans.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or(RenderError::Metrics)?;
        let mut page = document.start_page_with(settings);
        {
            let mut ink = Ink {
                surface: page.surface(),
                fonts,
                regular: &regular,
                bold: &bold,
            };
            let section = &doc.sections[plan.section];
            ink.text(MARGIN, MARGIN + 14.0, &doc.title, 14.0, true);
            let label = format!("{} / {pages} 쪽", number + 1);
            let w = regular.width(&label, 8.0);
            ink.text(PAGE_W - MARGIN - w, MARGIN + 14.0, &label, 8.0, false);
            ink.line(
                MARGIN,
                MARGIN + 20.0,
                PAGE_W - MARGIN,
                MARGIN + 20.0,
                1.0,
                false,
            );
            let mut y = TOP;
            if plan.first {
                y = notes(&mut ink, y, &section.heading);
            } else {
                y = notes(&mut ink, y, continued(section).as_slice());
            }
            if plan.table {
                y = table(
                    &mut ink,
                    y,
                    section.columns,
                    &wrapped[plan.section],
                    plan.rows.clone(),
                );
            }
            if plan.closing {
                notes(&mut ink, y, &section.closing);
            }
            ink.surface.finish();
        }
        page.finish();
    }
    let bytes = document
        .finish()
        .map_err(|e| RenderError::Pdf(format!("{e:?}")))?;
    Ok(Rendered { bytes, pages })
}

/// Draws notes from `y`; returns where they end.
fn notes(ink: &mut Ink<'_, '_>, mut y: f32, notes: &[Note]) -> f32 {
    for note in notes {
        let (lines, _) = note_lines(ink.metrics(note.bold), note);
        for line in lines {
            y += note.size * 1.35;
            ink.text(MARGIN, y - note.size * 0.3, &line, note.size, note.bold);
        }
    }
    if notes.is_empty() { y } else { y + 6.0 }
}

/// The header row and `range` of the rows; returns where the table ends.
fn table(
    ink: &mut Ink<'_, '_>,
    top: f32,
    columns: &[Column],
    rows: &[(Vec<Vec<String>>, f32)],
    range: Range<usize>,
) -> f32 {
    let mut x = MARGIN;
    for col in columns {
        ink.rect(x, top, col.width, HEADER_ROW_H, 0.6);
        let baseline = top + HEADER_ROW_H / 2.0 + 8.5 * 0.35;
        ink.text_in(x, col.width, baseline, col.title, 8.5, true, Align::Center);
        x += col.width;
    }
    let mut y = top + HEADER_ROW_H;
    for (cells, h) in rows.get(range).unwrap_or_default() {
        let mut x = MARGIN;
        for (col, lines) in columns.iter().zip(cells) {
            ink.rect(x, y, col.width, *h, 0.6);
            let block = lines.len() as f32 * CELL_LINE_H;
            let mut baseline = y + (h - block) / 2.0 + CELL_SIZE * 0.95;
            for line in lines {
                ink.text_in(x, col.width, baseline, line, CELL_SIZE, false, col.align);
                baseline += CELL_LINE_H;
            }
            x += col.width;
        }
        y += h;
    }
    let width: f32 = columns.iter().map(|c| c.width).sum();
    ink.rect(MARGIN, top, width, y - top, 1.2);
    y + 8.0
}

//! The statement's page layout on A4, drawn with krilla.
//!
//! Every page repeats the header blocks (title, No. + buyer, supplier and
//! buyer boxes, totals) and the footer (ledger, bank line, page x/y), as the
//! original did; item rows grow with their wrapped labels and flow onto as
//! many pages as they need.

use super::text::{Fonts, Metrics};
use crate::stamp::StampImage;
use crate::statement::{Balances, Buyer, Line, Statement, Supplier, signed_won};
use domain::{KST, TaxKind, Won};
use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::metadata::{DateTime as PdfDateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;

pub(super) const PAGE_W: f32 = 595.28;
pub(super) const PAGE_H: f32 = 841.89;
pub(super) const MARGIN: f32 = 34.0;
pub(super) const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;

/// Item table columns: No, 품목, 수량, 단가, 공급가액, 세액, 구분.
const ITEM_COLS: [f32; 7] = [24.0, 219.0, 40.0, 62.0, 76.0, 62.0, 44.27];
const ITEM_SIZE: f32 = 9.0;
const ITEM_LINE_H: f32 = 11.0;
const ITEM_MIN_ROW_H: f32 = 18.0;
const ITEMS_TOP: f32 = 262.0;
const PAGE_NUMBER_H: f32 = 16.0;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("font metrics unavailable")]
    Metrics,
    #[error("pdf: {0}")]
    Pdf(String),
}

pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// Draws the statement; `stamp` is the supplier's seal, if one could be had.
pub fn render(
    statement: &Statement,
    fonts: &Fonts,
    stamp: Option<&StampImage>,
) -> Result<Rendered, RenderError> {
    let regular = fonts.regular.metrics().ok_or(RenderError::Metrics)?;
    let bold = fonts.bold.metrics().ok_or(RenderError::Metrics)?;

    // Pass 1: row heights and page breaks, so every page knows the count.
    let rows: Vec<(Vec<String>, f32)> = statement
        .lines
        .iter()
        .map(|line| {
            let label = regular.wrap(&line.label, ITEM_SIZE, ITEM_COLS[1] - 8.0);
            let h = (label.len() as f32 * ITEM_LINE_H + 7.0).max(ITEM_MIN_ROW_H);
            (label, h)
        })
        .collect();
    let footer_h = footer_height(statement);
    let bottom = PAGE_H - MARGIN - PAGE_NUMBER_H - footer_h;
    let mut pages: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    let mut y = ITEMS_TOP + ITEM_MIN_ROW_H;
    for (i, (_, h)) in rows.iter().enumerate() {
        if y + h > bottom && i > start {
            pages.push(start..i);
            start = i;
            y = ITEMS_TOP + ITEM_MIN_ROW_H;
        }
        y += h;
    }
    pages.push(start..rows.len());

    let mut document = Document::new();
    document.set_metadata(metadata(statement));
    let page_count = pages.len();
    for (index, range) in pages.into_iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or(RenderError::Metrics)?;
        let mut page = document.start_page_with(settings);
        {
            let mut pen = Pen {
                surface: page.surface(),
                fonts,
                regular: &regular,
                bold: &bold,
            };
            pen.header(statement, index + 1, page_count);
            pen.parties(&statement.supplier, &statement.buyer, stamp);
            pen.totals(statement);
            let end_y = pen.items(statement, &rows, range);
            pen.footer(statement, end_y + 6.0);
            pen.page_number(index + 1, page_count);
            pen.surface.finish();
        }
        page.finish();
    }
    let bytes = document
        .finish()
        .map_err(|e| RenderError::Pdf(format!("{e:?}")))?;
    Ok(Rendered {
        bytes,
        pages: page_count,
    })
}

fn metadata(statement: &Statement) -> Metadata {
    let kst = statement.issued_at.with_timezone(&KST);
    use chrono::{Datelike, Timelike};
    let created = PdfDateTime::new(u16::try_from(kst.year()).unwrap_or(2000))
        .month(kst.month() as u8)
        .day(kst.day() as u8)
        .hour(kst.hour() as u8)
        .minute(kst.minute() as u8)
        .second(kst.second() as u8)
        .utc_offset_hour(9);
    Metadata::new()
        .title(statement.file_name())
        .description("마켓빌 거래명세서".to_owned())
        .authors(vec!["MarketBill".to_owned()])
        .creator("MarketBill receipt service".to_owned())
        .language("ko".to_owned())
        .creation_date(created)
}

fn footer_height(statement: &Statement) -> f32 {
    let note = if statement.totals.unpriced_lines > 0 {
        14.0
    } else {
        0.0
    };
    6.0 + note + 18.0 + 36.0 + 28.0
}

#[derive(Clone, Copy)]
pub(super) enum Align {
    Left,
    Center,
    Right,
}

pub(super) struct Pen<'p, 'm> {
    pub(super) surface: Surface<'p>,
    pub(super) fonts: &'m Fonts,
    pub(super) regular: &'m Metrics<'m>,
    pub(super) bold: &'m Metrics<'m>,
}

impl Pen<'_, '_> {
    fn metrics(&self, bold: bool) -> &Metrics<'_> {
        if bold { self.bold } else { self.regular }
    }

    pub(super) fn text(&mut self, x: f32, baseline: f32, text: &str, size: f32, bold: bool) {
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

    /// Lines of text centred vertically in a box, aligned horizontally.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn lines_in(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        lines: &[String],
        size: f32,
        bold: bool,
        align: Align,
    ) {
        let line_h = size * 1.22;
        let block = lines.len() as f32 * line_h;
        let mut baseline = y + (h - block) / 2.0 + size * 0.95;
        for line in lines {
            let width = self.metrics(bold).width(line, size);
            let tx = match align {
                Align::Left => x + 4.0,
                Align::Center => x + (w - width) / 2.0,
                Align::Right => x + w - 4.0 - width,
            };
            self.text(tx, baseline, line, size, bold);
            baseline += line_h;
        }
    }

    /// Text fitted into a cell: wrapped, shrunk down to 6.5 pt if needed,
    /// and cut with an ellipsis only when even that does not fit.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn cell(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        text: &str,
        size: f32,
        bold: bool,
        align: Align,
    ) {
        let lines = fit(self.metrics(bold), text, size, w - 6.0, h - 2.0);
        let size = lines.1;
        self.lines_in(x, y, w, h, &lines.0, size, bold, align);
    }

    pub(super) fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let mut pb = PathBuilder::new();
        pb.move_to(x1, y1);
        pb.line_to(x2, y2);
        if let Some(path) = pb.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke {
                width,
                ..Stroke::default()
            }));
            self.surface.draw_path(&path);
        }
    }

    pub(super) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
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

    /// A row of cells with borders; `cols` are widths, `texts` their contents.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn row(
        &mut self,
        y: f32,
        h: f32,
        cols: &[f32],
        texts: &[&str],
        size: f32,
        bold: bool,
        aligns: &[Align],
    ) {
        let mut x = MARGIN;
        for (i, w) in cols.iter().enumerate() {
            self.rect(x, y, *w, h, 0.6);
            let text = texts.get(i).copied().unwrap_or("");
            let align = aligns.get(i).copied().unwrap_or(Align::Center);
            self.cell(x, y, *w, h, text, size, bold, align);
            x += w;
        }
    }

    fn header(&mut self, s: &Statement, page: usize, pages: usize) {
        let title = "거 래 명 세 서";
        let w = self.bold.width(title, 20.0);
        self.text((PAGE_W - w) / 2.0, MARGIN + 20.0, title, 20.0, true);
        let sub = s.subtitle;
        let w = self.regular.width(sub, 8.5);
        self.text((PAGE_W - w) / 2.0, MARGIN + 34.0, sub, 8.5, false);
        let page_label = format!("{page} / {pages} 쪽");
        let w = self.regular.width(&page_label, 8.0);
        self.text(PAGE_W - MARGIN - w, MARGIN + 8.0, &page_label, 8.0, false);

        let y = MARGIN + 44.0;
        self.text(
            MARGIN,
            y + 15.0,
            &format!("No. {}", s.order_no),
            11.0,
            false,
        );
        let buyer = format!("{} 귀하", s.buyer.name);
        let lines = fit(self.bold, &buyer, 12.0, CONTENT_W / 2.0, 20.0);
        let size = lines.1;
        self.lines_in(
            MARGIN + CONTENT_W / 2.0,
            y,
            CONTENT_W / 2.0,
            22.0,
            &lines.0,
            size,
            true,
            Align::Right,
        );
        self.line(MARGIN, y + 22.0, MARGIN + CONTENT_W, y + 22.0, 1.0);
    }

    /// The 공급자 box on the left and the 공급받는자 box on the right.
    pub(super) fn parties(&mut self, sup: &Supplier, buyer: &Buyer, stamp: Option<&StampImage>) {
        let y = MARGIN + 72.0;
        let box_w = CONTENT_W / 2.0;
        let address = if sup.phone.trim().is_empty() {
            sup.address.clone()
        } else {
            format!("{} ☎ {}", sup.address, sup.phone)
        };
        let seal = self.party_box(
            MARGIN,
            y,
            box_w,
            "공급자",
            [
                &sup.business_no,
                &sup.company_name,
                &sup.employer_name,
                &address,
                &sup.main_category,
                &sup.sub_category,
            ],
        );
        if let Some(stamp) = stamp {
            let h = 30.0;
            let (pw, ph) = stamp.image.size();
            let ratio = if ph == 0 { 1.0 } else { pw as f32 / ph as f32 };
            let w = (h * ratio).min(44.0);
            let (sx, sy) = (seal.0 - w - 2.0, seal.1 - h / 2.0);
            if let Some(size) = Size::from_wh(w, w / ratio) {
                self.surface
                    .push_transform(&krilla::geom::Transform::from_translate(sx, sy));
                self.surface.draw_image(stamp.image.clone(), size);
                self.surface.pop();
            }
        }
        let unregistered = "미등록".to_owned();
        let empty = String::new();
        let (no, company, owner, addr, main, sub) = match &buyer.business {
            Some(b) => (
                &b.business_no,
                if b.company_name.trim().is_empty() {
                    &buyer.name
                } else {
                    &b.company_name
                },
                &b.employer_name,
                &b.address,
                &b.main_category,
                &b.sub_category,
            ),
            None => (&unregistered, &buyer.name, &empty, &empty, &empty, &empty),
        };
        self.party_box(
            MARGIN + box_w,
            y,
            box_w,
            "공급받는자",
            [no, company, owner, addr, main, sub],
        );
    }

    /// One party box; returns the right edge and vertical centre of the
    /// 성명 cell, where the seal goes.
    fn party_box(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        title: &str,
        [number, company, owner, address, main, sub]: [&String; 6],
    ) -> (f32, f32) {
        let row_h = 22.0;
        let label_w = 16.0;
        let field_w = 40.0;
        let name_label_w = 26.0;
        let rest = w - label_w - field_w;
        let left_value_w = 86.0;
        let right_value_w = rest - left_value_w - name_label_w;
        self.rect(x, y, w, row_h * 4.0, 1.2);
        // The box title stacked vertically, one character per line.
        self.rect(x, y, label_w, row_h * 4.0, 0.6);
        let stacked: Vec<String> = title.chars().map(String::from).collect();
        self.lines_in(
            x,
            y,
            label_w,
            row_h * 4.0,
            &stacked,
            8.5,
            true,
            Align::Center,
        );
        let fx = x + label_w;
        let vx = fx + field_w;
        for (row, label) in ["등록번호", "상 호", "주 소", "업 태"].iter().enumerate() {
            let ry = y + row as f32 * row_h;
            self.rect(fx, ry, field_w, row_h, 0.6);
            self.cell(fx, ry, field_w, row_h, label, 8.0, false, Align::Center);
        }
        // Row 0: registration number across the row.
        self.rect(vx, y, rest, row_h, 0.6);
        self.cell(vx, y, rest, row_h, number, 10.5, true, Align::Center);
        // Row 1: company | 성명 | owner.
        let ry = y + row_h;
        self.rect(vx, ry, left_value_w, row_h, 0.6);
        self.cell(
            vx,
            ry,
            left_value_w,
            row_h,
            company,
            9.0,
            false,
            Align::Center,
        );
        let nx = vx + left_value_w;
        self.rect(nx, ry, name_label_w, row_h, 0.6);
        self.cell(
            nx,
            ry,
            name_label_w,
            row_h,
            "성 명",
            8.0,
            false,
            Align::Center,
        );
        let ox = nx + name_label_w;
        self.rect(ox, ry, right_value_w, row_h, 0.6);
        self.cell(
            ox,
            ry,
            right_value_w - 14.0,
            row_h,
            owner,
            9.0,
            false,
            Align::Center,
        );
        // Row 2: address across the row.
        let ry = y + 2.0 * row_h;
        self.rect(vx, ry, rest, row_h, 0.6);
        self.cell(vx, ry, rest, row_h, address, 8.5, false, Align::Left);
        // Row 3: 업태 | 종목.
        let ry = y + 3.0 * row_h;
        self.rect(vx, ry, left_value_w, row_h, 0.6);
        self.cell(vx, ry, left_value_w, row_h, main, 8.5, false, Align::Center);
        self.rect(nx, ry, name_label_w, row_h, 0.6);
        self.cell(
            nx,
            ry,
            name_label_w,
            row_h,
            "종 목",
            8.0,
            false,
            Align::Center,
        );
        self.rect(ox, ry, right_value_w, row_h, 0.6);
        self.cell(ox, ry, right_value_w, row_h, sub, 8.5, false, Align::Center);
        (ox + right_value_w, y + row_h * 1.5)
    }

    fn totals(&mut self, s: &Statement) {
        let y = MARGIN + 72.0 + 88.0 + 8.0;
        let cols = [127.0, 133.0, 133.0, CONTENT_W - 393.0];
        let center = [Align::Center; 4];
        self.row(
            y,
            16.0,
            &cols,
            &["작성년월일", "공급가액", "세액", "합계금액 (공급대가)"],
            8.5,
            false,
            &center,
        );
        let date = s
            .issued_at
            .with_timezone(&KST)
            .format("%Y-%m-%d")
            .to_string();
        let supply = format!("₩ {}", s.totals.supply);
        let vat = format!("₩ {}", s.totals.vat);
        let total = format!("₩ {}", s.totals.total);
        let mut x = MARGIN;
        for (i, (w, text)) in cols.iter().zip([&date, &supply, &vat, &total]).enumerate() {
            self.rect(x, y + 16.0, *w, 20.0, 0.6);
            let align = if i == 0 { Align::Center } else { Align::Right };
            self.cell(x, y + 16.0, *w, 20.0, text, 10.5, i == 3, align);
            x += w;
        }
        self.rect(MARGIN, y + 36.0, CONTENT_W, 16.0, 0.6);
        self.cell(
            MARGIN,
            y + 36.0,
            CONTENT_W,
            16.0,
            "위 금액을 영수(청구)함",
            8.5,
            false,
            Align::Center,
        );
        self.rect(MARGIN, y, CONTENT_W, 52.0, 1.2);
    }

    /// The item table for one page; returns where it ends.
    fn items(
        &mut self,
        s: &Statement,
        rows: &[(Vec<String>, f32)],
        range: std::ops::Range<usize>,
    ) -> f32 {
        let header = [
            "No",
            "품목 (품종-등급)",
            "수량",
            "단가",
            "공급가액",
            "세액",
            "구분",
        ];
        self.row(
            ITEMS_TOP,
            ITEM_MIN_ROW_H,
            &ITEM_COLS,
            &header,
            8.5,
            true,
            &[Align::Center; 7],
        );
        let mut y = ITEMS_TOP + ITEM_MIN_ROW_H;
        for i in range {
            let (Some(line), Some((label, h))) = (s.lines.get(i), rows.get(i)) else {
                continue;
            };
            let cells = line_cells(i + 1, line);
            let mut x = MARGIN;
            for (col, w) in ITEM_COLS.iter().enumerate() {
                self.rect(x, y, *w, *h, 0.6);
                if col == 1 {
                    self.lines_in(x, y, *w, *h, label, ITEM_SIZE, false, Align::Left);
                } else {
                    let align = match col {
                        0 | 6 => Align::Center,
                        _ => Align::Right,
                    };
                    let text = cells.get(col).map_or("", String::as_str);
                    self.lines_in(x, y, *w, *h, &[text.to_owned()], ITEM_SIZE, false, align);
                }
                x += w;
            }
            y += h;
        }
        self.rect(MARGIN, ITEMS_TOP, CONTENT_W, y - ITEMS_TOP, 1.2);
        y
    }

    fn footer(&mut self, s: &Statement, mut y: f32) {
        if s.totals.unpriced_lines > 0 {
            let note = format!(
                "※ 단가 미정 {}건은 공급가액·세액·합계에 포함되지 않았습니다.",
                s.totals.unpriced_lines
            );
            self.text(MARGIN, y + 9.0, &note, 8.0, false);
            y += 14.0;
        }
        let half = CONTENT_W / 2.0;
        let cols = [60.0, half - 60.0, 60.0, half - 60.0];
        let taxable_supply =
            Won::new(s.totals.taxable_total.get() - s.totals.vat.get()).unwrap_or(Won::ZERO);
        let taxable = format!(
            "{} (공급가액 {} + 세액 {})",
            s.totals.taxable_total, taxable_supply, s.totals.vat
        );
        let exempt = s.totals.exempt_total.to_string();
        let total = s.totals.total.to_string();
        let ledger = |pick: fn(&Balances) -> i64| {
            s.balances
                .as_ref()
                .map_or_else(|| "-".to_owned(), |b| signed_won(pick(b)))
        };
        let previous = ledger(|b| b.previous);
        let payments = ledger(|b| b.payments);
        let balance = ledger(|b| b.balance);
        let aligns = [Align::Center, Align::Right, Align::Center, Align::Right];
        self.row(
            y,
            18.0,
            &cols,
            &["과세분", &taxable, "면세분", &exempt],
            9.0,
            false,
            &aligns,
        );
        self.row(
            y + 18.0,
            18.0,
            &cols,
            &["전잔액", &previous, "금일 합계", &total],
            9.0,
            false,
            &aligns,
        );
        self.row(
            y + 36.0,
            18.0,
            &cols,
            &["입금", &payments, "잔액", &balance],
            9.0,
            false,
            &aligns,
        );
        self.rect(MARGIN, y, CONTENT_W, 54.0, 1.2);
        self.cell(
            MARGIN,
            y + 56.0,
            CONTENT_W,
            24.0,
            &s.supplier.bank_account,
            12.0,
            true,
            Align::Center,
        );
    }

    pub(super) fn page_number(&mut self, page: usize, pages: usize) {
        let label = format!("- {page} / {pages} -");
        let w = self.regular.width(&label, 8.0);
        self.text(
            (PAGE_W - w) / 2.0,
            PAGE_H - MARGIN + 4.0,
            &label,
            8.0,
            false,
        );
    }
}

/// The printed cells of an item row (the label is drawn separately).
fn line_cells(number: usize, line: &Line) -> [String; 7] {
    let tax = match line.tax {
        TaxKind::Taxable => "과세",
        TaxKind::Exempt => "면세",
    };
    match (line.unit_price, line.amounts) {
        (Some(price), Some(a)) => [
            number.to_string(),
            String::new(),
            line.quantity.to_string(),
            price.to_string(),
            a.supply.to_string(),
            if line.tax == TaxKind::Exempt {
                "-".to_owned()
            } else {
                a.vat.to_string()
            },
            tax.to_owned(),
        ],
        _ => [
            number.to_string(),
            String::new(),
            line.quantity.to_string(),
            "미정".to_owned(),
            "-".to_owned(),
            "-".to_owned(),
            tax.to_owned(),
        ],
    }
}

/// Wraps `text` into `max_w`, shrinking from `size` until the lines fit
/// `max_h`; at the smallest size, extra lines are cut and marked with "…".
fn fit(m: &Metrics<'_>, text: &str, size: f32, max_w: f32, max_h: f32) -> (Vec<String>, f32) {
    let mut s = size;
    loop {
        let lines = m.wrap(text, s, max_w);
        let fits = lines.len() as f32 * s * 1.22 <= max_h;
        if fits {
            return (lines, s);
        }
        if s <= 6.5 {
            let keep = ((max_h / (s * 1.22)).floor() as usize).max(1);
            let mut lines = lines;
            lines.truncate(keep);
            if let Some(last) = lines.last_mut() {
                last.pop();
                last.push('…');
            }
            return (lines, s);
        }
        s -= 0.5;
    }
}

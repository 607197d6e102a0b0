//! The statement of account (거래내역서) on A4: the header and party boxes
//! of a sheet's statement, the period's summary, then the ledger entries in
//! order with the running balance, flowing onto as many pages as they need.

use super::layout::{Align, CONTENT_W, MARGIN, PAGE_H, PAGE_W, Pen, RenderError, Rendered};
use super::text::Fonts;
use crate::account::period::PeriodStatement;
use crate::stamp::StampImage;
use crate::statement::signed_won;
use domain::KST;
use krilla::Document;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;

/// Entry table columns: No, 일자, 구분, 주문번호 · 내용, 금액, 잔액.
const COLS: [f32; 6] = [28.0, 70.0, 40.0, 205.28, 92.0, 92.0];
const ROW_H: f32 = 16.0;
const SUMMARY_TOP: f32 = MARGIN + 72.0 + 88.0 + 8.0;
const TABLE_TOP: f32 = SUMMARY_TOP + 52.0 + 10.0;
/// The bank line under the last page's table and the page number.
const FOOTER_H: f32 = 30.0 + 16.0;

pub fn render(
    doc: &PeriodStatement,
    fonts: &Fonts,
    stamp: Option<&StampImage>,
) -> Result<Rendered, RenderError> {
    let regular = fonts.regular.metrics().ok_or(RenderError::Metrics)?;
    let bold = fonts.bold.metrics().ok_or(RenderError::Metrics)?;
    let per_page = (((PAGE_H - MARGIN - FOOTER_H - TABLE_TOP) / ROW_H).floor() as usize)
        .saturating_sub(1)
        .max(1);
    // An empty period still gets its page (it says so in the table).
    let mut chunks: Vec<std::ops::Range<usize>> = (0..doc.entries.len())
        .step_by(per_page)
        .map(|start| start..(start + per_page).min(doc.entries.len()))
        .collect();
    if chunks.is_empty() {
        chunks.push(0..0);
    }
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(doc.file_name())
            .description("마켓빌 거래내역서".to_owned())
            .authors(vec!["MarketBill".to_owned()])
            .creator("MarketBill receipt service".to_owned())
            .language("ko".to_owned()),
    );
    let pages = chunks.len();
    for (index, range) in chunks.into_iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or(RenderError::Metrics)?;
        let mut page = document.start_page_with(settings);
        {
            let mut pen = Pen {
                surface: page.surface(),
                fonts,
                regular: &regular,
                bold: &bold,
            };
            header(&mut pen, doc, index + 1, pages);
            pen.parties(&doc.supplier, &doc.buyer, stamp);
            summary(&mut pen, doc);
            let end = entries(&mut pen, doc, range);
            if index + 1 == pages {
                pen.cell(
                    MARGIN,
                    end + 6.0,
                    CONTENT_W,
                    24.0,
                    &doc.supplier.bank_account,
                    12.0,
                    true,
                    Align::Center,
                );
            }
            pen.page_number(index + 1, pages);
            pen.surface.finish();
        }
        page.finish();
    }
    let bytes = document
        .finish()
        .map_err(|e| RenderError::Pdf(format!("{e:?}")))?;
    Ok(Rendered { bytes, pages })
}

fn header(pen: &mut Pen<'_, '_>, doc: &PeriodStatement, page: usize, pages: usize) {
    let title = "거 래 내 역 서";
    let w = pen.bold.width(title, 20.0);
    pen.text((PAGE_W - w) / 2.0, MARGIN + 20.0, title, 20.0, true);
    let sub = "(외상 거래 원장 · 공급받는자 보관용)";
    let w = pen.regular.width(sub, 8.5);
    pen.text((PAGE_W - w) / 2.0, MARGIN + 34.0, sub, 8.5, false);
    let page_label = format!("{page} / {pages} 쪽");
    let w = pen.regular.width(&page_label, 8.0);
    pen.text(PAGE_W - MARGIN - w, MARGIN + 8.0, &page_label, 8.0, false);
    let y = MARGIN + 44.0;
    let period = format!("기간 {} ~ {}", doc.from, doc.to);
    pen.text(MARGIN, y + 15.0, &period, 11.0, false);
    let buyer = format!("{} 귀하", doc.buyer.name);
    pen.cell(
        MARGIN + CONTENT_W / 2.0,
        y,
        CONTENT_W / 2.0,
        22.0,
        &buyer,
        12.0,
        true,
        Align::Right,
    );
    pen.line(MARGIN, y + 22.0, MARGIN + CONTENT_W, y + 22.0, 1.0);
}

/// 작성일 and the period's figures: carried in, billed, paid, adjusted, owed.
fn summary(pen: &mut Pen<'_, '_>, doc: &PeriodStatement) {
    let cols = [CONTENT_W / 6.0; 6];
    let labels = ["작성일", "전기이월", "매출", "입금", "조정", "기말잔액"];
    pen.row(
        SUMMARY_TOP,
        16.0,
        &cols,
        &labels,
        8.5,
        false,
        &[Align::Center; 6],
    );
    let issued = doc
        .issued_at
        .with_timezone(&KST)
        .format("%Y-%m-%d")
        .to_string();
    let values = [
        issued,
        signed_won(doc.opening),
        signed_won(doc.charges),
        signed_won(doc.payments),
        signed_won(doc.adjustments),
        signed_won(doc.closing),
    ];
    let texts: Vec<&str> = values.iter().map(String::as_str).collect();
    let mut aligns = [Align::Right; 6];
    aligns[0] = Align::Center;
    pen.row(
        SUMMARY_TOP + 16.0,
        20.0,
        &cols,
        &texts,
        10.0,
        false,
        &aligns,
    );
    pen.rect(MARGIN, SUMMARY_TOP + 36.0, CONTENT_W, 16.0, 0.6);
    pen.cell(
        MARGIN,
        SUMMARY_TOP + 36.0,
        CONTENT_W,
        16.0,
        "전기이월 + 매출 − 입금 + 조정 = 기말잔액",
        8.5,
        false,
        Align::Center,
    );
    pen.rect(MARGIN, SUMMARY_TOP, CONTENT_W, 52.0, 1.2);
}

/// One page of the entry table; returns where it ends.
fn entries(pen: &mut Pen<'_, '_>, doc: &PeriodStatement, range: std::ops::Range<usize>) -> f32 {
    let header = ["No", "일자", "구분", "주문번호 · 내용", "금액", "잔액"];
    pen.row(
        TABLE_TOP,
        ROW_H + 2.0,
        &COLS,
        &header,
        8.5,
        true,
        &[Align::Center; 6],
    );
    let aligns = [
        Align::Center,
        Align::Center,
        Align::Center,
        Align::Left,
        Align::Right,
        Align::Right,
    ];
    let mut y = TABLE_TOP + ROW_H + 2.0;
    if doc.entries.is_empty() {
        let width: f32 = COLS.iter().sum();
        pen.rect(MARGIN, y, width, ROW_H, 0.6);
        pen.cell(
            MARGIN,
            y,
            width,
            ROW_H,
            "기간 중 거래 내역이 없습니다.",
            8.5,
            false,
            Align::Center,
        );
        y += ROW_H;
    }
    for i in range {
        let Some(e) = doc.entries.get(i) else {
            continue;
        };
        let cells = [
            (i + 1).to_string(),
            e.date.to_string(),
            e.kind.to_owned(),
            e.detail.clone(),
            signed_won(e.amount),
            signed_won(e.balance),
        ];
        let texts: Vec<&str> = cells.iter().map(String::as_str).collect();
        pen.row(y, ROW_H, &COLS, &texts, 8.5, false, &aligns);
        y += ROW_H;
    }
    pen.rect(MARGIN, TABLE_TOP, CONTENT_W, y - TABLE_TOP, 1.2);
    y
}

//! Packing slips (포장 전표), one per florist, on A4 (each slip on its own
//! pages, to go in the box) and on the 80 mm roll (slips one after another,
//! a cut line between them).

use super::a4_table::{self, Column, Note, Section, TableDoc};
use super::day_papers::{DayHeading, Paper, count, flower, grade, roll_label};
use super::ink::Align;
use super::layout::{RenderError, Rendered};
use super::text::Fonts;
use super::thermal::{self, Piece, Roll};
use db::pick_list::{PackingSlip, PackingSlips};

const TITLE: &str = "포장 전표";

/// No, 품목, 품종, 등급, 수량, 메모: 527.28 pt.
const COLUMNS: &[Column] = &[
    Column {
        title: "No",
        width: 26.0,
        align: Align::Center,
    },
    Column {
        title: "품목",
        width: 90.0,
        align: Align::Left,
    },
    Column {
        title: "품종",
        width: 180.0,
        align: Align::Left,
    },
    Column {
        title: "등급",
        width: 36.0,
        align: Align::Center,
    },
    Column {
        title: "수량",
        width: 60.0,
        align: Align::Right,
    },
    Column {
        title: "메모",
        width: 135.28,
        align: Align::Left,
    },
];

fn florist(slip: &PackingSlip) -> String {
    match &slip.company_name {
        Some(company) if company != &slip.florist_name => {
            format!("{} ({company})", slip.florist_name)
        }
        _ => slip.florist_name.clone(),
    }
}

fn order_nos(slip: &PackingSlip) -> String {
    let shown = slip.order_nos.join(", ");
    let more = slip.sheet_count - slip.order_nos.len() as i64;
    if more > 0 {
        format!("주문번호 {shown} 외 {more}건")
    } else {
        format!("주문번호 {shown}")
    }
}

fn slip_truncation(slip: &PackingSlip) -> Option<String> {
    slip.truncated().then(|| {
        format!(
            "※ 줄이 많아 앞의 {}줄만 실었습니다 (전체 {}줄). 합계는 전체입니다.",
            slip.lines.len(),
            count(slip.line_count)
        )
    })
}

fn day_truncation(slips: &PackingSlips) -> Option<String> {
    slips.truncated().then(|| {
        format!(
            "※ 꽃집이 많아 이름순 앞의 {}곳만 실었습니다 (전체 {}곳).",
            slips.slips.len(),
            count(slips.florist_count)
        )
    })
}

pub fn render(
    slips: &PackingSlips,
    heading: &DayHeading,
    paper: Paper,
    fonts: &Fonts,
) -> Result<Rendered, RenderError> {
    match paper {
        Paper::A4 => a4_table::render(&a4(slips, heading), fonts),
        Paper::Thermal => thermal::render(&roll(slips, heading), fonts),
    }
}

fn a4(slips: &PackingSlips, heading: &DayHeading) -> TableDoc {
    let mut sections: Vec<Section> = slips
        .slips
        .iter()
        .map(|slip| {
            let rows = slip
                .lines
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    vec![
                        (i + 1).to_string(),
                        line.flower_type_name.clone(),
                        flower(&line.flower_name, line.free_text),
                        grade(line.grade.as_deref()).to_owned(),
                        count(line.quantity),
                        line.memo.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let mut closing = vec![Note::new(
                format!("합계 {}송이", count(slip.total_stems)),
                11.0,
                true,
            )];
            if let Some(note) = slip_truncation(slip) {
                closing.push(Note::new(note, 9.0, false));
            }
            Section {
                heading: vec![
                    Note::new(florist(slip), 14.0, true),
                    Note::new(order_nos(slip), 9.0, false),
                    Note::new(
                        format!("{} · {}", heading.wholesaler, heading.printed_label()),
                        8.0,
                        false,
                    ),
                ],
                columns: COLUMNS,
                rows,
                closing,
            }
        })
        .collect();
    if sections.is_empty() {
        sections.push(Section {
            heading: vec![Note::new("이 날의 주문이 없습니다.", 12.0, true)],
            columns: COLUMNS,
            rows: Vec::new(),
            closing: Vec::new(),
        });
    }
    if let (Some(note), Some(first)) = (day_truncation(slips), sections.first_mut()) {
        first.heading.push(Note::new(note, 9.0, false));
    }
    TableDoc {
        title: format!("{TITLE} · {}", heading.day_label()),
        metadata: heading.metadata(TITLE),
        sections,
    }
}

fn roll(slips: &PackingSlips, heading: &DayHeading) -> Roll {
    let mut pieces = heading.roll_title(TITLE);
    pieces.push(Piece::centred(
        format!("꽃집 {}곳", count(slips.florist_count)),
        8.0,
        false,
    ));
    if let Some(note) = day_truncation(slips) {
        pieces.push(Piece::text(note, 7.5, false));
    }
    if slips.slips.is_empty() {
        pieces.push(Piece::text("이 날의 주문이 없습니다.", 9.0, false));
    }
    pieces.push(Piece::Cut);
    for slip in &slips.slips {
        pieces.push(Piece::text(florist(slip), 12.0, true));
        pieces.push(Piece::text(order_nos(slip), 7.5, false));
        pieces.push(Piece::text(heading.day_label(), 7.5, false));
        pieces.push(Piece::Rule);
        for line in &slip.lines {
            let label = roll_label(
                &line.flower_type_name,
                &line.flower_name,
                line.free_text,
                line.grade.as_deref(),
            );
            pieces.push(Piece::pair(label, count(line.quantity), 9.5, false));
            if let Some(memo) = line.memo.as_deref().filter(|m| !m.trim().is_empty()) {
                pieces.push(Piece::text(format!("  메모: {memo}"), 7.5, false));
            }
        }
        pieces.push(Piece::Rule);
        pieces.push(Piece::pair(
            "합계",
            format!("{}송이", count(slip.total_stems)),
            11.0,
            true,
        ));
        if let Some(note) = slip_truncation(slip) {
            pieces.push(Piece::text(note, 7.0, false));
        }
        pieces.push(Piece::Cut);
    }
    Roll {
        metadata: heading.metadata(TITLE),
        pieces,
    }
}

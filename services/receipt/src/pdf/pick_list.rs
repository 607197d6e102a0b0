//! The pick list (피킹 리스트) on A4 and on the 80 mm roll: stems to pull per
//! flower and grade, in walking order, with a box to tick on A4.

use super::a4_table::{self, Column, Note, Section, TableDoc};
use super::day_papers::{DayHeading, Paper, count, flower, grade, roll_label};
use super::ink::Align;
use super::layout::{RenderError, Rendered};
use super::text::Fonts;
use super::thermal::{self, Piece, Roll};
use db::pick_list::PickList;

const TITLE: &str = "피킹 리스트";

/// No, 품목, 품종, 등급, 수량, 주문서, 꽃집, 확인: 527.28 pt (A4 less margins).
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
        width: 190.0,
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
        title: "주문서",
        width: 45.0,
        align: Align::Right,
    },
    Column {
        title: "꽃집",
        width: 40.0,
        align: Align::Right,
    },
    Column {
        title: "확인",
        width: 40.28,
        align: Align::Center,
    },
];

fn summary(list: &PickList) -> String {
    format!(
        "품목 {}개 · 총 {}송이 · 주문서 {}장 · 꽃집 {}곳",
        count(list.line_count),
        count(list.total_stems),
        count(list.sheet_count),
        count(list.florist_count)
    )
}

fn truncation(list: &PickList) -> Option<String> {
    list.truncated().then(|| {
        format!(
            "※ 품목이 많아 앞의 {}개만 실었습니다 (전체 {}개). 합계는 하루 전체입니다.",
            count(list.lines.len() as i64),
            count(list.line_count)
        )
    })
}

pub fn render(
    list: &PickList,
    heading: &DayHeading,
    paper: Paper,
    fonts: &Fonts,
) -> Result<Rendered, RenderError> {
    match paper {
        Paper::A4 => a4_table::render(&a4(list, heading), fonts),
        Paper::Thermal => thermal::render(&roll(list, heading), fonts),
    }
}

fn a4(list: &PickList, heading: &DayHeading) -> TableDoc {
    let rows = list
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            vec![
                (i + 1).to_string(),
                line.flower_type_name.clone(),
                flower(&line.flower_name, line.free_text),
                grade(line.grade.as_deref()).to_owned(),
                count(line.stems),
                count(line.sheet_count),
                count(line.florist_count),
                String::new(),
            ]
        })
        .collect();
    let mut closing = vec![Note::new(
        format!("합계 {}송이", count(list.total_stems)),
        11.0,
        true,
    )];
    if let Some(note) = truncation(list) {
        closing.push(Note::new(note, 9.0, false));
    }
    if list.lines.is_empty() {
        closing.push(Note::new("이 날의 주문이 없습니다.", 10.0, false));
    }
    TableDoc {
        title: format!("{TITLE} · {}", heading.day_label()),
        metadata: heading.metadata(TITLE),
        sections: vec![Section {
            heading: vec![
                Note::new(heading.wholesaler.clone(), 12.0, true),
                Note::new(summary(list), 10.0, false),
                Note::new(heading.printed_label(), 8.0, false),
            ],
            columns: COLUMNS,
            rows,
            closing,
        }],
    }
}

fn roll(list: &PickList, heading: &DayHeading) -> Roll {
    let mut pieces = heading.roll_title(TITLE);
    pieces.extend([
        Piece::Gap(4.0),
        Piece::text(summary(list), 8.0, false),
        Piece::Rule,
    ]);
    for line in &list.lines {
        let label = roll_label(
            &line.flower_type_name,
            &line.flower_name,
            line.free_text,
            line.grade.as_deref(),
        );
        pieces.push(Piece::pair(label, count(line.stems), 9.5, true));
        pieces.push(Piece::text(
            format!(
                "  주문서 {} · 꽃집 {}",
                count(line.sheet_count),
                count(line.florist_count)
            ),
            7.0,
            false,
        ));
    }
    if list.lines.is_empty() {
        pieces.push(Piece::text("이 날의 주문이 없습니다.", 9.0, false));
    }
    pieces.push(Piece::Rule);
    pieces.push(Piece::pair(
        "합계",
        format!("{}송이", count(list.total_stems)),
        11.0,
        true,
    ));
    if let Some(note) = truncation(list) {
        pieces.push(Piece::text(note, 7.5, false));
    }
    pieces.push(Piece::Cut);
    Roll {
        metadata: heading.metadata(TITLE),
        pieces,
    }
}

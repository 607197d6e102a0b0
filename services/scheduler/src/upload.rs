//! Reading a wholesaler's auction-result upload: CSV with a header row, or a
//! JSON array of objects, both with the same field names (see README). Each
//! line is validated on its own: bad lines are reported with their number and
//! reason, good lines are kept. Only a file that cannot be read at all (not
//! UTF-8, not a JSON array, missing columns) is refused as a whole.

use db::scheduler::auction_results::AuctionLine;
use serde_json::Value;
use std::collections::HashMap;

pub const FIELDS: [&str; 10] = [
    "flowerName",
    "flowerTypeName",
    "flowerGrade",
    "boxCount",
    "flowerCount",
    "price",
    "totalPrice",
    "serialCode",
    "shipper",
    "auctionDate",
];
/// Every field but `shipper` (출하자, absent from older data) is required.
const OPTIONAL: &str = "shipper";
const MAX_TEXT_CHARS: usize = 255;
pub const MAX_LINES: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct BadLine {
    /// CSV: the line in the file (the header is line 1). JSON: the 1-based
    /// position of the element in the array.
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub lines: Vec<AuctionLine>,
    pub rejected: Vec<BadLine>,
    pub received: usize,
}

/// Keeps the first line of each (auction date, serial code): a second one in
/// the same upload would otherwise silently overwrite it.
#[derive(Default)]
struct Collector {
    parsed: Parsed,
    seen: HashMap<(i32, String), usize>,
}

impl Collector {
    fn push(&mut self, line: usize, result: Result<AuctionLine, String>) {
        self.parsed.received += 1;
        let verdict = result.and_then(|l| {
            let key = (l.auction_date, l.serial_code.clone());
            match self.seen.get(&key) {
                Some(first) => Err(format!(
                    "serialCode {} on {} repeats line {first}",
                    l.serial_code, l.auction_date
                )),
                None => {
                    self.seen.insert(key, line);
                    Ok(l)
                }
            }
        });
        match verdict {
            Ok(l) => self.parsed.lines.push(l),
            Err(reason) => self.parsed.rejected.push(BadLine { line, reason }),
        }
    }
}

/// A CSV file; `Err` when the file as a whole cannot be read.
pub fn parse_csv(body: &[u8]) -> Result<Parsed, String> {
    let text = std::str::from_utf8(body)
        .map_err(|_| "the file is not UTF-8 text (save it as \"CSV UTF-8\")".to_owned())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(at) = text.find('\0') {
        // PostgreSQL text cannot hold NUL; a file full of them is usually
        // UTF-16 ("Unicode text" in Excel).
        let line = 1 + text[..at].matches('\n').count();
        return Err(format!(
            "line {line} contains a NUL character (save the file as \"CSV UTF-8\")"
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| format!("unreadable header row: {e}"))?
        .clone();
    let mut columns: HashMap<&str, usize> = HashMap::new();
    for (index, name) in header.iter().enumerate() {
        let field = FIELDS
            .iter()
            .find(|f| **f == name)
            .ok_or_else(|| format!("unknown column {name:?} in the header row"))?;
        if columns.insert(field, index).is_some() {
            return Err(format!("column {name:?} appears twice in the header row"));
        }
    }
    let missing: Vec<&str> = FIELDS
        .iter()
        .copied()
        .filter(|f| *f != OPTIONAL && !columns.contains_key(f))
        .collect();
    if !missing.is_empty() {
        return Err(format!("missing columns: {}", missing.join(", ")));
    }
    let mut collector = Collector::default();
    let mut lines = LineCounter::new(text);
    for record in reader.records() {
        let (line, result) = match record {
            Ok(record) => {
                let line = lines.at(record.position().map(csv::Position::byte));
                if record.iter().all(str::is_empty) {
                    continue;
                }
                let result = if record.len() == header.len() {
                    line_from(|field| {
                        Ok(columns
                            .get(field)
                            .and_then(|i| record.get(*i))
                            .filter(|v| !v.is_empty())
                            .map(str::to_owned))
                    })
                } else {
                    Err(format!(
                        "expected {} fields, found {}",
                        header.len(),
                        record.len()
                    ))
                };
                (line, result)
            }
            Err(e) => {
                let line = lines.at(e.position().map(csv::Position::byte));
                (line, Err(format!("unreadable line: {e}")))
            }
        };
        collector.push(line, result);
        if collector.parsed.received > MAX_LINES {
            return Err(format!("more than {MAX_LINES} lines; split the file"));
        }
    }
    Ok(collector.parsed)
}

/// Line numbers from byte offsets (the csv crate's own line count skips
/// blank lines, which would misnumber every line after one).
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of `byte`; offsets must come in increasing order.
    fn at(&mut self, byte: Option<u64>) -> usize {
        let Some(target) = byte.and_then(|b| usize::try_from(b).ok()) else {
            return 0;
        };
        let mut target = target.min(self.text.len());
        // The csv crate reports a record after blank lines at the first of
        // them; a record itself never starts with a line break.
        while matches!(self.text.get(target), Some(b'\n' | b'\r')) {
            target += 1;
        }
        if target > self.offset {
            self.line += self.text[self.offset..target]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.offset = target;
        }
        self.line
    }
}

/// A JSON array of objects; `Err` when the body is not such an array.
pub fn parse_json(body: &[u8]) -> Result<Parsed, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let Value::Array(items) = value else {
        return Err("the body must be a JSON array of objects".to_owned());
    };
    if items.len() > MAX_LINES {
        return Err(format!("more than {MAX_LINES} lines; split the upload"));
    }
    if let Some(index) = items.iter().position(has_nul) {
        return Err(format!("element {} contains a NUL character", index + 1));
    }
    let mut collector = Collector::default();
    for (index, item) in items.iter().enumerate() {
        let result = match item.as_object() {
            None => Err("not a JSON object".to_owned()),
            Some(object) => match object.keys().find(|k| !FIELDS.contains(&k.as_str())) {
                Some(unknown) => Err(format!("unknown field {unknown:?}")),
                None => line_from(|field| json_text(object.get(field), field)),
            },
        };
        collector.push(index + 1, result);
    }
    Ok(collector.parsed)
}

/// Whether any string in `value` (keys included) holds a NUL character.
fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// A JSON value as the text a CSV cell would hold: strings and whole numbers.
fn json_text(value: Option<&Value>, field: &str) -> Result<Option<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned()).filter(|s| !s.is_empty())),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(Some(n.to_string())),
        Some(other) => Err(format!(
            "{field} must be a string or a whole number, got {other}"
        )),
    }
}

/// Validates one line from its fields' texts (`None` = empty or absent).
fn line_from(get: impl Fn(&str) -> Result<Option<String>, String>) -> Result<AuctionLine, String> {
    let text = |field: &str| -> Result<String, String> {
        let value = get(field)?.ok_or_else(|| format!("{field} is missing"))?;
        if value.chars().count() > MAX_TEXT_CHARS {
            return Err(format!(
                "{field} is longer than {MAX_TEXT_CHARS} characters"
            ));
        }
        Ok(value)
    };
    let count = |field: &str| -> Result<i32, String> {
        let value = get(field)?.ok_or_else(|| format!("{field} is missing"))?;
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "{field} must be a whole non-negative number, got {value:?}"
            ));
        }
        value
            .parse::<i32>()
            .map_err(|_| format!("{field} is too large: {value:?}"))
    };
    let shipper = match get(OPTIONAL)? {
        Some(s) if s.chars().count() > MAX_TEXT_CHARS => {
            return Err(format!(
                "shipper is longer than {MAX_TEXT_CHARS} characters"
            ));
        }
        other => other,
    };
    let auction_date = count("auctionDate")?;
    if !(19_000_101..=29_991_231).contains(&auction_date)
        || domain::time::from_yyyymmdd(auction_date).is_err()
    {
        return Err(format!(
            "auctionDate must be a YYYYMMDD date, got {auction_date}"
        ));
    }
    Ok(AuctionLine {
        flower_name: text("flowerName")?,
        flower_type_name: text("flowerTypeName")?,
        flower_grade: text("flowerGrade")?,
        box_count: count("boxCount")?,
        flower_count: count("flowerCount")?,
        price: count("price")?,
        total_price: count("totalPrice")?,
        serial_code: text("serialCode")?,
        shipper,
        auction_date,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const HEADER: &str = "flowerName,flowerTypeName,flowerGrade,boxCount,flowerCount,price,totalPrice,serialCode,shipper,auctionDate";

    #[test]
    fn csv_lines_are_validated_one_by_one() {
        let csv = format!(
            "\u{feff}{HEADER}\n\
             블론디,장미,상,2,20,9000,180000,A-001,\"양재농원, 1동\",20261123\n\
             비탈,장미,중,1,10,\"1,200\",12000,A-002,,20261123\n\
             \n\
             백마,국화,상,1,10,5000,50000,A-003,,20261131\n\
             신마,국화,상,1\n\
             정흥,국화,하,3,30,4000,120000,A-001,,20261123\n"
        );
        let parsed = parse_csv(csv.as_bytes()).unwrap();
        assert_eq!(parsed.received, 5);
        assert_eq!(parsed.lines.len(), 1);
        let first = &parsed.lines[0];
        assert_eq!(first.shipper.as_deref(), Some("양재농원, 1동"));
        assert_eq!(
            (first.box_count, first.price, first.auction_date),
            (2, 9000, 20_261_123)
        );
        let bad: Vec<(usize, &str)> = parsed
            .rejected
            .iter()
            .map(|b| (b.line, b.reason.as_str()))
            .collect();
        assert_eq!(
            bad[0],
            (
                3,
                "price must be a whole non-negative number, got \"1,200\""
            )
        );
        assert_eq!(bad[1].0, 5);
        assert!(bad[1].1.starts_with("auctionDate must be"), "{}", bad[1].1);
        assert_eq!(bad[2], (6, "expected 10 fields, found 4"));
        assert_eq!(bad[3], (7, "serialCode A-001 on 20261123 repeats line 2"));
    }

    #[test]
    fn unreadable_files_are_refused_whole() {
        assert!(
            parse_csv(b"flowerName,price\nx,1\n")
                .unwrap_err()
                .starts_with("missing columns")
        );
        assert!(
            parse_csv(format!("{HEADER},extra\n").as_bytes())
                .unwrap_err()
                .contains("unknown column")
        );
        assert!(
            parse_csv(&[0xb2, 0xc9, b',', b'\n'])
                .unwrap_err()
                .contains("UTF-8")
        );
        assert!(
            parse_json(br#"{"flowerName":"x"}"#)
                .unwrap_err()
                .contains("array")
        );
        assert!(parse_json(b"[1,").unwrap_err().contains("not JSON"));
    }

    #[test]
    fn nul_characters_refuse_the_whole_file() {
        let csv = format!("{HEADER}\n블론디,장미,상,2,20,9000,180000,A-001,,20261123\nx\0y,장미\n");
        let err = parse_csv(csv.as_bytes()).unwrap_err();
        assert!(err.starts_with("line 3 contains a NUL character"), "{err}");
        let json = r#"[{"flowerName":"a"},{"flowerName":"b\u0000c"}]"#;
        let err = parse_json(json.as_bytes()).unwrap_err();
        assert_eq!(err, "element 2 contains a NUL character");
        let key = r#"[{"flower\u0000Name":"a"}]"#;
        assert!(parse_json(key.as_bytes()).is_err());
    }

    #[test]
    fn json_elements_are_numbered_from_one() {
        let body = r#"[
          {"flowerName":"블론디","flowerTypeName":"장미","flowerGrade":"상","boxCount":2,"flowerCount":20,
           "price":9000,"totalPrice":180000,"serialCode":"A-1","auctionDate":20261123},
          {"flowerName":"블론디","flowerTypeName":"장미","flowerGrade":"상","boxCount":-1,"flowerCount":20,
           "price":9000,"totalPrice":180000,"serialCode":"A-2","auctionDate":20261123},
          {"flowerName":"블론디","flowerTypeName":"장미","flowerGrade":"상","boxCount":1,"flowerCount":20,
           "price":9000.5,"totalPrice":180000,"serialCode":"A-3","auctionDate":"20261123"},
          "nope",
          {"flowerName":"x","colour":"red"}
        ]"#;
        let parsed = parse_json(body.as_bytes()).unwrap();
        assert_eq!(parsed.lines.len(), 1);
        assert_eq!(parsed.lines[0].shipper, None);
        let lines: Vec<usize> = parsed.rejected.iter().map(|b| b.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5]);
        assert!(parsed.rejected[1].reason.starts_with("price must be"));
        assert_eq!(parsed.rejected[3].reason, "unknown field \"colour\"");
    }
}

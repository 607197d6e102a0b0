//! The aT f001 feed's vocabulary: categories (부류), and the strict reading of
//! one item. Every value arrives as a string; a value that is not exactly what
//! the field needs rejects the row with a reason instead of being stored as 0
//! (the original stored 0 and carried on).

use chrono::NaiveDate;
use db::scheduler::catalogue::FeedRow;
use serde_json::Value;

/// `flowerGubn`: the request sends the code, items carry the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// 절화
    CutFlowers,
    /// 관엽
    Foliage,
    /// 난
    Orchids,
    /// 춘란
    SpringOrchids,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::CutFlowers,
        Category::Foliage,
        Category::Orchids,
        Category::SpringOrchids,
    ];

    pub fn code(self) -> i16 {
        match self {
            Category::CutFlowers => 1,
            Category::Foliage => 2,
            Category::Orchids => 3,
            Category::SpringOrchids => 4,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Category::CutFlowers => "절화",
            Category::Foliage => "관엽",
            Category::Orchids => "난",
            Category::SpringOrchids => "춘란",
        }
    }

    pub fn from_code(code: i64) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|c| i64::from(c.code()) == code)
    }
}

/// Longest name a catalogue column takes (`varchar(255)`).
const MAX_NAME_CHARS: usize = 255;

/// Reads one item of the day `expected_date` in `category`.
pub fn parse_item(
    item: &Value,
    expected_date: NaiveDate,
    category: Category,
) -> Result<FeedRow, String> {
    let object = item
        .as_object()
        .ok_or_else(|| "item is not a JSON object".to_owned())?;
    let text = |field: &str| -> Result<&str, String> {
        match object.get(field) {
            Some(Value::String(s)) => Ok(s.trim()),
            None | Some(Value::Null) => Err(format!("{field} is missing")),
            Some(other) => Err(format!("{field} is not a string: {other}")),
        }
    };
    let name = |field: &str| -> Result<String, String> {
        let value = text(field)?;
        if value.is_empty() {
            return Err(format!("{field} is empty"));
        }
        if value.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "{field} is longer than {MAX_NAME_CHARS} characters"
            ));
        }
        Ok(value.to_owned())
    };

    let sale_date = text("saleDate")?;
    let sale_date = parse_date(sale_date)
        .ok_or_else(|| format!("saleDate is not a YYYY-MM-DD date: {sale_date:?}"))?;
    if sale_date != expected_date {
        return Err(format!(
            "saleDate {sale_date} is not the requested day {expected_date}"
        ));
    }
    // The category name is informative; when present it must match the request.
    if let Ok(gubn) = text("flowerGubn")
        && !gubn.is_empty()
        && gubn != category.name()
    {
        return Err(format!(
            "flowerGubn {gubn:?} does not match the requested category {}",
            category.name()
        ));
    }
    let grade = match object.get("lvNm") {
        None | Some(Value::Null) => String::new(),
        Some(_) => text("lvNm")?.to_owned(),
    };
    if grade.chars().count() > MAX_NAME_CHARS {
        return Err(format!("lvNm is longer than {MAX_NAME_CHARS} characters"));
    }
    Ok(FeedRow {
        sale_date,
        flower_type: name("pumName")?,
        flower_name: name("goodName")?,
        grade,
        quantity: amount(object.get("totQty"), "totQty")?,
        max_price: amount(object.get("maxAmt"), "maxAmt")?,
        min_price: amount(object.get("minAmt"), "minAmt")?,
        avg_price: amount(object.get("avgAmt"), "avgAmt")?,
        total_price: amount(object.get("totAmt"), "totAmt")?,
    })
}

/// `YYYY-MM-DD`, exactly (chrono alone would accept `2026-1-5`).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let bytes = raw.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()
}

/// A whole, non-negative number of won or bundles: digits only (a JSON
/// integer is accepted too). `"1,200"`, `"12.5"`, `"-3"` and `""` are refused.
pub fn amount(value: Option<&Value>, field: &str) -> Result<i64, String> {
    match value {
        None | Some(Value::Null) => Err(format!("{field} is missing")),
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|v| i64::try_from(v).ok())
            .ok_or_else(|| format!("{field} is not a whole non-negative number: {n}")),
        Some(Value::String(s)) => {
            let digits = s.trim();
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{field} is not a whole non-negative number: {s:?}"));
            }
            digits
                .parse::<i64>()
                .map_err(|_| format!("{field} is too large: {s:?}"))
        }
        Some(other) => Err(format!("{field} is not a number: {other}")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn item() -> Value {
        json!({
            "saleDate": "2026-11-23", "flowerGubn": "절화", "pumName": " 장미 ",
            "goodName": "블론디", "lvNm": "특1", "maxAmt": "9000", "minAmt": "6000",
            "avgAmt": "7500", "totAmt": "232500", "totQty": "31"
        })
    }

    #[test]
    fn a_well_formed_item_is_read_and_trimmed() {
        let row = parse_item(&item(), day(), Category::CutFlowers).unwrap();
        assert_eq!(row.flower_type, "장미");
        assert_eq!(row.flower_name, "블론디");
        assert_eq!(row.grade, "특1");
        assert_eq!(
            (
                row.quantity,
                row.max_price,
                row.min_price,
                row.avg_price,
                row.total_price
            ),
            (31, 9000, 6000, 7500, 232_500)
        );
    }

    #[test]
    fn numbers_are_strict() {
        for bad in [
            json!("1,200"),
            json!("12.5"),
            json!("-3"),
            json!(""),
            json!("1e3"),
            json!(12.5),
            json!(-1),
            json!("99999999999999999999"),
            json!(true),
        ] {
            let mut v = item();
            v["maxAmt"] = bad.clone();
            let err = parse_item(&v, day(), Category::CutFlowers).unwrap_err();
            assert!(err.starts_with("maxAmt "), "{bad}: {err}");
        }
        let mut v = item();
        v["totQty"] = json!(42);
        assert_eq!(
            parse_item(&v, day(), Category::CutFlowers)
                .unwrap()
                .quantity,
            42
        );
        v.as_object_mut().unwrap().remove("avgAmt");
        assert_eq!(
            parse_item(&v, day(), Category::CutFlowers).unwrap_err(),
            "avgAmt is missing"
        );
    }

    #[test]
    fn names_dates_and_categories_are_checked() {
        let reject = |field: &str, value: Value| {
            let mut v = item();
            v[field] = value;
            parse_item(&v, day(), Category::CutFlowers).unwrap_err()
        };
        assert_eq!(reject("pumName", json!("  ")), "pumName is empty");
        assert!(reject("goodName", json!(7)).starts_with("goodName is not a string"));
        assert!(reject("saleDate", json!("2026-11-3")).starts_with("saleDate is not"));
        assert!(reject("saleDate", json!("2026-02-30")).starts_with("saleDate is not"));
        assert!(reject("saleDate", json!("2026-11-24")).contains("not the requested day"));
        assert!(reject("flowerGubn", json!("난")).contains("does not match"));
        assert!(reject("goodName", json!("가".repeat(256))).contains("longer than"));
        // An empty grade is a real aT value; a missing one reads as empty.
        let mut v = item();
        v.as_object_mut().unwrap().remove("lvNm");
        assert_eq!(
            parse_item(&v, day(), Category::CutFlowers).unwrap().grade,
            ""
        );
        assert!(parse_item(&json!(["not", "an", "object"]), day(), Category::CutFlowers).is_err());
    }

    #[test]
    fn category_codes_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::from_code(i64::from(c.code())), Some(c));
        }
        assert_eq!(Category::from_code(5), None);
    }
}

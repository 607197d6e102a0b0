//! The bundled SAMPLE day (invented data in the aT f001 format, see
//! `sample/README.md`), served as if the API had answered it for the asked day.

use crate::auction_api::{FetchError, FetchedDay, read_page};
use crate::feed::Category;
use chrono::NaiveDate;
use serde_json::Value;

const SAMPLE: &str = include_str!("../sample/at-f001-cut-flowers.sample.json");

/// The sample's items for `date` (cut flowers only; other categories are empty).
pub fn day(date: NaiveDate, category: Category) -> Result<FetchedDay, FetchError> {
    let mut items = if category == Category::CutFlowers {
        read_page(SAMPLE.as_bytes())?
    } else {
        Vec::new()
    };
    let sale_date = Value::String(date.format("%Y-%m-%d").to_string());
    for item in &mut items {
        if let Some(object) = item.as_object_mut() {
            object.insert("saleDate".to_owned(), sale_date.clone());
        }
    }
    Ok(FetchedDay {
        pages: 1,
        pages_items: vec![items],
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::feed::parse_item;

    #[test]
    fn every_sample_row_is_valid_for_the_asked_day() {
        let date = NaiveDate::from_ymd_opt(2027, 3, 2).unwrap();
        let day = day(date, Category::CutFlowers).unwrap();
        let items = &day.pages_items[0];
        assert!((50..=120).contains(&items.len()), "{}", items.len());
        for item in items {
            let row = parse_item(item, date, Category::CutFlowers).unwrap();
            assert!(
                row.min_price <= row.avg_price && row.avg_price <= row.max_price,
                "{row:?}"
            );
        }
        assert_eq!(super::day(date, Category::Orchids).unwrap().rows(), 0);
    }
}

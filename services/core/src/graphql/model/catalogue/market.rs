//! The auction price board's types: one `AuctionPrice` per sale day, 품목,
//! 품종 and aT grade (`db::price_board`), shown by `auctionPriceBoard`,
//! `auctionPriceHistory` and `Flower.latestAuction`.

use crate::graphql::context::Context;
use crate::graphql::ids::gql_count;
use crate::graphql::model::catalogue::grade::GqlFlowerGrade;
use crate::graphql::pagination::output::PaginationOutputValue;
use crate::graphql::scalars::LocalDate;
use chrono::NaiveDate;
use db::price_board::BoardRow;
use juniper::{GraphQLEnum, GraphQLObject, graphql_object};

/// 시세 추세: the day's average price against the same grade's normal band
/// (P25–P75 of its average price over the previous 8 weeks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, GraphQLEnum)]
pub enum AuctionTrend {
    /// Above the band.
    #[graphql(name = "RISING")]
    Rising,
    /// Below the band.
    #[graphql(name = "FALLING")]
    Falling,
    /// Inside the band (bounds included): an ordinary swing.
    #[graphql(name = "NORMAL")]
    Normal,
    /// No price in the previous 8 weeks: nothing to compare with.
    #[graphql(name = "NEW")]
    New,
}

impl AuctionTrend {
    fn from_stored(stored: &str) -> Self {
        match stored {
            "RISING" => AuctionTrend::Rising,
            "FALLING" => AuctionTrend::Falling,
            "NORMAL" => AuctionTrend::Normal,
            // The table's CHECK allows nothing else.
            _ => AuctionTrend::New,
        }
    }
}

pub fn local_date(day: NaiveDate) -> LocalDate {
    LocalDate(day.and_time(chrono::NaiveTime::MIN))
}

/// 경매 시세: one aT grade of one variety on one sale day (prices in 원,
/// volume in 속), from the public aT flower auction.
pub struct AuctionPrice(pub BoardRow);

fn won(value: i64) -> i32 {
    gql_count(value)
}

#[graphql_object(context = Context)]
impl AuctionPrice {
    fn sale_date(&self) -> LocalDate {
        local_date(self.0.sale_date)
    }

    /// 품목 (e.g. 장미), as the auction names it.
    fn flower_type_name(&self) -> &str {
        &self.0.flower_type
    }

    /// 품종 (e.g. 블론디), as the auction names it.
    fn flower_name(&self) -> &str {
        &self.0.flower_name
    }

    /// The auction's grade as sent (특1, 상, 보2, …).
    fn auction_grade(&self) -> &str {
        &self.0.grade
    }

    /// The order grade it maps to (table `auction_grade_map`); null when unmapped.
    fn order_grade(&self) -> Option<GqlFlowerGrade> {
        self.0
            .order_grade
            .as_deref()
            .and_then(domain::FlowerGrade::from_korean)
            .map(|grade| match grade {
                domain::FlowerGrade::Upper => GqlFlowerGrade::Upper,
                domain::FlowerGrade::Middle => GqlFlowerGrade::Middle,
                domain::FlowerGrade::Lower => GqlFlowerGrade::Lower,
            })
    }

    /// 거래량 (속).
    fn quantity(&self) -> i32 {
        gql_count(self.0.quantity)
    }

    fn min_price(&self) -> i32 {
        won(self.0.min_price)
    }

    /// Volume-weighted when the auction sent the grade in several categories.
    fn avg_price(&self) -> i32 {
        won(self.0.avg_price)
    }

    fn max_price(&self) -> i32 {
        won(self.0.max_price)
    }

    /// 총 거래금액.
    fn total_price(&self) -> i32 {
        won(self.0.total_price)
    }

    /// The average price on the same weekday a week before; null if not traded then.
    fn prev_week_avg_price(&self) -> Option<i32> {
        self.0.prev_week_avg_price.map(won)
    }

    /// avgPrice − prevWeekAvgPrice.
    fn week_change(&self) -> Option<i32> {
        self.0
            .prev_week_avg_price
            .map(|prev| won(self.0.avg_price - prev))
    }

    /// The week's change in percent of prevWeekAvgPrice (one decimal).
    fn week_change_rate(&self) -> Option<f64> {
        let prev = self.0.prev_week_avg_price.filter(|p| *p > 0)?;
        let rate = (self.0.avg_price - prev) as f64 * 100.0 / prev as f64;
        Some((rate * 10.0).round() / 10.0)
    }

    /// The normal band's low end: P25 of the average price over the 8 weeks before.
    fn band_low(&self) -> Option<i32> {
        self.0.band_low.map(won)
    }

    /// The normal band's high end: P75 of the average price over the 8 weeks before.
    fn band_high(&self) -> Option<i32> {
        self.0.band_high.map(won)
    }

    /// Sale days the band was computed from.
    fn history_days(&self) -> i32 {
        self.0.history_days
    }

    fn trend(&self) -> AuctionTrend {
        AuctionTrend::from_stored(&self.0.trend)
    }
}

/// A page of one sale day's board.
#[derive(GraphQLObject)]
#[graphql(context = Context, impl = PaginationOutputValue)]
pub struct AuctionPriceBoardOutput {
    /// Rows the filter matches that day, on every page.
    pub result_count: i32,
    /// The sale day shown (the most recent one when none was asked); null when
    /// the board is empty.
    pub sale_date: Option<LocalDate>,
    pub items: Vec<AuctionPrice>,
}

//! Money in whole Korean won. KRW has no minor unit, so an `i64` of won is
//! exact; amounts are never negative (a price, a total, a fee), and every
//! arithmetic step is checked so a huge quantity cannot wrap silently.

use crate::error::ValueError;
use std::fmt;

/// A non-negative amount of won.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct Won(i64);

impl Won {
    pub const ZERO: Won = Won(0);

    pub fn new(amount: i64) -> Result<Self, ValueError> {
        if amount < 0 {
            Err(ValueError::NegativeAmount)
        } else {
            Ok(Won(amount))
        }
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Won) -> Result<Won, ValueError> {
        self.0
            .checked_add(other.0)
            .map(Won)
            .ok_or(ValueError::Overflow)
    }

    /// Unit price × quantity. A negative quantity is refused rather than
    /// producing a negative amount.
    pub fn checked_mul(self, quantity: i64) -> Result<Won, ValueError> {
        if quantity < 0 {
            return Err(ValueError::NegativeAmount);
        }
        self.0
            .checked_mul(quantity)
            .map(Won)
            .ok_or(ValueError::Overflow)
    }

    /// The sum of many amounts (a statement total), checked for overflow.
    pub fn checked_sum(amounts: impl IntoIterator<Item = Won>) -> Result<Won, ValueError> {
        amounts
            .into_iter()
            .try_fold(Won::ZERO, |acc, amount| acc.checked_add(amount))
    }
}

impl TryFrom<i64> for Won {
    type Error = ValueError;

    fn try_from(amount: i64) -> Result<Self, Self::Error> {
        Won::new(amount)
    }
}

impl From<Won> for i64 {
    fn from(amount: Won) -> i64 {
        amount.0
    }
}

impl fmt::Display for Won {
    /// Digits grouped by thousands, e.g. `1,234,567` (no currency sign, so
    /// callers can append `원` or put it in a column header).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        f.pad(&out)
    }
}

/// Splits a VAT-inclusive amount into `(supply, vat)` at the 10% rate.
///
/// `supply = round(total / 1.1)`, computed exactly as `(10·total + 5) / 11` in
/// integers (an exact half cannot occur, since `10·total / 11` never ends in
/// .5); `vat` is the remainder, so `supply + vat == total` always holds and a
/// printed statement adds up to what the customer pays.
pub fn vat_split(total: Won) -> (Won, Won) {
    // i128: 10·total cannot overflow; the quotient is ≤ total, so it fits i64.
    let supply = (i128::from(total.0) * 10 + 5) / 11;
    let supply = i64::try_from(supply).unwrap_or(total.0);
    (Won(supply), Won(total.0 - supply))
}

/// 10% VAT on a supply amount, rounded **down** to the won: fractions of a
/// won are cut off (원 미만 절사), the usual practice on Korean tax invoices
/// and statements, and it never charges the buyer more than 10%.
pub fn vat_on(supply: Won) -> Won {
    Won(supply.0 / 10)
}

/// Whether VAT applies to a statement line. Domestic cut flowers are
/// unprocessed agricultural products and exempt (면세); services such as
/// delivery are taxable (과세).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaxKind {
    Taxable,
    Exempt,
}

impl TaxKind {
    /// The VAT owed on `supply` under this kind.
    pub fn vat_on(self, supply: Won) -> Won {
        match self {
            TaxKind::Taxable => vat_on(supply),
            TaxKind::Exempt => Won::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn won(amount: i64) -> Won {
        Won::new(amount).unwrap()
    }

    #[test]
    fn negative_amounts_are_refused() {
        assert_eq!(Won::new(-1), Err(ValueError::NegativeAmount));
        assert_eq!(Won::new(i64::MIN), Err(ValueError::NegativeAmount));
        assert_eq!(Won::new(0), Ok(Won::ZERO));
        assert_eq!(Won::try_from(5), Ok(won(5)));
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(won(1_500).checked_mul(20), Ok(won(30_000)));
        assert_eq!(won(1_500).checked_mul(0), Ok(Won::ZERO));
        assert_eq!(won(3).checked_mul(-2), Err(ValueError::NegativeAmount));
        assert_eq!(won(i64::MAX).checked_add(won(1)), Err(ValueError::Overflow));
        assert_eq!(
            won(i64::MAX / 2 + 1).checked_mul(2),
            Err(ValueError::Overflow)
        );
        assert_eq!(won(2).checked_add(won(3)), Ok(won(5)));
    }

    #[test]
    fn sums_are_checked() {
        assert_eq!(Won::checked_sum([]), Ok(Won::ZERO));
        assert_eq!(
            Won::checked_sum([won(1_000), won(2_500), won(300)]),
            Ok(won(3_800))
        );
        assert_eq!(
            Won::checked_sum([won(i64::MAX), won(1)]),
            Err(ValueError::Overflow)
        );
    }

    #[test]
    fn display_groups_thousands() {
        for (amount, shown) in [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1_000, "1,000"),
            (12_345, "12,345"),
            (123_456, "123,456"),
            (1_234_567, "1,234,567"),
            (i64::MAX, "9,223,372,036,854,775,807"),
        ] {
            assert_eq!(won(amount).to_string(), shown);
        }
        assert_eq!(format!("{:>8}", won(1_000)), "   1,000");
    }

    #[test]
    fn vat_split_rounds_supply_and_always_adds_up() {
        assert_eq!(vat_split(won(11_000)), (won(10_000), won(1_000)));
        assert_eq!(vat_split(won(0)), (Won::ZERO, Won::ZERO));
        // 6 / 1.1 = 5.45 -> 5; 16 / 1.1 = 14.55 -> 15
        assert_eq!(vat_split(won(6)), (won(5), won(1)));
        assert_eq!(vat_split(won(16)), (won(15), won(1)));
        for total in (0..2_000).chain([123_457, 9_999_999, i64::MAX]) {
            let (supply, vat) = vat_split(won(total));
            assert_eq!(supply.get() + vat.get(), total);
            // The supply is the nearest whole won to total / 1.1.
            let exact = total as f64 / 1.1;
            if total < 1_000_000_000 {
                assert!((supply.get() as f64 - exact).abs() <= 0.5, "{total}");
            }
        }
    }

    #[test]
    fn vat_on_rounds_down() {
        assert_eq!(vat_on(won(10_000)), won(1_000));
        assert_eq!(vat_on(won(10_009)), won(1_000));
        assert_eq!(vat_on(won(9)), Won::ZERO);
        assert_eq!(TaxKind::Taxable.vat_on(won(5_000)), won(500));
        assert_eq!(TaxKind::Exempt.vat_on(won(5_000)), Won::ZERO);
    }

    #[test]
    fn serde_is_a_bare_number_and_refuses_negatives() {
        assert_eq!(serde_json::to_string(&won(1_500)).unwrap(), "1500");
        assert_eq!(serde_json::from_str::<Won>("1500").unwrap(), won(1_500));
        assert!(serde_json::from_str::<Won>("-1").is_err());
        assert_eq!(
            serde_json::to_string(&TaxKind::Exempt).unwrap(),
            "\"EXEMPT\""
        );
    }
}

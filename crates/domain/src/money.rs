//! Money in whole Korean won (KRW has no minor unit), never negative, with
//! overflow checked, printed with thousands separators, and the 10% VAT split.

use crate::error::ValueError;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Won(i64);

/// Whether VAT applies to a statement line. Domestic cut flowers are exempt
/// (unprocessed agricultural products); services such as delivery are taxable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxKind {
    Taxable,
    Exempt,
}

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

    pub fn checked_mul(self, quantity: i64) -> Result<Won, ValueError> {
        if quantity < 0 {
            return Err(ValueError::NegativeAmount);
        }
        self.0
            .checked_mul(quantity)
            .map(Won)
            .ok_or(ValueError::Overflow)
    }

    /// Splits a VAT-inclusive amount into (supply, VAT) at 10%. The supply is
    /// rounded half up, the VAT is the remainder, so the two always add up to
    /// the amount the customer pays.
    pub fn vat_split(self) -> (Won, Won) {
        let supply = (self.0 * 10 + 5) / 11;
        (Won(supply), Won(self.0 - supply))
    }

    /// 10% VAT on a supply amount, rounded down (the usual practice on 거래명세서).
    pub fn vat_on(self) -> Won {
        Won(self.0 / 10)
    }
}

impl fmt::Display for Won {
    /// `1,234,567`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_amounts_and_overflow_are_refused() {
        assert_eq!(Won::new(-1), Err(ValueError::NegativeAmount));
        assert_eq!(
            Won::new(i64::MAX).expect("max").checked_add(Won(1)),
            Err(ValueError::Overflow)
        );
        assert_eq!(Won(3).checked_mul(-2), Err(ValueError::NegativeAmount));
        assert_eq!(Won(1_500).checked_mul(20), Ok(Won(30_000)));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(Won(0).to_string(), "0");
        assert_eq!(Won(999).to_string(), "999");
        assert_eq!(Won(1_000).to_string(), "1,000");
        assert_eq!(Won(1_234_567).to_string(), "1,234,567");
    }

    #[test]
    fn vat_split_adds_up() {
        assert_eq!(Won(11_000).vat_split(), (Won(10_000), Won(1_000)));
        for total in [0, 1, 5, 999, 3_000, 123_457] {
            let (supply, vat) = Won(total).vat_split();
            assert_eq!(supply.get() + vat.get(), total);
        }
        assert_eq!(Won(10_009).vat_on(), Won(1_000));
    }
}

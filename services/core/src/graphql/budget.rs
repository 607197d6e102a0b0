//! What one request has spent of its query budget (charged by `cost`,
//! kept in the request's `Context`).

use crate::graphql::error::GqlError;
use domain::ErrorCode;
use std::sync::atomic::{AtomicU64, Ordering};

/// Values one request may produce: twice the largest page a wholesaler's
/// screen asks for (100 sheets × 100 lines with flowers, parties and totals
/// is about 92,000).
pub const BUDGET: u64 = 200_000;

/// What a request has spent of its budget so far.
#[derive(Debug, Default)]
pub struct Spent(AtomicU64);

impl Spent {
    /// Charges `cost`; refuses it when it would go over the budget.
    pub fn charge(&self, cost: u64) -> Result<(), GqlError> {
        let before = self.0.fetch_add(cost, Ordering::Relaxed);
        if before.saturating_add(cost) > BUDGET {
            return Err(GqlError::message(
                ErrorCode::InvalidData,
                format!(
                    "This request asks for too much at once (about {} values, at most {BUDGET}): \
                     ask for smaller pages or fewer fields.",
                    before.saturating_add(cost)
                ),
            ));
        }
        Ok(())
    }
}
